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
    /// The cached keys' slots by SecretId.
    index: HashMap<String, usize>,
    slots: Vec<Cached>,
    /// A slot no SecretId points to (see [`LeanVerifier::key_slot`]).
    spare: Option<usize>,
    shape: Shape,
    now: i64,
    window: i64,
    body: Vec<u8>,
    /// The second record's body buffer of [`LeanVerifier::verify_pair`].
    body_b: Vec<u8>,
}

/// A record that reached the signature stage: the request's parts, the timestamp, the
/// received signature and the key's slot.
struct Ready<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    content_type: &'a str,
    host: &'a str,
    body: &'a [u8],
    timestamp: i64,
    signature: &'a str,
    slot: usize,
}

/// Where a record's checks before the signature ended.
enum Stage<'a> {
    /// A verdict before the signature.
    Done(Outcome),
    /// The signature is left to compute.
    Ready(Ready<'a>),
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
            index: HashMap::new(),
            slots: Vec::new(),
            spare: None,
            shape: Shape::new(&["content-type", "host"]),
            now,
            window,
            body: Vec::with_capacity(1024),
            body_b: Vec::with_capacity(1024),
        }
    }

    /// Verifies one record (a line without its newline).
    pub fn verify(&mut self, line: &[u8]) -> Outcome {
        let mut body = std::mem::take(&mut self.body);
        let outcome = match self.prepare(line, &mut body, None) {
            Stage::Done(outcome) => outcome,
            Stage::Ready(r) => self.finish(&r),
        };
        self.body = body;
        outcome
    }

    /// Verifies two records (lines without their newlines), with the two signatures
    /// computed in lock-step ([`LeanKey::sign_pair`]) when both records reach the
    /// signature stage, one at a time otherwise: the same outcomes as two calls of
    /// [`LeanVerifier::verify`].
    pub fn verify_pair(&mut self, a: &[u8], b: &[u8]) -> (Outcome, Outcome) {
        self.verify_pair_v::<true>(a, b)
    }

    /// [`LeanVerifier::verify_pair`] with each chain's blocks in one call
    /// ([`LeanKey::sign_pair_by_chain`]).
    pub fn verify_pair_by_chain(&mut self, a: &[u8], b: &[u8]) -> (Outcome, Outcome) {
        self.verify_pair_v::<false>(a, b)
    }

    fn verify_pair_v<const PER_BLOCK: bool>(&mut self, a: &[u8], b: &[u8]) -> (Outcome, Outcome) {
        let mut body_a = std::mem::take(&mut self.body);
        let mut body_b = std::mem::take(&mut self.body_b);
        let first = self.prepare(a, &mut body_a, None);
        let pending = match &first {
            Stage::Ready(r) => Some(r.slot),
            Stage::Done(_) => None,
        };
        let second = self.prepare(b, &mut body_b, pending);
        let outcomes = match (first, second) {
            (Stage::Ready(x), Stage::Ready(y)) => self.finish_pair::<PER_BLOCK>(&x, &y),
            (x, y) => (self.settle(x), self.settle(y)),
        };
        self.body = body_a;
        self.body_b = body_b;
        outcomes
    }

    fn settle(&self, stage: Stage<'_>) -> Outcome {
        match stage {
            Stage::Done(outcome) => outcome,
            Stage::Ready(r) => self.finish(&r),
        }
    }

    /// Reads the record and checks it up to the signature; `pending` is the key slot a
    /// record read before this one still needs.
    fn prepare<'a>(
        &mut self,
        line: &'a [u8],
        body: &'a mut Vec<u8>,
        pending: Option<usize>,
    ) -> Stage<'a> {
        match Self::read(line, body) {
            Some((method, url, found, body)) => self.check(method, url, &found, body, pending),
            None => Stage::Done(Outcome::Unhandled),
        }
    }

    /// The record's method, URL, headers and (unescaped) body.
    #[allow(clippy::type_complexity)]
    fn read<'a>(
        line: &'a [u8],
        body: &'a mut Vec<u8>,
    ) -> Option<(&'a str, &'a str, Found<'a>, &'a [u8])> {
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
        Some((method, url, found, body))
    }

    fn check<'a>(
        &mut self,
        method: &'a str,
        url: &'a str,
        found: &Found<'a>,
        body: &'a [u8],
        pending: Option<usize>,
    ) -> Stage<'a> {
        let (Some(auth), Some(ct), Some(host), Some(ts)) = (
            found.authorization,
            found.content_type,
            found.host,
            found.timestamp,
        ) else {
            return Stage::Done(Outcome::Invalid);
        };
        if !(found.action && found.version && matches!(method, "GET" | "POST")) {
            return Stage::Done(Outcome::Invalid);
        }
        let Some((id, date, service, signed, signature)) = documented(auth) else {
            return Stage::Done(Outcome::Unhandled);
        };
        if signed != "content-type;host" {
            return Stage::Done(Outcome::Unhandled);
        }
        let Some(ts) = ten_digits(ts) else {
            return Stage::Done(Outcome::Invalid);
        };
        if ts.abs_diff(self.now) > self.window.unsigned_abs() {
            return Stage::Done(Outcome::Invalid);
        }
        // The host's first label is the service.
        if !host
            .strip_prefix(service)
            .is_some_and(|r| r.starts_with('.'))
        {
            return Stage::Done(Outcome::Invalid);
        }
        let Some(path) = url
            .strip_prefix("https://")
            .and_then(|r| memchr::memchr(b'/', r.as_bytes()).and_then(|k| r.get(k..)))
        else {
            return Stage::Done(Outcome::Unhandled);
        };
        let (path, query) = split(path, b'?').unwrap_or((path, ""));
        let day = ts.div_euclid(86_400);
        let slot = match self.key_slot(id, day, service, ts, pending) {
            Ok(slot) => slot,
            Err(outcome) => return Stage::Done(outcome),
        };
        let Some(cached) = self.slots.get(slot) else {
            return Stage::Done(Outcome::Unhandled);
        };
        if date.as_bytes() != cached.date {
            return Stage::Done(Outcome::Invalid);
        }
        Stage::Ready(Ready {
            method,
            path,
            query,
            content_type: ct,
            host,
            body,
            timestamp: ts,
            signature,
            slot,
        })
    }

    /// The slot of the key of `id` for `day` and `service`, derived on a miss. A slot
    /// `pending` (still needed by the first record of a pair) is never overwritten: the
    /// new key goes to the spare slot, and the old one becomes the spare (at most one
    /// slot more than SecretIds).
    fn key_slot(
        &mut self,
        id: &str,
        day: i64,
        service: &str,
        ts: i64,
        pending: Option<usize>,
    ) -> Result<usize, Outcome> {
        let old = self.index.get(id).copied();
        if let Some(slot) = old
            && let Some(c) = self.slots.get(slot)
            && c.day == day
            && c.service == service
        {
            return Ok(slot);
        }
        let Some(secret) = self.secrets.get(id) else {
            return Err(Outcome::Invalid);
        };
        let (Some(key), Ok(d)) = (LeanKey::derive(secret, ts, service), UtcDate::from_unix(ts))
        else {
            return Err(Outcome::Unhandled);
        };
        let mut iso = [0u8; 10];
        iso.copy_from_slice(d.to_string().as_bytes().get(..10).unwrap_or(&[0; 10]));
        let entry = Cached {
            day,
            service: service.to_string(),
            date: iso,
            key,
        };
        match old {
            Some(slot) if Some(slot) != pending => {
                let Some(c) = self.slots.get_mut(slot) else {
                    return Err(Outcome::Unhandled);
                };
                *c = entry;
                Ok(slot)
            }
            _ => {
                let slot = match self.spare.take() {
                    Some(spare) => {
                        let Some(c) = self.slots.get_mut(spare) else {
                            return Err(Outcome::Unhandled);
                        };
                        *c = entry;
                        spare
                    }
                    None => {
                        self.slots.push(entry);
                        self.slots.len() - 1
                    }
                };
                if old.is_some() {
                    self.spare = old;
                }
                self.index.insert(id.to_string(), slot);
                Ok(slot)
            }
        }
    }

    /// The request of a record that reached the signature stage.
    fn request<'r>(r: &Ready<'r>, headers: &'r [(&'r str, &'r str); 2]) -> Request<'r> {
        Request::new(r.method, r.path)
            .query(r.query)
            .with_headers(headers)
            .body(r.body)
    }

    /// The signature of one record computed and compared.
    fn finish(&self, r: &Ready<'_>) -> Outcome {
        let Some(cached) = self.slots.get(r.slot) else {
            return Outcome::Unhandled;
        };
        let headers = [("Content-Type", r.content_type), ("Host", r.host)];
        let req = Self::request(r, &headers);
        compare(cached.key.sign(&req, &self.shape, r.timestamp), r.signature)
    }

    /// The signatures of two records computed in lock-step and compared.
    fn finish_pair<const PER_BLOCK: bool>(
        &self,
        x: &Ready<'_>,
        y: &Ready<'_>,
    ) -> (Outcome, Outcome) {
        let (Some(kx), Some(ky)) = (self.slots.get(x.slot), self.slots.get(y.slot)) else {
            return (self.finish(x), self.finish(y));
        };
        let hx = [("Content-Type", x.content_type), ("Host", x.host)];
        let hy = [("Content-Type", y.content_type), ("Host", y.host)];
        let (rx, ry) = (Self::request(x, &hx), Self::request(y, &hy));
        let a = (&kx.key, &rx, x.timestamp);
        let b = (&ky.key, &ry, y.timestamp);
        let (sx, sy) = if PER_BLOCK {
            LeanKey::sign_pair(a, b, &self.shape)
        } else {
            LeanKey::sign_pair_by_chain(a, b, &self.shape)
        };
        (compare(sx, x.signature), compare(sy, y.signature))
    }
}

