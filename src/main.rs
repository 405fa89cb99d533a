//! The `roadbook` binary: parse the command line, run it, exit.
//! Usage errors exit with status 2 (clap's convention and the contract's).

use clap::Parser;

/// syntect's regex engine (onig, in C) allocates and frees a little for
/// every token, so a build spent about a fifth of its instructions in the
/// system allocator. mimalloc is cheaper; with its `override` feature it
/// also serves the C code's `malloc`. A large build is about 10% faster
/// (README, Performance).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    roadbook::allocator::no_huge_pages();
    roadbook::allocator::purge_freed_memory(roadbook::allocator::Purge::Soon);
    roadbook::cli::run(roadbook::cli::Cli::parse())
}
