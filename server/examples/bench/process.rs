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
