//! `[theme]`: a preset for dark or light terminals, or monochrome, plus per-colour
//! overrides. `NO_COLOR` (set and not empty) means monochrome unless the config names a
//! preset, as no-color.org asks: a user's explicit setting wins over the variable.

use ratatui::style::Color;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Dark,
    Light,
    /// No colours at all: bold, reverse and underline carry the meaning.
    Mono,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThemeSettings {
    pub preset: Option<Preset>,
    pub accent: Option<ColorSpec>,
    pub header: Option<ColorSpec>,
    pub selection: Option<ColorSpec>,
    pub ok: Option<ColorSpec>,
    pub warn: Option<ColorSpec>,
    pub error: Option<ColorSpec>,
    pub dim: Option<ColorSpec>,
}

/// The colours panes draw with, after preset, overrides and `NO_COLOR`.
#[derive(Debug, Clone, PartialEq)]
pub struct Colors {
    pub accent: Color,
    pub header: Color,
    pub selection: Color,
    pub ok: Color,
    pub warn: Color,
    pub error: Color,
    pub dim: Color,
    /// Draw without colour: `ui::theme` maps each role to a text attribute instead.
    pub mono: bool,
}

impl Default for Colors {
    fn default() -> Self {
        Colors::preset(Preset::Dark)
    }
}

impl Colors {
    pub fn preset(preset: Preset) -> Colors {
        match preset {
            Preset::Dark => Colors {
                accent: Color::Cyan,
                header: Color::Blue,
                selection: Color::DarkGray,
                ok: Color::Green,
                warn: Color::Yellow,
                error: Color::Red,
                dim: Color::Gray,
                mono: false,
            },
            // Yellow and light grey vanish on white: darker shades of each role.
            Preset::Light => Colors {
                accent: Color::Blue,
                header: Color::Blue,
                selection: Color::Indexed(153),
                ok: Color::Indexed(28),
                warn: Color::Indexed(130),
                error: Color::Indexed(160),
                dim: Color::Indexed(242),
                mono: false,
            },
            Preset::Mono => Colors {
                accent: Color::Reset,
                header: Color::Reset,
                selection: Color::Reset,
                ok: Color::Reset,
                warn: Color::Reset,
                error: Color::Reset,
                dim: Color::Reset,
                mono: true,
            },
        }
    }
}

impl ThemeSettings {
    /// `no_color`: whether `NO_COLOR` is set to something.
    pub fn resolve(&self, no_color: bool) -> Colors {
        let preset = self
            .preset
            .unwrap_or(if no_color { Preset::Mono } else { Preset::Dark });
        let mut c = Colors::preset(preset);
        if c.mono {
            return c; // overrides are colours, and mono has none
        }
        let pick = |o: Option<ColorSpec>, d: Color| o.map_or(d, |s| s.0);
        c.accent = pick(self.accent, c.accent);
        c.header = pick(self.header, c.header);
        c.selection = pick(self.selection, c.selection);
        c.ok = pick(self.ok, c.ok);
        c.warn = pick(self.warn, c.warn);
        c.error = pick(self.error, c.error);
        c.dim = pick(self.dim, c.dim);
        c
    }
}

/// Whether the environment asks for no colour (no-color.org: set and not empty).
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// A colour name (`cyan`, `lightred`), `#rrggbb`, or an ANSI index (`208`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct ColorSpec(pub Color);

impl TryFrom<String> for ColorSpec {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse::<Color>().map(ColorSpec).map_err(|_| {
            format!("unknown colour `{text}` (use a name like cyan, #rrggbb, or 0-255)")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(toml_text: &str) -> ThemeSettings {
        toml::from_str(toml_text).expect("theme parses")
    }

    #[test]
    fn no_color_means_mono_unless_the_config_names_a_preset() {
        assert!(ThemeSettings::default().resolve(true).mono);
        assert!(!ThemeSettings::default().resolve(false).mono);
        assert!(!theme("preset = \"dark\"").resolve(true).mono);
        assert!(theme("preset = \"mono\"").resolve(false).mono);
    }

    #[test]
    fn overrides_apply_on_top_of_the_preset() {
        let c = theme("preset = \"light\"\nwarn = \"#aa5500\"").resolve(false);
        assert_eq!(c.warn, Color::Rgb(0xaa, 0x55, 0x00));
        assert_eq!(c.ok, Colors::preset(Preset::Light).ok);
        // Mono ignores colour overrides: a colour there would break the promise.
        let m = theme("preset = \"mono\"\nwarn = \"red\"").resolve(false);
        assert_eq!(m, Colors::preset(Preset::Mono));
    }

    #[test]
    fn unknown_presets_and_colours_are_errors() {
        assert!(toml::from_str::<ThemeSettings>("preset = \"neon\"").is_err());
        assert!(toml::from_str::<ThemeSettings>("ok = \"blurple\"").is_err());
    }
}
