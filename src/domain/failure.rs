//! A failed AWS call as the screen needs it: its one-line text and what kind of failure it
//! is. `aws::error` classifies it where the call is made, so `app/` branches on the kind
//! and never reads the text.

use std::fmt;

/// The kinds of failure `app/` treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The endpoint could not be reached or did not answer in time: the header says
    /// `offline`.
    Unreachable,
    /// The profile's SSO session expired (or was never started): one banner says what
    /// to run.
    SsoLogin,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What the screen shows: `ListClusters failed: … (hint)`.
    pub text: String,
    pub kind: ErrorKind,
}

impl Failure {
    pub fn new(text: impl Into<String>, kind: ErrorKind) -> Self {
        Failure {
            text: text.into(),
            kind,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// A text of no particular kind (failures that are not AWS calls', test data).
impl From<String> for Failure {
    fn from(text: String) -> Self {
        Failure::new(text, ErrorKind::Other)
    }
}

impl From<&str> for Failure {
    fn from(text: &str) -> Self {
        Failure::new(text, ErrorKind::Other)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
