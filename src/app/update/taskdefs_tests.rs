use super::*;
use crate::app::{update, Action, Effect, Msg, View};
use crate::fixtures;

const FAMILY: &str = "laravel-web";

fn arn(rev: i32) -> String {
    fixtures::web_task_definition(rev).arn
}

/// The production fixture, `:taskdefs` opened from the web service and listed.
fn listed(revisions: &[i32]) -> State {
    let mut s = fixtures::state_with(fixtures::production());
    s.stack.push(crate::app::Screen::new(View::ServiceDetail {
        cluster: "production".into(),
        service: "web".into(),
    }));
    let effects = open(&mut s, "");
    let req = match effects.as_slice() {
        [Effect::LoadRevisions { req, family }] if family == FAMILY => *req,
        other => panic!("expected one LoadRevisions for {FAMILY}, got {other:?}"),
    };
    let arns = revisions.iter().map(|r| arn(*r)).collect();
    update(
        &mut s,
        Msg::RevisionsListed {
            req,
            family: FAMILY.into(),
            result: Ok(arns),
        },
    );
    s
}

fn running_revision(s: &State) -> i32 {
    let svc = s.service("production", "web").expect("web");
    crate::domain::family_revision(&svc.task_definition_arn)
        .rsplit_once(':')
        .and_then(|(_, r)| r.parse().ok())
        .expect("revision")
}

#[test]
fn opens_the_family_of_the_service_in_view() {
    let s = listed(&[9, 8, 7]);
    assert_eq!(
        s.screen().view,
        View::TaskDefs {
            family: FAMILY.into()
        }
    );
    assert_eq!(visible(&s, FAMILY, "").len(), 3);
    // A family given by name needs no selection.
    let mut s = fixtures::state_with(fixtures::production());
    assert!(matches!(
        open(&mut s, "laravel-worker").as_slice(),
        [Effect::LoadRevisions { family, .. }] if family == "laravel-worker"
    ));
    let mut s = fixtures::state_with(fixtures::production());
    assert!(open(&mut s, "").is_empty());
    assert!(s.status.as_ref().is_some_and(|st| st.error));
}

#[test]
fn enter_diffs_against_the_running_revision_then_the_marked_one() {
    let running = running_revision(&listed(&[1]));
    let revs = [running + 2, running + 1, running, running - 1];
    let mut s = listed(&revs);
    // Row 0 is the newest; the base is what production/web runs.
    let fx = drill_back_and(&mut s, 0);
    assert_eq!(
        s.screen().view,
        View::TaskDefDiff {
            family: FAMILY.into(),
            before: arn(running),
            after: arn(running + 2),
        }
    );
    assert!(matches!(fx.as_slice(), [Effect::DescribeRevisions { arns }] if arns.len() == 2));

    // Mark the oldest as base with space, then compare the newest with it.
    s.stack.pop();
    s.screen_mut().selected = 3;
    update_action(&mut s, Action::Follow);
    assert_eq!(s.taskdef_base.get(FAMILY), Some(&arn(running - 1)));
    drill_back_and(&mut s, 0);
    assert_eq!(
        s.screen().view,
        View::TaskDefDiff {
            family: FAMILY.into(),
            before: arn(running - 1),
            after: arn(running + 2),
        }
    );
}

#[test]
fn the_running_revision_compares_with_the_one_before_it() {
    let running = running_revision(&listed(&[1]));
    let mut s = listed(&[running, running - 1]);
    drill_back_and(&mut s, 0);
    assert_eq!(
        s.screen().view,
        View::TaskDefDiff {
            family: FAMILY.into(),
            before: arn(running - 1),
            after: arn(running),
        }
    );
    let mut s = listed(&[running]);
    drill_back_and(&mut s, 0);
    assert!(matches!(s.screen().view, View::TaskDefs { .. }));
    assert!(s.status.as_ref().is_some_and(|st| st.error));
}

#[test]
fn described_revisions_are_kept_for_the_diff() {
    let mut s = listed(&[3, 2]);
    let td = fixtures::web_task_definition(3);
    update(
        &mut s,
        Msg::RevisionsDescribed(vec![
            (td.arn.clone(), Ok(td.clone())),
            (arn(2), Err("DescribeTaskDefinition: denied".into())),
        ]),
    );
    assert_eq!(s.revisions.get(&td.arn), Some(&Ok(td)));
    assert!(matches!(s.revisions.get(&arn(2)), Some(Err(e)) if e.contains("denied")));
}

#[test]
fn a_stale_listing_is_dropped_and_refresh_lists_again() {
    let mut s = listed(&[2, 1]);
    update(
        &mut s,
        Msg::RevisionsListed {
            req: 999,
            family: FAMILY.into(),
            result: Ok(vec![]),
        },
    );
    assert_eq!(
        visible(&s, FAMILY, "").len(),
        2,
        "a stale answer changes nothing"
    );
    let fx = update_action(&mut s, Action::Refresh);
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::LoadRevisions { family, .. } if family == FAMILY)));
}

fn update_action(s: &mut State, action: Action) -> Vec<Effect> {
    let key = *s.keymap.keys(action).first().expect("a default key");
    let mods = if key.ctrl {
        crossterm::event::KeyModifiers::CONTROL
    } else {
        crossterm::event::KeyModifiers::NONE
    };
    update(s, Msg::Key(crossterm::event::KeyEvent::new(key.code, mods)))
}

/// Selects a row of the revisions pane and presses Enter.
fn drill_back_and(s: &mut State, row: usize) -> Vec<Effect> {
    if !matches!(s.screen().view, View::TaskDefs { .. }) {
        s.stack.pop();
    }
    s.screen_mut().selected = row;
    update_action(s, Action::Enter)
}

#[test]
fn a_listing_describes_the_newest_revisions_once() {
    let mut s = fixtures::state_with(fixtures::production());
    let fx = open(&mut s, FAMILY);
    let Some(Effect::LoadRevisions { req, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    let req = *req;
    // 40 revisions, newest first; revision 39 already described (by a diff).
    let arns: Vec<String> = (1..=40).rev().map(arn).collect();
    s.revisions
        .insert(arn(39), Ok(fixtures::web_task_definition(39)));
    let fx = update(
        &mut s,
        Msg::RevisionsListed {
            req,
            family: FAMILY.into(),
            result: Ok(arns.clone()),
        },
    );
    let asked = match fx.as_slice() {
        [Effect::DescribeRevisions { arns }] => arns.clone(),
        other => panic!("expected one DescribeRevisions, got {other:?}"),
    };
    assert_eq!(asked.len(), DESCRIBE_LISTED - 1);
    assert_eq!(asked.first(), Some(&arn(40)));
    assert!(!asked.contains(&arn(39)), "described already");
    assert!(!asked.contains(&arn(10)), "older than the newest 30");
}
