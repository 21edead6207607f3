//! One guard for every paginated call: a server that repeats a `nextToken` (a bug, a
//! proxy replaying a cached answer) or never stops would otherwise keep toadtop looping
//! forever. Paging stops with an error naming the call.

use std::collections::HashSet;

use super::{error::AwsErrorKind, AwsError};

/// Pages read at most in one listing: 10,000 pages of 100 tasks is a million tasks, far
/// beyond any cluster, while FilterLogEvents over a long, sparse range can legitimately
/// answer many empty pages before the events.
pub const MAX_PAGES: usize = 10_000;

/// Follows one listing's tokens: `let mut pages = Pages::new("ListTasks");` before the
/// loop, `token = pages.next(out.next_token())?;` after each page, stop on `None`.
#[derive(Debug)]
pub struct Pages {
    call: &'static str,
    seen: HashSet<String>,
    read: usize,
    max: usize,
}

impl Pages {
    pub fn new(call: &'static str) -> Self {
        Pages::with_max(call, MAX_PAGES)
    }

    pub fn with_max(call: &'static str, max: usize) -> Self {
        Pages {
            call,
            seen: HashSet::new(),
            read: 0,
            max: max.max(1),
        }
    }

    /// Pages read so far.
    pub fn read(&self) -> usize {
        self.read
    }

    /// After a page: the token to ask the next one with, `None` when the listing is
    /// complete (no token, or an empty one), an error when the token was seen before in
    /// this listing or `max` pages were read.
    pub fn next(&mut self, token: Option<&str>) -> Result<Option<String>, AwsError> {
        self.read += 1;
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        if !self.seen.insert(token.to_string()) {
            return Err(AwsError::new(
                self.call,
                AwsErrorKind::Service,
                format!(
                    "the server sent the same nextToken again after {} pages; stopped paging",
                    self.read
                ),
            ));
        }
        if self.read >= self.max {
            return Err(AwsError::new(
                self.call,
                AwsErrorKind::Service,
                format!("more than {} pages; stopped paging", self.max),
            ));
        }
        Ok(Some(token.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_until_there_is_no_token() {
        let mut p = Pages::new("ListTasks");
        assert_eq!(p.next(Some("a")), Ok(Some("a".into())));
        assert_eq!(p.next(Some("b")), Ok(Some("b".into())));
        assert_eq!(p.next(None), Ok(None));
        assert_eq!(p.read(), 3);
        // An empty token ends the listing too.
        assert_eq!(Pages::new("X").next(Some("")), Ok(None));
    }

    #[test]
    fn a_repeated_token_is_an_error_naming_the_call() {
        let mut p = Pages::new("ListClusters");
        assert!(p.next(Some("t1")).is_ok());
        assert!(p.next(Some("t2")).is_ok());
        let e = p.next(Some("t1")).unwrap_err();
        assert_eq!(e.operation, "ListClusters");
        assert!(e.to_string().starts_with("ListClusters failed:"), "{e}");
        assert!(e.to_string().contains("same nextToken"), "{e}");
    }

    #[test]
    fn too_many_pages_is_an_error() {
        let mut p = Pages::with_max("FilterLogEvents", 3);
        assert!(p.next(Some("1")).is_ok());
        assert!(p.next(Some("2")).is_ok());
        let e = p.next(Some("3")).unwrap_err();
        assert!(e.to_string().contains("more than 3 pages"), "{e}");
        // The last page may still end the listing.
        let mut p = Pages::with_max("X", 2);
        assert!(p.next(Some("1")).is_ok());
        assert_eq!(p.next(None), Ok(None));
    }
}
