//! OSC 52: the terminal puts text on the system clipboard. It travels in the output
//! stream, so it works over SSH; tmux forwards it with `set -g set-clipboard on`.

use std::io::Write;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (a crate for forty lines is not worth its build).
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The escape sequence that sets the clipboard (`c`) to `text`, ended by BEL, which
/// more terminals accept than ST.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Writes the sequence straight to the terminal, between frames.
pub fn copy(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    out.write_all(osc52(text).as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
    }

    #[test]
    fn osc52_bytes_for_a_task_arn() {
        let arn = "arn:aws:ecs:us-east-1:123456789012:task/production/0a1b2c";
        let mut out = Vec::new();
        copy(&mut out, arn).unwrap();
        assert_eq!(
            out,
            b"\x1b]52;c;YXJuOmF3czplY3M6dXMtZWFzdC0xOjEyMzQ1Njc4OTAxMjp0YXNrL3Byb2R1Y3Rpb24vMGExYjJj\x07"
        );
    }
}
