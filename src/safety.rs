//! Text from AWS (event messages, reasons, environment values, log lines) may carry escape
//! sequences or control characters. Everything drawn or printed passes through here first.

/// Removes ANSI/VT escape sequences (CSI, OSC, DCS, and two-byte ESC forms), C0/C1
/// control characters and bidi overrides; newlines and tabs become spaces, so the result
/// is one safe line.
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
            '\n' | '\t' | '\r' => out.push(' '),
            c if c.is_control() => {}
            // Bidi embedding/override/isolate controls can reorder what the operator reads.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => {}
            c => out.push(c),
        }
    }
    out
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
    fn masks_secret_looking_names() {
        assert_eq!(mask_env("APP_KEY", "base64:abc"), "••••••");
        assert_eq!(mask_env("DB_PASSWORD", "x"), "••••••");
        assert_eq!(mask_env("stripe_secret", "x"), "••••••");
        assert_eq!(mask_env("APP_ENV", "production"), "production");
        assert_eq!(mask_env("NOTE", "\u{1b}[2Jhi"), "hi");
    }
}
