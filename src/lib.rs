//! toadtop: a terminal UI for Laravel services on AWS ECS Fargate.
//!
//! Layers, arrows pointing down only (`tests/layers.rs` checks them):
//! `main`/`cli` -> `tui` -> `headless` -> `ui` -> `app` -> `ops` -> `alerts` -> `aws`,
//! `logs` -> `config` -> `domain` -> `safety`, `timefmt`, `duration`, `private_fs`.

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
