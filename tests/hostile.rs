//! Hostile text from AWS never reaches the terminal raw: escape sequences (CSI, OSC 52
//! clipboard writes, OSC 8 links), C0/C1 controls, bidi controls, zero-width characters and
//! huge lines, seeded into the test server where an attacker (or a broken app) could put
//! them: log events, service events, stop reasons, container names, images and env values.
//! Checked on the bytes of `--once` (JSON and table), `toadtop logs` (text and JSON) and
//! of the TUI in a pseudo-terminal.
//!
//! Invalid UTF-8 cannot travel through the CloudWatch API (JSON text); the SDK hands us
//! `String`s. The parser's handling of any bytes is covered by the property tests in
//! src/logs/props_tests.rs.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::Duration;

use pty::Tui;
use serde_json::{json, Value};
use support::{Run, TestBed};

/// A guard against hangs, not a performance bound.
const LIMIT: Duration = Duration::from_secs(60);

/// Every kind of trouble in one string. What survives sanitizing is the visible text:
/// `click`, `gnp.exe`, `zw`, `red`, `bell`, `rtl`; the payloads (`SGFja2Vk`, the link
/// target, the window title `pwn3d`) must vanish.
const HOSTILE: &str = "\u{1b}]52;c;SGFja2Vk\u{7}\u{1b}]8;;https://evil.example/\u{1b}\\click\u{1b}]8;;\u{1b}\\ \u{202e}gnp.exe\u{2066}x\u{2069} z\u{200b}w\u{feff} \u{9b}2J\u{9d}0;pwn3d\u{9c} \u{1b}[2J\u{1b}[31mred\u{1b}[0m bell\u{7} \u{85}\u{202b}rtl\u{200f}";

/// Text that must not appear anywhere in any output.
const PAYLOADS: [&str; 3] = ["SGFja2Vk", "evil.example", "pwn3d"];

/// Characters that must never be written raw: controls other than newline (and tab), C1,
/// bidi controls and marks, zero-width and other invisible characters.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2060}'
                | '\u{feff}'
                | '\u{61c}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `what` (one stream of one run) has no forbidden character, no payload and, for JSON,
/// not even an escaped ESC: the data is sanitized, not just escaped.
fn assert_clean(what: &str, text: &str) {
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| forbidden(c)) {
        let from = text[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
        panic!(
            "{what}: U+{:04X} at byte {i}, after {:?}",
            c as u32,
            &text[from..i]
        );
    }
    for p in PAYLOADS {
        assert!(!text.contains(p), "{what}: the payload {p:?} got through");
    }
    assert!(
        !text.to_ascii_lowercase().contains("\\u001b"),
        "{what}: an escaped ESC"
    );
}

fn assert_run_clean(what: &str, run: &Run) {
    assert_eq!(run.code, Some(0), "{what}: {run}");
    assert_clean(&format!("{what} stdout"), &run.stdout);
    assert_clean(&format!("{what} stderr"), &run.stderr);
}

/// What `seed_hostile` planted.
struct Planted {
    /// The web task whose php log stream got the hostile lines.
    web_task: String,
}

