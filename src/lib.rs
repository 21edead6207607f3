//! toadtop: a terminal UI for Laravel services on AWS ECS Fargate.
//!
//! Layers, arrows pointing down only (`tests/layers.rs` checks them):
//! `main` -> `tui` -> `headless` -> `cli` -> `ui` -> `app` -> `ops` -> `alerts`, `aws`,
//! `logs` -> `config` -> `domain`, `logfile` -> `safety`, `timefmt`, `duration`,
//! `private_fs`. The pure layers (`ui`, `app`, `alerts`, `logs`) never import `aws`, and
//! only `aws` imports the SDK.

pub mod alerts;
pub mod app;
pub mod aws;
pub mod cli;
pub mod cli_docs;
pub mod config;
pub mod domain;
pub mod duration;
pub mod fixtures;
pub mod headless;
pub mod logfile;
pub mod logs;
pub mod ops;
pub mod private_fs;
pub mod safety;
#[cfg(test)]
mod testing;
pub mod timefmt;
pub mod tui;
pub mod ui;
