//! The scheme-neutral model of an HTTP request, as it was (or will be) sent.

use alloc::vec::Vec;
use core::fmt;

use crate::error::{Error, Stage};
use crate::scan;

/// What the payload line of a canonical request is made from.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// The body bytes, hashed when the canonical request is built.
    Bytes(&'a [u8]),
    /// A SHA-256 of the body computed elsewhere (for a streamed body), as 64 hex characters.
    Sha256Hex(&'a str),
    /// The body is not signed (`X-TC-Content-SHA256: UNSIGNED-PAYLOAD` for TC3).
    Unsigned,
}

/// A request as sent on the wire: method, path, the raw query exactly as it appears on
/// the request line, the headers in the order sent, and the payload.
///
/// Every scheme's canonical builder reads this one model; nothing in it is specific to
/// a cloud. It borrows its parts, so a verifier can build it over a captured buffer
/// without copying.
///
/// ```
/// use cloudsig_canonical::{Payload, Request};
/// let body = br#"{"Limit": 1}"#;
/// let req = Request::new("POST", "/")
///     .header("Host", "cvm.tencentcloudapi.com")
///     .header("Content-Type", "application/json")
///     .body(body);
/// assert_eq!(req.header_value("host"), Some("cvm.tencentcloudapi.com"));
/// assert_eq!(req.payload(), Payload::Bytes(body));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: Headers<'a>,
    payload: Payload<'a>,
}

/// A request's headers: a vector when built header by header, a borrowed slice when
/// given whole by [`Request::with_headers`]. (Not `Cow`, which would make `Request`
/// invariant in its lifetime.)
#[derive(Clone, Default)]
struct Headers<'a> {
    owned: Vec<(&'a str, &'a str)>,
    /// When set, the headers (and `owned` is empty).
    borrowed: Option<&'a [(&'a str, &'a str)]>,
}

impl<'a> Headers<'a> {
    fn as_slice(&self) -> &[(&'a str, &'a str)] {
        self.borrowed.unwrap_or(&self.owned)
    }

    fn to_mut(&mut self) -> &mut Vec<(&'a str, &'a str)> {
        if let Some(s) = self.borrowed.take() {
            self.owned = s.to_vec();
        }
        &mut self.owned
    }
}

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice().fmt(f)
    }
}

impl PartialEq for Headers<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Headers<'_> {}

impl<'a> Request<'a> {
    /// A request with no query, no headers and an empty body.
    pub fn new(method: &'a str, path: &'a str) -> Self {
        Self {
            method,
            path,
            query: "",
            headers: Headers::default(),
            payload: Payload::Bytes(b""),
        }
    }

    /// Sets the raw query (the text after `?`, without the `?`), used verbatim.
    pub fn query(mut self, query: &'a str) -> Self {
        self.query = query;
        self
    }

    /// Appends a header, keeping the order and the name's case as given.
    pub fn header(mut self, name: &'a str, value: &'a str) -> Self {
        self.headers.to_mut().push((name, value));
        self
    }

