//! Pure render functions: `draw(&State, &mut Frame)`. One file per pane.

mod alerts;
mod clusters;
mod events;
mod findings;
pub mod fit;
mod footer;
mod forwards;
mod header;
mod help;
mod job;
mod logs;
mod messages;
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

/// What a draw learned that the next keys need.
#[derive(Debug, Default)]
pub struct Drawn {
    /// Where the list rows are, for mouse clicks.
    pub hit: Option<ListHit>,
    /// The text pane's rows and search matches, for scrolling (`app::text_view`).
    pub text: Option<crate::app::text_view::TextViewport>,
    /// The confirmation's rows, for scrolling it (`update::actions`).
    pub modal: Option<crate::app::actions::ModalView>,
}

/// Draws everything; returns where the list rows are and what the text pane holds.
pub fn draw(state: &State, frame: &mut Frame) -> Drawn {
    // The message line takes rows of its own only while there is a message.
    let said = messages::height(state, frame.area().width);
    let [head, body, message, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(said),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    header::draw(state, frame, head);
    let (hit, text) = draw_body(state, frame, body);
    let modal = modal::draw(state, frame, body);
    messages::draw_line(state, frame, message);
    footer::draw(state, modal, frame, foot);
    let screen = state.screen();
    let text = text.map(|e| crate::app::text_view::TextViewport {
        view: screen.view.clone(),
        rows: e.rows,
        height: e.height,
        query: screen.filter.clone(),
        matches: e.matches,
    });
    Drawn { hit, text, modal }
}

fn draw_body(
    state: &State,
    frame: &mut Frame,
    area: Rect,
) -> (Option<ListHit>, Option<text::Extent>) {
    let screen = state.screen();
    // List panes return where their rows are; the text views what they hold.
    let extent = match &screen.view {
        View::Clusters => return (clusters::draw(state, screen, frame, area), None),
        View::Services { cluster } => {
            return (services::draw(state, screen, cluster, frame, area), None)
        }
        View::Tasks { cluster, service } if service == crate::domain::STANDALONE => {
            return (standalone::draw(state, screen, cluster, frame, area), None)
        }
        View::Tasks { cluster, service } => {
            return (
                tasks::draw(state, screen, cluster, service, frame, area),
                None,
            )
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
        View::Logs { .. } => {
            logs::draw(state, frame, area);
            return (None, None);
        }
        View::Job => job::draw(state, screen, frame, area),
        View::Findings { cluster, service } => {
            let hit = findings::draw(state, screen, cluster, service.as_deref(), frame, area);
            return (hit, None);
        }
        View::FindingDetail { image, name, .. } => {
            findings::draw_detail(state, screen, image, name, frame, area)
        }
        View::Alerts => return (alerts::draw(state, screen, frame, area), None),
        View::TaskDefs { family } => {
            return (taskdefs::draw(state, screen, family, frame, area), None)
        }
        View::Forwards => return (forwards::draw(state, screen, frame, area), None),
        View::Events => return (events::draw(state, screen, frame, area), None),
        View::TaskDefDiff { before, after, .. } => {
            taskdefs::draw_diff(state, screen, before, after, frame, area)
        }
        View::Help => help::draw(state, screen, frame, area),
        View::Messages => messages::draw_pane(state, screen, frame, area),
    };
    (None, Some(extent))
}

/// The pane's height on a terminal of `width` x `height`: the chrome and, while there
/// is one, the message line's rows taken off (PgUp/PgDn move by what is shown).
pub fn body_height(state: &State, width: u16, height: u16) -> u16 {
    height
        .saturating_sub(CHROME_ROWS)
        .saturating_sub(messages::height(state, width))
}

/// Rows of a list that fit in a body of `height` lines (block borders and column header).
pub fn page_rows(body_height: u16) -> usize {
    usize::from(body_height.saturating_sub(3)).max(1)
}
