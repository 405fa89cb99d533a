//! When the binary's allocator hands freed memory back to the system.
//!
//! The `roadbook` binary allocates with mimalloc (`src/main.rs`), which
//! keeps freed memory for a while before returning it: 10 ms unless told
//! otherwise. A build and a `serve` session want opposite things of that
//! delay, so each command says which it is. Both want whole 2 MiB pages
//! off ([`no_huge_pages`]).

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
    /// Never, for `serve`: a rebuild after an edit that resolves the site
    /// again frees and allocates the same hundred megabytes every time,
    /// and with any delay shorter than the pause between two saves what
    /// one rebuild freed went back to the system to be faulted back in by
    /// the next: thousands of page faults a rebuild at 10,000 pages.
    /// Eight moving edits 1.2 s apart, two interleaved rounds: with 100 ms
    /// `serve` took medians of 75 and 79 ms, never 65.5 and 69.5. The
    /// process keeps its peak memory while the preview runs: at 10,000
    /// pages 493 MB after six edits, where 100 ms left 438 MB (peak 473).
    Never,
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
        Purge::Never => -1,
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

/// Turns transparent huge pages off for the process (Linux; elsewhere it
/// does nothing). mimalloc asks the kernel for them on the memory it
/// reserves, and the kernel then zeroes 2 MiB at the first touch of any
/// byte of one. In `serve`, the first rebuild after the site was built
/// spent half its CPU time in such zeroing (10,000 pages: 150–185 ms
/// where later ones took about 85; about 100 without them), and a
/// build's peak memory was 5–10% higher for pages partly used
/// (benches/compare.sh). Later rebuilds took as long either way.
#[allow(unsafe_code)]
pub fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and sets a flag of
    // the process; it touches no memory of ours. It fails only on kernels
    // without it, where there is nothing to turn off.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
