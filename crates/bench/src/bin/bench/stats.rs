//! Latency figures.
use std::time::Duration;

use serde::Serialize;

/// Percentiles and throughput of a run.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct Latency {
    /// Median, ms.
    pub p50: f64,
    /// 95th percentile, ms.
    pub p95: f64,
    /// 99th percentile, ms.
    pub p99: f64,
    /// Requests per second over the run.
    pub qps: f64,
}

/// The figures of `samples`, taken over `wall`.
pub fn latency(mut samples: Vec<Duration>, wall: Duration) -> Latency {
    if samples.is_empty() {
        return Latency::default();
    }
    samples.sort();
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0;
    Latency { p50: at(0.50), p95: at(0.95), p99: at(0.99), qps: samples.len() as f64 / wall.as_secs_f64() }
}

/// Resident memory of this process now and at its peak, in MiB (Linux).
pub fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (kib("VmRSS:") / 1024.0, kib("VmHWM:") / 1024.0)
}