    /// Uses `headers`, in the order sent, as the request's headers (replacing any),
    /// borrowing them: a verifier that already holds a request's headers as pairs
    /// builds the request without copying or allocating.
    ///
    /// ```
    /// use cloudsig_canonical::Request;
    /// let headers = [("Host", "cvm.tencentcloudapi.com"), ("Content-Type", "application/json")];
    /// let req = Request::new("POST", "/").with_headers(&headers);
    /// assert_eq!(req.header_value("content-type"), Some("application/json"));
    /// assert_eq!(req.headers(), &headers);
    /// ```
    pub fn with_headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = Headers {
            owned: Vec::new(),
            borrowed: Some(headers),
        };
        self
    }

    /// Appends a header in place.
    pub fn push_header(&mut self, name: &'a str, value: &'a str) {
        self.headers.to_mut().push((name, value));
    }

    /// Makes room for `additional` more headers, so that appending them allocates once.
    ///
    /// ```
    /// use cloudsig_canonical::Request;
    /// let mut req = Request::new("POST", "/");
    /// req.reserve_headers(2);
    /// req.push_header("Host", "cvm.tencentcloudapi.com");
    /// req.push_header("Content-Type", "application/json");
    /// assert_eq!(req.headers().len(), 2);
    /// ```
    pub fn reserve_headers(&mut self, additional: usize) {
        self.headers.to_mut().reserve(additional);
    }

    /// Sets the body bytes as the payload.
    pub fn body(mut self, body: &'a [u8]) -> Self {
        self.payload = Payload::Bytes(body);
        self
    }

    /// Sets the payload.
    pub fn with_payload(mut self, payload: Payload<'a>) -> Self {
        self.payload = payload;
        self
    }

    /// The method as given.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The path as given.
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// The raw query.
    pub fn raw_query(&self) -> &'a str {
        self.query
    }

    /// The headers in the order sent.
    pub fn headers(&self) -> &[(&'a str, &'a str)] {
        self.headers.as_slice()
    }

    /// The payload.
    pub fn payload(&self) -> Payload<'a> {
        self.payload
    }

    /// The value of the first header named `name`, compared without regard to ASCII case.
    pub fn header_value(&self, name: &str) -> Option<&'a str> {
        self.headers_named(name).next()
    }

    /// The values of every header named `name`, in order.
    pub fn headers_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.headers
            .as_slice()
            .iter()
            .filter(move |(n, _)| {
                crate::lookup::counted();
                n.eq_ignore_ascii_case(name)
            })
            .map(|(_, v)| *v)
    }

    /// Checks the parts every scheme relies on: an upper-case token method, an
    /// origin-form path, a query and header values without control characters, and
    /// header names that are HTTP tokens.
    pub fn validate(&self) -> Result<(), Error> {
        self.validate_target()?;
        for (name, value) in self.headers.as_slice() {
            // The usual clean header checked inline; the error built out of line.
            if name.is_empty() || !name.bytes().all(is_tchar) || scan::any_line_break_or_nul(value)
            {
                validate_header(name, value)?;
            }
        }
        Ok(())
    }

    /// Whether every header passes [`Request::validate`]'s check (an HTTP token for a
    /// name, no CR, LF or NUL in a value), without building the error.
    #[inline]
    pub(crate) fn headers_ok(&self) -> bool {
        self.headers.as_slice().iter().all(|(name, value)| {
            !name.is_empty() && name.bytes().all(is_tchar) && !scan::any_line_break_or_nul(value)
        })
    }

    /// Whether every header value passes [`Request::validate`]'s check (no CR, LF or
    /// NUL), for headers whose names are known to be tokens.
    #[inline]
    pub(crate) fn header_values_ok(&self) -> bool {
        self.headers
            .as_slice()
            .iter()
            .all(|(_, value)| !scan::any_line_break_or_nul(value))
    }

    /// Checks the method, path and query only.
    pub(crate) fn validate_target(&self) -> Result<(), Error> {
        if self.method.is_empty() || !self.method.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::new(
                crate::ErrorKind::InvalidMethod,
                Stage::Request,
                "method",
                "must be upper-case ASCII letters, such as GET or POST",
            ));
        }
        if !self.path.starts_with('/') {
            return Err(Error::new(
                crate::ErrorKind::InvalidPath,
                Stage::Request,
                "path",
                "must start with `/`",
            ));
        }
        if scan::any_ctl_space_or(self.path, [b'?', b'#']) {
            return Err(Error::new(
                crate::ErrorKind::InvalidPath,
                Stage::Request,
                "path",
                "contains a space, a control character, `?` or `#`",
            ));
        }
        if scan::any_ctl_space_or(self.query, [b'#', b'#']) {
            return Err(Error::new(
                crate::ErrorKind::InvalidQuery,
                Stage::Request,
                "query",
                "contains a space, a control character or `#`; encode it first",
            ));
        }
        Ok(())
    }
}

