//! Log ingest throughput: parse + join + ring-buffer insert over a realistic mix (mostly
//! Laravel INFO lines, some JSON, nginx, php-fpm, supervisor, Artisan and stack traces sent
//! one event per line as awslogs does). Target: >= 500,000 lines/s.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use toadtop::logs::{parse_line, synthetic_event, LogBuffer};

const LINES: u64 = 100_000;

fn corpus() -> Vec<(usize, usize, String)> {
    let mut line = String::new();
    (0..LINES)
        .map(|i| {
            let (t, c) = synthetic_event(i, &mut line);
            (t, c, line.clone())
        })
        .collect()
}

fn logs(c: &mut Criterion) {
    let events = corpus();
    let tasks: Vec<Arc<str>> = (0..4)
        .map(|i| Arc::from(format!("0f3c9a2b7e5d4c1a8b6e{i:012x}")))
        .collect();
    let containers: Vec<Arc<str>> = vec![Arc::from("app"), Arc::from("nginx")];

    let mut group = c.benchmark_group("logs");
    group.throughput(Throughput::Elements(LINES));
    group.bench_function("ingest_100k_into_50k", |b| {
        b.iter(|| {
            let mut buf = LogBuffer::new(LogBuffer::DEFAULT_CAPACITY);
            for (i, (t, c, line)) in events.iter().enumerate() {
                buf.push(&tasks[*t], &containers[*c], i as i64, line);
            }
            buf
        })
    });
    // Steady state: the buffer is already full, every insert also evicts.
    let mut full = LogBuffer::new(LogBuffer::DEFAULT_CAPACITY);
    for (i, (t, c, line)) in events.iter().enumerate() {
        full.push(&tasks[*t], &containers[*c], i as i64, line);
    }
    group.bench_function("ingest_100k_full_buffer", |b| {
        b.iter(|| {
            for (i, (t, c, line)) in events.iter().enumerate() {
                full.push(&tasks[*t], &containers[*c], i as i64, line);
            }
            full.len()
        })
    });
    group.bench_function("parse_line_100k", |b| {
        b.iter(|| {
            events
                .iter()
                .map(|(_, _, line)| parse_line(line).message.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, logs);
criterion_main!(benches);
