//! What the benchmarks read of a server process while it runs (Linux /proc). Each example
//! uses some of them.
#![allow(dead_code)]

/// Resident memory of a process, MiB (NaN when it cannot be read).
pub fn rss_mib(pid: u32) -> f64 {
    server::memory::resident(&pid.to_string()).map_or(f64::NAN, |bytes| bytes as f64 / (1024.0 * 1024.0))
}

/// User + system CPU seconds a process has used so far.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Open file descriptors of a process (sockets included).
pub fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0)
}

/// User + system CPU seconds of a process and of every process it started, running or ended
/// (the kernel adds an ended child's time to its parent once the parent has waited for it).
pub fn tree_cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ended: f64 = fields.get(13)?.parse::<f64>().ok()? + fields.get(14)?.parse::<f64>().ok()?;
    let mut total = cpu_seconds(pid)? + ended / 100.0;
    for entry in std::fs::read_dir("/proc").ok()?.filter_map(Result::ok) {
        let Some(child) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let parent = std::fs::read_to_string(format!("/proc/{child}/stat"))
            .ok()
            .and_then(|s| s.rsplit(')').next()?.split_whitespace().nth(1)?.parse::<u32>().ok());
        if parent == Some(pid) {
            total += tree_cpu_seconds(child).unwrap_or(0.0);
        }
    }
    Some(total)
}

/// The process id of the PostgreSQL server behind `url` when it runs on this machine (read
/// from its data directory's `postmaster.pid`), for its CPU time; `None` for SQLite or when
/// it cannot be read.
pub async fn postgres_server_pid(url: &str) -> Option<u32> {
    use sqlx::Connection;
    if !url.starts_with("postgres") {
        return None;
    }
    let mut db = sqlx::PgConnection::connect(url).await.ok()?;
    let (folder,): (String,) = sqlx::query_as("SHOW data_directory").fetch_one(&mut db).await.ok()?;
    let _ = db.close().await;
    std::fs::read_to_string(format!("{folder}/postmaster.pid")).ok()?.lines().next()?.trim().parse().ok()
}

/// Busy and total CPU seconds of the whole machine so far, over all cores (the first line of
/// /proc/stat: everything but idle and I/O wait is busy).
pub fn machine_cpu_seconds() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<f64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|t| t.parse().ok()).collect();
    let total: f64 = ticks.iter().take(8).sum();
    let idle = ticks.get(3)? + ticks.get(4)?;
    Some(((total - idle) / 100.0, total / 100.0))
}
