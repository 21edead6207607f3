//! toadtop: a terminal UI for Laravel services on AWS ECS Fargate.
//!
//! Layers, arrows pointing down only:
//! `cli`/`main` -> `tui` -> `ui` -> `app` -> `ops` -> `aws` -> `domain`, with `config`,
//! `safety`, `private_fs`, `timefmt` and `duration` usable from every layer. `headless` is the non-TUI front end.

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
