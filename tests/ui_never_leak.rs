//! Text paths that once skipped `sanitize`: an enhanced finding's severity, a task id, a
//! task-definition ARN that does not parse, a modal title built from ids. ratatui draws a
//! Span's control characters into the cell as they are, so each must be cleaned before.

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use toadtop::app::actions::Modal;
use toadtop::app::{Screen, State, View};
use toadtop::domain::{Finding, ImageFindings};
use toadtop::fixtures;
use toadtop::ops::jobs::JobRequest;

/// Every cell's symbol, row after row: what a terminal would be sent.
fn cells(state: &State) -> String {
    let mut term = Terminal::new(TestBackend::new(120, 32)).expect("terminal");
    term.draw(|f| {
        toadtop::ui::draw(state, f);
    })
    .expect("draw");
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..32 {
        for x in 0..120 {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// An OSC 52 clipboard write, a screen clear, a bidi override and a BEL.
const HOSTILE: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J\u{202e}";

fn assert_clean(what: &str, screen: &str) {
    let bad: Vec<char> = screen
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || toadtop::safety::is_hidden(c))
        .collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} on screen:\n{screen}");
}

fn open(mut state: State, view: View) -> State {
    state.stack.push(Screen::new(View::Services {
        cluster: "production".into(),
    }));
    state.stack.push(Screen::new(view));
    state
}

#[test]
fn enhanced_finding_severity_is_sanitized() {
    let mut state = open(
        fixtures::state_with(fixtures::production()),
        View::Findings {
            cluster: "production".into(),
            service: Some("web".into()),
        },
    );
    // Every image of the fixture gets the hostile finding, so the pane shows it.
    let images: Vec<String> = fixtures::production()
        .services
        .iter()
        .filter_map(|s| s.task_definition.as_ref())
        .flat_map(|td| td.containers.iter().map(|c| c.image.clone()))
        .collect();
    for image in images {
        state.findings.insert(
            image.clone(),
            ImageFindings {
                image,
                digest: None,
                status: "ACTIVE".into(),
                counts: Default::default(),
                items: vec![Finding {
                    name: "CVE-1".into(),
                    severity: format!("HIGH{HOSTILE}"),
                    package: None,
                    version: None,
                    fixed_in: None,
                    score: None,
                    status: None,
                    url: None,
                    description: None,
                }],
                scan_settings: None,
                error: None,
            },
        );
    }
    let screen = cells(&state);
    assert!(screen.contains("CVE-1"), "{screen}");
    assert_clean("findings", &screen);
}

#[test]
fn task_ids_and_revision_arns_are_sanitized() {
    let mut detail = fixtures::production();
    let web = detail
        .services
        .iter_mut()
        .find(|s| s.name == "web")
        .unwrap();
    web.tasks[0].id = format!("0a1b{HOSTILE}");
    let state = open(
        fixtures::state_with(detail),
        View::Tasks {
            cluster: "production".into(),
            service: "web".into(),
        },
    );
    assert_clean("tasks", &cells(&state));

    let mut state = open(
        fixtures::state_with(fixtures::production()),
        View::TaskDefs {
            family: "laravel-web".into(),
        },
    );
    let slot = state.taskdefs.entry("laravel-web".into()).or_default();
    slot.data = Some(vec![format!("not-an-arn{HOSTILE}")]);
    slot.fetched_at = Some(fixtures::NOW);
    let screen = cells(&state);
    // Shown (whole or cut with …, as the column planner sizes it), and clean.
    assert!(
        screen.contains("not-an-arn") || screen.contains("not-an-a…"),
        "{screen}"
    );
    assert_clean("revisions", &screen);
}

#[test]
fn modal_titles_are_sanitized() {
    let mut state = fixtures::state_with(fixtures::production());
    state.modal = Some(Modal::Preparing {
        job: JobRequest::Restart {
            cluster: format!("prod{HOSTILE}"),
            service: "web".into(),
        },
        notes: Vec::new(),
    });
    let screen = cells(&state);
    assert!(screen.contains("restart prod"), "{screen}");
    assert_clean("modal", &screen);
}

#[test]
fn a_migration_confirmation_masks_env_and_command() {
    let mut settings = toadtop::config::MigrationSettings::default();
    settings
        .env
        .insert("DB_PASSWORD".into(), "s3cr3t-in-config".into());
    settings
        .env
        .insert("DATABASE_URL".into(), "mysql://app:url-pw@db/app".into());
    settings.command = ["php", "artisan", "migrate", "--password=flag-pw"]
        .map(String::from)
        .to_vec();
    let job = JobRequest::Migrate {
        cluster: "production".into(),
        service: "web".into(),
        settings,
    };
    let text = job.describe("laravel-web:2").join("\n");
    for secret in ["s3cr3t-in-config", "url-pw", "flag-pw"] {
        assert!(!text.contains(secret), "{secret} shown:\n{text}");
    }
    assert!(
        text.contains("DB_PASSWORD=••••••")
            && text.contains("DATABASE_URL=mysql://app:••••••@db/app")
            && text.contains("RUN_MIGRATIONS=1")
            && text.contains("--password=••••••"),
        "{text}"
    );
}
