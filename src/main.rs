//! The `roadbook` binary: parse the command line, run it, exit.
//! Usage errors exit with status 2 (clap's convention and the contract's).

use clap::Parser;

fn main() -> std::process::ExitCode {
    roadbook::cli::run(roadbook::cli::Cli::parse())
}
