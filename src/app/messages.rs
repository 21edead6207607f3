//! The message line's memory, pure: when the message on screen was said, when an info
//! message goes away on its own, and the last [`KEEP`] messages for `:messages`.
//!
//! An error stays until Esc dismisses it or another message replaces it; an info message
//! goes after [`INFO_MS`].

use std::collections::VecDeque;

use crate::timefmt::Timestamp;

/// How long an info message stays on the message line.
pub const INFO_MS: i64 = 5_000;

/// How many messages `:messages` remembers.
pub const KEEP: usize = 50;

/// One message as it was said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub at: Timestamp,
    pub text: String,
    pub error: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Messages {
    /// When the message on screen (`State::status`) was said.
    pub shown_at: Option<Timestamp>,
    /// Newest last; at most [`KEEP`].
    log: VecDeque<Logged>,
}

impl Messages {
    pub fn record(&mut self, at: Timestamp, text: &str, error: bool) {
        self.shown_at = Some(at);
        // The same words again (a key pressed twice) are one entry with the newer time.
        if let Some(last) = self.log.back_mut() {
            if last.text == text && last.error == error {
                last.at = at;
                return;
            }
        }
        if self.log.len() == KEEP {
            self.log.pop_front();
        }
        self.log.push_back(Logged {
            at,
            text: text.to_string(),
            error,
        });
    }

    /// Newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Logged> {
        self.log.iter().rev()
    }

    pub fn len(&self) -> usize {
        self.log.len()
    }

    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }
}

/// Whether a message said at `shown_at` has had its time at `now`: info after
/// [`INFO_MS`], an error never (it waits for Esc or a newer message).
pub fn expired(error: bool, shown_at: Option<Timestamp>, now: Timestamp) -> bool {
    if error {
        return false;
    }
    match shown_at {
        Some(at) => now.millis() - at.millis() >= INFO_MS,
        // Set without `say` (tests build states by hand): nothing to time it by.
        None => false,
    }
}

/// Drops the message line's text once its time is up (called on every tick).
pub fn expire(state: &mut super::State) {
    if let Some(status) = &state.status {
        if expired(status.error, state.messages.shown_at, state.now) {
            state.status = None;
        }
    }
}

/// Esc with an error on the message line dismisses it (and does nothing else).
pub fn dismiss(state: &mut super::State) -> bool {
    if state.status.as_ref().is_some_and(|s| s.error) {
        state.status = None;
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_secs_f64(ms as f64 / 1000.0)
    }

    #[test]
    fn info_goes_after_its_time_and_errors_stay() {
        let said = Some(at(10_000));
        assert!(!expired(false, said, at(10_000)));
        assert!(!expired(false, said, at(10_000 + INFO_MS - 1)));
        assert!(expired(false, said, at(10_000 + INFO_MS)));
        // An error an hour later is still there.
        assert!(!expired(true, said, at(10_000 + 3_600_000)));
        assert!(!expired(false, None, at(99_000_000)));
    }

    #[test]
    fn keeps_the_last_fifty_newest_first() {
        let mut m = Messages::default();
        for i in 0..60 {
            m.record(at(i * 1000), &format!("message {i}"), i % 2 == 0);
        }
        assert_eq!(m.len(), KEEP);
        let texts: Vec<&str> = m.newest_first().map(|l| l.text.as_str()).collect();
        assert_eq!(texts.first(), Some(&"message 59"));
        assert_eq!(texts.last(), Some(&"message 10"));
        assert_eq!(m.shown_at, Some(at(59_000)));
    }

    #[test]
    fn a_repeat_is_one_entry_with_the_newer_time() {
        let mut m = Messages::default();
        m.record(at(1000), "no match", true);
        m.record(at(2000), "no match", true);
        m.record(at(3000), "no match", false);
        let all: Vec<&Logged> = m.newest_first().collect();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].at, at(2000));
    }
}
