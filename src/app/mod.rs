//! Application state and the pure `update` function: keys and AWS answers in, effects out.
//! Nothing here performs I/O; `tui::runtime` carries out the effects.

pub mod actions;
mod lists;
pub mod logs;
mod msg;
mod state;
mod update;
mod update_actions;
pub mod update_exec;
mod update_findings;
mod update_logs;
mod update_secrets;

pub use crate::config::Action;
pub use lists::{
    images_of, visible_alerts, visible_clusters, visible_findings, visible_services, visible_tasks,
    FindingRow,
};
pub use msg::{Effect, Msg, RequestId};
pub use state::{short_id, Input, Screen, Slot, State, StatusLine, View};
pub use update::update;
