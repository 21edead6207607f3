//! Front ends without a terminal UI, for scripts and CI. They never enter raw mode.

pub mod actions;
pub mod exec;
pub mod logs;
pub mod once;
pub mod snapshot;
pub mod textable;
