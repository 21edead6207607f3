use crossterm::event::KeyEvent;

use crate::domain::{Cluster, ClusterDetail};
use crate::timefmt::Timestamp;

/// Tags each load so a late answer to an old request is dropped.
pub type RequestId = u64;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// Periodic: advances the clock, the spinner and auto refresh.
    Tick(Timestamp),
    ClustersLoaded {
        req: RequestId,
        result: Result<Vec<Cluster>, String>,
    },
    DetailLoaded {
        req: RequestId,
        cluster: String,
        result: Result<ClusterDetail, String>,
    },
}

/// What `update` asks the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    LoadClusters { req: RequestId },
    LoadDetail { req: RequestId, cluster: Cluster },
    Quit,
}
