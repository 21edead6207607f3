//! Property tests of the config parser: any text gives a config or one error line that
//! names a line the file has.

use std::path::Path;

use proptest::collection::vec;
use proptest::prelude::*;

use super::{Config, ConfigError};

/// Lines that reach every part of the parser: valid settings, unknown keys, wrong types,
/// bad colours, keys and durations, broken syntax, and odd characters.
const LINES: &[&str] = &[
    "refresh_secs = 5",
    "refresh_secs = 0",
    "refresh_secs = \"ten\"",
    "refresh = 3",
    "read_only = true",
    "read_only = \"yes\"",
    "mouse = 1",
    "clusters = [\"prod*\", \"staging\"]",
    "clusters = \"prod\"",
    "log_level = \"loud\"",
    "log_level = \"debug\"",
    "[theme]",
    "preset = \"light\"",
    "preset = \"neon\"",
    "ok = \"blurple\"",
    "accent = \"#12345\"",
    "accent = \"#123456\"",
    "[keys]",
    "quit = [\"nope\"]",
    "quit = [\"q\", \"ctrl-c\"]",
    "fly = [\"f\"]",
    "[logs]",
    "since = \"5x\"",
    "since = \"99999999999999999d\"",
    "since = \"10m\"",
    "buffer_records = 0",
    "live_tail = false",
    "[alerts]",
    "cpu_max_percent = \"x\"",
    "min_severity = \"HIGH\"",
    "[exec]",
    "plugin = 5",
    "[services.web.migration]",
    "container = \"php\"",
    "env = { RUN_MIGRATIONS = \"1\" }",
    "command = [\"php\", \"artisan\", \"migrate\"]",
    "[services.\"staging/web\".exec]",
    "shell = \"/bin/ash\"",
    "quick_commands = [1]",
    "[[clusters]]",
    "[nope]",
    "# a comment",
    "",
    "   ",
    "x = ",
    "= 1",
    "[",
    "]",
    "\"unterminated",
    "key = '''",
    "'''",
    "a.b.c = 1",
    "é = 1",
    "\u{1b}[31m = 1",
    "refresh_secs = 5 # trailing",
    "refresh_secs = 5 refresh_secs = 6",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (vec(prop::sample::select(LINES), 0..10), any::<bool>(), any::<bool>()).prop_map(
            |(lines, crlf, trailing)| {
                let mut t = lines.join(if crlf { "\r\n" } else { "\n" });
                if trailing {
                    t.push('\n');
                }
                t
            }
        ),
        2 => "(?s).{0,200}",
        1 => vec(any::<u8>(), 0..200).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

proptest! {
    #![proptest_config(crate::testing::config(256))]

    #[test]
    fn props_any_text_is_a_config_or_one_error_line_naming_a_real_line(text in text()) {
        match Config::parse(&text, Path::new("/etc/toadtop.toml")) {
            Ok(config) => {
                prop_assert!(config.refresh_secs >= 1);
                prop_assert!(config.logs.buffer_records >= 1);
            }
            Err(ConfigError::Invalid { line, ref key, ref message, .. }) => {
                let lines = text.lines().count().max(1);
                prop_assert!((1..=lines).contains(&line), "line {} of {}: {:?}", line, lines, text);
                prop_assert!(!message.is_empty());
                let shown = ConfigError::Invalid {
                    path: "/etc/toadtop.toml".into(),
                    line,
                    key: key.clone(),
                    message: message.clone(),
                }
                .to_string();
                prop_assert!(!shown.contains('\n'), "one line: {:?}", shown);
                let named = format!("line {line}");
                prop_assert!(shown.contains(&named), "{}", shown);
                // An unknown key is reported on the line that has it.
                if let Some(name) = message
                    .strip_prefix("unknown field `")
                    .and_then(|m| m.split('`').next())
                {
                    let at = text.lines().nth(line - 1).unwrap_or("");
                    prop_assert!(at.contains(name), "`{}` is not on line {}: {:?}", name, line, text);
                }
            }
            Err(e @ ConfigError::Read { .. }) => prop_assert!(false, "parse never reads: {}", e),
        }
    }
}
