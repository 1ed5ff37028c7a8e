//! **Prototype, benchmark only: not part of cloudsig's API and not used by it.**
//!
//! The leanest verifier loop for `make-jsonl`'s capture, written to measure where the
//! limit of batch verification lies on a machine (issue 17 item 2): each JSON-lines
//! record read in the shape `write_record` writes (literal keys and punctuation, each
//! string's end found with `memchr2`, one control-character pass over the line, the body
//! unescaped into one reused buffer), the headers the TC3 check needs picked out in the
//! same pass, the documented Authorization form split by literal matches, the timestamp
//! window and credential date checked, the key taken from a per-SecretId cache of
//! [`LeanKey`]s (derived once a day and service) and the signature computed by
//! [`LeanKey::sign`] and compared. No report is built: a line is valid, invalid, or left
//! alone ([`Outcome::Unhandled`]: escapes in a header, another shape, another scheme,
//! a header given twice), where cloudsig's verifier would read it or explain.
//!
//! `verify-lean` runs it over a capture; benches/README.md (session 25) compares it with
//! `cloudsig verify --threads 1` in callgrind instructions and CPU time.

use std::collections::HashMap;

use cloudsig_canonical::Request;
use cloudsig_core::UtcDate;

use crate::lean_tc3::{LeanKey, Shape};

/// What the lean loop found in one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The signature matched and the checks passed.
    Valid,
    /// A check failed or the signature did not match.
    Invalid,
    /// Outside the prototype's shape (cloudsig's verifier would read it).
    Unhandled,
}

/// A cached key: the day and service it was derived for, the credential date they
/// give, and the key.
struct Cached {
    day: i64,
    service: String,
    date: [u8; 10],
    key: LeanKey,
}

/// The lean verifier: secrets by SecretId, a cached key per SecretId, the one
/// signed-header shape `make-jsonl` writes, the time window, and the body buffer.
pub struct LeanVerifier {
    secrets: HashMap<String, Vec<u8>>,
    cache: HashMap<String, Cached>,
    shape: Shape,
    now: i64,
    window: i64,
    body: Vec<u8>,
}

/// The headers the check reads, as found in the record.
#[derive(Default)]
struct Found<'a> {
    authorization: Option<&'a str>,
    content_type: Option<&'a str>,
    host: Option<&'a str>,
    timestamp: Option<&'a str>,
    action: bool,
    version: bool,
}

impl LeanVerifier {
    /// A verifier of `key_file` (`SecretId SecretKey` lines, as `make-jsonl` writes) at
    /// `now`, accepting timestamps within `window` seconds of it.
    pub fn new(key_file: &str, now: i64, window: i64) -> Self {
        let secrets = key_file
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(id, secret)| (id.to_string(), secret.trim().as_bytes().to_vec()))
            .collect();
        Self {
            secrets,
            cache: HashMap::new(),
            shape: Shape::new(&["content-type", "host"]),
            now,
            window,
            body: Vec::with_capacity(1024),
        }
    }

    /// Verifies one record (a line without its newline).
    pub fn verify(&mut self, line: &[u8]) -> Outcome {
        let mut body = std::mem::take(&mut self.body);
        let outcome = self
            .verify_with(line, &mut body)
            .unwrap_or(Outcome::Unhandled);
        self.body = body;
        outcome
    }

    fn verify_with(&mut self, line: &[u8], body: &mut Vec<u8>) -> Option<Outcome> {
        let line = std::str::from_utf8(line).ok()?;
        let b = line.as_bytes();
        let (mut control, mut del) = (false, false);
        for &c in b {
            control |= c < 0x20;
            del |= c == 0x7f;
        }
        if control || del {
            return None;
        }
        let mut p = Cursor { s: line, i: 0 };
        p.literal("{\"method\":\"")?;
        let method = p.plain()?;
        p.literal(",\"url\":\"")?;
        let url = p.plain()?;
        p.literal(",\"headers\":[")?;
        let mut found = Found::default();
        if p.literal("]").is_none() {
            loop {
                p.literal("[\"")?;
                let name = p.plain()?;
                p.literal(",\"")?;
                let value = p.plain()?;
                p.literal("]")?;
                let slot = match name.len() {
                    4 if name.eq_ignore_ascii_case("host") => Some(&mut found.host),
                    12 if name.eq_ignore_ascii_case("content-type") => {
                        Some(&mut found.content_type)
                    }
                    13 if name.eq_ignore_ascii_case("authorization") => {
                        Some(&mut found.authorization)
                    }
                    14 if name.eq_ignore_ascii_case("x-tc-timestamp") => Some(&mut found.timestamp),
                    11 if name.eq_ignore_ascii_case("x-tc-action") => {
                        found.action = true;
                        None
                    }
                    12 if name.eq_ignore_ascii_case("x-tc-version") => {
                        found.version = true;
                        None
                    }
                    _ => None,
                };
                if let Some(slot) = slot
                    && slot.replace(value).is_some()
                {
                    return None;
                }
                if p.literal("]").is_some() {
                    break;
                }
                p.literal(",")?;
            }
        }
        body.clear();
        p.literal(",\"body\":\"")?;
        p.unescape(body)?;
        p.literal("}")?;
        if p.i != b.len() {
            return None;
        }
        Some(self.check(method, url, &found, body))
    }

    fn check(&mut self, method: &str, url: &str, found: &Found<'_>, body: &[u8]) -> Outcome {
        let (Some(auth), Some(ct), Some(host), Some(ts)) = (
            found.authorization,
            found.content_type,
            found.host,
            found.timestamp,
        ) else {
            return Outcome::Invalid;
        };
        if !(found.action && found.version && matches!(method, "GET" | "POST")) {
            return Outcome::Invalid;
        }
        let Some((id, date, service, signed, signature)) = documented(auth) else {
            return Outcome::Unhandled;
        };
        if signed != "content-type;host" {
            return Outcome::Unhandled;
        }
        let Some(ts) = ten_digits(ts) else {
            return Outcome::Invalid;
        };
        if ts.abs_diff(self.now) > self.window.unsigned_abs() {
            return Outcome::Invalid;
        }
        // The host's first label is the service.
        if !host
            .strip_prefix(service)
            .is_some_and(|r| r.starts_with('.'))
        {
            return Outcome::Invalid;
        }
        let Some(path) = url
            .strip_prefix("https://")
            .and_then(|r| memchr::memchr(b'/', r.as_bytes()).and_then(|k| r.get(k..)))
        else {
            return Outcome::Unhandled;
        };
        let (path, query) = split(path, b'?').unwrap_or((path, ""));
        let day = ts.div_euclid(86_400);
        let cached = match self.cache.get(id) {
            Some(c) if c.day == day && c.service == service => c,
            _ => {
                let Some(secret) = self.secrets.get(id) else {
                    return Outcome::Invalid;
                };
                let (Some(key), Ok(d)) =
                    (LeanKey::derive(secret, ts, service), UtcDate::from_unix(ts))
                else {
                    return Outcome::Unhandled;
                };
                let mut iso = [0u8; 10];
                iso.copy_from_slice(d.to_string().as_bytes().get(..10).unwrap_or(&[0; 10]));
                let entry = Cached {
                    day,
                    service: service.to_string(),
                    date: iso,
                    key,
                };
                self.cache.insert(id.to_string(), entry);
                match self.cache.get(id) {
                    Some(c) => c,
                    None => return Outcome::Unhandled,
                }
            }
        };
        if date.as_bytes() != cached.date {
            return Outcome::Invalid;
        }
        let headers = [("Content-Type", ct), ("Host", host)];
        let req = Request::new(method, path)
            .query(query)
            .with_headers(&headers)
            .body(body);
        let Some(computed) = cached.key.sign(&req, &self.shape, ts) else {
            return Outcome::Unhandled;
        };
        let diff = computed
            .iter()
            .zip(signature.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if diff == 0 {
            Outcome::Valid
        } else {
            Outcome::Invalid
        }
    }
}

