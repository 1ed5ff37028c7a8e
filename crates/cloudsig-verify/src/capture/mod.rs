//! Captured requests: the owned record every capture parser yields, where it came from,
//! and the per-request error a parser yields instead when a request cannot be read.
//!
//! Every parser is an iterator of `Result<Captured, CaptureError>` over a reader, reads
//! one request at a time, and bounds what it holds by [`Limits`], so a multi-gigabyte
//! capture never loads whole. An error ends only the request it names: the parser
//! resynchronises and goes on with the next.

pub mod curl;
pub mod http;

use std::fmt;

pub mod detect;
pub mod har;
mod json;
pub mod jsonl;
mod obs_text;
pub(crate) use obs_text::note as obs_text_note;
#[cfg(test)]
pub(crate) mod testutil;

/// One request as it was captured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// Where in the input the request was found.
    pub location: Location,
    /// The method as sent (not normalised).
    pub method: String,
    /// The request target as sent: origin-form (`/path?query`) or absolute-form
    /// (`http://host:port/path?query`).
    pub target: String,
    /// The headers in the order sent, names in their original case. HTTP/2
    /// pseudo-headers (`:authority` …) are not included.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Captured {
    /// A borrowed view of this request, which is what the verifier reads.
    pub fn view(&self) -> RequestView<'_> {
        RequestView {
            location: self.location,
            method: &self.method,
            target: &self.target,
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect(),
            body: &self.body,
        }
    }

    /// The first header named `name` (ASCII case ignored).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The authority of an absolute-form target (`host` or `host:port`), if any,
    /// without any userinfo (`user:password@`), which is never part of the host.
    pub fn target_authority(&self) -> Option<&str> {
        target_authority(&self.target)
    }

    /// The host the request was sent to: the Host header, else the target's authority.
    pub fn host(&self) -> Option<&str> {
        self.header("host").or_else(|| self.target_authority())
    }

    /// The path of the target (`/` when an absolute-form target has none).
    pub fn path(&self) -> &str {
        target_path(&self.target)
    }

    /// The raw query (after the first `?`, without any `#fragment`), verbatim.
    pub fn query(&self) -> &str {
        target_query(&self.target)
    }
}

/// A captured request borrowed from wherever it was parsed: the form the verifier
/// reads, so that a parser can hand over a request without copying it into owned
/// strings (the JSON-lines fast path does), and [`Captured::view`] for owned records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestView<'a> {
    /// Where in the input the request was found.
    pub location: Location,
    /// The method as sent.
    pub method: &'a str,
    /// The request target as sent (origin- or absolute-form).
    pub target: &'a str,
    /// The headers in the order sent.
    pub headers: Vec<(&'a str, &'a str)>,
    /// The body bytes.
    pub body: &'a [u8],
}

#[cfg(test)]
thread_local! {
    /// Calls of [`RequestView::header`] on this thread, each a scan of the headers: the
    /// tests bound how many one verification makes.
    pub(crate) static HEADER_LOOKUPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl<'a> RequestView<'a> {
    /// The first header named `name` (ASCII case ignored).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        #[cfg(test)]
        HEADER_LOOKUPS.with(|c| c.set(c.get() + 1));
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// The authority of an absolute-form target, if any.
    pub fn target_authority(&self) -> Option<&'a str> {
        target_authority(self.target)
    }

    /// The host: the Host header, else the target's authority.
    pub fn host(&self) -> Option<&'a str> {
        self.header("host").or_else(|| self.target_authority())
    }

    /// The path of the target.
    pub fn path(&self) -> &'a str {
        target_path(self.target)
    }

    /// The raw query, verbatim.
    pub fn query(&self) -> &'a str {
        target_query(self.target)
    }

    /// [`Self::path`] and [`Self::query`] at once.
    pub fn path_and_query(&self) -> (&'a str, &'a str) {
        target_parts(self.target)
    }

    /// An owned copy.
    pub fn to_captured(&self) -> Captured {
        Captured {
            location: self.location,
            method: self.method.to_string(),
            target: self.target.to_string(),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: self.body.to_vec(),
        }
    }
}

fn strip_scheme(target: &str) -> Option<&str> {
    target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
}

/// The index of the first `/` or `?` (byte-wise: both are ASCII, so the index is a
/// character boundary; a `char` pattern decodes every character first).
fn path_start(rest: &str) -> Option<usize> {
    rest.bytes().position(|b| b == b'/' || b == b'?')
}