/// The outcome of a computed signature against the received one.
fn compare(computed: Option<[u8; 64]>, received: &str) -> Outcome {
    let Some(computed) = computed else {
        return Outcome::Unhandled;
    };
    let diff = computed
        .iter()
        .zip(received.as_bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff == 0 {
        Outcome::Valid
    } else {
        Outcome::Invalid
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

#[cfg(test)]
mod tests {
    use super::*;
    use cloudsig_canonical::tc3::{self, CredentialScope, Settings, SignedHeaders};

    /// Midnight UTC (2023-11-15T00:00:00Z): the records' timestamps fall on both sides.
    const MIDNIGHT: i64 = 1_700_006_400;

    fn id(k: usize) -> String {
        format!("AKIDpair{k:02}EXAMPLE")
    }

    fn secret(k: usize) -> String {
        format!("pairSecret{k:02}")
    }

    /// A JSON string (serde_json's escaping, independent of the reader under test).
    fn quoted(s: &str) -> String {
        serde_json::to_string(s).unwrap()
    }

    /// Record `i` in `make-jsonl`'s shape, signed by cloudsig's signer, then changed by
    /// mutation `i % 14`, and the outcome the change must give.
    fn record(i: usize) -> (String, Outcome) {
        // The two records of a pair (`2j`, `2j + 1`) share a SecretId; in every other
        // pair they fall on the two sides of midnight, so that the second needs another
        // day's key than the first while the first's is still in use.
        let k = (i / 2) % 3;
        let after = if (i / 2).is_multiple_of(2) {
            i % 2 == 1
        } else {
            (i / 4) % 2 == 1
        };
        let ts = MIDNIGHT + if after { 7 + i as i64 } else { -7 - i as i64 };
        let service = if i % 5 == 4 { "cvm-long" } else { "cvm" };
        let host = format!("{service}.tencentcloudapi.com");
        let body = format!(
            r#"{{"Limit": {}, "Filters": [{{"Name": "zone", "Values": ["ap-guangzhou-{}"]}}], "Pad": "{}"}}"#,
            i % 100,
            i % 7,
            "x".repeat(i % 70)
        );
        let req = Request::new("POST", "/")
            .header("Content-Type", "application/json")
            .header("Host", &host)
            .body(body.as_bytes());
        let scope = CredentialScope::for_timestamp(ts, service).unwrap();
        let mut date = scope.date().to_string();
        let mut sig = tc3::sign(
            &req,
            &SignedHeaders::default(),
            &Settings::default(),
            ts,
            scope,
            &cloudsig_core::SecretKey::new(secret(k).as_bytes()).unwrap(),
        )
        .unwrap()
        .signature()
        .to_string();
        let mutation = i % 14;
        let mut auth_id = id(k);
        let mut stamp = ts.to_string();
        let mut body = body;
        let mut action = quoted("DescribeInstances");
        let mut tail = "";
        let expected = match mutation {
            // A hex digit of the signature changed.
            1 => {
                let c = if sig.ends_with('0') { "1" } else { "0" };
                sig.replace_range(63.., c);
                Outcome::Invalid
            }
            // The body changed after signing.
            2 => {
                body.push(' ');
                Outcome::Invalid
            }
            // A SecretId without a key.
            3 => {
                auth_id = "AKIDnobody".to_string();
                Outcome::Invalid
            }
            // The credential date of the other day.
            4 => {
                date = CredentialScope::for_timestamp(ts + 86_400, service)
                    .unwrap()
                    .date()
                    .to_string();
                Outcome::Invalid
            }
            // Outside the window.
            5 => {
                stamp = (ts + 7_200).to_string();
                Outcome::Invalid
            }
            // An escape in a header value: left alone.
            6 => {
                action = r#""Describe\"Instances""#.to_string();
                Outcome::Unhandled
            }
            // Not the record's shape.
            7 => {
                tail = " ";
                Outcome::Unhandled
            }
            _ => Outcome::Valid,
        };
        let auth = format!(
            "TC3-HMAC-SHA256 Credential={auth_id}/{date}/{service}/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
        );
        let line = format!(
            r#"{{"method":"POST","url":"https://{host}/","headers":[["Authorization",{}],["Content-Type","application/json"],["Host",{}],["X-TC-Action",{action}],["X-TC-Timestamp","{stamp}"],["X-TC-Version","2017-03-12"]],"body":{}}}{tail}"#,
            quoted(&auth),
            quoted(&host),
            quoted(&body)
        );
        (line, expected)
    }

    fn keys() -> String {
        (0..3)
            .map(|k| format!("{} {}\n", id(k), secret(k)))
            .collect()
    }

    #[test]
    fn records_verified_in_pairs_get_the_outcomes_of_one_at_a_time() {
        let records: Vec<(String, Outcome)> = (0..701).map(record).collect();
        let expected: Vec<Outcome> = records.iter().map(|r| r.1).collect();
        assert!(expected.iter().filter(|&&o| o == Outcome::Valid).count() > 300);
        let mut one = LeanVerifier::new(&keys(), MIDNIGHT, 3600);
        let alone: Vec<Outcome> = records
            .iter()
            .map(|(l, _)| one.verify(l.as_bytes()))
            .collect();
        assert_eq!(alone, expected);
        for by_chain in [false, true] {
            let mut two = LeanVerifier::new(&keys(), MIDNIGHT, 3600);
            let mut paired = Vec::new();
            for pair in records.chunks(2) {
                match pair {
                    [(a, _), (b, _)] => {
                        let (x, y) = if by_chain {
                            two.verify_pair_by_chain(a.as_bytes(), b.as_bytes())
                        } else {
                            two.verify_pair(a.as_bytes(), b.as_bytes())
                        };
                        paired.extend([x, y]);
                    }
                    [(a, _)] => paired.push(two.verify(a.as_bytes())),
                    _ => unreachable!(),
                }
            }
            assert_eq!(paired, expected, "by chain: {by_chain}");
            // At most one key slot more than SecretIds.
            assert!(two.slots.len() <= 4, "{} slots", two.slots.len());
        }
    }
}
