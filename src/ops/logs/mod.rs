//! Following CloudWatch logs of a service, a task or a container.

pub mod follow;
pub mod plan;

pub use follow::{follow, FollowEvent, FollowMode, LogLine};
pub use plan::{plan, plan_tasks, LogPlan, LogScope, LogSource};
