//! Image-swap deploys and the other service actions: plan (pure), watch verdicts
//! (pure), and the driver.

pub mod drive;
pub mod findings;
pub mod plan;
pub mod watch;

pub use drive::{
    deploy, deploy_prepared, prepare, run_action, stop_task, try_prepare, DeployRequest,
    PrepareError, ServiceAction, WatchSettings,
};
