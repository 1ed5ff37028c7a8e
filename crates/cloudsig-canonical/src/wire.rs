//! The request as it goes on the wire, shared by every cloud's signed request: its parts,
//! and its renderings as a curl command line and as raw HTTP/1.1 (the form `cloudsig
//! verify` reads).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// A signed request of any cloud, ready to send: the [`HttpRequest`] it dereferences to,
/// and the intermediate stages `S` of the scheme that signed it (each cloud's
/// `SignedRequest` is this type with its own `Stages`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed<S> {
    http: HttpRequest,
    stages: S,
}

impl<S> core::ops::Deref for Signed<S> {
    type Target = HttpRequest;
    fn deref(&self) -> &HttpRequest {
        &self.http
    }
}

impl<S> Signed<S> {
    /// The request and the stages that signed it.
    pub(crate) fn new(http: HttpRequest, stages: S) -> Self {
        Self { http, stages }
    }

    /// The intermediate values.
    pub fn stages(&self) -> &S {
        &self.stages
    }

    /// The request without its stages.
    pub fn into_http(self) -> HttpRequest {
        self.http
    }
}

/// A request ready to send: method, host, path, query, headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    method: String,
    host: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpRequest {
    /// A request of its parts (the query without `?`, headers in the order sent).
    pub(crate) fn new(
        method: String,
        host: String,
        path: String,
        query: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Self {
        Self {
            method,
            host,
            path,
            query,
            headers,
            body,
        }
    }

    /// The method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query, without `?`.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The headers to send, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first header named `name` (ASCII case ignored).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// `https://host/path?query`.
    pub fn url(&self) -> String {
        let mut url = alloc::format!("https://{}{}", self.host, self.path);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        url
    }

    /// A curl command line that sends this request (POSIX shell quoting).
    ///
    /// ```
    /// # use cloudsig_canonical::tencent::*;
    /// let creds = Credentials::new("AKIDexample", "secret")?;
    /// let signed = sign_tc3(&creds, &Tc3Call::new("cvm", "DescribeRegions", "2017-03-12").body("{}"),
    ///                       &FixedClock(1551113065))?;
    /// assert!(signed.to_curl().starts_with("curl -X POST https://cvm.tencentcloudapi.com/ \\\n  -H 'Authorization: TC3-HMAC-SHA256 "));
    /// # Ok::<(), cloudsig_canonical::Error>(())
    /// ```
    ///
    /// A URL holding `[`, `]`, `{` or `}` gets `-g`, so that curl sends it as is instead of
    /// expanding it as a glob. A body that is not UTF-8 text goes in bash's `$'…'` quoting
    /// with `\xNN` escapes; a shell argument cannot carry a NUL byte (bash ends the
    /// argument there), so for a body holding one use [`HttpRequest::to_http`] instead
    /// ([`HttpRequest::curl_can_carry_body`] tells).
    pub fn to_curl(&self) -> String {
        render_curl(&self.method, &self.url(), &self.headers, &self.body)
    }

    /// Whether [`HttpRequest::to_curl`] can carry the body: false when it holds a NUL
    /// byte, which no shell argument can hold.
    pub fn curl_can_carry_body(&self) -> bool {
        !self.body.contains(&0)
    }

    /// The request as raw HTTP/1.1 (CRLF line ends, with Content-Length), the form
    /// `cloudsig verify` reads.
    pub fn to_http(&self) -> Vec<u8> {
        render_http(
            &self.method,
            &self.path,
            &self.query,
            &self.headers,
            &self.body,
        )
    }
}

/// A curl command line (POSIX shell quoting).
fn render_curl(method: &str, url: &str, headers: &[(String, String)], body: &[u8]) -> String {
    // curl globs `[a-z]` and `{a,b}` in URLs unless told not to (`-g`, `--globoff`).
    let globoff = if url.bytes().any(|b| matches!(b, b'[' | b']' | b'{' | b'}')) {
        " -g"
    } else {
        ""
    };
    let mut out = alloc::format!("curl{globoff} -X {} {}", method, shell_quote(url));
    for (n, v) in headers {
        // curl drops a header given as `Name:` with only blanks after the colon (that
        // form removes one of its own headers); `Name;` sends it with an empty value.
        let header = if v.bytes().all(|b| b" \t\x0b\x0c".contains(&b)) {
            alloc::format!("{n};")
        } else {
            alloc::format!("{n}: {v}")
        };
        let _ = write!(out, " \\\n  -H {}", shell_quote(&header));
    }
    if !body.is_empty() {
        // `--data-raw`, not `--data-binary`: it never reads a file for a leading `@`.
        let body = match core::str::from_utf8(body) {
            Ok(text) if !text.contains('\0') => shell_quote(text),
            _ => ansi_c_quote(body),
        };
        let _ = write!(out, " \\\n  --data-raw {body}");
    }
    out
}

/// Raw HTTP/1.1 (CRLF, with Content-Length).
fn render_http(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Vec<u8> {
    let mut head = alloc::format!("{method} {path}");
    if !query.is_empty() {
        head.push('?');
        head.push_str(query);
    }
    head.push_str(" HTTP/1.1\r\n");
    for (n, v) in headers {
        let _ = write!(head, "{n}: {v}\r\n");
    }
    if method != "GET" || !body.is_empty() {
        let _ = write!(head, "Content-Length: {}\r\n", body.len());
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

/// bash's ANSI-C quoting, `$'…'`: printable ASCII as is (with `'` and `\\` escaped), every
/// other byte as `\xNN` (at most two hex digits are read, so a digit after it is safe).
fn ansi_c_quote(bytes: &[u8]) -> String {
    let mut out = String::from("$'");
    for &b in bytes {
        match b {
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('\'');
    out
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b))
    {
        return String::from(s);
    }
    alloc::format!("'{}'", s.replace('\'', r"'\''"))
}
