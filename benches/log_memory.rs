//! Resident memory while ingesting 1,000,000 realistic lines into a 50,000-record buffer:
//! it must stay flat once the buffer is full (RSS at 1M <= 1.2 x RSS at 500k).
//! Run with `cargo bench --bench log_memory`; Linux only (reads /proc/self/status).

use std::sync::Arc;

use toadtop::logs::{synthetic_event, LogBuffer};

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let Some(start) = rss_kib() else {
        println!("log_memory: /proc/self/status not readable, skipping");
        return;
    };
    println!("log_memory: RSS at start: {:>8} KiB", start);
    let tasks: Vec<Arc<str>> = (0..4)
        .map(|i| Arc::from(format!("0f3c9a2b7e5d4c1a8b6e{i:012x}")))
        .collect();
    let containers: Vec<Arc<str>> = vec![Arc::from("app"), Arc::from("nginx")];
    let mut buf = LogBuffer::new(50_000);
    let mut line = String::new();
    let mut at_500k = 0;
    let mut at_1m = 0;
    let started = std::time::Instant::now();
    for i in 0..1_000_000u64 {
        let (t, c) = synthetic_event(i, &mut line);
        buf.push(&tasks[t], &containers[c], i as i64, &line);
        let n = i + 1;
        if n == 100_000 || n == 500_000 || n == 1_000_000 {
            let rss = rss_kib().unwrap_or(0);
            println!(
                "log_memory: RSS after {:>9} lines: {:>8} KiB ({:.1} MiB), {} records kept, {} evicted",
                n,
                rss,
                rss as f64 / 1024.0,
                buf.len(),
                buf.evicted()
            );
            match n {
                500_000 => at_500k = rss,
                1_000_000 => at_1m = rss,
                _ => {}
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "log_memory: 1,000,000 lines (generate + ingest) in {:.2} s = {:.0} lines/s",
        secs,
        1e6 / secs
    );
    assert!(buf.len() <= buf.capacity());
    let ratio = at_1m as f64 / at_500k as f64;
    println!("log_memory: RSS 1M / 500k = {ratio:.3} (limit 1.2)");
    assert!(
        ratio <= 1.2,
        "RSS grew after the buffer was full: {at_500k} KiB -> {at_1m} KiB"
    );
    println!("log_memory: OK, flat after warm-up");
}
