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
        if c.mono {
            return Theme::mono();
        }
        Theme {
            accent: Style::new().fg(c.accent),
            header: Style::new().fg(Color::White).bg(c.header),
            selected: Style::new().bg(c.selection).add_modifier(Modifier::BOLD),
            ok: Style::new().fg(c.ok),
            warn: Style::new().fg(c.warn),
            error: Style::new().fg(c.error),
            dim: Style::new().fg(c.dim),
            title: Style::new().fg(c.accent).add_modifier(Modifier::BOLD),
        }
    }

    /// No colour anywhere: what matters most is bold, errors are also underlined, the
    /// selection is reversed, and nothing is dimmed into unreadability.
    fn mono() -> Self {
        let plain = Style::new();
        Theme {
            accent: plain.add_modifier(Modifier::BOLD),
            header: plain.add_modifier(Modifier::REVERSED),
            selected: plain.add_modifier(Modifier::REVERSED),
            ok: plain,
            warn: plain.add_modifier(Modifier::BOLD),
            error: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            dim: plain,
            title: plain.add_modifier(Modifier::BOLD),
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