/// The authority of an absolute-form target, without any userinfo (`user:pass@`).
fn target_authority(target: &str) -> Option<&str> {
    let rest = strip_scheme(target)?;
    let end = path_start(rest).unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    let host = match authority.rfind('@') {
        Some(at) => authority.get(at.saturating_add(1)..)?,
        None => authority,
    };
    Some(host).filter(|a| !a.is_empty())
}

/// The `Host` header an HTTP client (curl, a browser, an SDK) sends for an
/// absolute-form `target`: its authority without userinfo, and without the port when
/// that is the scheme's default (`http` 80, `https` 443) or empty. `None` for an
/// origin-form target or an empty host. A slice of `target`.
///
/// ```text
/// https://user:pw@cvm.tencentcloudapi.com:443/?a  ->  cvm.tencentcloudapi.com
/// http://[::1]:8080/                              ->  [::1]:8080
/// ```
pub(crate) fn client_host(target: &str) -> Option<&str> {
    let default = if target.starts_with("https://") {
        "443"
    } else {
        "80"
    };
    let authority = target_authority(target)?;
    let host = match authority.rfind(':') {
        // A colon inside an IPv6 literal's brackets is not a port separator.
        Some(colon) if !authority.get(colon..).is_some_and(|p| p.contains(']')) => {
            let port = authority.get(colon.saturating_add(1)..).unwrap_or_default();
            if port.is_empty() || port == default {
                authority.get(..colon)?
            } else {
                authority
            }
        }
        _ => authority,
    };
    Some(host).filter(|h| !h.is_empty())
}

/// `target` without the userinfo of its authority (`https://user:pw@h/` gives
/// `https://h/`); `None` when it has none.
pub(crate) fn without_userinfo(target: &str) -> Option<String> {
    let rest = strip_scheme(target)?;
    let end = path_start(rest).unwrap_or(rest.len());
    let at = rest.get(..end)?.rfind('@')?;
    let scheme = target.get(..target.len().saturating_sub(rest.len()))?;
    Some(format!("{scheme}{}", rest.get(at.saturating_add(1)..)?))
}

/// Adds, as the first header, the `Host` an HTTP client sends for an absolute-form
/// `target` (see [`client_host`]) when `headers` has none.
pub(crate) fn add_client_host<'a, N, V>(target: &'a str, headers: &mut Vec<(N, V)>)
where
    N: AsRef<str> + From<&'a str>,
    V: AsRef<str> + From<&'a str>,
{
    if headers
        .iter()
        .any(|(n, _)| n.as_ref().eq_ignore_ascii_case("host"))
    {
        return;
    }
    if let Some(host) = client_host(target) {
        headers.insert(0, (N::from("Host"), V::from(host)));
    }
}

fn origin_form(target: &str) -> &str {
    match strip_scheme(target) {
        Some(rest) => path_start(rest).and_then(|i| rest.get(i..)).unwrap_or(""),
        None => target,
    }
}

/// The index of the first `byte` (ASCII, so a character boundary) in `s`. A byte loop:
/// the pieces of a target are short, and a `char` pattern or `memchr` call costs more
/// to set up than such a search takes.
fn find_ascii(s: &str, byte: u8) -> Option<usize> {
    s.bytes().position(|b| b == byte)
}

fn target_path(target: &str) -> &str {
    target_parts(target).0
}

fn target_query(target: &str) -> &str {
    target_parts(target).1
}

/// The path (`/` when empty) and the raw query (after the first `?`, without any
/// `#fragment`) of a target, found in one pass over it.
fn target_parts(target: &str) -> (&str, &str) {
    let origin = origin_form(target);
    let Some(mark) = find_ascii(origin, b'?') else {
        return (if origin.is_empty() { "/" } else { origin }, "");
    };
    let path = match origin.get(..mark) {
        Some("") | None => "/",
        Some(p) => p,
    };
    let q = origin.get(mark + 1..).unwrap_or_default();
    let query = q
        .get(..find_ascii(q, b'#').unwrap_or(q.len()))
        .unwrap_or_default();
    (path, query)
}

/// Where a request was found in its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    /// 0-based index of the request (or the entry, command or line) in the input.
    pub index: usize,
    /// Byte offset of its first byte in the input.
    pub offset: u64,
    /// 1-based line number of its first line, where the format has lines.
    pub line: Option<u64>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request #{} (byte {}", self.index + 1, self.offset)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        f.write_str(")")
    }
}

