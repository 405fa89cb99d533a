//! When the binary's allocator hands freed memory back to the system.
//!
//! The `roadbook` binary allocates with mimalloc (`src/main.rs`), which
//! keeps freed memory for a while before returning it: 10 ms unless told
//! otherwise. The binary sets a short delay ([`Purge`]) and turns whole
//! 2 MiB pages off ([`no_huge_pages`]).

/// How soon freed memory goes back to the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// After 2 ms. A build frees pages as fast as it renders them, and
    /// with mimalloc's default delay its peak memory is higher
    /// (benches/compare.sh prints peak memory). `serve` keeps one site in
    /// memory between rebuilds, and what a rebuild frees goes back rather
    /// than staying at the rebuild's peak for the rest of the session
    /// (examples/serve-bench prints the memory curve).
    Soon,
}

/// The index of `mi_option_purge_delay` in mimalloc's option enum (2.1 and
/// later); libmimalloc-sys exports no constant for it.
#[cfg(feature = "mimalloc")]
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc's own default for that option.
#[cfg(feature = "mimalloc")]
const DEFAULT_DELAY_MS: std::ffi::c_long = 10;

/// Sets the delay for `purge`. It is left alone when it did not hold
/// mimalloc's default before the first call: chosen with
/// `MIMALLOC_PURGE_DELAY`, or a renumbered enum in a later mimalloc.
/// Without the `mimalloc` feature (the fuzz targets) there is nothing to
/// set.
#[cfg(feature = "mimalloc")]
#[allow(unsafe_code)]
pub fn purge_freed_memory(purge: Purge) {
    static CHOSEN_ELSEWHERE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ms = match purge {
        Purge::Soon => 2,
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

/// See the `mimalloc` build of this function.
#[cfg(not(feature = "mimalloc"))]
pub fn purge_freed_memory(_purge: Purge) {}

/// Turns transparent huge pages off for the process (Linux; elsewhere it
/// does nothing). mimalloc asks the kernel for them on the memory it
/// reserves, and the kernel then zeroes 2 MiB at the first touch of any
/// byte of one: `perf` showed half the CPU time of `serve`'s first rebuild
/// in that zeroing, and a build's peak memory is higher for pages partly
/// used (benches/compare.sh prints it; `THP_enabled` in `/proc/PID/status`
/// says whether this took).
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

/// Hands back what every thread's heap holds free. mimalloc returns a page
/// to the system only from the thread that owns it, and a page freed by
/// another thread waits in its owner's list until the owner allocates
/// again: after a rebuild, what the render threads allocated and the
/// session has since dropped (a whole site, after a settings edit) would
/// stay resident while those threads sit idle.
#[cfg(feature = "mimalloc")]
#[allow(unsafe_code)]
pub fn collect_everywhere() {
    // SAFETY: mi_collect only walks the calling thread's own heap; it is
    // allowed at any time on any thread.
    rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
    unsafe { libmimalloc_sys::mi_collect(true) };
}

/// See the `mimalloc` build of this function.
#[cfg(not(feature = "mimalloc"))]
pub fn collect_everywhere() {}
