//! Operations shared by the TUI and the headless commands: a pure plan, and an async
//! driver that carries it out.

pub mod logs;