/// A request that could not be read, and why. The parser goes on with the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureError {
    /// Where the unreadable request started.
    pub location: Location,
    /// Why it could not be read, in words (never a header value or body).
    pub reason: String,
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.reason)
    }
}

impl std::error::Error for CaptureError {}

/// What a parser may hold for one request; larger requests become a [`CaptureError`]
/// and are skipped without being stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Request line plus headers (raw HTTP), or one curl command, in bytes.
    pub max_head: usize,
    /// One body, in bytes. Tencent Cloud accepts at most 10 MB (TC3 POST); the default
    /// leaves room above that so an oversized request is still reported by the
    /// size rule rather than lost.
    pub max_body: usize,
    /// One JSON-lines record or HAR entry, in bytes.
    pub max_record: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_head: 64 * 1024,
            max_body: 16 * 1024 * 1024,
            max_record: 24 * 1024 * 1024,
        }
    }
}

/// An item of a capture: a request, or why one could not be read.
pub type Item = Result<Captured, CaptureError>;

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(target: &str, host: Option<&str>) -> Captured {
        Captured {
            location: Location::default(),
            method: "GET".into(),
            target: target.into(),
            headers: host
                .map(|h| vec![("Host".to_string(), h.to_string())])
                .unwrap_or_default(),
            body: vec![],
        }
    }

    #[test]
    fn path_and_query_split_as_the_str_searches_do() {
        // The reference: the `char`-pattern searches the byte-wise one pass replaced.
        let reference = |target: &str| {
            let origin = origin_form(target);
            let end = origin.find('?').unwrap_or(origin.len());
            let path = match &origin[..end] {
                "" => "/",
                p => p,
            };
            let query = origin
                .split_once('?')
                .map_or("", |(_, q)| q.split('#').next().unwrap_or_default());
            (path.to_string(), query.to_string())
        };
        let pieces = [
            "", "/", "?", "#", "a", "é", "http://", "https://", "h", ":8", "=", "&",
        ];
        let mut targets = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = targets
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            targets.extend(longer);
            targets.sort();
            targets.dedup();
        }
        assert!(targets.len() > 10_000);
        for t in &targets {
            let (path, query) = super::target_parts(t);
            assert_eq!((path.to_string(), query.to_string()), reference(t), "{t:?}");
        }
    }

    /// Issue 11, item 8: userinfo is never part of the host.
    #[test]
    fn userinfo_is_not_the_host() {
        let c = cap("https://user:s3cretPW@cvm.tencentcloudapi.com/?a", None);
        assert_eq!(c.host(), Some("cvm.tencentcloudapi.com"));
        assert_eq!((c.path(), c.query()), ("/", "a"));
        assert_eq!(super::target_authority("http://u@"), None);
        assert_eq!(
            super::without_userinfo("https://u:p@h:1/x?y=@"),
            Some("https://h:1/x?y=@".to_string())
        );
        assert_eq!(super::without_userinfo("https://h/x?y=@"), None);
        assert_eq!(super::without_userinfo("/x@y"), None);
        assert_eq!(super::client_host("http://h:/"), Some("h"));
        assert_eq!(super::client_host("/p"), None);
    }

    #[test]
    fn target_parts() {
        let c = cap(
            "http://cvm.tencentcloudapi.com:8080/a/b?x=1&y=%20#frag",
            None,
        );
        assert_eq!(c.host(), Some("cvm.tencentcloudapi.com:8080"));
        assert_eq!((c.path(), c.query()), ("/a/b", "x=1&y=%20"));
        let c = cap("https://h?x", Some("other"));
        assert_eq!((c.host(), c.path(), c.query()), (Some("other"), "/", "x"));
        let c = cap("/?Limit=10", Some("h"));
        assert_eq!((c.path(), c.query()), ("/", "Limit=10"));
        let c = cap("/", None);
        assert_eq!((c.host(), c.query()), (None, ""));
        let c = cap("http://h:1/p?q#f", Some("x"));
        let v = c.view();
        assert_eq!(
            (v.host(), v.path(), v.query(), v.target_authority()),
            (Some("x"), "/p", "q", Some("h:1"))
        );
        assert_eq!(v.to_captured(), c);
    }
}
