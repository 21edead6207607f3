//! Quitting while an action runs. Whatever the answer, what toadtop started goes on in
//! AWS (a rollout, a migration task): quitting only stops watching it. So `q` (and
//! ctrl-c) first say what would be left and ask; `y` (or ctrl-c again) quits, and the
//! runtime records the action as `interrupted` in the audit log.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::actions::{Job, Modal};
use crate::app::{Effect, State};

fn running(state: &State) -> Option<&Job> {
    state.job.as_ref().filter(|j| j.outcome.is_none())
}

/// `q`, ctrl-c, `:quit`: quits, unless an action runs and the question is not open yet.
pub fn quit(state: &mut State) -> Vec<Effect> {
    if running(state).is_some() && !matches!(state.modal, Some(Modal::QuitRunning)) {
        state.modal = Some(Modal::QuitRunning);
        return Vec::new();
    }
    leave(state)
}

fn leave(state: &mut State) -> Vec<Effect> {
    state.modal = None;
    state.quit = true;
    vec![Effect::Quit]
}

/// Keys while the question is open (already taken out of `state.modal`): y quits,
/// n / esc stay; nothing else answers (a stray Enter must not quit).
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Char('y' | 'Y') => leave(state),
        KeyCode::Char('n' | 'N') | KeyCode::Esc => {
            state.modal = None;
            state.say("still running (:job shows it)", false);
            Vec::new()
        }
        _ => {
            state.modal = Some(Modal::QuitRunning);
            Vec::new()
        }
    }
}

/// The question's title and lines, from the job as it is now (it may end while asked).
pub fn question(state: &State) -> (String, Vec<String>) {
    let Some(job) = state.job.as_ref() else {
        return ("quit?".into(), vec!["y: quit    n / esc: stay".into()]);
    };
    let verb = job.request.verb();
    let (c, s) = job.request.target();
    if job.outcome.is_some() {
        return (
            format!("quit? ({verb} {c}/{s} has ended)"),
            vec!["y: quit    n / esc: stay".into()],
        );
    }
    (
        format!("quit while {verb} {c}/{s} runs?"),
        vec![
            "What toadtop started goes on in AWS whatever you answer: quitting only stops toadtop watching it.".into(),
            format!(
                "Left as it is now: {}.",
                job.left.describe(job.before.as_deref())
            ),
            "Quitting records it in the audit log as interrupted, with what was left.".into(),
            String::new(),
            "y: quit (it keeps running)    n / esc: stay and watch".into(),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{update, Msg};
    use crate::ops::interrupt::Mark;
    use crate::ops::jobs::JobRequest;
    use crossterm::event::KeyModifiers;

    fn state_with_job() -> State {
        let mut s = State::new(
            "default".into(),
            "us-east-1".into(),
            None,
            crate::timefmt::Timestamp::now(),
        );
        s.job = Some(Job {
            id: 1,
            request: JobRequest::Restart {
                cluster: "production".into(),
                service: "web".into(),
            },
            lines: Vec::new(),
            logs: crate::logs::LogBuffer::new(10),
            outcome: None,
            scroll: 0,
            before: Some("laravel-web:2".into()),
            left: Default::default(),
        });
        s
    }

    /// A key through `update`, as the runtime sends it.
    fn press(s: &mut State, c: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
        update(s, Msg::Key(KeyEvent::new(c, modifiers)))
    }

    fn key(s: &mut State, c: char) -> Vec<Effect> {
        press(s, KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn quitting_while_a_job_runs_asks_and_says_what_is_left() {
        let mut s = state_with_job();
        assert!(key(&mut s, 'q').is_empty());
        assert!(!s.quit);
        assert!(matches!(s.modal, Some(Modal::QuitRunning)));
        if let Some(job) = s.job.as_mut() {
            job.left.apply(&Mark::Updated {
                deployment_id: Some("ecs-svc/42".into()),
                revision: "laravel-web:2".into(),
                desired: None,
            });
        }
        let (title, lines) = question(&s);
        assert_eq!(title, "quit while restart production/web runs?");
        assert!(
            lines.iter().any(|l| l.contains("deployment ecs-svc/42")),
            "{lines:?}"
        );
        // Enter is no answer; n stays; y quits.
        assert!(press(&mut s, KeyCode::Enter, KeyModifiers::NONE).is_empty());
        assert!(!s.quit && matches!(s.modal, Some(Modal::QuitRunning)));
        key(&mut s, 'n');
        assert!(s.modal.is_none() && !s.quit);
        key(&mut s, 'q');
        assert_eq!(key(&mut s, 'y'), vec![Effect::Quit]);
        assert!(s.quit);
    }

    #[test]
    fn ctrl_c_asks_and_a_second_ctrl_c_quits() {
        let mut s = state_with_job();
        assert!(press(&mut s, KeyCode::Char('c'), KeyModifiers::CONTROL).is_empty());
        assert!(matches!(s.modal, Some(Modal::QuitRunning)) && !s.quit);
        assert_eq!(
            press(&mut s, KeyCode::Char('c'), KeyModifiers::CONTROL),
            vec![Effect::Quit]
        );
        assert!(s.quit);
    }

    #[test]
    fn quitting_asks_nothing_when_no_job_runs() {
        let mut s = state_with_job();
        s.job = None;
        assert_eq!(key(&mut s, 'q'), vec![Effect::Quit]);
        assert!(s.quit);
    }
}
