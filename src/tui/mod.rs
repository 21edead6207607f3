//! The interactive front end: terminal setup/restore and the event loop that feeds
//! `app::update` and carries out its effects.

pub mod clipboard;
pub mod crash;
pub mod opener;
pub mod runtime;
pub mod switch;
pub mod terminal;
