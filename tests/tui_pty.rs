//! End to end: the real `toadtop` binary in a pseudo-terminal, against the seeded test
//! bed, with its screen read back through a VT100 emulator. Keys go in as the bytes a
//! terminal would send.
//!
//! Timeouts here only stop a broken run from hanging; nothing asserts on timing.

mod support;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};
use support::TestBed;

/// Generous: a guard against hangs, not a performance bound.
const TIMEOUT: Duration = Duration::from_secs(20);

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";

/// Leaving the alternate screen and showing the cursor, as crossterm writes them.
const LEAVE_ALT_SCREEN: &str = "\x1b[?1049l";
const ENTER_ALT_SCREEN: &str = "\x1b[?1049h";
const SHOW_CURSOR: &str = "\x1b[?25h";
const HIDE_CURSOR: &str = "\x1b[?25l";

/// `toadtop` running in a pseudo-terminal of a fixed size.
struct Tui {
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote, for checks on the escape sequences themselves.
    raw: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    // Kept open for the life of the child: dropping the master hangs up the terminal.
    _master: Box<dyn MasterPty + Send>,
}

impl Tui {
    /// The binary against `bed`, as `bed.toadtop()` would run it, plus `args`.
    fn start(bed: &TestBed, cols: u16, rows: u16, args: &[&str]) -> Tui {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_toadtop"));
        for var in support::UNSET_ENV {
            cmd.env_remove(var);
        }
        for (key, value) in bed.env_pairs() {
            cmd.env(key, value);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(bed.home.path());
        cmd.args(["--endpoint-url", &bed.endpoint]);
        cmd.args(args);
        Tui::spawn(cmd, cols, rows)
    }

    fn spawn(cmd: CommandBuilder, cols: u16, rows: u16) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let child = pair
            .slave
            .spawn_command(cmd)
            .expect("spawn toadtop in the pty");
        // Only the child may hold the slave side, so the reader sees EOF when it exits.
        drop(pair.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut source = pair.master.try_clone_reader().expect("pty reader");
        let reader = {
            let (parser, raw) = (Arc::clone(&parser), Arc::clone(&raw));
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match source.read(&mut buf) {
                        // EOF, or EIO on Linux once the last slave descriptor closes.
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            raw.lock().unwrap().extend_from_slice(&buf[..n]);
                            parser.lock().unwrap().process(&buf[..n]);
                        }
                    }
                }
            })
        };
        let writer = pair.master.take_writer().expect("pty writer");
        Tui {
            parser,
            raw,
            reader: Some(reader),
            writer,
            child,
            _master: pair.master,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Polls the screen until `pred` holds; panics with the screen after `TIMEOUT`.
    ///
    /// Everything a test checks goes in `pred`, not in asserts on the returned screen:
    /// the reader can hand the emulator half a frame, so a screen that matches part of
    /// what is expected may not show the rest yet.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until every one of `texts` is on screen.
    fn wait_all(&self, texts: &[&str]) -> String {
        self.wait_for(&format!("all of {texts:?}"), |s| {
            texts.iter().all(|t| s.contains(t))
        })
    }

    fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Esc on its own: a byte following it too soon would make it Alt+that key, so wait
    /// until the screen shows Esc took effect before anything else is sent.
    fn esc_until(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.send(ESC);
        self.wait_for(what, pred)
    }

    /// Waits for the process to end, then for the reader to drain the pty, and returns
    /// the exit status and every byte the program wrote.
    fn finish(mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() > deadline {
                panic!("toadtop did not exit; the screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The wait the brief asks for; the process is already reaped, so this is quick.
        let status = self.child.wait().map(|_| status).expect("wait");
        if let Some(reader) = self.reader.take() {
            let deadline = Instant::now() + TIMEOUT;
            while !reader.is_finished() {
                assert!(
                    Instant::now() < deadline,
                    "pty output did not end after exit"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            reader.join().expect("reader thread");
        }
        let raw = String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned();
        (status, raw)
    }
}

impl Drop for Tui {
    /// A failed test must not leave the binary running.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The first 8 characters of a task id, as the tasks list shows it.
fn short(id: &str) -> &str {
    &id[..8]
}

/// Asserts the run ended with the terminal given back: the alternate screen left and the
/// cursor shown, after the last time either was taken.
fn assert_terminal_restored(raw: &str) {
    assert_terminal_restored_then(raw, "");
}

/// `assert_terminal_restored`, with `after` (line ends as `\n`) the only text written on
/// the main screen afterwards.
fn assert_terminal_restored_then(raw: &str, after: &str) {
    let last = |seq: &str| raw.rfind(seq);
    let left = last(LEAVE_ALT_SCREEN).expect("never left the alternate screen");
    assert!(
        last(ENTER_ALT_SCREEN).is_some_and(|entered| entered < left),
        "alternate screen entered after it was left"
    );
    let shown = last(SHOW_CURSOR).expect("cursor never shown again");
    assert!(
        last(HIDE_CURSOR).is_none_or(|hidden| hidden < shown),
        "cursor hidden after it was last shown"
    );
    assert!(
        shown > left,
        "cursor shown before leaving the alternate screen"
    );
    // Nothing but cursor-shows after that (ratatui's own drop shows it a second time).
    let tail = raw[left + LEAVE_ALT_SCREEN.len()..]
        .replace(SHOW_CURSOR, "")
        .replace("\r\n", "\n");
    assert_eq!(tail, after, "output after leaving the alternate screen");
}

/// The production services pane, loaded.
fn services_pane(screen: &str) -> bool {
    // `web:2`: TASK DEF (`laravel-web:2`, whole at 80 columns; a longer one is cut from
    // the left, keeping its revision).
    screen.contains("services · production")
        && ["scheduler", "web", "worker", "web:2"]
            .iter()
            .all(|t| screen.contains(t))
}

/// The line of the screen that contains `text`.
fn line_with<'a>(screen: &'a str, text: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(text))
}

/// Row `n` (from 0) of the screen; empty if it is blank.
fn line(screen: &str, n: usize) -> &str {
    screen.lines().nth(n).unwrap_or_default()
}

#[test]
fn browse_clusters_services_tasks_filter_and_quit() {
    let bed = TestBed::seeded();
    let web = &bed.services("production")["web"];
    let ids: Vec<String> = web["tasks"]
        .as_array()
        .expect("web tasks")
        .iter()
        .map(|t| short(t["id"].as_str().expect("task id")).to_string())
        .collect();
    let stopped = web["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["lastStatus"] == "STOPPED")
        .expect("a stopped web task in the seed");
    let stopped_id = short(stopped["id"].as_str().unwrap()).to_string();
    let stop_code = stopped["stopCode"].as_str().expect("stop code");

    let mut tui = Tui::start(&bed, 100, 30, &[]);
    tui.wait_for("the three clusters, header and footer", |s| {
        line(s, 0).contains(" toadtop ")
            && line(s, 29).contains("quit")
            && ["production", "production-eu", "staging"]
                .iter()
                .all(|c| s.contains(&format!("│{c} ")))
    });

    // Clusters are sorted by name, so production is the first row and selected.
    tui.send(ENTER);
    tui.wait_for("the production services", |s| {
        services_pane(s) && s.contains("us-east-1 › production")
    });

    // scheduler, web, worker: one down is web.
    tui.send("j");
    tui.send(ENTER);
    tui.wait_for("the web tasks, the stopped one with its stop code", |s| {
        s.contains("tasks · production/web")
            && s.contains("us-east-1 › production › web")
            && ids.iter().all(|id| s.contains(id.as_str()))
            && line_with(s, &stopped_id).is_some_and(|row| {
                row.contains("STOPPED") && row.contains(stop_code) && row.contains("php exit 0")
            })
    });

    tui.esc_until("the services again", |s| {
        services_pane(s) && !s.contains("tasks · ")
    });

    tui.send("/web");
    tui.wait_for("the filter to leave only web", |s| {
        s.contains("/web")
            && s.contains("laravel-web:2")
            && !s.contains("worker")
            && !s.contains("scheduler")
    });

    tui.esc_until("the filter to clear", |s| {
        services_pane(s) && !s.contains("/web")
    });

    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
}

#[test]
fn small_terminal_fits_and_ctrl_c_quits() {
    let bed = TestBed::seeded();
    let mut tui = Tui::start(&bed, 80, 24, &[]);
    tui.wait_all(&["production-eu", "staging"]);
    tui.send(ENTER);
    // The header, the whole services pane (its bottom border on row 23), and a footer
    // that, at 80 columns, ends with `?` (every key, the way out too).
    tui.wait_for("the production services at 80x24", |s| {
        line(s, 0).contains(" toadtop ")
            && line(s, 0).contains("ago)")
            && line(s, 1).contains("us-east-1 › production")
            && services_pane(s)
            && s.contains("NAME")
            && line(s, 22).starts_with('└')
            && line(s, 23).trim_end().ends_with("? help")
    });

    tui.send(CTRL_C);
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
}

// ---- faults ----------------------------------------------------------------------------

/// The data's age in the header (`(12s ago)`), in seconds.
fn header_age(screen: &str) -> Option<u64> {
    let (before, _) = line(screen, 0).split_once(" ago)")?;
    let age = before.rsplit('(').next()?;
    let (n, unit) = age.split_at(age.len().checked_sub(1)?);
    let n: u64 = n.parse().ok()?;
    Some(match unit {
        "s" => n,
        "m" => n * 60,
        _ => n * 3600,
    })
}

#[test]
fn the_server_going_away_marks_the_data_stale_and_it_recovers_by_itself() {
    let bed = TestBed::seeded();
    let mut tui = Tui::start(
        &bed,
        120,
        30,
        &["--cluster", "production", "--refresh", "1"],
    );
    tui.wait_for("the production services, fresh", |s| {
        services_pane(s) && line(s, 0).contains("ago)") && !line(s, 0).contains("stale")
    });

    bed.stop();
    let stale = tui.wait_for("the stale mark and the retry note", |s| {
        let head = line(s, 0);
        head.contains(" stale · offline since ") && head.contains(" · retry")
    });
    let age = header_age(&stale).expect("the age of the data");
    // The screen goes on drawing: the age grows while nothing answers, the rows stay.
    tui.wait_for("the age to grow", |s| {
        header_age(s).is_some_and(|a| a >= age + 2) && line(s, 0).contains("stale")
    });
    // And keys work: a filter over the kept rows, help opened and closed.
    tui.send("/wor");
    tui.wait_for("the kept rows filtered", |s| {
        line_with(s, "│worker").is_some() && line_with(s, "│web ").is_none()
    });
    tui.send(ENTER);
    tui.esc_until("the filter to clear", |s| {
        services_pane(s) && !s.contains("/wor")
    });
    tui.send("?");
    tui.wait_for("the help page", |s| {
        s.contains("› help") && s.contains("drill in")
    });
    tui.esc_until("the help to close", |s| {
        services_pane(s) && !s.contains("› help")
    });
    assert!(
        line(&tui.screen(), 0).contains("stale"),
        "the server is still away"
    );

    // Back, with the same fleet: the next retry gets through, no key pressed. Retries back
    // off to at most a minute; the guard is a hang guard.
    bed.restart();
    wait_long(&tui, "fresh data again", Duration::from_secs(90), |s| {
        let head = line(s, 0);
        services_pane(s)
            && !head.contains("stale")
            && !head.contains("offline")
            && header_age(s).is_some_and(|a| a < age)
    });

    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
}

#[test]
fn a_panic_gives_the_terminal_back_and_leaves_a_report() {
    // In the event loop and in a spawned task (TOADTOP_TEST_PANIC, test-only, makes the
    // first tick panic there).
    for place in ["loop", "task"] {
        let bed = TestBed::empty();
        let tui = Tui::start_with_env(&bed, 100, 30, &[], &[("TOADTOP_TEST_PANIC", place.into())]);
        let (status, raw) = tui.finish();
        assert_eq!(status.exit_code(), 101, "{place}: exit status {status:?}");

        let dir = bed.home.path().join("data/toadtop");
        let reports: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{place}: no data dir {}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("crash-") && n.ends_with(".txt"))
            })
            .collect();
        assert_eq!(reports.len(), 1, "{place}: {reports:?}");
        let report = std::fs::read_to_string(&reports[0]).expect("read the report");
        for want in [
            format!("message:  TOADTOP_TEST_PANIC={place}: a test asked for this panic\n"),
            "location: src/tui/runtime.rs:".to_string(),
            format!("toadtop {} crashed at ", env!("CARGO_PKG_VERSION")),
            "backtrace:\n".to_string(),
        ] {
            assert!(report.contains(&want), "{place}: {want:?} not in\n{report}");
        }
        // Restored first; then one line on the main screen, naming the file.
        assert_terminal_restored_then(
            &raw,
            &format!(
                "toadtop crashed; report written to {}\n",
                reports[0].display()
            ),
        );
    }
}

#[test]
fn read_only_shows_in_the_header() {
    let bed = TestBed::seeded();
    let mut tui = Tui::start(&bed, 100, 30, &["--read-only"]);
    tui.wait_for("READ-ONLY in the header", |s| {
        line(s, 0).contains("READ-ONLY") && s.contains("production-eu")
    });
    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
}

#[test]
fn bad_config_fails_before_touching_the_terminal() {
    // Nothing is fetched, so an empty server will do.
    let bed = TestBed::empty();
    let path = bed.home.path().join("bad.toml");
    std::fs::write(
        &path,
        "refresh_secs = 10\nread_only = false\nno_such_key = true\nclusters = []\n",
    )
    .expect("write config");
    let tui = Tui::start(
        &bed,
        100,
        30,
        &["--config", path.to_str().expect("utf-8 path")],
    );
    let (status, raw) = tui.finish();
    assert!(!status.success(), "a bad config was accepted: {raw}");
    assert!(
        raw.contains("line 3"),
        "the message does not name line 3: {raw:?}"
    );
    assert!(
        raw.contains("no_such_key"),
        "the message does not name the key: {raw:?}"
    );
    assert!(
        !raw.contains(ENTER_ALT_SCREEN) && !raw.contains(HIDE_CURSOR),
        "touched the terminal: {raw:?}"
    );
}

#[test]
fn help_lists_the_keymap_and_esc_closes_it() {
    let bed = TestBed::seeded();
    let mut tui = Tui::start(&bed, 100, 30, &[]);
    tui.wait_all(&["production-eu", "staging"]);
    tui.send("?");
    // Built from the keymap: action descriptions next to their keys.
    tui.wait_for("the help page", |s| {
        s.contains("clusters › help")
            && line_with(s, "q, ctrl-c").is_some_and(|l| l.contains("quit"))
            && line_with(s, "filter").is_some_and(|l| l.contains('/'))
            && s.contains("drill in")
    });
    tui.esc_until("the help to close", |s| {
        !s.contains("drill in") && !s.contains("› help") && s.contains("production-eu")
    });
    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
}

#[test]
fn log_pane_search_unfold_level_filter_and_close() {
    let bed = TestBed::seeded();
    // Tall and wide: all 48 web records fit, and the folded error's `(+6 lines)` too.
    let mut tui = Tui::start(&bed, 200, 60, &["--cluster", "production"]);
    tui.wait_for("the production services", services_pane);

    // scheduler, web, worker: one down is web.
    tui.send("j");
    tui.send("l");
    let is_error = |l: &str| l.contains(" ERROR ") && l.contains("SQLSTATE[HY000]");
    tui.wait_for("the folded Laravel error in the log pane", |s| {
        s.contains("us-east-1 › production › web › logs")
            && line_with(s, " logs · ").is_some_and(|t| t.contains("all tasks"))
            && s.lines()
                .filter(|l| is_error(l))
                .any(|l| l.contains("▸ production: SQLSTATE") && l.contains("(+6 lines)"))
            && !s.contains("[stacktrace]")
            && s.contains("User logged in")
            && s.contains("Bestellung für Jürgen bestätigt ✓ 注文")
    });

    tui.send("/");
    tui.send("SQLSTATE");
    tui.send(ENTER);
    // Searching stops following; Enter selected the newest match.
    tui.wait_for("the search in the title, paused", |s| {
        line_with(s, " logs · ").is_some_and(|t| t.contains("paused") && t.contains("/SQLSTATE"))
    });

    tui.send(ENTER);
    tui.wait_for("the selected error unfolded", |s| {
        s.lines()
            .any(|l| is_error(l) && l.contains("▾ production: SQLSTATE"))
            && line_with(s, "[stacktrace]").is_some_and(|l| l.starts_with("│      [stacktrace]"))
            && line_with(s, "#0 /var/www/html/vendor/laravel").is_some()
            && s.contains("[previous exception]")
    });

    // Unknown (everything) → WARNING → ERROR.
    tui.send("L");
    tui.wait_for("≥WARNING", |s| {
        line_with(s, " logs · ").is_some_and(|t| t.contains("≥WARNING"))
    });
    tui.send("L");
    tui.wait_for("only errors", |s| {
        line_with(s, " logs · ").is_some_and(|t| t.contains("≥ERROR") && t.contains("8 records"))
            && !s.contains(" INFO ")
            && !s.contains(" WARN ")
            && !s.contains("User logged in")
            && s.lines().any(is_error)
            && s.contains("\"POST /api/orders HTTP/2.0\" 500")
    });

    tui.esc_until("the services again", |s| {
        services_pane(s) && !s.contains(" logs · ")
    });
    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
}

/// Presses `j` until the picker's cursor row (`▶`) contains `text`; each press waits for
/// the cursor to move, so no key is sent before the last one was drawn.
fn move_cursor_to(tui: &mut Tui, text: &str) {
    let cursor = |s: &str| line_with(s, "▶").unwrap_or_default().to_string();
    for _ in 0..30 {
        let before = cursor(&tui.screen());
        if before.contains(text) {
            return;
        }
        tui.send("j");
        tui.wait_for(&format!("the cursor to move towards {text:?}"), |s| {
            cursor(s) != before
        });
    }
    panic!("no picker row with {text:?}; the screen:\n{}", tui.screen());
}

/// `wait_for` with a longer guard, for what waits on the job's 5 s polls.
fn wait_long(tui: &Tui, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + limit;
    loop {
        let screen = tui.screen();
        if pred(&screen) {
            return screen;
        }
        if Instant::now() > deadline {
            panic!("timed out waiting for {what}; the screen:\n{screen}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn deploy_a_tag_from_the_picker_and_watch_the_rollout() {
    let bed = TestBed::seeded();
    let mut tui = Tui::start(&bed, 120, 40, &["--cluster", "production"]);
    deploy_web_v1_4_1(&mut tui);
    // The job polls every 5 s and the server completes a rollout on the third
    // DescribeServices: a minute is a hang guard, not a time limit.
    wait_long(
        &tui,
        "the rollout to complete and the job to end",
        Duration::from_secs(60),
        |s| {
            s.contains("register: laravel-web:3 registered")
                && s.contains("rollout: COMPLETED on laravel-web:3")
                && s.contains("laravel-web:2 → laravel-web:3: succeeded in")
        },
    );

    tui.esc_until("the services again", |s| {
        s.contains("services · production") && !s.contains("rollout: COMPLETED")
    });
    tui.send("r");
    tui.wait_for("web on laravel-web:3", |s| {
        line_with(s, "│web ")
            .is_some_and(|l| l.contains("laravel-web:3") && l.contains("php:v1.4.1"))
    });

    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);

    // The audit log in the bed's XDG_DATA_HOME: a start and an end line for the deploy.
    let path = bed.home.path().join("data/toadtop/audit.log");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no audit log at {}: {e}", path.display()));
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("an audit line is JSON"))
        .collect();
    let phases: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["phase"].as_str().unwrap_or_default(),
                l["result"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        phases,
        [("start", "started"), ("end", "succeeded")],
        "{text}"
    );
    let end = &lines[1];
    assert_eq!(end["action"], "deploy", "{text}");
    assert_eq!(end["target"], "production/web", "{text}");
    assert_eq!(end["before"], "laravel-web:2", "{text}");
    assert_eq!(end["after"], "laravel-web:3", "{text}");
    assert_eq!(end["region"], "us-east-1", "{text}");
}

#[test]
fn a_deploy_job_that_loses_the_server_mid_rollout_resumes_watching() {
    let bed = TestBed::seeded();
    // Down for 3 s right after UpdateService is answered.
    bed.outage_after("UpdateService", 3);
    let mut tui = Tui::start(&bed, 120, 40, &["--cluster", "production"]);
    deploy_web_v1_4_1(&mut tui);
    // The job's 5 s polls back off to 10 s after a second failure: a hang guard only.
    wait_long(
        &tui,
        "the lost look, then the rollout",
        Duration::from_secs(90),
        |s| {
            s.contains("✗ rollout: could not confirm the rollout: DescribeServices failed")
                && s.contains("rollout: DescribeServices answers again")
                && s.contains("rollout: COMPLETED on laravel-web:3")
                && s.contains("laravel-web:2 → laravel-web:3: succeeded in")
        },
    );
    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
}

/// From the production services: deploy php:v1.4.1 to web through the picker and the
/// confirm modal, up to the job pane.
fn deploy_web_v1_4_1(tui: &mut Tui) {
    tui.wait_for("the production services", services_pane);

    // scheduler, web, worker: one down is web.
    tui.send("j");
    tui.send("d");
    tui.wait_for("the picker with php's ECR tags", |s| {
        s.contains("deploy production/web")
            && s.contains("container php: runs v1.5.0 (keep)")
            && ["v1.4.0", "v1.4.1"]
                .iter()
                .all(|t| line_with(s, &format!("( ) {t} ")).is_some())
            && !s.contains("loading tags")
            && s.contains("stable-alpine is not in ECR")
    });

    move_cursor_to(tui, "v1.4.1");
    tui.send(ENTER);
    tui.wait_for("v1.4.1 chosen", |s| {
        s.contains("container php: runs v1.5.0 (→ v1.4.1)")
            && line_with(s, "▶").is_some_and(|l| l.contains("(•) v1.4.1"))
    });

    move_cursor_to(tui, "→ preview and confirm");
    tui.send(ENTER);
    tui.wait_for("the confirm modal with the preview from the server", |s| {
        s.contains("deploy production/web?")
            && line_with(s, "-   image:").is_some_and(|l| l.contains("laravel-app:v1.5.0"))
            && line_with(s, "+   image:").is_some_and(|l| l.contains("laravel-app:v1.4.1"))
            && s.contains("enter: do it")
    });

    tui.send(ENTER);
    tui.wait_for("the job pane", |s| {
        s.contains("us-east-1 › production › web › deploy")
            && s.contains("describe: production/web")
    });
}

// ---- exec ------------------------------------------------------------------------------

impl Tui {
    /// `start`, plus these variables in the child's environment.
    fn start_with_env(
        bed: &TestBed,
        cols: u16,
        rows: u16,
        args: &[&str],
        env: &[(&str, std::ffi::OsString)],
    ) -> Tui {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_toadtop"));
        for var in support::UNSET_ENV {
            cmd.env_remove(var);
        }
        for (key, value) in bed.env_pairs() {
            cmd.env(key, value);
        }
        for (key, value) in env {
            cmd.env(key, value);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(bed.home.path());
        cmd.args(["--endpoint-url", &bed.endpoint]);
        cmd.args(args);
        Tui::spawn(cmd, cols, rows)
    }
}

#[test]
fn exec_hands_the_terminal_to_the_plugin_and_takes_it_back() {
    let bed = TestBed::seeded();
    let log = bed.home.path().join("plugin.log");
    let mut tui = Tui::start_with_env(
        &bed,
        120,
        40,
        &["--cluster", "production"],
        &[
            ("PATH", support::path_with_fixtures_bin()),
            ("TOADTOP_PLUGIN_LOG", log.clone().into_os_string()),
        ],
    );
    tui.wait_for("the production services", services_pane);

    // scheduler, web, worker: two down is worker.
    tui.send("j");
    tui.send("j");
    tui.send(ENTER);
    tui.wait_for("worker's tasks", |s| {
        s.contains("tasks · production/worker") && s.contains("RUNNING")
    });

    tui.send("x");
    let screen = tui.wait_for("the exec modal with the doctor's checks", |s| {
        line_with(s, "exec php in task ").is_some_and(|l| l.contains("(production/worker)"))
            && line_with(s, "✓ session-manager-plugin").is_some_and(|l| l.contains("found at"))
            // The path may wrap onto the next line in a checkout with a longer path.
            && s.contains("tests/fixtures/bin/session-manager-plugin")
            && line_with(s, "✓ task running").is_some()
            && line_with(s, "✓ ExecuteCommandAgent").is_some_and(|l| l.contains("php: RUNNING"))
            && line_with(s, "✓ read-only root: agent paths writable").is_some()
            && !s.contains('✗')
            && line_with(s, "▶ ").is_some_and(|l| l.contains("/bin/sh"))
    });
    let title = line_with(&screen, "exec php in task ").unwrap();
    let short_id = title
        .split("exec php in task ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the task id in the title")
        .to_string();

    tui.send(ENTER);
    tui.wait_for("the stand-in's prompt on the main screen", |s| {
        s.contains("Starting session with SessionId: stand-in") && s.contains("stand-in$")
    });
    tui.send("echo hi");
    tui.send(ENTER);
    tui.wait_for("the command to run in the session", |s| {
        s.contains("ran: echo hi")
    });
    tui.send("exit");
    tui.send(ENTER);

    tui.wait_for(
        "the same tasks pane back, with the exit in the status line",
        |s| {
            s.contains("tasks · production/worker")
                && s.contains("exec /bin/sh in php: exit 0 after")
                && !s.contains("stand-in$")
                && !s.contains("✓ session-manager-plugin")
        },
    );

    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);

    let text = std::fs::read_to_string(&log)
        .unwrap_or_else(|e| panic!("the plugin left no log at {}: {e}", log.display()));
    let runs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a plugin log line is JSON"))
        .collect();
    assert_eq!(runs.len(), 1, "{text}");
    let run = &runs[0];
    assert_eq!(
        run["stdin_tty"], true,
        "the plugin did not get the terminal: {text}"
    );
    let argv: Vec<&str> = run["argv"]
        .as_array()
        .expect("argv")
        .iter()
        .map(|a| a.as_str().expect("argv strings"))
        .collect();
    assert_eq!(argv.len(), 7, "{argv:?}");
    assert_eq!(
        &argv[1..5],
        [
            "AWS_SSM_START_SESSION_RESPONSE",
            "us-east-1",
            "StartSession",
            ""
        ]
    );
    assert_eq!(argv[6], bed.endpoint);
    let target: serde_json::Value = serde_json::from_str(argv[5]).expect("target JSON");
    let target = target["Target"].as_str().expect("Target");
    assert!(
        target.starts_with(&format!("ecs:production_{short_id}")),
        "{target} is not the task the modal showed ({short_id})"
    );
    let session: serde_json::Value =
        serde_json::from_str(run["env_session"].as_str().expect("env_session"))
            .expect("the session is JSON");
    let token = session["tokenValue"].as_str().expect("tokenValue");
    assert!(!raw.contains(token), "the token reached the terminal");

    // The audit log: start and end of the exec, with the command, never the token.
    let audit = bed.audit_log();
    let phases: Vec<(&str, &str)> = audit
        .iter()
        .map(|l| {
            (
                l["phase"].as_str().unwrap_or_default(),
                l["result"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        phases,
        [("start", "started"), ("end", "succeeded")],
        "{audit:#?}"
    );
    for l in &audit {
        assert_eq!(l["action"], "exec");
        assert_eq!(l["target"], "production/worker");
        assert_eq!(l["command"], "php: /bin/sh");
        assert!(
            !l.to_string().contains(token),
            "token in the audit log: {l}"
        );
    }
}

/// The reference setup's service (seed: production-eu/app): php's read-only root has no
/// mount points for the agent, its paths are image VOLUMEs, and the agent is RUNNING. The
/// doctor passes on that evidence and the shell opens.
#[test]
fn exec_into_the_image_volume_service_passes_the_doctor_and_opens_the_shell() {
    let bed = TestBed::seeded();
    let log = bed.home.path().join("plugin.log");
    let mut tui = Tui::start_with_env(
        &bed,
        120,
        40,
        &["--cluster", "production-eu"],
        &[
            ("PATH", support::path_with_fixtures_bin()),
            ("TOADTOP_PLUGIN_LOG", log.clone().into_os_string()),
        ],
    );
    tui.wait_for("production-eu's services", |s| {
        line_with(s, "│app ").is_some_and(|l| l.contains("laravel-app:1"))
            && line_with(s, "│web ").is_some()
    });
    // app, web: app is the first row.
    tui.send(ENTER);
    tui.wait_for("app's tasks", |s| {
        s.contains("tasks · production-eu/app") && s.contains("RUNNING")
    });
    tui.send("x");
    tui.wait_for("the doctor passing on the running agent", |s| {
        line_with(s, "exec php in task ").is_some_and(|l| l.contains("(production-eu/app)"))
            && line_with(s, "✓ read-only root: agent paths writable")
                .is_some_and(|l| l.contains("agent running"))
            && line_with(s, "✓ ExecuteCommandAgent").is_some_and(|l| l.contains("php: RUNNING"))
            && !s.contains('✗')
    });
    tui.send(ENTER);
    tui.wait_for("the stand-in's prompt", |s| {
        s.contains("Starting session with SessionId: stand-in") && s.contains("stand-in$")
    });
    tui.send("exit");
    tui.send(ENTER);
    tui.wait_for("the tasks pane back", |s| {
        s.contains("tasks · production-eu/app") && s.contains("exec /bin/sh in php: exit 0")
    });

    // Without the agent's word, the doctor reads the image's VOLUMEs through ECR in the
    // background and judges again when they arrive.
    let task = bed.summary["imageVolumes"]["task"].as_str().expect("task");
    let (code, body) = bed.post(
        "/_toadtop/task",
        &serde_json::json!({"cluster": "production-eu", "task": task,
                            "containers": [{"name": "php", "managedAgents": []}]}),
    );
    assert_eq!(code, 200, "{body}");
    // Refresh until the task shows no agent (the modal judges the task it was opened on).
    for _ in 0..50 {
        tui.send("r");
        std::thread::sleep(Duration::from_millis(300));
        tui.send("x");
        let s = tui.wait_for("the exec modal", |s| s.contains("exec php in task "));
        if s.contains("no ExecuteCommandAgent reported") {
            break;
        }
        tui.send(ESC);
        tui.wait_for("the modal closed", |s| !s.contains("exec php in task "));
    }
    tui.wait_for("the image VOLUMEs named as the source", |s| {
        line_with(s, "✓ read-only root: agent paths writable")
            .is_some_and(|l| l.contains("image VOLUME /var/lib/amazon"))
            && line_with(s, "✗ ExecuteCommandAgent")
                .is_some_and(|l| l.contains("no ExecuteCommandAgent reported"))
    });
    tui.send(ESC);
    tui.wait_for("the modal closed", |s| !s.contains("exec php in task "));
    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);

    let text = std::fs::read_to_string(&log).expect("the plugin ran and logged");
    let run: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("one run")).expect("JSON");
    let target: serde_json::Value =
        serde_json::from_str(run["argv"][5].as_str().expect("argv[5]")).expect("target JSON");
    assert!(
        target["Target"]
            .as_str()
            .is_some_and(|t| t.starts_with(&format!("ecs:production-eu_{task}_"))),
        "{target}"
    );
}

// ---- profiles, regions and the remembered place ----------------------------------------

/// What the TUI remembered in the bed's data dir.
fn remembered(bed: &TestBed) -> serde_json::Value {
    let path = bed.home.path().join("data/toadtop/state.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("nothing remembered at {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("state.json is not JSON ({e}): {text}"))
}

#[test]
fn profile_and_region_switch_reload_every_pane_through_the_same_endpoint() {
    let bed = TestBed::seeded();
    // Clusters only eu-west-1 has: seeing them proves the calls went to the new region.
    // Two, or the single-cluster rule would open its services straight away.
    bed.boto(
        "ecs_eu = boto3.client('ecs', region_name='eu-west-1', endpoint_url=os.environ['TOADTOP_TEST_ENDPOINT'], aws_access_key_id='test', aws_secret_access_key='test')\nfor name in ('eu-only', 'eu-too'):\n    ecs_eu.create_cluster(clusterName=name)\n",
        &serde_json::json!({}),
    );
    let env = bed.aws_profiles();
    let endpoint = bed.endpoint.trim_start_matches("http://").to_string();
    let mut tui = Tui::start_with_env(&bed, 110, 30, &[], &env);
    tui.wait_for("the seeded clusters as default › us-east-1", |s| {
        line(s, 1).contains("default › us-east-1")
            && ["production", "production-eu", "staging"]
                .iter()
                .all(|c| s.contains(&format!("│{c} ")))
    });
    tui.send(ENTER);
    tui.wait_for("the production services", |s| {
        services_pane(s) && s.contains("us-east-1 › production")
    });

    tui.send(":profile other");
    tui.send(ENTER);
    // Said on the message line (info: it goes after a few seconds, so looked for alone).
    tui.wait_for("the switch said", |s| {
        s.contains("switched to other @ eu-west-1")
    });
    tui.wait_for(
        "other's region, its clusters only, back at the clusters list",
        |s| {
            line(s, 1).contains("other › eu-west-1")
                && line(s, 0).contains(&endpoint)
                && !line(s, 1).contains("› production")
                && s.contains("│eu-only ")
                && s.contains("│eu-too ")
                && !s.contains("production-eu")
                && !s.contains("services · ")
        },
    );

    // The SSO profile's token has expired: one clear line, and other's data stays.
    tui.send(":profile expired");
    tui.send(ENTER);
    tui.wait_for("the SSO hint, other still shown", |s| {
        // On the message line (an error: it stays).
        s.contains("SSO session expired: run `aws sso login --profile expired`")
            && line(s, 1).contains("other › eu-west-1")
            && s.contains("│eu-only ")
    });

    tui.send(":region us-east-1");
    tui.send(ENTER);
    tui.wait_for("other in us-east-1: the seeded clusters again", |s| {
        line(s, 1).contains("other › us-east-1")
            && line(s, 0).contains(&endpoint)
            && ["production", "production-eu", "staging"]
                .iter()
                .all(|c| s.contains(&format!("│{c} ")))
            && !s.contains("eu-only")
    });

    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
    let place = remembered(&bed);
    assert_eq!(place["profile"], "other", "{place}");
    assert_eq!(place["region"], "us-east-1", "{place}");
    assert_eq!(place["pane"], "clusters", "{place}");
}

#[test]
fn an_expired_sso_profile_is_one_banner_not_an_error_per_call() {
    // Nothing is listed, so an empty server will do.
    let bed = TestBed::empty();
    let env = bed.aws_profiles();
    let mut tui = Tui::start_with_env(&bed, 110, 30, &["--profile", "expired"], &env);
    let screen = tui.wait_for("the SSO banner", |s| {
        line(s, 1).contains("expired › us-east-1")
            && line(s, 1).contains("⚠ SSO session expired: run `aws sso login --profile expired`")
    });
    assert!(
        !screen.contains("dispatch failure") && !screen.contains("ProviderError"),
        "the SDK's error chain reached the screen:\n{screen}"
    );
    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
}

#[test]
fn the_next_start_reopens_the_tasks_pane_it_quit_in() {
    let bed = TestBed::seeded();
    let mut tui = Tui::start(&bed, 100, 30, &[]);
    tui.wait_all(&["production-eu", "staging"]);
    tui.send(ENTER);
    tui.wait_for("the production services", services_pane);
    // scheduler, web, worker: one down is web.
    tui.send("j");
    tui.send(ENTER);
    tui.wait_for("web's tasks", |s| s.contains("tasks · production/web"));
    tui.send("q");
    let (status, _) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    let place = remembered(&bed);
    assert_eq!(
        (&place["cluster"], &place["pane"], &place["service"]),
        (
            &serde_json::json!("production"),
            &serde_json::json!("tasks"),
            &serde_json::json!("web")
        ),
        "{place}"
    );

    // No keys this time: it opens where the last run ended, and Esc goes back one.
    let mut tui = Tui::start(&bed, 100, 30, &[]);
    tui.wait_for("web's tasks again", |s| {
        s.contains("tasks · production/web") && s.contains("us-east-1 › production › web")
    });
    tui.esc_until("the production services", |s| {
        services_pane(s) && !s.contains("tasks · ")
    });
    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
    assert_eq!(remembered(&bed)["pane"], "services");
}

#[test]
fn a_corrupt_remembered_file_is_a_warning_not_a_failure() {
    let bed = TestBed::seeded();
    let dir = bed.home.path().join("data/toadtop");
    std::fs::create_dir_all(&dir).expect("mkdir data dir");
    std::fs::write(dir.join("state.json"), "{\"cluster\": ").expect("write state.json");
    let mut tui = Tui::start(&bed, 120, 30, &[]);
    // On the message line above the footer (it may wrap).
    tui.wait_for("the clusters and the warning", |s| {
        s.contains("ignored")
            && s.contains("state.json")
            && !line(s, 1).contains("ignored")
            && s.contains("│production-eu ")
    });
    tui.send("q");
    let (status, _) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(remembered(&bed)["pane"], "clusters", "rewritten on quit");
}

#[test]
fn the_diagnostic_log_goes_to_its_file_never_to_the_screen() {
    let bed = TestBed::seeded();
    let log = bed.home.path().join("tui.log");
    let flag = format!("--log-file={}", log.display());
    let mut tui = Tui::start(
        &bed,
        100,
        30,
        &["--cluster", "production", &flag, "--log-level", "debug"],
    );
    tui.wait_for("the services pane", services_pane);
    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
    let text = std::fs::read_to_string(&log).expect("the log file");
    for line in [
        "toadtop started",
        "effect=\"load_clusters\"",
        "effect finished",
    ] {
        assert!(text.contains(line), "no {line} in\n{text}");
    }
    for leak in ["toadtop started", "AWS call", "effect", "DEBUG"] {
        assert!(!raw.contains(leak), "{leak} reached the terminal");
    }
}

// ---- the palette, sorting, the mouse and the clipboard ---------------------------------

/// Standard base64, decoded (the OSC 52 payload).
fn unbase64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        other => panic!("not base64: {other}"),
    };
    let bytes: Vec<u8> = text.bytes().filter(|c| *c != b'=').map(value).collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, v)| n | (u32::from(*v) << (18 - 6 * i)));
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// A left click at a screen cell (0-based), as an xterm SGR mouse report.
fn click(row: usize, column: usize) -> String {
    let (x, y) = (column + 1, row + 1);
    format!("\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m")
}

#[test]
fn palette_sort_mouse_and_copy_as_an_operator_uses_them() {
    let bed = TestBed::seeded();
    let mut tui = Tui::start(&bed, 110, 30, &[]);
    tui.wait_for("the clusters", |s| s.contains("│production "));

    // `:svc` + Tab names the command; the next Tab completes the cluster.
    tui.send(":svc");
    tui.send("\t");
    tui.wait_for("the completed command", |s| {
        line(s, 29).starts_with(":services ▏")
            && line(s, 29).contains("production  production-eu  staging")
    });
    tui.send("st\t");
    tui.wait_for("the completed cluster", |s| {
        line(s, 29).starts_with(":services staging▏")
    });
    tui.send(ENTER);
    tui.wait_for("staging's services", |s| {
        s.contains("services · staging") && s.contains("us-east-1 › staging")
    });

    // `:services` with no argument: the cluster in view. Then sort by name, backwards.
    tui.send(":services production");
    tui.send(ENTER);
    tui.wait_for("production's services", services_pane);
    tui.send("O");
    // The scans in (VULNS filled), so the two screens compared below differ only by sort.
    let scanned = |s: &str| line_with(s, "│worker ").is_some_and(|l| l.contains("C1 H1"));
    let screen = tui.wait_for("NAME sorted descending", |s| {
        scanned(s)
            && s.contains("NAME▼")
            && s.contains("sorted by NAME ▼")
            && matches!(
                (s.find("│worker "), s.find("│web "), s.find("│scheduler ")),
                (Some(a), Some(b), Some(c)) if a < b && b < c
            )
    });
    // `o` moves on to STATUS, keeping the direction; `O` flips it.
    tui.send("o");
    tui.wait_for("STATUS sorted", |s| {
        s.contains("STATUS▼") && !s.contains("NAME▼")
    });
    tui.send("O");
    tui.wait_for("STATUS ascending", |s| s.contains("STATUS▲"));
    // Seven more columns (D/R/P … LAUNCH), then the API's order.
    tui.send("oooooooo");
    tui.wait_for("back to the API's order after the last column", |s| {
        s.contains("in the order AWS lists them") && !s.contains('▲') && !s.contains('▼')
    });
    tui.send("O");
    let screen2 = tui.wait_for("NAME descending again", |s| {
        scanned(s) && s.contains("NAME▼")
    });
    assert_eq!(
        line_with(&screen, "│worker "),
        line_with(&screen2, "│worker ")
    );

    // A double click on scheduler's row opens its tasks.
    let row = screen2
        .lines()
        .position(|l| l.starts_with("│scheduler "))
        .expect("scheduler's row");
    tui.send(&click(row, 3));
    tui.wait_for("scheduler selected", |s| {
        s.lines().nth(row).is_some_and(|l| l.contains("scheduler"))
    });
    tui.send(&click(row, 3));
    let tasks = tui.wait_for("scheduler's tasks", |s| {
        s.contains("tasks · production/scheduler")
    });
    let first_task = tasks
        .lines()
        .find(|l| l.contains("RUNNING"))
        .and_then(|l| l.trim_start_matches('│').split_whitespace().next())
        .expect("a running task row")
        .to_string();

    // `y` copies the selected task's ARN through OSC 52.
    tui.send("y");
    tui.wait_for("the copied note", |s| s.contains("copied task ARN"));
    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&raw);
    let start = raw.find("\x1b]52;c;").expect("an OSC 52 sequence") + "\x1b]52;c;".len();
    let end = start + raw[start..].find('\x07').expect("BEL ends the sequence");
    let arn = String::from_utf8(unbase64(&raw[start..end])).expect("UTF-8");
    assert!(
        arn.starts_with("arn:aws:ecs:us-east-1:") && arn.contains(":task/production/"),
        "{arn}"
    );
    assert!(arn.contains(&first_task), "{arn} is not task {first_task}");
    // Mouse reporting was on, and is off again at exit.
    assert!(
        raw.contains("\x1b[?1000h"),
        "mouse capture was never enabled"
    );
    let last_on = raw.rfind("\x1b[?1000h").unwrap_or(0);
    let last_off = raw
        .rfind("\x1b[?1000l")
        .expect("mouse capture disabled at exit");
    assert!(last_off > last_on);
}

#[test]
fn mouse_off_in_the_config_leaves_the_mouse_to_the_terminal() {
    let bed = TestBed::seeded();
    let config = bed.home.path().join("mouse.toml");
    std::fs::write(&config, "mouse = false\n").expect("write config");
    let path = config.display().to_string();
    let mut tui = Tui::start(&bed, 100, 30, &["--config", &path]);
    tui.wait_for("the clusters", |s| s.contains("│production "));
    tui.send("q");
    let (status, raw) = tui.finish();
    assert!(status.success(), "exit status {status:?}");
    assert!(!raw.contains("\x1b[?1000h"), "mouse capture enabled anyway");
}
