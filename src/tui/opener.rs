//! Opens a console URL (`B`) in a browser: `$BROWSER` first, then the desktop's opener
//! (`open` on macOS, `xdg-open` elsewhere). Detached and quiet: its own session (no
//! controlling terminal, so a text-mode browser cannot take over the TUI's), output
//! discarded, never through a shell, and without toadtop's AWS credentials.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long an opener gets to fail before it counts as started. `xdg-open` and `open`
/// return at once; a browser run straight from `$BROWSER` may stay up for hours.
const FAIL_WINDOW: Duration = Duration::from_secs(3);

/// The commands to try, in order. `$BROWSER` is a `:`-separated list of commands (the
/// convention of xdg-utils and Python's webbrowser): `%s` in one is replaced by the URL,
/// else the URL is appended. Then the desktop's opener; on Linux only with a display,
/// since without one xdg-open falls back to text browsers that want the terminal.
pub fn candidates(url: &str, browser: Option<&str>, display: bool) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = browser
        .unwrap_or("")
        .split(':')
        .filter_map(|entry| {
            let mut argv: Vec<String> = entry.split_whitespace().map(str::to_string).collect();
            if argv.is_empty() {
                return None;
            }
            if argv.iter().any(|a| a.contains("%s")) {
                for a in &mut argv {
                    *a = a.replace("%s", url);
                }
            } else {
                argv.push(url.to_string());
            }
            Some(argv)
        })
        .collect();
    if cfg!(target_os = "macos") {
        // Linux's `open` is often openvt(1): only macOS's opens URLs.
        out.push(vec!["open".into(), url.into()]);
    } else if display {
        out.push(vec!["xdg-open".into(), url.into()]);
    }
    out
}

/// The candidates for this process's environment.
pub fn candidates_here(url: &str) -> Vec<Vec<String>> {
    let display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    candidates(url, std::env::var("BROWSER").ok().as_deref(), display)
}

/// Runs the candidates in order until one starts and does not fail within
/// [`FAIL_WINDOW`] (so blocks up to that long per candidate: call it off the event loop).
/// `Err` says why nothing opened (shown as a note, never a crash).
pub fn open(candidates: &[Vec<String>]) -> Result<(), String> {
    let (mut missing, mut failed) = (Vec::new(), Vec::new());
    for argv in candidates {
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        let name = std::path::Path::new(program)
            .file_name()
            .map_or_else(|| program.clone(), |n| n.to_string_lossy().into_owned());
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (key, _) in std::env::vars_os() {
            if key.to_str().is_some_and(|k| k.starts_with("AWS_")) {
                cmd.env_remove(key);
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: between fork and exec only setsid(2), which is async-signal-safe.
            unsafe {
                cmd.pre_exec(|| {
                    libc::setsid();
                    Ok(())
                });
            }
        }
        let mut child = match cmd.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                missing.push(name);
                continue;
            }
            Err(e) => {
                failed.push(format!("{name} did not start: {e}"));
                continue;
            }
        };
        let deadline = Instant::now() + FAIL_WINDOW;
        loop {
            match child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => {
                    failed.push(format!("{name} failed ({status})"));
                    break;
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                // Still running: a browser. Someone has to reap it when it ends.
                Ok(None) | Err(_) => {
                    std::thread::spawn(move || child.wait());
                    return Ok(());
                }
            }
        }
    }
    Err(if !failed.is_empty() {
        failed.join("; ")
    } else if missing.is_empty() {
        "no browser to open it (set $BROWSER)".to_string()
    } else {
        format!("no browser to open it: {} not found", missing.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str =
        "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/p/services?region=us-east-1";

    #[test]
    fn browser_entries_then_the_desktop_opener() {
        let c = candidates(URL, Some("firefox --new-tab:w3m %s::"), true);
        assert_eq!(c[0], vec!["firefox", "--new-tab", URL]);
        assert_eq!(c[1], vec!["w3m", URL]);
        let last = c.last().unwrap();
        if cfg!(target_os = "macos") {
            assert_eq!(last, &vec!["open".to_string(), URL.to_string()]);
        } else {
            assert_eq!(last, &vec!["xdg-open".to_string(), URL.to_string()]);
        }
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn no_display_no_xdg_open() {
        let c = candidates(URL, None, false);
        if cfg!(target_os = "macos") {
            assert_eq!(c.len(), 1);
        } else {
            assert!(c.is_empty(), "{c:?}");
        }
        assert!(candidates(URL, Some(""), false).len() <= 1);
    }

    #[test]
    fn the_url_stays_one_argument() {
        // No shell: `;` and spaces in a URL could never run anything.
        let odd = "https://x/?a=1;touch /tmp/x";
        let c = candidates(odd, Some("browser"), false);
        assert_eq!(c[0], vec!["browser", odd]);
    }

    #[test]
    fn outcomes_of_real_commands() {
        assert_eq!(open(&[vec!["true".into(), URL.into()]]), Ok(()));
        let failed = open(&[vec!["false".into(), URL.into()]]).unwrap_err();
        assert!(failed.starts_with("false failed ("), "{failed}");
        // A missing or failing one is skipped for the next.
        assert_eq!(
            open(&[vec!["false".into()], vec!["true".into(), URL.into()]]),
            Ok(())
        );
        assert_eq!(
            open(&[
                vec!["toadtop-no-such-browser".into(), URL.into()],
                vec!["true".into(), URL.into()],
            ]),
            Ok(())
        );
        assert_eq!(
            open(&[vec!["toadtop-no-such-browser".into()]]),
            Err("no browser to open it: toadtop-no-such-browser not found".into())
        );
        assert_eq!(
            open(&[]),
            Err("no browser to open it (set $BROWSER)".into())
        );
    }
}
