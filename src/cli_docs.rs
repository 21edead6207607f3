//! Shell completions and man pages, generated from the clap definition in `cli.rs` so
//! they cannot drift from the flags. Pure text: no config, no AWS.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "toadtop", &mut out);
    out
}

/// toadtop(1) as roff: every global flag and the list of commands.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    Ok(out)
}

/// toadtop.1 plus toadtop-<command>.1 for each command (their own flags), into `dir`.
pub fn write_man_pages(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(Cli::command(), dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).expect("utf-8")
    }

    #[test]
    fn every_shell_names_the_commands() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let script = text(completions(shell));
            for word in ["logs", "deploy", "exec", "completions", "read-only"] {
                assert!(script.contains(word), "{shell}: no {word}");
            }
        }
    }

    #[test]
    fn man_pages_per_command() {
        let page = text(man_page().expect("renders"));
        assert!(
            page.starts_with(".ie") || page.contains(".TH toadtop 1"),
            "{page}"
        );
        let dir = std::env::temp_dir().join(format!("toadtop-man-{}", std::process::id()));
        write_man_pages(&dir).expect("writes");
        let deploy = std::fs::read_to_string(dir.join("toadtop-deploy.1")).expect("deploy page");
        assert!(deploy.contains("max\\-failed\\-tasks"), "{deploy}");
        assert!(dir.join("toadtop.1").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
