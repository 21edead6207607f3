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
    if is_printable_ascii(input.as_bytes()) {
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

/// Every byte is printable ASCII (`0x20..0x7f`): no control, escape, newline or non-ASCII
/// character, so [`sanitize`] returns the text unchanged. Checks 16 bytes at a time without
/// an early exit inside a block, which the compiler turns into vector compares.
#[inline]
pub fn is_printable_ascii(b: &[u8]) -> bool {
    let printable = |c: u8| c.wrapping_sub(0x20) < 0x5f;
    let block_ok = |block: &[u8]| block.iter().fold(true, |ok, &c| ok & printable(c));
    if b.len() < 16 {
        return b.iter().all(|&c| printable(c));
    }
    // The last 16 bytes cover the remainder (overlapping the last whole block).
    b.chunks_exact(16).all(block_ok) && block_ok(&b[b.len() - 16..])
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

/// What a masked value shows instead.
pub const MASK: &str = "••••••";

/// Name fragments that mark a secret wherever they appear (`STRIPE_SECRET`, `APIKEY`,
/// `JWT_SIGNING_SALT`, `SENTRY_LARAVEL_DSN`).
const SECRET_PARTS: &[&str] = &[
    "KEY",
    "SECRET",
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "CREDENTIAL",
    "PRIVATE",
    "SALT",
    "DSN",
];

/// Whole words (split on `_`, `-`, `.` and camelCase) that mark a secret: as fragments they
/// would also hit `PASSPORT`, `DESIGN` or `AUTHOR`.
const SECRET_WORDS: &[&str] = &[
    "PASS",
    "PWD",
    "AUTH",
    "CERT",
    "SIGN",
    "SIGNING",
    "SIGNATURE",
    "CREDS",
    "PASSPHRASE",
    "COOKIE",
];

/// A last word that makes the variable a setting about a secret rather than the secret:
/// `AUTH_DRIVER`, `AUTH_PASSWORD_BROKER`, `AUTH_PASSWORD_TIMEOUT`, `CACHE_KEY_PREFIX`,
/// `TLS_CERT_PATH`. A URL among them is still checked for credentials (see
/// [`mask_value`]).
const SETTING_WORDS: &[&str] = &[
    "DRIVER",
    "GUARD",
    "BROKER",
    "MODEL",
    "TABLE",
    "ENABLED",
    "TIMEOUT",
    "TTL",
    "LIFETIME",
    "EXPIRE",
    "EXPIRES",
    "PREFIX",
    "PATH",
    "FILE",
    "ARN",
    "URL",
    "HOST",
    "PORT",
    "ALGO",
    "ALGORITHM",
];

/// The words of a name: split on non-alphanumerics and lower-to-upper case changes.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            prev_lower = false;
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_uppercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Environment variable (or flag) names whose values are secrets by convention.
pub fn looks_secret(name: &str) -> bool {
    let words = name_words(name);
    if words
        .last()
        .is_some_and(|w| SETTING_WORDS.contains(&w.as_str()))
    {
        return false;
    }
    let upper = name.to_ascii_uppercase();
    SECRET_PARTS.iter().any(|part| upper.contains(part))
        || words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
}

/// `value` with the credentials of every URL in it masked: `mysql://app:pw@db/x` becomes
/// `mysql://app:••••••@db/x`, and a user part without a password (a Sentry DSN's key, a
/// token used as the user name) is masked whole: `https://••••••@o1.ingest.sentry.io/2`.
pub fn mask_url_credentials(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains("://") {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        // The authority ends at the path, query, fragment or anything that cannot be in it.
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace() || c == ',')
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(userinfo_end) => {
                let userinfo = &authority[..userinfo_end];
                match userinfo.split_once(':') {
                    Some((user, _password)) => {
                        out.push_str(user);
                        out.push(':');
                        out.push_str(MASK);
                    }
                    None => out.push_str(MASK),
                }
                out.push_str(&authority[userinfo_end..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Whether `value` holds a URL with credentials (see [`mask_url_credentials`]).
pub fn has_url_credentials(value: &str) -> bool {
    matches!(mask_url_credentials(value), std::borrow::Cow::Owned(ref m) if m != value)
}

/// The value to show for an environment variable, sanitized: masked whole when its name
/// looks secret, else with any URL credentials masked.
pub fn mask_env(name: &str, value: &str) -> String {
    if looks_secret(name) {
        MASK.to_string()
    } else {
        sanitize(&mask_url_credentials(value))
    }
}

/// A command's arguments as they may be shown: URL credentials masked, the value of a
/// secret-looking `--flag=value` or environment assignment (`API_TOKEN=x`: upper case)
/// masked, and the argument after a secret-looking `--flag` masked (`--password hunter2`).
/// A lower-case `name=value` is not an assignment of a secret (a deploy's
/// `auth-proxy=repo:tag`) and keeps its value.
pub fn mask_command(args: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut mask_next = false;
    for arg in args {
        if std::mem::take(&mut mask_next) && !arg.starts_with('-') {
            out.push(MASK.to_string());
            continue;
        }
        if let Some((name, _)) = arg.split_once('=') {
            let flag = name.starts_with('-');
            let assignment = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if (flag || assignment) && looks_secret(name.trim_start_matches('-')) {
                out.push(format!("{name}={MASK}"));
                continue;
            }
        } else if arg.starts_with('-') && looks_secret(arg.trim_start_matches('-')) {
            mask_next = true;
        }
        out.push(mask_url_credentials(arg).into_owned());
    }
    out
}

/// [`mask_command`] of a command line split on whitespace, joined again.
pub fn mask_command_line(line: &str) -> String {
    let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    mask_command(&args).join(" ")
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

    /// Names from Laravel's `.env.example`, its first-party packages' docs and common
    /// services, with whether the value is a secret. A name that changes side here should
    /// be a decision, not an accident.
    #[test]
    fn real_world_env_names() {
        let secret = [
            "APP_KEY",
            "APP_PREVIOUS_KEYS",
            "DB_PASSWORD",
            "DB_PASS",
            "DB_PWD",
            "REDIS_PASSWORD",
            "REDIS_AUTH",
            "MAIL_PASSWORD",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "PUSHER_APP_KEY",
            "PUSHER_APP_SECRET",
            "VITE_PUSHER_APP_KEY",
            "REVERB_APP_SECRET",
            "SENTRY_LARAVEL_DSN",
            "SENTRY_DSN",
            "BASIC_AUTH",
            "JWT_SECRET",
            "JWT_SIGNING_SALT",
            "HASHIDS_SALT",
            "STRIPE_KEY",
            "STRIPE_SECRET",
            "STRIPE_WEBHOOK_SECRET",
            "MAILGUN_SECRET",
            "POSTMARK_TOKEN",
            "RESEND_KEY",
            "SLACK_BOT_USER_OAUTH_TOKEN",
            "PASSPORT_PRIVATE_KEY",
            "MEILISEARCH_KEY",
            "ALGOLIA_SECRET",
            "GITHUB_CLIENT_SECRET",
            "TLS_CERT",
            "SSL_KEY",
            "COOKIE_SIGNING",
            "SIGNATURE",
            "stripeSecret",
            "apiKey",
            "DB_CREDENTIALS",
            "SMTP_PASS",
            "GPG_PASSPHRASE",
            "NEXTAUTH_SECRET",
        ];
        let visible = [
            "APP_NAME",
            "APP_ENV",
            "APP_DEBUG",
            "APP_URL",
            "APP_TIMEZONE",
            "APP_LOCALE",
            "APP_MAINTENANCE_DRIVER",
            "LOG_CHANNEL",
            "LOG_LEVEL",
            "DB_CONNECTION",
            "DB_HOST",
            "DB_PORT",
            "DB_DATABASE",
            "DB_USERNAME",
            "DATABASE_URL",
            "REDIS_URL",
            "REDIS_HOST",
            "REDIS_CLIENT",
            "SESSION_DRIVER",
            "SESSION_LIFETIME",
            "SESSION_ENCRYPT",
            "BCRYPT_ROUNDS",
            "QUEUE_CONNECTION",
            "CACHE_STORE",
            "CACHE_PREFIX",
            "CACHE_KEY_PREFIX",
            "MAIL_MAILER",
            "MAIL_USERNAME",
            "MAIL_FROM_ADDRESS",
            "AWS_DEFAULT_REGION",
            "AWS_BUCKET",
            "PUSHER_APP_ID",
            "AUTH_DRIVER",
            "AUTH_GUARD",
            "AUTH_MODEL",
            "AUTH_PASSWORD_BROKER",
            "AUTH_PASSWORD_TIMEOUT",
            "AUTH_PASSWORD_RESET_TOKEN_TABLE",
            "PASSPORT_CLIENT_ID",
            "TLS_CERT_PATH",
            "DESIGN_SYSTEM",
            "AUTHOR_NAME",
            "RUN_MIGRATIONS",
            "JWT_TTL",
            "OCTANE_SERVER",
            "SCOUT_DRIVER",
        ];
        assert!(secret.len() + visible.len() >= 80);
        let wrong: Vec<&str> = secret
            .iter()
            .filter(|n| !looks_secret(n))
            .chain(visible.iter().filter(|n| looks_secret(n)))
            .copied()
            .collect();
        assert!(wrong.is_empty(), "on the wrong side: {wrong:?}");
    }

    #[test]
    fn url_credentials_are_masked_whatever_the_name() {
        assert_eq!(
            mask_env("DATABASE_URL", "mysql://app:pw@db:3306/app"),
            format!("mysql://app:{MASK}@db:3306/app")
        );
        assert_eq!(
            mask_env("REDIS_URL", "redis://:s3cr3t@cache:6379"),
            format!("redis://:{MASK}@cache:6379")
        );
        // A user part without a password is a key or a token: masked whole.
        assert_eq!(
            mask_env("SOME_ENDPOINT", "https://abc123@o1.ingest.sentry.io/2"),
            format!("https://{MASK}@o1.ingest.sentry.io/2")
        );
        // Every URL of a list; an `@` in the path is not a user part.
        assert_eq!(
            mask_env(
                "SENTINELS",
                "redis://a:x@h1:26379,redis://a:y@h2:26379 https://h/p@q"
            ),
            format!("redis://a:{MASK}@h1:26379,redis://a:{MASK}@h2:26379 https://h/p@q")
        );
        assert_eq!(
            mask_env("APP_URL", "https://example.com"),
            "https://example.com"
        );
        assert!(has_url_credentials("postgres://u:p@h/d"));
        assert!(!has_url_credentials("postgres://h/d"));
        assert!(!has_url_credentials("user@example.com"));
    }

    #[test]
    fn commands_mask_urls_and_secret_flags() {
        let args: Vec<String> = [
            "php",
            "artisan",
            "migrate",
            "--database=mysql://root:pw@db/app",
            "--password",
            "hunter2",
            "--db-pass=x",
            "API_TOKEN=abc",
            "--force",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            mask_command(&args).join(" "),
            format!(
                "php artisan migrate --database=mysql://root:{MASK}@db/app --password {MASK} --db-pass={MASK} API_TOKEN={MASK} --force"
            )
        );
        assert_eq!(
            mask_command_line("sh -c 'curl https://u:p@h'"),
            format!("sh -c 'curl https://u:{MASK}@h'")
        );
        // A deploy's container=image pairs are not secrets, whatever the container's name.
        assert_eq!(
            mask_command_line("auth-proxy=repo/auth:v2 php=repo/app:v1"),
            "auth-proxy=repo/auth:v2 php=repo/app:v1"
        );
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
