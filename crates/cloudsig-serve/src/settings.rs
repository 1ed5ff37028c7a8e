//! How a server runs: its limits and timeouts, and how it verifies.

use std::time::Duration;

/// The largest body accepted by default: 10 MiB, Tencent Cloud's limit for a TC3 POST
/// (the smallest of the clouds' documented limits for signed API requests).
pub const DEFAULT_MAX_BODY: u64 = 10 * 1024 * 1024;

/// How a server runs. Start from [`Settings::default`] and change what you need.
///
/// ```
/// use cloudsig_serve::Settings;
/// let s = Settings::default().max_body(1 << 20).max_connections(64);
/// assert_eq!(s.max_body, 1 << 20);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The largest body accepted, in bytes (default [`DEFAULT_MAX_BODY`]); a larger one
    /// is refused in the cloud's shape without being read whole.
    pub max_body: u64,
    /// The largest request head (request line and headers), in bytes (default 64 KiB,
    /// at least 8 KiB): hyper refuses a larger one with 431.
    pub max_header_bytes: usize,
    /// How long a connection may take to send a request's head (default 10 s): slow
    /// senders (slowloris) are cut off, and so is a keep-alive connection that sends no next
    /// request within it (hyper starts the head timer again when a connection goes idle).
    pub header_timeout: Duration,
    /// How long a request's body may take to arrive (default 30 s).
    pub body_timeout: Duration,
    /// The most connections served at once (default 1024); further ones wait in the
    /// listen backlog.
    pub max_connections: usize,
    /// How long an upstream may take to answer with its head (default 30 s): longer is
    /// a 504 in the cloud's shape.
    pub upstream_timeout: Duration,
    /// How long graceful shutdown waits for requests in flight (default 30 s).
    pub shutdown_grace: Duration,
    /// The allowed clock skew in seconds; left at 300, each cloud's own window applies
    /// (as `cloudsig verify --window`).
    pub window: i64,
    /// Whether a TC3 request's Host must name its credential service, as on the
    /// cloud's own endpoints (default false: clients reach this server through their
    /// endpoint setting, so the Host is the server's address; a mismatch is logged).
    pub strict_host: bool,
    /// Whether a request with a valid signature is also checked against its API definition
    /// (action, version, region, parameters; default true), as `cloudsig verify` does: a
    /// finding is answered with the cloud's code (`MissingParameter`, …).
    pub api_check: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_body: DEFAULT_MAX_BODY,
            max_header_bytes: 64 * 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 1024,
            upstream_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(30),
            window: 300,
            strict_host: false,
            api_check: true,
        }
    }
}

impl Settings {
    /// With another body limit in bytes.
    pub fn max_body(mut self, bytes: u64) -> Self {
        self.max_body = bytes;
        self
    }

    /// With another connection limit (at least one).
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// With another head timeout.
    pub fn header_timeout(mut self, t: Duration) -> Self {
        self.header_timeout = t;
        self
    }

    /// With another body timeout.
    pub fn body_timeout(mut self, t: Duration) -> Self {
        self.body_timeout = t;
        self
    }

    /// With another upstream timeout.
    pub fn upstream_timeout(mut self, t: Duration) -> Self {
        self.upstream_timeout = t;
        self
    }

    /// With another skew window in seconds.
    pub fn window(mut self, seconds: i64) -> Self {
        self.window = seconds;
        self
    }

    /// Checking (or not) valid requests against their API definitions.
    pub fn api_check(mut self, yes: bool) -> Self {
        self.api_check = yes;
        self
    }

    /// Requiring (or not) that the Host names the TC3 credential service.
    pub fn strict_host(mut self, yes: bool) -> Self {
        self.strict_host = yes;
        self
    }
}
