//! When the binary's allocator hands freed memory back to the system.
//!
//! The `roadbook` binary allocates with mimalloc (`src/main.rs`), which
//! keeps freed memory for a while before returning it: 10 ms unless told
//! otherwise. A build and a `serve` session want opposite things of that
//! delay, so each command says which it is.

use std::sync::OnceLock;

/// How soon freed memory goes back to the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// After 2 ms, for a build: it frees pages as fast as it renders
    /// them, and with the default delay its peak memory at 10,000 pages
    /// is 15% higher. With no delay at all memory is lowest, but returning
    /// and faulting pages back in costs 0.3 s of system time
    /// (benches/compare.sh, 10,000 pages).
    Soon,
    /// After 100 ms, for `serve`: a rebuild after an edit that resolves
    /// the site again frees and allocates the same hundred megabytes
    /// within a few hundred milliseconds, and returning them to fault
    /// them back in a moment later took a tenth of such a rebuild at
    /// 10,000 pages (examples/rebuild). The cost is memory: mimalloc
    /// purges as it allocates and frees, not on a timer, so what a
    /// rebuild freed last stays with the process while the preview is
    /// idle (at 10,000 pages about 50 MiB more than with 2 ms).
    Late,
}

/// The index of `mi_option_purge_delay` in mimalloc's option enum (2.1 and
/// later); libmimalloc-sys exports no constant for it.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc's own default for that option.
const DEFAULT_DELAY_MS: std::ffi::c_long = 10;

/// Sets the delay for `purge`. It is left alone when it did not hold
/// mimalloc's default before the first call: chosen with
/// `MIMALLOC_PURGE_DELAY`, or a renumbered enum in a later mimalloc.
#[allow(unsafe_code)]
pub fn purge_freed_memory(purge: Purge) {
    static CHOSEN_ELSEWHERE: OnceLock<bool> = OnceLock::new();
    let ms = match purge {
        Purge::Soon => 2,
        Purge::Late => 100,
    };
    // SAFETY: getting and setting an option are plain calls into the
    // allocator, allowed at any time from any thread.
    unsafe {
        let elsewhere = *CHOSEN_ELSEWHERE
            .get_or_init(|| libmimalloc_sys::mi_option_get(PURGE_DELAY) != DEFAULT_DELAY_MS);
        if !elsewhere {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, ms);
        }
    }
}
