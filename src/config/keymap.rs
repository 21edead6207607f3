//! Actions a key can trigger, their default keys (k9s habits), and overrides from config.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

/// Everything a key can ask for. `update` decides what each means in the current view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Enter,
    Back,
    NextPane,
    Filter,
    Command,
    Details,
    TaskDefinition,
    Refresh,
    Help,
    Quit,
    Logs,
    Follow,
    NextMatch,
    PrevMatch,
    LevelFilter,
    ContainerFilter,
    Wrap,
    TimeRange,
    Save,
    Deploy,
    Migrate,
    Restart,
    Rollback,
    Scale,
    StopTask,
    Exec,
    Forward,
    Findings,
    SortColumn,
    SortOrder,
    Copy,
    StandaloneTasks,
    ConsoleUrl,
}

impl Action {
    pub const ALL: [Action; 39] = [
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Enter,
        Action::Back,
        Action::NextPane,
        Action::Filter,
        Action::Command,
        Action::Details,
        Action::TaskDefinition,
        Action::Refresh,
        Action::Help,
        Action::Quit,
        Action::Logs,
        Action::Follow,
        Action::NextMatch,
        Action::PrevMatch,
        Action::LevelFilter,
        Action::ContainerFilter,
        Action::Wrap,
        Action::TimeRange,
        Action::Save,
        Action::Deploy,
        Action::Migrate,
        Action::Restart,
        Action::Rollback,
        Action::Scale,
        Action::StopTask,
        Action::Exec,
        Action::Forward,
        Action::Findings,
        Action::SortColumn,
        Action::SortOrder,
        Action::Copy,
        Action::StandaloneTasks,
        Action::ConsoleUrl,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Action::Up => "move up",
            Action::Down => "move down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::Enter => "drill in",
            Action::Back => "back / close",
            Action::NextPane => "next pane",
            Action::Filter => "filter",
            Action::Command => "command",
            Action::Details => "details",
            Action::TaskDefinition => "task definition",
            Action::Refresh => "refresh",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Logs => "logs of the selection",
            Action::Follow => "logs: follow / pause",
            Action::NextMatch => "next search match (logs, details, help)",
            Action::PrevMatch => "previous search match (logs, details, help)",
            Action::LevelFilter => "logs: minimum level",
            Action::ContainerFilter => "logs: one container / all",
            Action::Wrap => "logs: wrap long lines",
            Action::TimeRange => "logs: how far back",
            Action::Save => "logs: save to a file",
            Action::Deploy => "deploy: swap images, watch the rollout",
            Action::Migrate => "run the migration task",
            Action::Restart => "restart: force a new deployment",
            Action::Rollback => "roll back to the previous revision",
            Action::Scale => "set the desired count",
            Action::StopTask => "stop the selected task",
            Action::Exec => "exec: a shell or quick command in a container",
            Action::Forward => "port forward through the task (to RDS, Redis, a container port)",
            Action::Findings => "image-scan findings of the selection",
            Action::SortColumn => "sort by the next column",
            Action::SortOrder => "flip the sort order",
            Action::Copy => "copy the selection's ARN or id (OSC 52)",
            Action::StandaloneTasks => "standalone tasks of the cluster (migrations, one-offs)",
            Action::ConsoleUrl => "AWS console URL of the selection: copy it, open a browser",
        }
    }

    fn default_keys(self) -> &'static [&'static str] {
        match self {
            Action::Up => &["k", "up"],
            Action::Down => &["j", "down"],
            Action::PageUp => &["pgup", "ctrl-b"],
            Action::PageDown => &["pgdown", "ctrl-f"],
            Action::Top => &["g", "home"],
            Action::Bottom => &["G", "end"],
            Action::Enter => &["enter"],
            Action::Back => &["esc"],
            Action::NextPane => &["tab"],
            Action::Filter => &["/"],
            Action::Command => &[":"],
            Action::Details => &["i"],
            Action::TaskDefinition => &["t"],
            Action::Refresh => &["r"],
            Action::Help => &["?"],
            Action::Quit => &["q", "ctrl-c"],
            Action::Logs => &["l"],
            Action::Follow => &["space"],
            Action::NextMatch => &["n"],
            Action::PrevMatch => &["N"],
            Action::LevelFilter => &["L"],
            Action::ContainerFilter => &["c"],
            Action::Wrap => &["w"],
            Action::TimeRange => &["T"],
            Action::Save => &["ctrl-s"],
            Action::Deploy => &["d"],
            Action::Migrate => &["m"],
            Action::Restart => &["R"],
            Action::Rollback => &["b"],
            Action::Scale => &["S"],
            Action::StopTask => &["s"],
            Action::Exec => &["x"],
            Action::Forward => &["F"],
            Action::Findings => &["f"],
            Action::SortColumn => &["o"],
            Action::SortOrder => &["O"],
            Action::Copy => &["y"],
            // Next to `m` (run a migration): where migration tasks are listed.
            Action::StandaloneTasks => &["M"],
            // `b` is roll back.
            Action::ConsoleUrl => &["B"],
        }
    }
}