/// Plants `HOSTILE` in production: log lines of a running web task (a Laravel error with
/// context and a stack frame, a JSON record, a 300 kB line), a service event of web, the
/// stop reasons of its stopped task, and a service `zz-evil` whose task definition has a
/// hostile container name, image and environment value.
fn seed_hostile(bed: &TestBed) -> Planted {
    let web = &bed.services("production")["web"];
    let tasks = web["tasks"].as_array().expect("web tasks");
    let running = tasks
        .iter()
        .find(|t| t["desiredStatus"] == "RUNNING")
        .and_then(|t| t["id"].as_str())
        .expect("a running web task")
        .to_string();
    let stopped = tasks
        .iter()
        .find(|t| t["lastStatus"] == "STOPPED")
        .and_then(|t| t["id"].as_str())
        .expect("a stopped web task")
        .to_string();

    let stream = format!("web/php/{running}");
    for line in [
        format!(
            "[2026-11-26 06:01:02] production.ERROR: boom {HOSTILE} {{\"user\":\"{}\"}} []",
            HOSTILE.replace('\\', "\\\\")
        ),
        format!("#0 /var/www/html/app.php(12): {HOSTILE}"),
        json!({"message": HOSTILE, "level": 400, "level_name": "ERROR", "channel": HOSTILE})
            .to_string(),
    ] {
        bed.put_log_event("/ecs/laravel-production", &stream, &line);
    }
    // Built in python: 300 kB does not fit in one command-line argument.
    bed.boto(
        r#"
line = '[2026-11-26 06:01:03] production.INFO: big ' + 'y' * (300 * 1024) + args['h']
logs.put_log_events(logGroupName=args['group'], logStreamName=args['stream'],
                    logEvents=[{'timestamp': now_ms, 'message': line}])
"#,
        &json!({"h": HOSTILE, "group": "/ecs/laravel-production", "stream": stream}),
    );

    let (code, body) = bed.post(
        "/_toadtop/service",
        &json!({"cluster": "production", "service": "web", "events": [{"message": HOSTILE}]}),
    );
    assert_eq!(code, 200, "{body}");
    let (code, body) = bed.post(
        "/_toadtop/task",
        &json!({"cluster": "production", "task": stopped, "stoppedReason": HOSTILE,
                "containers": [{"name": "php", "reason": HOSTILE}]}),
    );
    assert_eq!(code, 200, "{body}");

    let net = &bed.summary["network"];
    bed.boto(
        r#"
h = args['h']
td = ecs.register_task_definition(
    family='laravel-evil', networkMode='awsvpc', requiresCompatibilities=['FARGATE'],
    cpu='256', memory='512',
    containerDefinitions=[
        {'name': 'php', 'image': 'app:v1' + h, 'cpu': 128, 'memory': 256, 'essential': True,
         'environment': [{'name': 'NOTE', 'value': h}]},
        {'name': 'side' + h, 'image': 'nginx:' + h, 'cpu': 128, 'memory': 256, 'essential': False},
    ])['taskDefinition']['taskDefinitionArn']
net = {'awsvpcConfiguration': {'subnets': args['subnets'], 'securityGroups': [args['sg']],
                               'assignPublicIp': 'DISABLED'}}
ecs.create_service(cluster='production', serviceName='zz-evil', taskDefinition=td,
                   desiredCount=1, launchType='FARGATE', networkConfiguration=net)
ecs.run_task(cluster='production', taskDefinition=td, count=1, launchType='FARGATE',
             networkConfiguration=net, group='service:zz-evil', startedBy='seed')
"#,
        &json!({"h": HOSTILE, "subnets": net["subnets"], "sg": net["securityGroup"]}),
    );
    Planted { web_task: running }
}

