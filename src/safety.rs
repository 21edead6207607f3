//! Text from AWS (event messages, reasons, environment values, log lines) may carry escape
//! sequences or control characters. Everything drawn or printed passes through here first:
//! [`sanitize`] for text, [`json_string`] / [`json_string_pretty`] for JSON documents.

use serde::Serialize;
use serde_json::Value;

/// Removes ANSI/VT escape sequences (CSI, OSC, DCS, and two-byte ESC forms), C0/C1
/// control characters, bidi controls and invisible characters (see [`is_hidden`]); newlines,
/// tabs and the Unicode line/paragraph separators become spaces, so the result is one safe
/// line.
pub fn sanitize(input: &str) -> String {
    // Most text is plain printable ASCII: copy it without the per-char walk.
    if input.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI/OSC/DCS introducers behave like ESC [ / ESC ] / ESC P on many terminals.
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' | '\t' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() || is_hidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Characters that are not controls but still change or hide what the operator reads:
/// bidi embeddings, overrides, isolates and marks (U+202A-U+202E, U+2066-U+2069, LRM, RLM,
/// ALM) can make `txt.exe` display as `exe.txt`; zero-width and other invisible format
/// characters (ZWSP/ZWNJ/ZWJ, word joiner, BOM, soft hyphen, fillers, tag characters) make
/// two different names look the same.
pub fn is_hidden(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// What a JSON document must not carry raw: controls (serde_json already escapes C0, not
/// DEL or C1), the line/paragraph separators and everything [`is_hidden`].
fn json_escaped(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}' || is_hidden(c)
}

/// Strips escapes and hidden characters from every string of a JSON value, object keys
/// included, as [`sanitize`] does for text. JSON escapes control characters already; this
/// also drops escape sequences and bidi controls, so a consumer that prints a field (`jq
/// -r`) cannot be driven by it.
pub fn sanitize_json(v: &mut Value) {
    match v {
        Value::String(s) => *s = sanitize(s),
        Value::Array(items) => items.iter_mut().for_each(sanitize_json),
        Value::Object(map) => {
            for (key, mut value) in std::mem::take(map) {
                sanitize_json(&mut value);
                map.insert(sanitize(&key), value);
            }
        }
        _ => {}
    }
}

/// `value` as compact JSON in which every control, bidi or invisible character is written
/// as a `\uXXXX` escape: the data stays exact for a JSON parser, while the bytes on a
/// terminal are plain. Empty if `value` cannot be serialized (a map with non-string keys).
pub fn json_string<T: Serialize + ?Sized>(value: &T) -> String {
    write_json(value, serde_json::ser::CompactFormatter)
}

/// [`json_string`], indented.
pub fn json_string_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    write_json(value, serde_json::ser::PrettyFormatter::new())
}

fn write_json<T: Serialize + ?Sized, F: serde_json::ser::Formatter>(value: &T, f: F) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, SafeFormatter(f));
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    // The formatter writes whole chars and ASCII escapes only: always UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Wraps serde_json's formatters, escaping [`json_escaped`] characters inside strings.
struct SafeFormatter<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if json_escaped(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    // The layout hooks (PrettyFormatter's indentation) go to the wrapped formatter.
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_until_final(chars),
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => skip_string(chars),
        // Two-byte sequences such as ESC c (reset) or ESC ( B: drop the intermediates too.
        Some(c) if (' '..='/').contains(&c) => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI: parameters and intermediates up to a final byte in `@`..=`~`.
fn skip_until_final(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS/PM/APC: up to BEL or ST (ESC \ or U+009C).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Environment variable names whose values are secrets by convention.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "KEY",
        "SECRET",
        "TOKEN",
        "PASSWORD",
        "PASSWD",
        "CREDENTIAL",
        "PRIVATE",
    ]
    .iter()
    .any(|word| upper.contains(word))
}