/// Checks one header: the name is an HTTP token and the value has no CR, LF or NUL,
/// which would let it forge lines of the canonical request or of the HTTP message.
pub(crate) fn validate_header(name: &str, value: &str) -> Result<(), Error> {
    if name.is_empty() || !name.bytes().all(is_tchar) {
        return Err(Error::new(
            crate::ErrorKind::InvalidHeaderName,
            Stage::Request,
            alloc::format!("header `{}`", name.escape_debug()),
            "the name is not an HTTP token",
        ));
    }
    validate_header_value(name, value)
}

/// Checks a header value only, for a name known to be a token: no CR, LF or NUL.
pub(crate) fn validate_header_value(name: &str, value: &str) -> Result<(), Error> {
    if scan::any_line_break_or_nul(value) {
        return Err(Error::new(
            crate::ErrorKind::InvalidHeaderValue,
            Stage::Request,
            alloc::format!("header `{name}`"),
            "the value contains CR, LF or NUL",
        ));
    }
    Ok(())
}

pub(crate) use crate::headers::{is_tchar, trim_blanks};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_field() {
        let bad = [
            (Request::new("post", "/"), "method"),
            (Request::new("POST", "x"), "path"),
            (Request::new("POST", "/a b"), "path"),
            (Request::new("POST", "/").query("a=b c"), "query"),
            (
                Request::new("POST", "/").header("X-A", "v\r\nEvil: 1"),
                "header `X-A`",
            ),
            (Request::new("POST", "/").header("X A", "v"), "header `X A`"),
            (Request::new("POST", "/").header("", "v"), "header ``"),
        ];
        for (req, field) in bad {
            let err = req.validate().unwrap_err();
            assert_eq!(err.field(), field, "{err}");
            assert_eq!(err.stage(), Stage::Request);
        }
        assert!(
            Request::new("GET", "/")
                .query("Limit=10&Offset=0")
                .header("Host", "x")
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn borrowed_headers_read_and_extend_like_pushed_ones() {
        let pairs = [("Host", "a.example"), ("X-A", "1")];
        let pushed = Request::new("GET", "/")
            .header("Host", "a.example")
            .header("X-A", "1");
        let borrowed = Request::new("GET", "/").with_headers(&pairs);
        assert_eq!(borrowed, pushed);
        assert_eq!(borrowed.header_value("x-a"), Some("1"));
        // Adding to borrowed headers copies them first; the slice is left as it was.
        let mut more = borrowed.clone().header("X-A", "2");
        more.push_header("X-B", "3");
        assert_eq!(more.headers_named("x-a").collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(more.headers().len(), 4);
        assert_eq!(borrowed.headers(), &pairs);
        // Replacing pushed headers with a slice drops the pushed ones.
        let replaced = pushed.with_headers(&pairs[..1]);
        assert_eq!(replaced.headers(), &pairs[..1]);
    }

    #[test]
    fn header_lookup_ignores_case_and_keeps_order() {
        let req = Request::new("GET", "/")
            .header("X-A", "1")
            .header("x-a", "2");
        assert_eq!(req.header_value("X-a"), Some("1"));
        assert_eq!(req.headers_named("x-A").collect::<Vec<_>>(), ["1", "2"]);
    }

    #[test]
    fn token_table_is_rfc_9110_tchar() {
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(is_tchar(b), expected, "{b}");
        }
    }

    #[test]
    fn trim_blanks_is_trim_matches_of_space_and_tab() {
        for s in [
            "",
            " ",
            "\t \t",
            "a",
            " a ",
            "\ta b\t",
            " \u{e9} ",
            "\u{a0}x\u{a0}",
            "a\r",
        ] {
            assert_eq!(trim_blanks(s), s.trim_matches([' ', '\t']), "{s:?}");
        }
    }
}
