//! Raw mode and the alternate screen, undone on every exit path (normal, error, panic).

use std::io::{self, Stdout, Write};
use std::mem::ManuallyDrop;

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use crate::safety::sanitize;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped, so `?` and early returns cannot leave it raw.
pub struct Session {
    /// Never dropped: ratatui's `Drop` re-shows the cursor and `eprintln!`s if that fails,
    /// which panics when the terminal has hung up (SIGHUP, a closed tmux pane) and turned
    /// a clean exit 129 into a crash report. `restore()` shows the cursor instead; the
    /// buffers are freed by the process exit (one session per process).
    pub terminal: ManuallyDrop<Term>,
    /// Whether mouse reporting is on (`mouse = false` in the config leaves it off).
    mouse: bool,
}

impl Session {
    pub fn enter(mouse: bool) -> io::Result<Session> {
        install_panic_hook();
        enable_raw_mode()?;
        let stdout = io::stdout();
        if let Err(e) = take_screen(mouse) {
            restore();
            return Err(e);
        }
        let terminal = Terminal::new(CrosstermBackend::new(stdout)).inspect_err(|_| restore())?;
        Ok(Session {
            terminal: ManuallyDrop::new(terminal),
            mouse,
        })
    }
}

fn take_screen(mouse: bool) -> io::Result<()> {
    // Bracketed paste: a paste arrives as one event, so its newlines are no Enters.
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        Hide,
        EnableBracketedPaste
    )?;
    if mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    Ok(())
}

impl Drop for Session {
    fn drop(&mut self) {
        restore();
    }
}

impl Session {
    /// Hands the terminal to a child (an exec session): main screen, cooked mode, cursor.
    pub fn suspend(&mut self) {
        restore();
    }

    /// Takes the terminal back after the child exits and forces a full redraw.
    pub fn resume(&mut self) -> io::Result<()> {
        enable_raw_mode()?;
        take_screen(self.mouse)?;
        self.terminal.clear()
    }
}

/// Best effort: each step is tried even if an earlier one failed.
pub fn restore() {
    let _ = disable_raw_mode();
    // Harmless when capture was never on; a shell left with it on prints junk on clicks.
    let _ = execute!(io::stdout(), DisableMouseCapture);
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
}

/// A panic anywhere (the event loop or a spawned task) ends toadtop: the terminal is
/// given back, the report written (`crash.rs`) and its path printed, then the process
/// exits with 101, as an uncaught panic would. Going on is no option: tokio would catch a
/// task's panic and leave the loop drawing onto a restored terminal.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // Held until exit, so no other thread draws a frame after the restore.
        let _stdout = io::stdout().lock();
        restore();
        match super::crash::record(info) {
            // writeln!, not eprintln!: a second panic (stderr gone) would abort.
            Ok(path) => {
                _ = writeln!(
                    io::stderr(),
                    "toadtop crashed; report written to {}",
                    sanitize(&path.display().to_string())
                )
            }
            // The message may quote anything the panicking code held (AWS text included).
            Err(e) => {
                _ = writeln!(
                    io::stderr(),
                    "toadtop crashed: {} at {}; no report written ({})",
                    sanitize(&super::crash::message(info.payload())),
                    info.location()
                        .map_or_else(|| "an unknown place".to_string(), ToString::to_string),
                    sanitize(&e)
                )
            }
        }
        std::process::exit(101);
    }));
}
