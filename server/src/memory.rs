//! The allocator's arenas. glibc gives a thread that finds the shared heap busy an arena of its
//! own, up to eight per core, and memory freed in one arena is not handed to another. In the
//! 30-minute soak (bench/README.md) two arenas made the server start lower and rise less
//! (47 → 66 MiB, against 50 → 76 MiB with the default), at the same latency between stalls.
//! An operator's own `MALLOC_ARENA_MAX` is left as it is.

/// How many arenas the server's threads share.
const ARENAS: i32 = 2;

/// Limits glibc's arenas to [`ARENAS`]. Call it first, before any thread is started.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tunable of the allocator; it is called before other
        // threads exist, and M_ARENA_MAX with a positive value is always accepted.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, ARENAS);
        }
    }
}
