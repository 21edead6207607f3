//! Losing the test server and getting it back (see "stopping and restarting" and
//! /_toadtop/outage in scripts/testbed/server.py): the process and moto's state stay, only the listening
//! socket goes, so clients get "connection refused" as from a stopped server and then the
//! same fleet on the same port.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::TestBed;

/// How long the server may take to close or reopen its socket: a hang guard.
const LIMIT: Duration = Duration::from_secs(10);

impl TestBed {
    /// The server stops: returns once a connection to it is refused.
    pub fn stop(&self) {
        self.signal(libc::SIGUSR1);
        self.wait_until("the server to refuse connections", |up| !up);
    }

    /// The server listens again on the same port, with the same state: returns once a
    /// connection is accepted.
    pub fn restart(&self) {
        self.signal(libc::SIGUSR2);
        self.wait_until("the server to accept connections again", |up| up);
    }

    /// Once the server has answered the next call of `operation` (e.g. "UpdateService"),
    /// it stops for `seconds` (0: until `restart`), as if it died right after.
    pub fn outage_after(&self, operation: &str, seconds: u64) {
        let (status, body) = self.post(
            "/_toadtop/outage",
            &serde_json::json!({"after": operation, "seconds": seconds}),
        );
        assert_eq!(status, 200, "arming the outage: {body}");
    }

    /// Whether the server accepts a connection right now.
    pub fn is_up(&self) -> bool {
        TcpStream::connect(self.endpoint.trim_start_matches("http://")).is_ok()
    }

    fn signal(&self, sig: libc::c_int) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid fits pid_t");
        // SAFETY: kill(2) on the server process this bed started and still owns.
        let rc = unsafe { libc::kill(pid, sig) };
        assert_eq!(
            rc,
            0,
            "signal {sig} to the test server: {}",
            std::io::Error::last_os_error()
        );
    }

    fn wait_until(&self, what: &str, want: impl Fn(bool) -> bool) {
        let deadline = Instant::now() + LIMIT;
        while !want(self.is_up()) {
            assert!(Instant::now() < deadline, "gave up waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
