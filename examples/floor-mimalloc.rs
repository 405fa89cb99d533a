//! The benchmark floor (`examples/floor.rs`) with the allocator roadbook's
//! binary uses, so that `benches/compare.sh` can show how much of
//! roadbook's lead over the plain floor is the allocator's.
//!
//! ```text
//! cargo run --release --example floor-mimalloc -- --threads 2 CONTENT_DIR OUT_DIR
//! ```

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "floor.rs"]
mod floor;

fn main() -> std::process::ExitCode {
    floor::main()
}