/// The value to show for an environment variable: masked when its name looks secret.
pub fn mask_env(name: &str, value: &str) -> String {
    if looks_secret(name) {
        "••••••".to_string()
    } else {
        sanitize(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes_and_controls() {
        assert_eq!(sanitize("\u{1b}[31mred\u{1b}[0m"), "red");
        assert_eq!(sanitize("a\u{1b}]0;title\u{7}b"), "ab");
        assert_eq!(
            sanitize("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b"),
            "alinkb"
        );
        assert_eq!(sanitize("x\u{1b}cy"), "xy");
        assert_eq!(sanitize("x\u{1b}(By"), "xy");
        assert_eq!(sanitize("bell\u{7}\u{8}del\u{7f}"), "belldel");
        assert_eq!(sanitize("two\nlines\tand\rcr"), "two lines and cr");
        assert_eq!(sanitize("\u{9b}2Jcleared"), "cleared");
        assert_eq!(sanitize("evil\u{202e}txt.exe"), "eviltxt.exe");
        assert_eq!(sanitize("ünïcödé ✓"), "ünïcödé ✓");
    }

    #[test]
    fn strips_c1_controls_and_c1_introduced_sequences() {
        // NEL, a lone ST and other C1 characters are dropped.
        assert_eq!(sanitize("a\u{85}b\u{9c}c\u{80}\u{9f}"), "abc");
        // C1 OSC (0x9d) up to BEL or ST, DCS (0x90) up to ST, CSI (0x9b) to its final byte.
        assert_eq!(sanitize("x\u{9d}52;c;SGFja2Vk\u{7}y"), "xy");
        assert_eq!(
            sanitize("x\u{9d}8;;http://evil\u{9c}link\u{9d}8;;\u{9c}y"),
            "xlinky"
        );
        assert_eq!(sanitize("x\u{90}q\u{1b}\\y"), "xy");
        assert_eq!(sanitize("x\u{9b}31;1my"), "xy");
    }

    #[test]
    fn strips_osc_52_and_osc_8_payloads() {
        // A clipboard write (BEL- and ST-terminated) leaves nothing of its payload.
        assert_eq!(sanitize("a\u{1b}]52;c;cm0gLXJmIH4=\u{7}b"), "ab");
        assert_eq!(sanitize("a\u{1b}]52;c;cm0gLXJmIH4=\u{1b}\\b"), "ab");
        // A hyperlink keeps its visible text, never its target.
        assert_eq!(
            sanitize("see \u{1b}]8;id=1;https://evil.example/\u{7}docs\u{1b}]8;;\u{7} now"),
            "see docs now"
        );
        // An unterminated OSC swallows the rest rather than leaking it.
        assert_eq!(sanitize("a\u{1b}]52;c;AAAA"), "a");
    }

    #[test]
    fn strips_bidi_and_invisible_characters() {
        for c in [
            '\u{202a}',
            '\u{202b}',
            '\u{202c}',
            '\u{202d}',
            '\u{202e}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200e}',
            '\u{200f}',
            '\u{61c}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{2060}',
            '\u{feff}',
            '\u{ad}',
            '\u{180e}',
            '\u{3164}',
            '\u{e0041}',
        ] {
            assert_eq!(
                sanitize(&format!("ng{c}inx")),
                "nginx",
                "U+{:04X}",
                c as u32
            );
            assert!(is_hidden(c), "U+{:04X}", c as u32);
        }
        // Line and paragraph separators are line breaks: one line, spaces instead.
        assert_eq!(sanitize("a\u{2028}b\u{2029}c"), "a b c");
        // Visible non-ASCII stays: accents, CJK, emoji with a variation selector.
        for kept in ["café", "東京", "✓", "❤\u{fe0f}", "Ω≈ç"] {
            assert_eq!(sanitize(kept), kept);
        }
    }

    #[test]
    fn json_escapes_what_must_not_reach_a_terminal() {
        let v = serde_json::json!({
            "m\u{202e}key": "esc \u{1b}[31m c1 \u{9b}2J bidi \u{2067} zw \u{200b} del \u{7f} ls \u{2028} tag \u{e0041}",
            "plain": "café ✓ \"q\" \\ /",
        });
        let text = json_string(&v);
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() || is_hidden(c) || c == '\u{2028}'),
            "{text:?}"
        );
        assert!(text.contains("\\u001b[31m"), "{text}");
        assert!(text.contains("\\u009b"), "{text}");
        assert!(text.contains("\\u2067") && text.contains("\\u200b") && text.contains("\\u007f"));
        // Supplementary characters become a surrogate pair.
        assert!(text.contains("\\udb40\\udc41"), "{text}");
        assert!(text.contains("m\\u202ekey"), "keys too: {text}");
        assert!(
            text.contains("café ✓"),
            "visible text stays as it is: {text}"
        );
        // Still exactly the same data for a parser, compact or pretty.
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
        let pretty = json_string_pretty(&v);
        assert!(pretty.contains("\n  \"m"), "{pretty}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&pretty).unwrap(),
            v
        );
        assert_eq!(json_string(&1), "1");
    }

    #[test]
    fn sanitize_json_cleans_values_and_keys() {
        let mut v = serde_json::json!({
            "img\u{200b}": ["a\u{1b}]8;;x\u{7}b", 1, null, {"k": "\u{202e}v"}],
        });
        sanitize_json(&mut v);
        assert_eq!(v, serde_json::json!({"img": ["ab", 1, null, {"k": "v"}]}));
    }

    #[test]
    fn masks_secret_looking_names() {
        assert_eq!(mask_env("APP_KEY", "base64:abc"), "••••••");
        assert_eq!(mask_env("DB_PASSWORD", "x"), "••••••");
        assert_eq!(mask_env("stripe_secret", "x"), "••••••");
        assert_eq!(mask_env("APP_ENV", "production"), "production");
        assert_eq!(mask_env("NOTE", "\u{1b}[2Jhi"), "hi");
    }
}