#[test]
fn once_json_and_table_print_no_raw_escapes() {
    let bed = TestBed::seeded();
    seed_hostile(&bed);

    let run = bed.run(
        ["--once", "--output", "json", "--cluster", "production"],
        LIMIT,
    );
    assert_run_clean("--once json", &run);
    let doc = run.json();
    let services = doc["clusters"][0]["services"].as_array().expect("services");
    let named = |n: &str| {
        services
            .iter()
            .find(|s| s["name"] == n)
            .unwrap_or_else(|| panic!("no {n} in {doc}"))
    };
    // The data is still there, defanged.
    let web = named("web");
    assert!(
        web["events"].as_array().expect("events").iter().any(|e| {
            let m = e["message"].as_str().unwrap_or_default();
            m.contains("click") && m.contains("gnp.exe") && m.contains("red")
        }),
        "{web}"
    );
    assert!(
        web["tasks"].as_array().expect("tasks").iter().any(|t| {
            t["stopped_reason"]
                .as_str()
                .is_some_and(|r| r.contains("click"))
                && t["containers"][0]["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("gnp.exe"))
        }),
        "{web}"
    );
    let evil = named("zz-evil");
    let images: Vec<&str> = evil["containers"]
        .as_array()
        .expect("containers")
        .iter()
        .filter_map(|c| c["image"].as_str())
        .collect();
    assert!(
        images
            .iter()
            .any(|i| i.starts_with("app:v1") && i.contains("gnp.exe")),
        "{images:?}"
    );
    // An image is also a key (of `findings`): keys are sanitized too.
    assert!(evil["containers"][1]["name"]
        .as_str()
        .is_some_and(|n| n.starts_with("sideclick")));

    let run = bed.run(["--once", "--cluster", "production"], LIMIT);
    assert_run_clean("--once table", &run);
    let evil_row = run
        .stdout
        .lines()
        .find(|l| l.starts_with("zz-evil"))
        .unwrap_or_else(|| panic!("no zz-evil row:\n{}", run.stdout));
    assert!(evil_row.contains("gnp.exe"), "{evil_row}");
    // Each row stays one line: the hostile text held no line break that survived.
    assert!(run.stdout.lines().all(|l| l.chars().count() < 2000));
}

#[test]
fn logs_text_and_json_print_no_raw_escapes() {
    let bed = TestBed::seeded();
    let planted = seed_hostile(&bed);
    let task = &planted.web_task[..8];
    let base = [
        "logs",
        "--cluster",
        "production",
        "--service",
        "web",
        "--task",
        task,
        "--container",
        "php",
    ];

    let run = bed.run(base.iter().copied().chain(["--output", "json"]), LIMIT);
    assert_run_clean("logs json", &run);
    let records: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let boom = records
        .iter()
        .find(|r| {
            r["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("boom "))
        })
        .unwrap_or_else(|| panic!("no hostile error record in {records:?}"));
    assert_eq!(boom["level"], "ERROR");
    let msg = boom["message"].as_str().unwrap_or_default();
    assert!(msg.contains("click") && msg.contains("gnp.exe"), "{msg}");
    assert!(
        boom["context"]
            .as_str()
            .is_some_and(|c| c.contains("click")),
        "{boom}"
    );
    assert!(
        boom["stacktrace"][0]
            .as_str()
            .is_some_and(|l| l.starts_with("#0 /var/www/html/app.php(12): ") && l.contains("zw")),
        "{boom}"
    );
    assert!(
        records
            .iter()
            .any(|r| r["channel"].as_str().is_some_and(|c| c.contains("gnp.exe"))),
        "the JSON record's channel"
    );

    let run = bed.run(base, LIMIT);
    assert_run_clean("logs text", &run);
    let big = run
        .stdout
        .lines()
        .find(|l| l.contains("production: big "))
        .unwrap_or_else(|| {
            panic!(
                "no big line:\n{}",
                &run.stdout[..run.stdout.len().min(4000)]
            )
        });
    // 300 kB plus the hostile tail, cut at 256 KiB: the tail is gone, the cut is said.
    assert!(big.ends_with(" bytes cut]"), "{}", &big[big.len() - 80..]);
    assert!(!big.contains("click"));
}

/// The TUI draws the hostile service, its detail, its task definition and its logs; the
/// byte stream holds toadtop's own CSI sequences only: no OSC at all (toadtop writes OSC 52
/// only when `y` is pressed), no payload, no C1, bidi or invisible character.
#[test]
fn the_tui_never_writes_hostile_text_raw() {
    let bed = TestBed::seeded();
    seed_hostile(&bed);
    let mut tui = Tui::start(&bed, &bed.endpoint, 200, 50, &["--cluster", "production"]);
    tui.wait_for("the services, zz-evil with its image", LIMIT, |s| {
        s.contains("services · production")
            && s.lines()
                .any(|l| l.contains("zz-evil") && l.contains("gnp.exe"))
    });

    // scheduler, web, worker, zz-evil: one down is web.
    tui.send("j");
    tui.send("i");
    tui.wait_for("web's detail with the hostile event", LIMIT, |s| {
        s.contains("service production/web")
            && s.lines()
                .any(|l| l.contains("click") && l.contains("gnp.exe") && l.contains("red"))
    });
    tui.send("\u{1b}");
    tui.wait_for("the services again", LIMIT, |s| {
        !s.contains("service production/web")
    });

    tui.send("l");
    tui.wait_for("the hostile log records", LIMIT, |s| {
        s.contains(" logs · ")
            && s.lines().any(|l| l.contains("boom") && l.contains("click"))
            && s.contains("production: big yyy")
    });
    tui.send("\u{1b}");
    tui.wait_for("the services again", LIMIT, |s| !s.contains(" logs · "));

    // zz-evil: its task definition, hostile container name, image and env value.
    tui.send("j");
    tui.send("j");
    tui.send("t");
    tui.wait_for("zz-evil's task definition", LIMIT, |s| {
        s.contains("laravel-evil:1") && s.contains("sideclick") && s.contains("NOTE")
    });

    tui.send("q");
    let (status, raw) = tui.finish(LIMIT);
    assert!(status.success(), "exit status {status:?}");
    assert!(!raw.contains("\u{1b}]"), "an OSC sequence was written");
    assert!(!raw.contains('\u{7}'), "a BEL was written");
    for p in PAYLOADS {
        assert!(!raw.contains(p), "the payload {p:?} reached the terminal");
    }
    let strange: Vec<String> = raw
        .chars()
        .filter(|&c| c != '\u{1b}' && c != '\r' && forbidden(c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(strange.is_empty(), "raw characters: {strange:?}");
}
