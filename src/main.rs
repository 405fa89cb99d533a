//! The `roadbook` binary: parse the command line, run it, exit.
//! Usage errors exit with status 2 (clap's convention and the contract's).

use clap::Parser;

/// syntect's regex engine (onig, in C) allocates and frees a little for
/// every token, so a build spent about a fifth of its instructions in the
/// system allocator. mimalloc is cheaper; with its `override` feature it
/// also serves the C code's `malloc`. A large build is about 10% faster
/// (README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Has mimalloc hand freed memory back to the system after 2 ms instead
/// of 10. A build frees pages as fast as it renders them; with the default
/// delay, peak memory at 10,000 pages is 15% higher. With no delay at all
/// memory is lowest but the constant returning and re-faulting of pages
/// costs 0.3 s of system time (benches/compare.sh, 10,000 pages).
#[allow(unsafe_code)]
fn purge_freed_memory_sooner() {
    // The index of `mi_option_purge_delay` in mimalloc's option enum (2.1
    // and later); libmimalloc-sys exports no constant for it.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: getting and setting an option are plain calls into the
    // allocator, allowed at any time from any thread.
    unsafe {
        // Only when that option holds the purge delay's default (10 ms),
        // so that a renumbered enum in a later mimalloc is left alone, as
        // is a delay chosen with MIMALLOC_PURGE_DELAY.
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == 10 {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 2);
        }
    }
}

fn main() -> std::process::ExitCode {
    purge_freed_memory_sooner();
    roadbook::cli::run(roadbook::cli::Cli::parse())
}
