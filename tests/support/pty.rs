//! The real `toadtop` in a pseudo-terminal, its screen read back through a VT100
//! emulator (the same approach as tests/tui_pty.rs, for test files that need another
//! endpoint than the bed's, e.g. a slow proxy). Include with
//! `#[path = "support/pty.rs"] mod pty;`. Timeouts only stop a broken run from hanging.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};

use super::support::{TestBed, UNSET_ENV};

pub const ENTER: &str = "\r";
pub const ESC: &str = "\x1b";

pub struct Tui {
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
    /// toadtop with the bed's environment, `endpoint` as its AWS endpoint, and `args`.
    pub fn start(bed: &TestBed, endpoint: &str, cols: u16, rows: u16, args: &[&str]) -> Tui {
        Tui::start_env(bed, endpoint, cols, rows, args, &[])
    }

    /// As `start`, with `env` set on top of the bed's environment.
    pub fn start_env(
        bed: &TestBed,
        endpoint: &str,
        cols: u16,
        rows: u16,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Tui {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_toadtop"));
        for var in UNSET_ENV {
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
        cmd.args(["--endpoint-url", endpoint]);
        cmd.args(args);
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let child = pair.slave.spawn_command(cmd).expect("spawn toadtop");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut source = pair.master.try_clone_reader().expect("pty reader");
        let reader = {
            let (parser, raw) = (Arc::clone(&parser), Arc::clone(&raw));
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                // EOF, or EIO on Linux once the last slave descriptor closes.
                while let Ok(n @ 1..) = source.read(&mut buf) {
                    raw.lock().unwrap().extend_from_slice(&buf[..n]);
                    parser.lock().unwrap().process(&buf[..n]);
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

    /// The process id, for sending it a signal.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a running child has a pid")
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// The emulator's screen with every cell's colours and attributes (for
    /// support/svg.rs's pictures).
    pub fn vt_screen(&self) -> vt100::Screen {
        self.parser.lock().unwrap().screen().clone()
    }

    /// Resizes the terminal, as a person dragging the window's corner would: the program
    /// gets SIGWINCH, the emulator the new size.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        // The emulator first: what the program draws for the new size must fit it.
        self.parser.lock().unwrap().set_size(rows, cols);
        self._master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
    }

    /// Polls the screen until `pred` holds; panics with the screen after `limit`.
    pub fn wait_for(&self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Foreground colour and boldness of the first cell of `needle` on the screen.
    pub fn style_of(&self, needle: &str) -> Option<(vt100::Color, bool)> {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        for row in 0..rows {
            let text = screen.contents_between(row, 0, row, cols);
            if let Some(i) = text.find(needle) {
                // Column of the match: characters before it (the screen holds no wide ones here).
                let col = u16::try_from(text[..i].chars().count()).ok()?;
                let cell = screen.cell(row, col)?;
                return Some((cell.fgcolor(), cell.bold()));
            }
        }
        None
    }

    /// Presses `j` until the cursor row (`▶`, a picker's) holds `text`, one press per
    /// draw; panics with the screen if 30 presses do not get there.
    pub fn move_cursor_to(&mut self, text: &str, limit: Duration) {
        let cursor = |s: &str| {
            s.lines()
                .find(|l| l.contains('▶'))
                .unwrap_or_default()
                .to_string()
        };
        for _ in 0..30 {
            let before = cursor(&self.screen());
            if before.contains(text) {
                return;
            }
            self.send("j");
            self.wait_for(
                &format!("the cursor to move towards {text:?}"),
                limit,
                |s| cursor(s) != before,
            );
        }
        panic!(
            "no picker row with {text:?}; the screen:\n{}",
            self.screen()
        );
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
    }

    /// Sends `q` and waits for a successful exit.
    pub fn quit(mut self, limit: Duration) {
        self.send("q");
        let (status, _) = self.finish(limit);
        assert!(status.success(), "exit status {status:?}");
    }

    /// Waits for the exit and the end of the output; returns the exit status and every
    /// byte written, lossily decoded.
    pub fn finish(mut self, limit: Duration) -> (ExitStatus, String) {
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "toadtop did not exit; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        if let Some(reader) = self.reader.take() {
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
