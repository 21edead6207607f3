//! Pure render functions: `draw(&State, &mut Frame)`. One file per pane.

mod alerts;
mod clusters;
mod events;
mod findings;
mod footer;
mod header;
mod help;
mod job;
mod logs;
mod modal;
mod service_detail;
mod service_secrets;
mod services;
mod standalone;
mod table;
mod task_definition;
mod task_detail;
mod taskdefs;
mod tasks;
mod text;
pub mod theme;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::Frame;

use crate::app::{State, View};

/// Lines above and below the pane; the runtime uses them to size a page.
pub const CHROME_ROWS: u16 = 3;

pub use table::ListHit;

/// Draws everything; returns where the list rows are, for mouse clicks.
pub fn draw(state: &State, frame: &mut Frame) -> Option<ListHit> {
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    header::draw(state, frame, head);
    let hit = draw_body(state, frame, body);
    modal::draw(state, frame, body);
    footer::draw(state, frame, foot);
    hit
}

fn draw_body(state: &State, frame: &mut Frame, area: Rect) -> Option<ListHit> {
    let screen = state.screen();
    // List panes return where their rows are; the text views have no rows to click.
    match &screen.view {
        View::Clusters => return clusters::draw(state, screen, frame, area),
        View::Services { cluster } => return services::draw(state, screen, cluster, frame, area),
        View::Tasks { cluster, service } if service == crate::domain::STANDALONE => {
            return standalone::draw(state, screen, cluster, frame, area)
        }
        View::Tasks { cluster, service } => {
            return tasks::draw(state, screen, cluster, service, frame, area)
        }
        View::ServiceDetail { cluster, service } => {
            service_detail::draw(state, screen, cluster, service, frame, area)
        }
        View::TaskDefinition { cluster, service } => {
            task_definition::draw(state, screen, cluster, service, frame, area)
        }
        View::TaskDetail {
            cluster,
            service,
            task,
        } => task_detail::draw(state, screen, cluster, service, task, frame, area),
        View::Logs { .. } => logs::draw(state, frame, area),
        View::Job => job::draw(state, frame, area),
        View::Findings { cluster, service } => {
            return findings::draw(state, screen, cluster, service.as_deref(), frame, area)
        }
        View::FindingDetail { image, name, .. } => {
            findings::draw_detail(state, screen, image, name, frame, area)
        }
        View::Alerts => return alerts::draw(state, screen, frame, area),
        View::Events => return events::draw(state, screen, frame, area),
        View::TaskDefs { family } => return taskdefs::draw(state, screen, family, frame, area),
        View::TaskDefDiff { before, after, .. } => {
            taskdefs::draw_diff(state, screen, before, after, frame, area)
        }
        View::Help => help::draw(state, screen, frame, area),
    }
    None
}

/// Rows of a list that fit in a body of `height` lines (block borders and column header).
pub fn page_rows(body_height: u16) -> usize {
    usize::from(body_height.saturating_sub(3)).max(1)
}