/// A key as written in config: `q`, `G`, `ctrl-c`, `enter`, `f5`, `pgdown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct KeyBinding {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl KeyBinding {
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl != self.ctrl {
            return false;
        }
        match (self.code, event.code) {
            // Terminals report shifted letters as the upper-case char, with or without SHIFT.
            (KeyCode::Char(a), KeyCode::Char(b)) => a == b,
            (a, b) => a == b,
        }
    }
}

impl TryFrom<String> for KeyBinding {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl std::str::FromStr for KeyBinding {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (ctrl, rest) = match text.strip_prefix("ctrl-") {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, text),
        };
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" => KeyCode::PageUp,
            "pgdown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            f if f.starts_with('f') && f.len() > 1 => match f[1..].parse::<u8>() {
                Ok(n) if (1..=12).contains(&n) => KeyCode::F(n),
                _ => return Err(format!("unknown key `{text}`")),
            },
            s => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
                    _ => {
                        return Err(format!(
                            "unknown key `{text}` (use one character, a name such as enter, esc, tab, up, pgdown, f5, or ctrl-X)"
                        ))
                    }
                }
            }
        };
        Ok(KeyBinding { code, ctrl })
    }
}

impl fmt::Display for KeyBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("backtab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdown"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Keys per action; overrides from config replace an action's defaults whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<Action, Vec<KeyBinding>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = Action::ALL
            .iter()
            .map(|&a| {
                let keys = a
                    .default_keys()
                    .iter()
                    // The defaults above are literals checked by the `defaults_parse` test.
                    .filter_map(|k| k.parse().ok())
                    .collect();
                (a, keys)
            })
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    pub fn with_overrides(overrides: &BTreeMap<Action, Vec<KeyBinding>>) -> Self {
        let mut map = Keymap::default();
        for (action, keys) in overrides {
            map.bindings.insert(*action, keys.clone());
        }
        map
    }

    /// The action a key press means, if any.
    pub fn action_for(&self, event: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(_, keys)| keys.iter().any(|k| k.matches(event)))
            .map(|(a, _)| *a)
    }

    pub fn keys(&self, action: Action) -> &[KeyBinding] {
        self.bindings.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The first key of an action as text, for the footer and help.
    pub fn label(&self, action: Action) -> String {
        self.keys(action)
            .first()
            .map_or_else(|| "unbound".to_string(), ToString::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse() {
        for a in Action::ALL {
            for k in a.default_keys() {
                assert!(k.parse::<KeyBinding>().is_ok(), "{k}");
            }
            assert_eq!(Keymap::default().keys(a).len(), a.default_keys().len());
        }
    }

    #[test]
    fn parses_and_matches() {
        let map = Keymap::default();
        let ev = |code, mods| KeyEvent::new(code, mods);
        assert_eq!(
            map.action_for(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action_for(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            map.action_for(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            map.action_for(&ev(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
        assert!("ctrl-".parse::<KeyBinding>().is_err());
        assert_eq!(
            "-".parse::<KeyBinding>().map(|k| k.code),
            Ok(KeyCode::Char('-'))
        );
        assert!("hello".parse::<KeyBinding>().is_err());
        assert!("f13".parse::<KeyBinding>().is_err());
        assert_eq!(
            "f5".parse::<KeyBinding>().map(|k| k.to_string()),
            Ok("f5".into())
        );
    }

    #[test]
    fn overrides_replace_defaults() {
        let mut o = BTreeMap::new();
        o.insert(Action::Quit, vec!["x".parse().unwrap()]);
        let map = Keymap::with_overrides(&o);
        assert_eq!(map.label(Action::Quit), "x");
        assert_eq!(
            map.action_for(&KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
    }
}
