//! Columns at 80x24 as a person sees them, in a pseudo-terminal against the seeded test
//! server: every IMAGES cell of the services pane is whole or ends in `…` (never
//! `nginx:st`), the columns left out are named in the title, and the tasks pane shows
//! each task's task-definition revision. Timeouts here only stop a broken run from
//! hanging.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::Duration;

use pty::{Tui, ENTER};
use support::TestBed;

const WAIT: Duration = Duration::from_secs(30);

/// The cells of column `name` on the table rows below its header (`│` rows up to the
/// border), trimmed; the column ends where the next header starts.
fn column(screen: &str, name: &str, next: &str) -> Vec<String> {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let find = |line: &[char], word: &str| -> Option<usize> {
        let text: String = line.iter().collect();
        text.find(word).map(|b| text[..b].chars().count())
    };
    let Some(h) = lines.iter().position(|l| {
        find(l, name).is_some() && find(l, next).is_some() && l.first() == Some(&'│')
    }) else {
        return Vec::new();
    };
    let (Some(start), Some(end)) = (find(&lines[h], name), find(&lines[h], next)) else {
        return Vec::new();
    };
    lines[h + 1..]
        .iter()
        .take_while(|l| l.first() == Some(&'│'))
        .map(|l| {
            l.get(start..end)
                .unwrap_or_default()
                .iter()
                .collect::<String>()
        })
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

/// `name:tag` tokens whose tags are ones the seed pushes or runs, whole.
fn whole_images(cell: &str) -> bool {
    cell.split(' ').all(|token| {
        token
            .split_once(':')
            .is_some_and(|(_, tag)| ["v1.4.0", "v1.4.1", "v1.5.0", "stable-alpine"].contains(&tag))
    })
}

#[test]
fn at_80x24_images_are_whole_or_cut_with_an_ellipsis_and_tasks_show_their_revision() {
    let bed = TestBed::seeded();
    let mut tui = Tui::start(&bed, &bed.endpoint, 80, 24, &["--cluster", "production"]);
    let screen = tui.wait_for("the production services with their images", WAIT, |s| {
        s.contains("services · production") && column(s, "IMAGES", "ROLLOUT").len() >= 3
    });
    let images = column(&screen, "IMAGES", "ROLLOUT");
    for cell in &images {
        assert!(
            whole_images(cell) || cell.ends_with('…'),
            "{cell:?} is cut without …:\n{screen}"
        );
    }
    // web runs php and nginx: too long for 80 columns beside the other columns.
    assert!(images.iter().any(|c| c.ends_with('…')), "{screen}");
    // What did not fit (at least LAUNCH, the least read) is named in the title; which
    // others depends on the content, e.g. whether the scans are in yet.
    let title = screen.lines().nth(2).unwrap_or_default();
    let header = screen.lines().nth(3).unwrap_or_default();
    let dropped = title.split(" − ").nth(1).unwrap_or_default();
    assert!(dropped.contains("LAUNCH"), "{screen}");
    for name in [
        "NAME", "STATUS", "D/R/P", "TASK DEF", "IMAGES", "ROLLOUT", "VULNS", "EXEC", "LAUNCH",
    ] {
        assert!(
            header.contains(name) || dropped.contains(name),
            "{name} neither shown nor named:\n{screen}"
        );
    }

    // scheduler, web, worker: one down is web.
    tui.send("j");
    tui.send(ENTER);
    let screen = tui.wait_for("web's tasks with their revision", WAIT, |s| {
        s.contains("tasks · production/web") && !column(s, "REVISION", "STATUS").is_empty()
    });
    let revisions = column(&screen, "REVISION", "STATUS");
    for r in &revisions {
        assert!(
            r.starts_with("laravel-web:") && r["laravel-web:".len()..].parse::<u32>().is_ok(),
            "{r:?}:\n{screen}"
        );
    }
    tui.quit(WAIT);
}
