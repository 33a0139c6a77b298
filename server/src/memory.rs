//! The allocator. glibc gives a thread that finds the shared heap busy an arena of its own, up
//! to eight per core, and memory freed in one arena is not handed to another; and it keeps the
//! memory a burst of requests freed (a stalled disk queues hundreds) instead of returning it. So
//! the server limits itself to two arenas, and every minute hands free heap pages back to the
//! system, logging (at debug level, target `server::memory`) what the heap holds: in use, of
//! which SQLite's page caches and statements, and free but held. An operator's own
//! `MALLOC_ARENA_MAX` is left as it is. Figures: bench/README.md, "Soak".

use std::time::Duration;

/// How many arenas the server's threads share.
const ARENAS: i32 = 2;

/// How often free heap memory goes back to the system.
pub const HAND_BACK_EVERY: Duration = Duration::from_secs(60);

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

/// What the heap holds, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heap {
    /// Allocated and not yet freed (by Rust code and by SQLite alike).
    pub in_use: u64,
    /// Of `in_use`, what SQLite has allocated: page caches, prepared statements, schema.
    pub sqlite: u64,
    /// Freed but still held by the allocator.
    pub free: u64,
}

/// Reads the allocator's figures; `None` where the allocator is not glibc's.
pub fn heap() -> Option<Heap> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 only reads the allocator's counters; sqlite3_memory_used reads
        // SQLite's, and is safe from any thread.
        let (info, sqlite) = unsafe { (libc::mallinfo2(), libsqlite3_sys::sqlite3_memory_used()) };
        Some(Heap {
            // Small blocks from the arenas plus large ones mapped on their own.
            in_use: (info.uordblks + info.hblkhd) as u64,
            sqlite: sqlite.max(0) as u64,
            free: info.fordblks as u64,
        })
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}

/// Hands the heap's free pages back to the system.
pub fn hand_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases pages no allocation uses; it takes the arenas' locks
    // itself.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Every `period`: logs the heap's figures and hands its free pages back.
pub async fn hand_back_every(period: Duration) {
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick is at once; the heap is only worth a look after a while.
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let (Some(heap), Some(before)) = (heap(), resident("self")) else { return };
        hand_back();
        tracing::debug!(
            target: "server::memory",
            in_use_mib = mib(heap.in_use),
            sqlite_mib = mib(heap.sqlite),
            free_mib = mib(heap.free),
            resident_mib = mib(before),
            resident_after_mib = resident("self").map(mib).unwrap_or_default(),
            "heap"
        );
    }
}

/// The resident memory in bytes of the process `pid` ("self" for this one), from /proc; the
/// benchmarks read the server's with it too.
pub fn resident(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: u64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn mib(bytes: u64) -> f64 {
    (bytes as f64 / (1024.0 * 1024.0) * 10.0).round() / 10.0
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;
    use sqlx::Connection;

    #[test]
    fn freed_memory_goes_back_to_the_system() {
        // Many small blocks, so they come from the heap and not from maps of their own; every
        // hundredth stays, so the heap cannot simply shrink: the pages between must go back.
        let mut blocks: Vec<Vec<u8>> = (0..40_000).map(|i| vec![i as u8; 1000]).collect();
        let keep: Vec<Vec<u8>> = blocks.iter_mut().step_by(100).map(std::mem::take).collect();
        let filled = resident("self").expect("proc");
        drop(blocks);
        hand_back();
        let handed_back = resident("self").expect("proc");
        assert!(handed_back + 10_000_000 < filled, "resident {handed_back} after the hand back, {filled} before");
        assert_eq!(keep.len(), 400);
    }

    #[tokio::test]
    async fn sqlite_memory_is_counted() {
        let mut db = sqlx::SqliteConnection::connect("sqlite::memory:").await.expect("open");
        sqlx::query("CREATE TABLE t (x TEXT)").execute(&mut db).await.expect("create");
        let before = heap().expect("glibc").sqlite;
        sqlx::query("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO t SELECT printf('%0200d', i) FROM n")
            .execute(&mut db)
            .await
            .expect("fill");
        let after = heap().expect("glibc").sqlite;
        assert!(after > before + 1_000_000, "SQLite's memory {before} → {after}");
    }
}