/// SecretId, date, service, SignedHeaders and Signature of an Authorization value in
/// exactly the documented form.
fn documented(v: &str) -> Option<(&str, &str, &str, &str, &str)> {
    let rest = v.strip_prefix("TC3-HMAC-SHA256 Credential=")?;
    let (id, rest) = split(rest, b'/')?;
    let (date, rest) = split(rest, b'/')?;
    let (service, rest) = split(rest, b'/')?;
    let rest = rest.strip_prefix("tc3_request, SignedHeaders=")?;
    // The signature is the last 64 bytes, after `, Signature=`.
    let (signed, signature) = rest.split_at_checked(rest.len().checked_sub(64)?)?;
    let signed = signed.strip_suffix(", Signature=")?;
    Some((id, date, service, signed, signature))
}

/// `s.split_once(c)` with `memchr`.
fn split(s: &str, c: u8) -> Option<(&str, &str)> {
    let k = memchr::memchr(c, s.as_bytes())?;
    Some((s.get(..k)?, s.get(k + 1..)?))
}

/// A Unix time of exactly ten digits.
fn ten_digits(s: &str) -> Option<i64> {
    if s.len() != 10 {
        return None;
    }
    s.bytes().try_fold(0i64, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
    })
}

/// A position in a record.
struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn literal(&mut self, word: &str) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        (self.s.as_bytes().get(self.i..end)? == word.as_bytes()).then(|| self.i = end)
    }

    /// The rest of a string with no escape, and its closing quote.
    fn plain(&mut self) -> Option<&'a str> {
        let rest = self.s.as_bytes().get(self.i..)?;
        let k = memchr::memchr2(b'"', b'\\', rest)?;
        if rest.get(k) != Some(&b'"') {
            return None;
        }
        let text = self.s.get(self.i..self.i + k)?;
        self.i += k + 1;
        Some(text)
    }

    /// The rest of a string, unescaped onto `out` (`\uXXXX` left alone), and its
    /// closing quote.
    fn unescape(&mut self, out: &mut Vec<u8>) -> Option<()> {
        let b = self.s.as_bytes();
        loop {
            let rest = b.get(self.i..)?;
            let k = memchr::memchr2(b'"', b'\\', rest)?;
            out.extend_from_slice(rest.get(..k)?);
            self.i += k + 1;
            if rest.get(k) == Some(&b'"') {
                return Some(());
            }
            let c = match b.get(self.i)? {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'b' => 8,
                b'f' => 12,
                _ => return None,
            };
            out.push(c);
            self.i += 1;
        }
    }
}
