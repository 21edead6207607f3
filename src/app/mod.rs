//! Application state and the pure `update` function: keys and AWS answers in, effects out.
//! Nothing here performs I/O; `tui::runtime` carries out the effects.
//!
//! `state` (State, Slot, View), `msg` (Msg in, Effect out), `update/` (`update` and one
//! file per topic it handles), `lists` (the rows each pane shows), `actions` (the modals'
//! data); the rest hold one feature each (sort columns, the `:` palette, the log pane, …).

pub mod actions;
pub mod backoff;
pub mod columns;
pub mod confirm;
pub mod events;
pub mod fleet;
mod lists;
pub mod logs;
pub mod messages;
mod msg;
pub mod palette;
mod state;
pub mod text_view;
pub mod update;

pub use crate::config::Action;
pub use lists::{age_from, task_age};
pub use lists::{
    images_of, service_vulns, sort_header, visible_alerts, visible_clusters, visible_findings,
    visible_services, visible_tasks, FindingRow,
};
pub use msg::{Effect, ForwardEvent, MouseInput, Msg, RequestId, Switched};
pub use state::{
    short_id, Failing, ForwardRow, ForwardState, Input, Screen, Slot, State, StatusLine, View,
};
pub use update::palette::suggestions as command_suggestions;
pub use update::update;
