//! Real log output from public repositories and issue threads (tests/fixtures/logs, sources in
//! its SOURCES file) fed to the parser the way production feeds it: one CloudWatch event per
//! physical line, as the awslogs driver sends them, into a `LogBuffer` (the follow and
//! backfill paths call `LogBuffer::push` with each event's message). Each `NN-name.log` has a
//! `NN-name.json` beside it: the records an operator reads in it, in order, with their level,
//! how many physical lines fold into each, the message and the context. A message or context
//! ending in `…` is compared as a prefix; a `null` context means "none"; a missing key is not
//! checked.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use toadtop::logs::{Level, LogBuffer, LogRecord};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs")
}

fn samples() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".log").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

/// Feeds the sample one line per event, as awslogs sends it.
fn parse_sample(name: &str) -> Vec<LogRecord> {
    let bytes = fs::read(corpus_dir().join(format!("{name}.log"))).expect("sample");
    let text = String::from_utf8_lossy(&bytes);
    let (task, container): (Arc<str>, Arc<str>) = (Arc::from("task"), Arc::from("app"));
    let mut buf = LogBuffer::new(10_000);
    for (i, line) in text.split('\n').enumerate() {
        buf.push(&task, &container, i as i64, line);
    }
    buf.iter().cloned().collect()
}

/// Physical lines a record stands for: its first line, each continuation line and the
/// lines a `… N more lines` marker counts.
fn lines_held(r: &LogRecord) -> u64 {
    1 + r
        .stacktrace
        .iter()
        .map(|l| {
            l.strip_prefix("… ")
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(1)
        })
        .sum::<u64>()
}

fn level_name(l: Level) -> String {
    serde_json::to_value(l)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn text_matches(want: &str, got: &str) -> bool {
    match want.strip_suffix('…') {
        Some(prefix) => got.starts_with(prefix),
        None => want == got,
    }
}

/// Differences between what the parser made of a sample and what an operator reads in it.
fn check(name: &str) -> Vec<String> {
    let expected: Value = serde_json::from_str(
        &fs::read_to_string(corpus_dir().join(format!("{name}.json"))).expect("expectations"),
    )
    .expect("expectations are JSON");
    let expected = expected.as_array().expect("a list of records");
    let got = parse_sample(name);
    let mut problems = Vec::new();
    if got.len() != expected.len() {
        problems.push(format!(
            "{} records, expected {}: {:?}",
            got.len(),
            expected.len(),
            got.iter()
                .map(|r| (level_name(r.level), lines_held(r), short(&r.message)))
                .collect::<Vec<_>>()
        ));
    }
    for (i, (want, r)) in expected.iter().zip(&got).enumerate() {
        let level = level_name(r.level);
        if want["level"].as_str() != Some(level.as_str()) {
            problems.push(format!(
                "record {i}: level {level}, expected {}",
                want["level"]
            ));
        }
        if want["lines"].as_u64() != Some(lines_held(r)) {
            problems.push(format!(
                "record {i}: {} lines, expected {}",
                lines_held(r),
                want["lines"]
            ));
        }
        if let Some(m) = want.get("message").and_then(Value::as_str) {
            if !text_matches(m, &r.message) {
                problems.push(format!(
                    "record {i}: message {:?}, expected {m:?}",
                    r.message
                ));
            }
        }
        match want.get("context") {
            None => {}
            Some(Value::Null) if r.context.is_some() => {
                problems.push(format!(
                    "record {i}: context {:?}, expected none",
                    r.context
                ));
            }
            Some(Value::String(c)) if !r.context.as_deref().is_some_and(|g| text_matches(c, g)) => {
                problems.push(format!(
                    "record {i}: context {:?}, expected {c:?}",
                    r.context
                ));
            }
            Some(_) => {}
        }
    }
    problems
}

fn short(s: &str) -> String {
    s.chars().take(60).collect()
}

#[test]
fn real_logs_parse_as_an_operator_reads_them() {
    let names = samples();
    assert!(names.len() >= 60, "the corpus has {} samples", names.len());
    let mut failed = Vec::new();
    let (mut errors, mut missed) = (0, 0);
    for name in &names {
        let problems = check(name);
        if !problems.is_empty() {
            failed.push(format!("{name}:\n    {}", problems.join("\n    ")));
        }
        // What `--level error` would show of this sample, against what it should.
        let expected = serde_json::from_str::<Value>(
            &fs::read_to_string(corpus_dir().join(format!("{name}.json"))).expect("expectations"),
        )
        .expect("expectations are JSON");
        let want = expected
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| {
                matches!(
                    r["level"].as_str(),
                    Some("error" | "critical" | "alert" | "emergency")
                )
            })
            .count();
        let got = parse_sample(name)
            .iter()
            .filter(|r| r.level >= Level::Error)
            .count();
        errors += want;
        missed += want.saturating_sub(got);
    }
    eprintln!(
        "corpus: {}/{} samples parsed as expected; --level error shows {}/{} of the errors",
        names.len() - failed.len(),
        names.len(),
        errors - missed,
        errors
    );
    assert!(failed.is_empty(), "\n{}", failed.join("\n"));
}

/// Every sample says where it was cut from, and every source line names a sample.
#[test]
fn every_sample_has_a_source_and_expectations() {
    let names: BTreeSet<String> = samples().into_iter().collect();
    let sources = fs::read_to_string(corpus_dir().join("SOURCES")).expect("SOURCES");
    let listed: BTreeSet<String> = sources
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (file, source) = l.split_once('\t').expect("file<TAB>source");
            assert!(
                source.contains("github.com/") || source.contains('/'),
                "{l}"
            );
            file.strip_suffix(".log").expect("a .log file").to_owned()
        })
        .collect();
    assert_eq!(listed, names);
    for name in &names {
        assert!(
            corpus_dir().join(format!("{name}.json")).exists(),
            "{name}.json is missing"
        );
    }
}

/// `--level error` and the pane's level filter keep records whose level is at least Error:
/// every failure an operator would call an error in the corpus must be one.
#[test]
fn failures_in_the_corpus_pass_the_error_filter() {
    let mut errors = 0;
    for name in samples() {
        for r in parse_sample(&name) {
            let m = r.message.as_str();
            let failure = m.contains(" FAIL")
                || m.starts_with("PHP Fatal error")
                || m.contains("] Failed:")
                || m.ends_with("QueryException")
                || m.contains("QueryException:")
                || m.contains("\" 500 ")
                || m.contains("\" 502 ");
            if failure {
                errors += 1;
                assert!(r.level >= Level::Error, "{name}: {m:?} is {:?}", r.level);
            }
        }
    }
    assert!(errors >= 20, "only {errors} failures found");
}
