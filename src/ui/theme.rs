//! Styles derived from the configured colours.

use ratatui::style::{Color, Modifier, Style};

use crate::config::Colors;

pub struct Theme {
    pub accent: Style,
    pub header: Style,
    pub selected: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    pub dim: Style,
    pub title: Style,
}

impl Theme {
    pub fn new(c: &Colors) -> Self {
        Theme {
            accent: Style::new().fg(c.accent.0),
            header: Style::new().fg(Color::White).bg(c.header.0),
            selected: Style::new().bg(c.selection.0).add_modifier(Modifier::BOLD),
            ok: Style::new().fg(c.ok.0),
            warn: Style::new().fg(c.warn.0),
            error: Style::new().fg(c.error.0),
            dim: Style::new().fg(c.dim.0),
            title: Style::new().fg(c.accent.0).add_modifier(Modifier::BOLD),
        }
    }

    /// Colour for an ECS status word: green when healthy, red when failed, yellow between.
    pub fn status(&self, status: &str) -> Style {
        match status {
            "ACTIVE" | "RUNNING" | "HEALTHY" | "COMPLETED" | "PRIMARY" => self.ok,
            "FAILED" | "UNHEALTHY" | "STOPPED" | "INACTIVE" | "DEREGISTERING" => self.error,
            "" | "UNKNOWN" => self.dim,
            _ => self.warn,
        }
    }
}
