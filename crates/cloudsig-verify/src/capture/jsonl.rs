//! JSON lines: cloudsig's own capture record format, one request per line.
//!
//! # The record
//!
//! A capture is UTF-8 text. Each line holds one JSON object, the record of one request:
//!
//! ```text
//! {"method": "POST", "url": "https://cvm.tencentcloudapi.com/?a=b", "headers": [["Host", "cvm.tencentcloudapi.com"], ["Content-Type", "application/json"]], "body": "{\"Limit\": 1}"}
//! ```
//!
//! | key           | required | type | meaning |
//! |---------------|----------|------|---------|
//! | `method`      | yes | string | the method as sent, an HTTP token (`POST`, `GET` …), not normalised |
//! | `url`         | yes | string | the request target, kept verbatim: absolute-form `http://authority/path?query` or `https://…` (scheme in lower case, authority not empty; without a `Host` header, the `Host` an HTTP client sends is added as the first header: the authority without userinfo, and without the port if it is the scheme's default), or origin-form `/path?query` (then a `Host` header is required and gives the host); no spaces or control characters |
//! | `headers`     | no  | array of `[name, value]` string pairs, or object `{name: value}` | the headers in the order sent; duplicates allowed in the array form; an object keeps the order written. Names are HTTP tokens, values may not contain control characters other than tab. Default: none |
//! | `body`        | no  | string | the body as UTF-8 text. Default: empty |
//! | `body_base64` | no  | string | the body in standard base64 (`+/`, padding optional, surrounding whitespace ignored), for bodies that are not UTF-8 |
//! | `id`          | no  | string or number (any value accepted) | ignored by the parser, for the capturing tool's own use |
//! | `note`        | no  | any | ignored by the parser |
//!
//! - `body` and `body_base64` are mutually exclusive: a record with both is an error.
//!   A `null` optional field counts as absent.
//! - Keys may come in any order; unknown keys are ignored; a key given twice is an error.
//! - Lines are separated by `\n` (a `\r` before it is dropped). Blank lines, lines
//!   whose first non-blank character is `#`, and metadata lines — a JSON object with
//!   none of the keys `method`, `url`, `headers`, `body`, `body_base64` (in any case),
//!   such as `{"note": "capture 1"}` — are skipped: they are not requests and not
//!   counted. An object with any of those keys is a record, and an error if it is not
//!   a good one. A UTF-8 byte-order mark at the
//!   start of the file is skipped.
//! - A line longer than [`Limits::max_record`] bytes (its `\n` not counted) is an
//!   error; it is skipped without being stored (the reader holds at most
//!   `max_record + 1` bytes of it). A body longer than [`Limits::max_body`] bytes is an error.
//!
//! Each record becomes one [`Captured`]; each bad record one [`CaptureError`] whose
//! [`Location`] names it: `index` is the 0-based record number (blank and comment lines
//! not counted), `offset` the byte offset of the line's start, `line` its 1-based line
//! number. Reading goes on with the next line; only an I/O error ends the stream.
//!
//! [`write_record`] writes a [`Captured`] in this format, so captures round-trip.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead, Read, Write};
use std::iter::FusedIterator;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::json::{
    TextSeed, check_body_len, check_header_pairs, decode_base64, has_control, is_token,
    json_error_message, opt_text_fns,
};
use super::{CaptureError, Captured, Item, Limits, Location, RequestView};

mod fast;

/// Reads JSON-lines capture records (see the [module documentation](self)) one line at a
/// time, reusing one line buffer.
///
/// ```
/// use cloudsig_verify::capture::{jsonl::JsonLinesReader, Limits};
///
/// let input = concat!(
///     "# captured by the gateway\n",
///     r#"{"method":"POST","url":"https://cvm.tencentcloudapi.com/","headers":[["Content-Type","application/json"]],"body":"{}"}"#,
///     "\n",
///     r#"{"method":"GET","url":"/?Action=DescribeRegions","headers":{"Host":"cvm.tencentcloudapi.com"}}"#,
///     "\n",
/// );
/// let items: Vec<_> = JsonLinesReader::new(input.as_bytes(), Limits::default()).collect();
/// let first = items[0].as_ref().unwrap();
/// assert_eq!((first.method.as_str(), first.body.as_slice()), ("POST", &b"{}"[..]));
/// assert_eq!(first.location.line, Some(2));
/// let second = items[1].as_ref().unwrap();
/// assert_eq!(second.host(), Some("cvm.tencentcloudapi.com"));
/// assert_eq!(second.query(), "Action=DescribeRegions");
/// ```
#[derive(Debug)]
pub struct JsonLinesReader<R> {
    reader: R,
    limits: Limits,
    buf: Vec<u8>,
    /// Byte offset of the next line's start.
    offset: u64,
    /// Lines read so far.
    line: u64,
    /// Records read so far.
    index: usize,
    done: bool,
    scratch: Scratch,
}

/// What one call to [`JsonLinesReader::read_line`] found.
enum LineRead {
    /// End of input, nothing read.
    Eof,
    /// A line, stored in the buffer (terminator included when there was one).
    Stored,
    /// A line longer than the limit, skipped: its length in bytes (terminator included)
    /// and whether it was a record (not blank, not a comment).
    Oversized { len: u64, record: bool },
}

/// Lines stored before an oversized one are not worth keeping capacity for.
const KEEP_CAPACITY: usize = 64 * 1024;

impl<R: BufRead> JsonLinesReader<R> {
    /// A reader of the records in `reader`, holding at most `limits.max_record` bytes of
    /// one line at a time.
    pub fn new(reader: R, limits: Limits) -> Self {
        Self {
            reader,
            limits,
            buf: Vec::new(),
            offset: 0,
            line: 0,
            index: 0,
            done: false,
            scratch: Scratch::default(),
        }
    }

    /// Reads the next line into `self.buf`, or skips it when it is over the limit.
    fn read_line(&mut self) -> io::Result<LineRead> {
        self.buf.clear();
        let max = self.limits.max_record;
        // A line of `max` bytes plus its `\n` is allowed, one byte more is not.
        let cap = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
        let n = (&mut self.reader)
            .take(cap)
            .read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(LineRead::Eof);
        }
        if self.buf.last() == Some(&b'\n') || self.buf.len() <= max {
            return Ok(LineRead::Stored);
        }
        // Over the limit: stream past the rest of the line without storing it.
        let mut first = first_non_blank(&self.buf);
        let mut len = u64::try_from(n).unwrap_or(u64::MAX);
        self.buf.clear();
        self.buf.shrink_to(KEEP_CAPACITY);
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                break;
            }
            let (take, end) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i.saturating_add(1), true),
                None => (chunk.len(), false),
            };
            if first.is_none() {
                first = first_non_blank(chunk.get(..take).unwrap_or_default());
            }
            self.reader.consume(take);
            len = len.saturating_add(u64::try_from(take).unwrap_or(u64::MAX));
            if end {
                break;
            }
        }
        let record = !matches!(first, None | Some(b'#'));
        Ok(LineRead::Oversized { len, record })
    }
}

impl<R: BufRead> JsonLinesReader<R> {
    /// The next record, handed to `f` as a borrowed view (or as the error that it could
    /// not be read): the allocation-free path the parallel verifier uses.
    pub fn next_view<T>(
        &mut self,
        f: &mut impl FnMut(Result<RequestView<'_>, CaptureError>) -> T,
    ) -> Option<T> {
        while !self.done {
            let start = self.offset;
            let line = self.line.saturating_add(1);
            let location = Location {
                index: self.index,
                offset: start,
                line: Some(line),
            };
            let read = match self.read_line() {
                Ok(read) => read,
                Err(e) => {
                    self.done = true;
                    return Some(f(Err(CaptureError {
                        location,
                        reason: format!("read error: {e}"),
                    })));
                }
            };
            let len = match read {
                LineRead::Eof => {
                    self.done = true;
                    return None;
                }
                LineRead::Stored => u64::try_from(self.buf.len()).unwrap_or(u64::MAX),
                LineRead::Oversized { len, .. } => len,
            };
            self.offset = self.offset.saturating_add(len);
            self.line = line;
            if let LineRead::Oversized { len, record } = read {
                if !record {
                    continue;
                }
                self.index = self.index.saturating_add(1);
                return Some(f(Err(CaptureError {
                    location,
                    reason: format!(
                        "line of {len} bytes is longer than the record limit of {} bytes; skipped",
                        self.limits.max_record
                    ),
                })));
            }
            let mut content = self.buf.as_slice();
            content = content.strip_suffix(b"\n").unwrap_or(content);
            content = content.strip_suffix(b"\r").unwrap_or(content);
            if start == 0 {
                content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
            }
            if matches!(first_non_blank(content), None | Some(b'#')) {
                continue;
            }
            let mut pending = None;
            let done = parse_view(content, location, &self.limits, &mut self.scratch, |v| {
                f(Ok(v.clone()))
            })
            .map_err(|reason| pending = Some(CaptureError { location, reason }));
            if let Ok(None) = done {
                // A metadata line.
                continue;
            }
            self.index = self.index.saturating_add(1);
            return match (done, pending) {
                (Ok(t), _) => t,
                (Err(()), Some(e)) => Some(f(Err(e))),
                (Err(()), None) => None,
            };
        }
        None
    }
}

/// Reads every record of `data`, whole lines of a capture that start at byte `base`,
/// as [`JsonLinesReader`] would, but slicing the lines out of `data` instead of
/// copying them: hands each record's view (or why it could not be read) to `f`.
/// Indices count from 0 and lines from 1 within `data`. Returns how many lines `data`
/// holds (a last line without `\n` counts).
pub(crate) fn for_each_view(
    data: &[u8],
    base: u64,
    limits: &Limits,
    scratch: &mut Scratch,
    mut f: impl FnMut(Result<&RequestView<'_>, CaptureError>),
) -> u64 {
    let mut pos = 0usize;
    let mut line = 0u64;
    let mut index = 0usize;
    while let Some(rest) = data.get(pos..).filter(|r| !r.is_empty()) {
        let (len, mut content) = match memchr::memchr(b'\n', rest) {
            Some(i) => (i.saturating_add(1), rest.get(..i).unwrap_or_default()),
            None => (rest.len(), rest),
        };
        let start = base.saturating_add(pos as u64);
        pos = pos.saturating_add(len);
        line = line.saturating_add(1);
        let location = Location {
            index,
            offset: start,
            line: Some(line),
        };
        if content.len() > limits.max_record {
            if matches!(
                first_non_blank(rest.get(..len).unwrap_or_default()),
                None | Some(b'#')
            ) {
                continue;
            }
            index = index.saturating_add(1);
            f(Err(CaptureError {
                location,
                reason: format!(
                    "line of {len} bytes is longer than the record limit of {} bytes; skipped",
                    limits.max_record
                ),
            }));
            continue;
        }
        content = content.strip_suffix(b"\r").unwrap_or(content);
        if start == 0 {
            content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
        }
        if matches!(first_non_blank(content), None | Some(b'#')) {
            continue;
        }
        match parse_view(content, location, limits, scratch, |v| f(Ok(v))) {
            Ok(None) => continue,
            Ok(Some(())) => {}
            Err(reason) => f(Err(CaptureError { location, reason })),
        }
        index = index.saturating_add(1);
    }
    line
}

impl<R: BufRead> Iterator for JsonLinesReader<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        self.next_view(&mut |r| r.map(|v| v.to_captured()))
    }
}

impl<R: BufRead> FusedIterator for JsonLinesReader<R> {}

fn first_non_blank(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// One record as written, borrowing from the line where no unescaping was needed.
#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow, default, deserialize_with = "de_method")]
    method: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "de_url")]
    url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    headers: Option<Headers<'a>>,
    #[serde(borrow, default, deserialize_with = "de_body")]
    body: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "de_body_base64")]
    body_base64: Option<Cow<'a, str>>,
}

opt_text_fns! {
    de_method => "\"method\" as a string",
    de_url => "\"url\" as a string",
    de_body => "\"body\" as a string",
    de_body_base64 => "\"body_base64\" as a string",
}

/// Buffers reused from record to record by [`parse_view`]: the unescaped strings of
/// the fast parser, its header spans, and the allocation of the view's header vector.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    text: Vec<u8>,
    spans: Vec<(fast::Span, fast::Span)>,
    headers: Vec<(&'static str, &'static str)>,
}

/// An empty vector of any lifetime on the allocation of `v` (in-place collection
/// keeps the allocation, since the element types have the same layout).
fn recycle<'a, 'b>(mut v: Vec<(&'a str, &'a str)>) -> Vec<(&'b str, &'b str)> {
    v.clear();
    v.into_iter().map(|_| ("", "")).collect()
}

/// The keys that make an object a request record (ASCII case ignored, so that a
/// misspelt record is reported rather than skipped).
const RECORD_KEYS: [&str; 5] = ["method", "url", "headers", "body", "body_base64"];

/// Whether a line that is not a good record is a metadata line: a JSON object with
/// none of the [`RECORD_KEYS`] (such as `{"note": "capture 1"}`).
fn is_metadata(text: &str) -> bool {
    serde_json::from_str::<std::collections::BTreeMap<Cow<'_, str>, IgnoredAny>>(text).is_ok_and(
        |object| {
            !object
                .keys()
                .any(|k| RECORD_KEYS.iter().any(|r| k.eq_ignore_ascii_case(r)))
        },
    )
}

/// Parses one record and hands a borrowed view of it to `f`: no owned copy of the
/// headers, method or target is made (only a base64 body is decoded). Records of the
/// usual shape are read by the [`fast`] parser, strings with escapes unescaped into
/// `scratch`; anything else by serde_json. `Ok(None)` for a metadata line (see
/// [`is_metadata`]), which is not a request and is skipped.
fn parse_view<T>(
    line: &[u8],
    location: Location,
    limits: &Limits,
    scratch: &mut Scratch,
    f: impl FnOnce(&RequestView<'_>) -> T,
) -> Result<Option<T>, String> {
    match parse_record(line, location, limits, scratch, f) {
        Err(_) if std::str::from_utf8(line).is_ok_and(is_metadata) => Ok(None),
        done => done.map(Some),
    }
}

/// [`parse_view`] without the metadata check.
fn parse_record<T>(
    line: &[u8],
    location: Location,
    limits: &Limits,
    scratch: &mut Scratch,
    f: impl FnOnce(&RequestView<'_>) -> T,
) -> Result<T, String> {
    let text = std::str::from_utf8(line).map_err(|e| {
        format!(
            "line is not valid UTF-8 (at byte {} of the line)",
            e.valid_up_to()
        )
    })?;
    if let Some(fields) = fast::parse(text, &mut scratch.text, &mut scratch.spans) {
        let unescaped = scratch.text.as_slice();
        let get = |s: Option<fast::Span>| s.map(|s| s.text(text, unescaped));
        let mut headers = recycle(std::mem::take(&mut scratch.headers));
        headers.extend(
            scratch
                .spans
                .iter()
                .map(|(n, v)| (n.text(text, unescaped), v.text(text, unescaped))),
        );
        let fields = RecordFields {
            method: get(fields.method),
            url: get(fields.url),
            names_are_tokens: fields.names_are_tokens,
            values_are_clean: fields.values_are_clean,
            headers,
            body: get(fields.body),
            body_base64: get(fields.body_base64),
        };
        let (done, headers) = finish(fields, location, limits, f);
        scratch.headers = recycle(headers);
        return done;
    }
    parse_serde(text, location, limits, f)
}

/// Parses one record (valid UTF-8) with serde_json: the reference the fast parser is
/// held to, and the path for every record it leaves alone.
fn parse_serde<T>(
    text: &str,
    location: Location,
    limits: &Limits,
    f: impl FnOnce(&RequestView<'_>) -> T,
) -> Result<T, String> {
    if first_non_blank(text.as_bytes()) != Some(b'{') {
        return Err(match serde_json::from_str::<IgnoredAny>(text) {
            Ok(_) => "record is not a JSON object".to_string(),
            Err(e) => format!("not valid JSON: {}", json_error_at(&e)),
        });
    }
    let record: Record<'_> = serde_json::from_str(text).map_err(|e| {
        let what = json_error_at(&e);
        match e.classify() {
            serde_json::error::Category::Data => what,
            _ => format!("not valid JSON: {what}"),
        }
    })?;
    let pairs = match &record.headers {
        Some(Headers(pairs)) => pairs.as_slice(),
        None => &[],
    };
    let fields = RecordFields {
        method: record.method.as_deref(),
        url: record.url.as_deref(),
        names_are_tokens: false,
        values_are_clean: false,
        headers: pairs
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_ref()))
            .collect(),
        body: record.body.as_deref(),
        body_base64: record.body_base64.as_deref(),
    };
    finish(fields, location, limits, f).0
}

/// The fields of a record as read by either parser.
struct RecordFields<'a> {
    method: Option<&'a str>,
    url: Option<&'a str>,
    /// Whether the parser already found every header name to be an HTTP token.
    names_are_tokens: bool,
    /// Whether the parser already found no header value to hold a control character
    /// or DEL (borrowed from a line without either).
    values_are_clean: bool,
    headers: Vec<(&'a str, &'a str)>,
    body: Option<&'a str>,
    body_base64: Option<&'a str>,
}

/// Checks a record's fields and hands the view to `f`; gives back the header vector,
/// emptied, for reuse.
fn finish<'a, T>(
    record: RecordFields<'a>,
    location: Location,
    limits: &Limits,
    f: impl FnOnce(&RequestView<'_>) -> T,
) -> (Result<T, String>, Vec<(&'a str, &'a str)>) {
    match check_fields(&record, limits) {
        Err(reason) => (Err(reason), recycle(record.headers)),
        Ok((method, target, decoded)) => {
            let body = match &decoded {
                Some(bytes) => bytes.as_slice(),
                None => record.body.unwrap_or_default().as_bytes(),
            };
            let mut headers = record.headers;
            super::add_client_host(target, &mut headers);
            let view = RequestView {
                location,
                method,
                target,
                headers,
                body,
            };
            let done = f(&view);
            (Ok(done), recycle(view.headers))
        }
    }
}

/// Checks a record's fields: its method and target, and the decoded body if it came
/// in base64.
#[allow(clippy::type_complexity)]
fn check_fields<'a>(
    record: &RecordFields<'a>,
    limits: &Limits,
) -> Result<(&'a str, &'a str, Option<Vec<u8>>), String> {
    let method = record.method.ok_or("missing \"method\"")?;
    if !is_token(method) {
        return Err("\"method\" is not an HTTP method token".into());
    }
    let url = record.url.ok_or("missing \"url\"")?;
    let origin_form = check_url(url)?;
    if !(record.names_are_tokens && record.values_are_clean) {
        check_header_pairs(&record.headers, !record.names_are_tokens)?;
    }
    if origin_form
        && !record
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("host"))
    {
        return Err("\"url\" is origin-form but there is no Host header".into());
    }
    let (len, decoded) = match (record.body, record.body_base64) {
        (Some(_), Some(_)) => return Err("both \"body\" and \"body_base64\" are given".into()),
        (Some(text), None) => (text.len(), None),
        (None, Some(b64)) => {
            let bytes = decode_base64(b64, "body_base64", limits.max_body)?;
            (bytes.len(), Some(bytes))
        }
        (None, None) => (0, None),
    };
    check_body_len(len, limits)?;
    Ok((method, url, decoded))
}

/// A serde_json error on one line, with its column.
fn json_error_at(e: &serde_json::Error) -> String {
    let msg = json_error_message(e);
    if e.line() == 0 {
        msg
    } else {
        format!("{msg} at column {}", e.column())
    }
}

/// Checks a JSON-lines `url`; true when it is origin-form.
fn check_url(url: &str) -> Result<bool, String> {
    if url.is_empty() {
        return Err("\"url\" is empty".into());
    }
    if has_control(url.as_bytes(), b' ') {
        return Err("\"url\" contains whitespace or control characters".into());
    }
    if url.starts_with('/') {
        return Ok(true);
    }
    // The scheme is what comes before the first `://`, so it is `http` or `https`
    // exactly when the target starts with `http://` or `https://`; the authority, up
    // to the first `/`, `?` or `#`, is then not empty unless one of those follows.
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    if rest.is_some_and(|r| !matches!(r.as_bytes().first(), None | Some(b'/' | b'?' | b'#'))) {
        Ok(false)
    } else {
        Err(
            "\"url\" is neither absolute-form (http(s)://host/path, scheme in lower case) \
             nor origin-form (/path)"
                .into(),
        )
    }
}

/// The headers of a record, in order, borrowing where no unescaping was needed.
struct Headers<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Headers<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(HeadersVisitor).map(Headers)
    }
}

struct HeadersVisitor;

/// Headers reserved before the first one arrives, when the input gives no size.
const HEADERS_GUESS: usize = 16;

impl<'de> Visitor<'de> for HeadersVisitor {
    type Value = Vec<(Cow<'de, str>, Cow<'de, str>)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"headers\" as an array of [name, value] pairs or an object {name: value}")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(HEADERS_GUESS).min(64));
        while let Some(pair) = seq.next_element_seed(PairSeed)? {
            out.push(pair);
        }
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(HEADERS_GUESS).min(64));
        while let Some(name) = map.next_key_seed(TextSeed("a header name"))? {
            let value = map.next_value_seed(TextSeed("a header value as a string"))?;
            out.push((name, value));
        }
        Ok(out)
    }
}

struct PairSeed;

impl<'de> DeserializeSeed<'de> for PairSeed {
    type Value = (Cow<'de, str>, Cow<'de, str>);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PairSeed {
    type Value = (Cow<'de, str>, Cow<'de, str>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a header as a [name, value] pair of strings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let name = seq
            .next_element_seed(TextSeed("a header name as a string"))?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let value = seq
            .next_element_seed(TextSeed("a header value as a string"))?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::custom(
                "a header pair has more than two elements",
            ));
        }
        Ok((name, value))
    }
}

#[derive(Serialize)]
struct OutRecord<'a> {
    method: &'a str,
    url: &'a str,
    headers: &'a [(String, String)],
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
}

/// Writes `c` as one JSON-lines record (see the [module documentation](self)), ending in
/// `\n`: the body as `body` when it is UTF-8, else as `body_base64`. The location is not
/// written. Wrap an unbuffered `out` in a [`std::io::BufWriter`].
///
/// ```
/// use cloudsig_verify::capture::{jsonl::{write_record, JsonLinesReader}, Captured, Limits, Location};
///
/// let c = Captured {
///     location: Location::default(),
///     method: "POST".into(),
///     target: "https://cvm.tencentcloudapi.com/".into(),
///     headers: vec![
///         ("Host".into(), "cvm.tencentcloudapi.com".into()),
///         ("Content-Type".into(), "application/octet-stream".into()),
///     ],
///     body: vec![0xff, 0x00],
/// };
/// let mut out = Vec::new();
/// write_record(&c, &mut out)?;
/// assert!(out.ends_with(b"\"body_base64\":\"/wA=\"}\n"));
/// let back = JsonLinesReader::new(&out[..], Limits::default()).next().unwrap().unwrap();
/// assert_eq!((back.headers, back.body), (c.headers, c.body));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_record(c: &Captured, out: &mut impl Write) -> io::Result<()> {
    let (body, body_base64) = match std::str::from_utf8(&c.body) {
        Ok(text) => (Some(text), None),
        Err(_) => (None, Some(STANDARD.encode(&c.body))),
    };
    let record = OutRecord {
        method: &c.method,
        url: &c.target,
        headers: &c.headers,
        body,
        body_base64,
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::testutil::{Failing, Repeat};
    use std::io::BufReader;

    fn read_all(input: &str) -> Vec<Item> {
        JsonLinesReader::new(input.as_bytes(), Limits::default()).collect()
    }

    fn one(line: &str) -> Item {
        let items = read_all(line);
        assert_eq!(items.len(), 1, "{items:?}");
        items.into_iter().next().unwrap()
    }

    fn err(line: &str) -> String {
        match one(line) {
            Ok(c) => panic!("expected an error for {line}, got {c:?}"),
            Err(e) => e.reason,
        }
    }

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn full_record() {
        let c = one(
            r#"{"id": 7, "note": {"any": ["thing"]}, "method": "POST", "url": "https://cvm.tencentcloudapi.com/?a=b", "headers": [["Host", "cvm.tencentcloudapi.com"], ["Content-Type", "application/json"], ["X-A", "1"], ["x-a", "2"]], "body": "{\"Limit\": 1, \"s\": \"\u00e9\\n\"}", "extra": null}"#,
        )
        .unwrap();
        assert_eq!(c.method, "POST");
        assert_eq!(c.target, "https://cvm.tencentcloudapi.com/?a=b");
        assert_eq!(
            c.headers,
            h(&[
                ("Host", "cvm.tencentcloudapi.com"),
                ("Content-Type", "application/json"),
                ("X-A", "1"),
                ("x-a", "2"),
            ])
        );
        assert_eq!(c.body, "{\"Limit\": 1, \"s\": \"é\\n\"}".as_bytes());
        assert_eq!(
            c.location,
            Location {
                index: 0,
                offset: 0,
                line: Some(1)
            }
        );
    }

    #[test]
    fn object_headers_keep_order_and_body_defaults_to_empty() {
        let c = one(
            r#"{"url": "/x?y", "headers": {"Host": "h", "Zeta": "1", "Alpha": "2"}, "method": "GET", "id": "abc"}"#,
        )
        .unwrap();
        assert_eq!(
            c.headers,
            h(&[("Host", "h"), ("Zeta", "1"), ("Alpha", "2")])
        );
        assert_eq!((c.target.as_str(), c.body.len()), ("/x?y", 0));
        let c =
            one(r#"{"method": "GET", "url": "http://h", "headers": [], "body": null}"#).unwrap();
        assert!(c.headers == h(&[("Host", "h")]) && c.body.is_empty());
        let c = one(r#"{"method": "GET", "url": "https://h:443"}"#).unwrap();
        assert_eq!(c.host(), Some("h"));
        assert!(err(r#"{"method": "GET", "url": "HTTPS://h:443"}"#).contains("neither"));
    }

    /// Issue 11, items 7 and 8: an absolute-form record without Host gets the one an
    /// HTTP client sends (no userinfo, no default port); a Host header wins.
    #[test]
    fn an_absolute_url_without_host_gets_the_clients() {
        for (url, host) in [
            (
                "https://cvm.tencentcloudapi.com/?a",
                "cvm.tencentcloudapi.com",
            ),
            (
                "https://user:s3cretPW@cvm.tencentcloudapi.com:443/",
                "cvm.tencentcloudapi.com",
            ),
            ("http://h:8443/", "h:8443"),
        ] {
            let c = one(&format!(
                r#"{{"method":"GET","url":"{url}","headers":[["X-A","1"]]}}"#
            ))
            .unwrap();
            assert_eq!(c.headers, h(&[("Host", host), ("X-A", "1")]), "{url}");
            assert_eq!(c.host(), Some(host));
        }
        let c = one(r#"{"method":"GET","url":"https://u@h/","headers":[["host","x"]]}"#).unwrap();
        assert_eq!(c.headers, h(&[("host", "x")]));
    }

    #[test]
    fn base64_body() {
        let c = one(r#"{"method":"PUT","url":"http://h/","body_base64":"AP8Q"}"#).unwrap();
        assert_eq!(c.body, [0, 0xff, 0x10]);
        let c = one(r#"{"method":"PUT","url":"http://h/","body_base64":"AP8="}"#).unwrap();
        assert_eq!(c.body, [0, 0xff]);
        let c = one(r#"{"method":"PUT","url":"http://h/","body_base64":"AP8"}"#).unwrap();
        assert_eq!(c.body, [0, 0xff]);
        assert!(
            err(r#"{"method":"PUT","url":"http://h/","body_base64":"A-P8"}"#)
                .contains("not valid standard base64 (at symbol 1)")
        );
        assert!(
            err(r#"{"method":"PUT","url":"http://h/","body_base64":"A"}"#)
                .contains("not valid standard base64")
        );
        assert!(
            err(r#"{"method":"PUT","url":"http://h/","body":"","body_base64":""}"#)
                .contains("both")
        );
    }

    #[test]
    fn values_borrow_from_the_line() {
        let r: Record<'_> = serde_json::from_str(
            r#"{"method":"GET","url":"/a\"b","headers":[["Host","h"]],"body":"x"}"#,
        )
        .unwrap();
        assert!(matches!(r.method, Some(Cow::Borrowed("GET"))));
        assert!(matches!(r.url, Some(Cow::Owned(ref u)) if u == "/a\"b"));
        let Some(Headers(pairs)) = r.headers else {
            panic!()
        };
        assert!(matches!(
            pairs[0],
            (Cow::Borrowed("Host"), Cow::Borrowed("h"))
        ));
        assert!(matches!(r.body, Some(Cow::Borrowed("x"))));
    }

    #[test]
    fn blank_comment_crlf_bom_and_locations() {
        let input = "\u{feff}# comment\r\n\r\n   \n{\"method\":\"GET\",\"url\":\"http://a/\"}\r\n  # indented comment\nnot json\n\n{\"method\":\"GET\",\"url\":\"http://b/\"}";
        let items = read_all(input);
        assert_eq!(items.len(), 3);
        let a = items[0].as_ref().unwrap();
        assert_eq!(a.target, "http://a/");
        assert_eq!(
            a.location,
            Location {
                index: 0,
                offset: input
                    .find("{\"method\":\"GET\",\"url\":\"http://a/")
                    .unwrap() as u64,
                line: Some(4)
            }
        );
        let e = items[1].as_ref().unwrap_err();
        assert_eq!(
            e.location,
            Location {
                index: 1,
                offset: input.find("not json").unwrap() as u64,
                line: Some(6)
            }
        );
        assert!(e.reason.starts_with("not valid JSON"), "{e}");
        let b = items[2].as_ref().unwrap();
        assert_eq!((b.target.as_str(), b.location.index), ("http://b/", 2));
        assert_eq!(b.location.line, Some(8));
        assert_eq!(b.location.offset, input.rfind('{').unwrap() as u64);
        assert!(read_all("").is_empty());
        assert!(read_all("\n\n# only comments\n").is_empty());
    }

    /// Issue 11, item 5 (c): a metadata line (an object with no record key) is not a
    /// request: skipped and not counted, by the reader and the pipeline's view path
    /// alike; a broken record is reported and reading goes on.
    #[test]
    fn metadata_lines_are_skipped_and_broken_records_reported() {
        let input = concat!(
            "{\"note\": \"capture 1\", \"started\": 1700000000}\n",
            "{\"method\": \"GET\", \"url\": broken}\n",
            "{}\n",
            "{\"method\":\"GET\",\"url\":\"http://a/\"}\n",
            "  {\"id\": 7, \"tags\": {\"method\": \"x\"}}\n",
            "{\"method\":\"GET\",\"url\":\"http://b/\"}\n",
        );
        let items = read_all(input);
        let summary: Vec<_> = items
            .iter()
            .map(|i| match i {
                Ok(c) => (c.location.index, c.location.line, c.target.clone()),
                Err(e) => (e.location.index, e.location.line, e.reason.clone()),
            })
            .collect();
        assert_eq!(summary.len(), 3, "{summary:?}");
        assert_eq!((summary[0].0, summary[0].1), (0, Some(2)));
        assert!(summary[0].2.contains("not valid JSON"), "{summary:?}");
        assert_eq!(summary[1], (1, Some(4), "http://a/".to_string()));
        assert_eq!(summary[2], (2, Some(6), "http://b/".to_string()));
        let mut viewed = Vec::new();
        let lines = for_each_view(
            input.as_bytes(),
            0,
            &Limits::default(),
            &mut Scratch::default(),
            |item| {
                viewed.push(match item {
                    Ok(v) => (v.location.index, v.location.line, v.target.to_string()),
                    Err(e) => (e.location.index, e.location.line, e.reason),
                })
            },
        );
        assert_eq!((viewed, lines), (summary, 6));
    }

    #[test]
    fn errors_name_the_problem_and_reading_goes_on() {
        let cases: &[(&str, &str)] = &[
            ("nope", "not valid JSON"),
            ("{\"method\": \"GET\", ", "not valid JSON"),
            ("[1, 2]", "not a JSON object"),
            ("\"just a string\"", "not a JSON object"),
            ("42", "not a JSON object"),
            (r#"{"Method": "GET", "URL": "/"}"#, "missing \"method\""),
            (r#"{"body": "x"}"#, "missing \"method\""),
            (
                r#"{"method": 5, "url": "/"}"#,
                "expected \"method\" as a string",
            ),
            (
                r#"{"method": "GE T", "url": "http://h/"}"#,
                "not an HTTP method token",
            ),
            (
                r#"{"method": "", "url": "http://h/"}"#,
                "not an HTTP method token",
            ),
            (r#"{"method": "GET"}"#, "missing \"url\""),
            (
                r#"{"method": "GET", "url": ["/"]}"#,
                "expected \"url\" as a string",
            ),
            (r#"{"method": "GET", "url": ""}"#, "\"url\" is empty"),
            (
                r#"{"method": "GET", "url": "ftp://h/"}"#,
                "neither absolute-form",
            ),
            (
                r#"{"method": "GET", "url": "http:///x"}"#,
                "neither absolute-form",
            ),
            (
                r#"{"method": "GET", "url": "h/x"}"#,
                "neither absolute-form",
            ),
            (
                r#"{"method": "GET", "url": "/a b"}"#,
                "whitespace or control",
            ),
            (
                r#"{"method": "GET", "url": "/"}"#,
                "origin-form but there is no Host",
            ),
            (
                r#"{"method": "GET", "url": "/", "headers": 3}"#,
                "expected \"headers\" as an array",
            ),
            (
                r#"{"method": "GET", "url": "/", "headers": [["Host"]]}"#,
                "invalid length 1",
            ),
            (
                r#"{"method": "GET", "url": "/", "headers": [["Host", "h", "x"]]}"#,
                "more than two",
            ),
            (
                r#"{"method": "GET", "url": "/", "headers": [["Host", 1]]}"#,
                "a header value as a string",
            ),
            (
                r#"{"method": "GET", "url": "/", "headers": ["Host: h"]}"#,
                "[name, value] pair",
            ),
            (
                r#"{"method": "GET", "url": "/", "headers": {"Host": ["h"]}}"#,
                "a header value as a string",
            ),
            (
                r#"{"method": "GET", "url": "http://h/", "headers": [["Bad Name", "v"]]}"#,
                "header #1 has a name",
            ),
            (
                r#"{"method": "GET", "url": "http://h/", "headers": [["A", "v"], ["B", "x\r\nEvil: 1"]]}"#,
                "header #2 has a value with control",
            ),
            (
                r#"{"method": "GET", "url": "http://h/", "body": 1}"#,
                "expected \"body\" as a string",
            ),
            (
                r#"{"method": "GET", "url": "http://h/", "method": "POST"}"#,
                "duplicate field `method`",
            ),
        ];
        let mut input = String::new();
        for (line, _) in cases {
            input.push_str(line);
            input.push('\n');
        }
        input.push_str(r#"{"method":"GET","url":"http://last/"}"#);
        let items = read_all(&input);
        assert_eq!(items.len(), cases.len() + 1);
        for (i, ((line, want), item)) in cases.iter().zip(&items).enumerate() {
            let e = item.as_ref().expect_err(line);
            assert!(e.reason.contains(want), "{line}: {}", e.reason);
            assert_eq!(e.location.index, i);
            assert_eq!(e.location.line, Some(i as u64 + 1));
            assert_eq!(
                e.location.offset,
                input
                    .lines()
                    .take(i)
                    .map(|l| l.len() as u64 + 1)
                    .sum::<u64>()
            );
        }
        assert_eq!(
            items.last().unwrap().as_ref().unwrap().target,
            "http://last/"
        );
    }

    #[test]
    fn reasons_never_quote_values() {
        for line in [
            r#"{"method":"GET","url":"/","headers":"Authorization: SECRET"}"#,
            r#"{"method":"GET","url":"/","headers":[["Authorization","SECRET",{}]]}"#,
            r#"{"method":"GET","url":"http://h/","headers":[["Authorization","SECRET\u0000"]]}"#,
            r#"{"method":"SECRET X","url":"http://h/"}"#,
            r#"{"method":"GET","url":"http://h/","body_base64":"SECRET!"}"#,
            r#""SECRET""#,
        ] {
            let reason = err(line);
            assert!(!reason.contains("SECRET"), "{reason}");
        }
    }

    #[test]
    fn invalid_utf8_is_reported() {
        let mut input =
            b"{\"method\":\"GET\",\"url\":\"http://h/\",\"body\":\"\xff\xfe\"}\n".to_vec();
        input.extend_from_slice(b"{\"method\":\"GET\",\"url\":\"http://ok/\"}\n");
        let items: Vec<_> = JsonLinesReader::new(&input[..], Limits::default()).collect();
        let e = items[0].as_ref().unwrap_err();
        assert!(e.reason.contains("not valid UTF-8 (at byte 42"), "{e}");
        assert_eq!(items[1].as_ref().unwrap().target, "http://ok/");
    }

    #[test]
    fn body_over_the_limit() {
        let limits = Limits {
            max_body: 4,
            ..Limits::default()
        };
        let input = concat!(
            r#"{"method":"POST","url":"http://h/","body":"12345"}"#,
            "\n",
            r#"{"method":"POST","url":"http://h/","body":"1234"}"#,
            "\n",
            r#"{"method":"POST","url":"http://h/","body_base64":"MTIzNDU="}"#,
            "\n",
            r#"{"method":"POST","url":"http://h/","body_base64":"MTIzNDU2Nzg5"}"#,
            "\n",
        );
        let items: Vec<_> = JsonLinesReader::new(input.as_bytes(), limits).collect();
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("body of 5 bytes")
        );
        assert_eq!(items[1].as_ref().unwrap().body, b"1234");
        assert!(
            items[2]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("body of 5 bytes")
        );
        assert!(
            items[3]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("more than the body limit")
        );
    }

    #[test]
    fn over_long_line_is_skipped_without_storing_it() {
        let limits = Limits {
            max_record: 100,
            ..Limits::default()
        };
        let good = b"{\"method\":\"GET\",\"url\":\"http://ok/\"}\n";
        let head = b"{\"method\":\"GET\",\"url\":\"http://h/\",\"body\":\"";
        let tail = [&b"\"}\n"[..], good].concat();
        let input = Repeat::new(head, b"abcdefg", 100_000, &tail);
        let mut r = JsonLinesReader::new(BufReader::with_capacity(7, input), limits);
        let e = r.next().unwrap().unwrap_err();
        assert_eq!(
            e.location,
            Location {
                index: 0,
                offset: 0,
                line: Some(1)
            }
        );
        assert!(
            e.reason
                .contains(&format!("line of {} bytes", head.len() + 100_000 + 3)),
            "{e}"
        );
        assert!(r.buf.capacity() <= KEEP_CAPACITY);
        let ok = r.next().unwrap().unwrap();
        assert_eq!(ok.target, "http://ok/");
        assert_eq!(ok.location.index, 1);
        assert_eq!(ok.location.line, Some(2));
        assert_eq!(ok.location.offset, (head.len() + 100_000 + 3) as u64);
        assert!(r.next().is_none());

        // Exactly at the limit is fine, one byte more is not, with or without `\n`.
        let line = format!(
            r#"{{"method":"GET","url":"http://h/","body":"{}"}}"#,
            "x".repeat(56)
        );
        assert_eq!(line.len(), 100);
        for (text, ok) in [
            (format!("{line}\n"), true),
            (line.clone(), true),
            (format!("{line} \n"), false),
            (format!("{line} "), false),
        ] {
            let items: Vec<_> = JsonLinesReader::new(text.as_bytes(), limits).collect();
            assert_eq!(items.len(), 1);
            assert_eq!(items[0].is_ok(), ok, "{text:?}");
        }

        // A long comment or blank line is skipped quietly.
        let input = Repeat::new(
            b"# ",
            b"comment ",
            10_000,
            &[&b"\n     \n"[..], good].concat(),
        );
        let items: Vec<_> = JsonLinesReader::new(BufReader::new(input), limits).collect();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].as_ref().unwrap().location.line, Some(3));
        let input = Repeat::new(b"", b" ", 10_000, &[&b"\n"[..], good].concat());
        let items: Vec<_> = JsonLinesReader::new(BufReader::new(input), limits).collect();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].as_ref().unwrap().location.index, 0);
    }

    #[test]
    fn over_long_line_with_default_limits() {
        let len = 25 * 1024 * 1024;
        let input = Repeat::new(
            b"{\"method\":\"GET\",\"url\":\"http://h/\",\"body\":\"",
            b"0123456789abcdef",
            len,
            b"\"}\n{\"method\":\"GET\",\"url\":\"http://ok/\"}",
        );
        let items: Vec<_> =
            JsonLinesReader::new(BufReader::new(input), Limits::default()).collect();
        assert_eq!(items.len(), 2);
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("longer than the record limit")
        );
        assert_eq!(items[1].as_ref().unwrap().location.line, Some(2));
    }

    #[test]
    fn read_error_ends_the_stream() {
        let data = b"{\"method\":\"GET\",\"url\":\"http://a/\"}\n{\"method\":".to_vec();
        let input = Failing {
            ok: data.len(),
            data,
            kind: io::ErrorKind::Other,
        };
        let items: Vec<_> =
            JsonLinesReader::new(BufReader::new(input), Limits::default()).collect();
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        let e = items[1].as_ref().unwrap_err();
        assert!(e.reason.starts_with("read error"), "{e}");
        assert_eq!(e.location.line, Some(2));
    }

    fn cap(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Captured {
        Captured {
            location: Location::default(),
            method: method.into(),
            target: target.into(),
            headers: h(headers),
            body: body.to_vec(),
        }
    }

    #[test]
    fn write_then_read_round_trips() {
        let records = [
            cap(
                "POST",
                "https://cvm.tencentcloudapi.com/?a=b&c=%20",
                &[
                    ("Host", "cvm.tencentcloudapi.com"),
                    ("Content-Type", "application/json; charset=utf-8"),
                    ("X-TC-Action", "DescribeInstances"),
                    ("x-tc-action", "Dup"),
                ],
                br#"{"Limit": 1, "Filters": [{"Values": ["\"quoted\" \\ ]}"]}]}"#,
            ),
            cap("GET", "/?Action=DescribeRegions", &[("Host", "h")], b""),
            cap(
                "PUT",
                "http://h:8080/p",
                &[
                    ("Host", "h:8080"),
                    ("Content-Type", "application/octet-stream"),
                    ("X-Empty", ""),
                ],
                &[0, 159, 146, 150, 0xff, b'\n'],
            ),
            cap(
                "POST",
                "http://h/",
                &[("Host", "h"), ("X-Unicode", "h\u{e9}llo\tworld")],
                "line1\nline2\r\n\u{2028}\u{1F600}\u{0}".as_bytes(),
            ),
        ];
        let mut out = Vec::new();
        for c in &records {
            write_record(c, &mut out).unwrap();
        }
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), records.len());
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(
            text.lines()
                .nth(2)
                .unwrap()
                .contains("\"body_base64\":\"AJ+Slv8K\"")
        );
        assert!(
            text.lines()
                .nth(3)
                .unwrap()
                .contains("\"body\":\"line1\\nline2")
        );
        let back: Vec<_> = JsonLinesReader::new(&out[..], Limits::default())
            .map(Result::unwrap)
            .collect();
        assert_eq!(back.len(), records.len());
        let mut offset = 0;
        for (i, (mut b, c)) in back.into_iter().zip(&records).enumerate() {
            assert_eq!(b.location.index, i);
            assert_eq!(b.location.line, Some(i as u64 + 1));
            assert_eq!(b.location.offset, offset);
            offset += text.lines().nth(i).unwrap().len() as u64 + 1;
            b.location = Location::default();
            assert_eq!(&b, c);
        }
    }

    /// A generated JSON-lines record for the fast/serde agreement test: mostly of the
    /// usual shape, with escapes, unicode, whitespace, duplicate and unknown keys,
    /// numbers and nested values, and now and then a broken piece.
    fn generated_record(rng: &mut crate::capture::testutil::Rng) -> String {
        fn pick<'a>(rng: &mut crate::capture::testutil::Rng, of: &[&'a str]) -> &'a str {
            of[rng.below(of.len())]
        }
        fn ws(rng: &mut crate::capture::testutil::Rng) -> &'static str {
            if rng.below(3) != 0 {
                return "";
            }
            if rng.below(30) == 0 {
                return pick(rng, &["\x0c", "\x0b", "\u{a0}"]);
            }
            pick(rng, &[" ", "  ", "\t", "\r", " \t "])
        }
        fn text(rng: &mut crate::capture::testutil::Rng) -> String {
            let good = [
                "a",
                "Host",
                "cvm.tencentcloudapi.com",
                "/",
                "?",
                "=",
                " ",
                "POST",
                "GET",
                "\\\"",
                "\\\\",
                "\\/",
                "\\b",
                "\\f",
                "\\n",
                "\\r",
                "\\t",
                "\\u0041",
                "\\u00e9",
                "\\u0000",
                "\\u001f",
                "\\u007f",
                "\\u2028",
                "\\uD83D\\uDE00",
                "\\ud83d\\ude00",
                "\\uDBFF\\uDFFF",
                "é",
                "日本",
                "😀",
                "\x7f",
                "{",
                "}",
                "[",
                "]",
                ":",
                ",",
                "#",
                "abcdefghijklmnopq",
            ];
            let bad = [
                "\\uD83D",
                "\\uDE00",
                "\\uD83Dx",
                "\\uD83D\\u0041",
                "\\x",
                "\\u12",
                "\\uZZZZ",
                "\\",
                "\t",
                "\x01",
            ];
            let n = rng.below(6);
            (0..n)
                .map(|_| {
                    if rng.below(60) == 0 {
                        pick(rng, &bad)
                    } else {
                        pick(rng, &good)
                    }
                })
                .collect()
        }
        fn string(rng: &mut crate::capture::testutil::Rng) -> String {
            match rng.below(20) {
                0 => format!("\"{}", text(rng)),
                _ => format!("\"{}\"", text(rng)),
            }
        }
        fn value(rng: &mut crate::capture::testutil::Rng, depth: usize) -> String {
            match rng.below(if depth > 2 { 4 } else { 6 }) {
                0 => string(rng),
                1 => pick(
                    rng,
                    &[
                        "null",
                        "true",
                        "false",
                        "nul",
                        "0",
                        "-0",
                        "12",
                        "-7",
                        "01",
                        "1.5",
                        "1.",
                        "-",
                        "1e5",
                        "1E+5",
                        "2.5e-3",
                        "1e",
                        "123456789012345",
                        "1234567890123456",
                        "1e400",
                        "-1.7976931348623157e308",
                        "0x10",
                        "NaN",
                    ],
                )
                .to_string(),
                2 | 3 => string(rng),
                4 => {
                    let n = rng.below(3);
                    let items: Vec<String> = (0..n).map(|_| value(rng, depth + 1)).collect();
                    format!("[{}]", items.join(","))
                }
                _ => {
                    let n = rng.below(3);
                    let items: Vec<String> = (0..n)
                        .map(|_| format!("{}:{}", string(rng), value(rng, depth + 1)))
                        .collect();
                    format!("{{{}}}", items.join(","))
                }
            }
        }
        fn headers(rng: &mut crate::capture::testutil::Rng) -> String {
            let n = rng.below(4);
            let name = |rng: &mut crate::capture::testutil::Rng| match rng.below(8) {
                0 => string(rng),
                _ => format!(
                    "\"{}\"",
                    pick(
                        rng,
                        &[
                            "Host",
                            "X-TC-Action",
                            "Content-Type",
                            "host",
                            "X\\u002dA",
                            "Bad Name"
                        ]
                    )
                ),
            };
            let val = |rng: &mut crate::capture::testutil::Rng| match rng.below(10) {
                0 => value(rng, 2),
                _ => string(rng),
            };
            match rng.below(8) {
                0 => "null".into(),
                1 => value(rng, 1),
                2 | 3 => {
                    let items: Vec<String> = (0..n)
                        .map(|_| {
                            let (n, v) = (name(rng), val(rng));
                            format!("{}{n}{}:{}{v}", ws(rng), ws(rng), ws(rng))
                        })
                        .collect();
                    format!("{{{}{}}}", items.join(","), ws(rng))
                }
                _ => {
                    let items: Vec<String> = (0..n)
                        .map(|_| match rng.below(12) {
                            0 => format!("[{}]", name(rng)),
                            1 => format!("[{},{},{}]", name(rng), val(rng), val(rng)),
                            2 => name(rng),
                            _ => format!(
                                "[{}{},{}{}{}]",
                                ws(rng),
                                name(rng),
                                ws(rng),
                                val(rng),
                                ws(rng)
                            ),
                        })
                        .collect();
                    format!("[{}{}]", ws(rng), items.join(&format!("{},", ws(rng))))
                }
            }
        }
        let mut fields: Vec<String> = Vec::new();
        let method = pick(
            rng,
            &[
                "\"POST\"",
                "\"GET\"",
                "\"PUT\"",
                "\"G\\u0045T\"",
                "\"GE T\"",
                "null",
                "5",
            ],
        );
        let url = pick(
            rng,
            &[
                "\"https://cvm.tencentcloudapi.com/\"",
                "\"/?Action=DescribeRegions\"",
                "\"http://h:8080/p?a=b\"",
                "\"https:\\/\\/h\\/\"",
                "\"/a b\"",
                "\"ftp://h/\"",
                "null",
                "[\"/\"]",
            ],
        );
        let (m, u, h) = (rng.below(10), rng.below(10), rng.below(6));
        if m != 0 {
            fields.push(format!("\"method\"{}:{}{method}", ws(rng), ws(rng)));
        }
        if u != 0 {
            fields.push(format!("\"url\":{url}"));
        }
        if h != 0 {
            fields.push(format!("\"headers\":{}", headers(rng)));
        }
        match rng.below(8) {
            0 => {}
            1 => fields.push(format!(
                "\"body_base64\":{}",
                pick(rng, &["\"AP8Q\"", "\" AP8= \"", "\"A-P8\"", "null"])
            )),
            2 => {
                fields.push(format!("\"body\":{}", string(rng)));
                fields.push("\"body_base64\":\"AA==\"".into());
            }
            _ => fields.push(format!("\"body\":{}", string(rng))),
        }
        for _ in 0..rng.below(3) {
            let key = pick(
                rng,
                &[
                    "\"id\"",
                    "\"note\"",
                    "\"method\"",
                    "\"url\"",
                    "\"headers\"",
                    "\"body\"",
                    "\"b\\u006fdy\"",
                    "\"\"",
                    "\"é\"",
                ],
            );
            fields.push(format!("{key}:{}", value(rng, 0)));
        }
        // Shuffle.
        for i in (1..fields.len()).rev() {
            let j = rng.below(i + 1);
            fields.swap(i, j);
        }
        let sep = format!("{},{}", ws(rng), ws(rng));
        let mut line = format!(
            "{}{{{}{}{}}}{}",
            ws(rng),
            ws(rng),
            fields.join(&sep),
            ws(rng),
            ws(rng)
        );
        match rng.below(40) {
            0 => line.push_str(" x"),
            1 => line.push('}'),
            2 => {
                line.pop();
            }
            3 => line = format!("[{line}]"),
            _ => {}
        }
        line
    }

    #[test]
    fn fast_parser_agrees_with_serde() {
        let mut rng = crate::capture::testutil::Rng(0x5eed);
        let limits = Limits {
            max_body: 64,
            ..Limits::default()
        };
        let mut scratch = Scratch::default();
        let (mut fast_ok, mut fast_used, mut compact_used, mut total) = (0, 0, 0, 0);
        let mut vouched = 0;
        let mut lines: Vec<String> = Vec::new();
        for _ in 0..20_000 {
            lines.push(generated_record(&mut rng));
        }
        // Records written by write_record, with every kind of character.
        for i in 0..2000u32 {
            let body: String = (0..rng.below(12))
                .map(|_| char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}'))
                .collect();
            let mut out = Vec::new();
            let c = cap(
                ["GET", "POST"][(i % 2) as usize],
                "https://h/",
                &[
                    ("Host", "h"),
                    ("X-V", &body.replace(|c: char| c.is_control(), "")),
                ],
                body.as_bytes(),
            );
            write_record(&c, &mut out).unwrap();
            lines.push(String::from_utf8(out).unwrap().trim_end().to_string());
        }
        for line in &lines {
            total += 1;
            let owned = |v: &RequestView<'_>| v.to_captured();
            let want = parse_serde(line, Location::default(), &limits, owned);
            let mut spans = Vec::new();
            let mut text = Vec::new();
            compact_used += usize::from(fast::compact(line, &mut text, &mut spans).is_some());
            if let Some(fields) = fast::parse(line, &mut text, &mut spans) {
                fast_used += 1;
                // Whatever the fast parser reads, serde_json reads the same.
                let record: Record<'_> = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("fast accepted what serde refuses ({e}): {line}"));
                let get = |s: Option<fast::Span>| s.map(|s| s.text(line, &text).to_string());
                let same = |c: &Option<Cow<'_, str>>| c.as_deref().map(str::to_string);
                assert_eq!(get(fields.method), same(&record.method), "{line}");
                assert_eq!(get(fields.url), same(&record.url), "{line}");
                assert_eq!(get(fields.body), same(&record.body), "{line}");
                assert_eq!(get(fields.body_base64), same(&record.body_base64), "{line}");
                let pairs: Vec<(String, String)> = spans
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.text(line, &text).to_string(),
                            v.text(line, &text).to_string(),
                        )
                    })
                    .collect();
                let theirs: Vec<(String, String)> = record
                    .headers
                    .map(|Headers(p)| {
                        p.into_iter()
                            .map(|(n, v)| (n.into_owned(), v.into_owned()))
                            .collect()
                    })
                    .unwrap_or_default();
                assert_eq!(pairs, theirs, "{line}");
                // Names the parser vouched for are tokens, as check_headers would find.
                if fields.names_are_tokens {
                    vouched += 1;
                    assert!(pairs.iter().all(|(n, _)| is_token(n)), "{line}");
                }
            }
            let got = parse_record(
                line.as_bytes(),
                Location::default(),
                &limits,
                &mut scratch,
                owned,
            );
            fast_ok += usize::from(got.is_ok());
            assert_eq!(got, want, "{line}");
        }
        // The generator reaches both parsers, and valid records.
        assert!(fast_used > total / 5, "{fast_used} of {total}");
        assert!(fast_used < total * 3 / 4, "{fast_used} of {total}");
        // The compact path reads at least every record write_record wrote, and each of
        // those reads as serde_json reads it (checked above, through fast::parse).
        assert!(compact_used >= 2000, "{compact_used} compact of {total}");
        assert!(vouched >= 2000, "{vouched} with names read as tokens");
        assert!(fast_ok > total / 20, "{fast_ok} of {total}");
        eprintln!("fast parser used for {fast_used} of {total} records, {fast_ok} valid");
    }

    #[test]
    fn compact_path_agrees_with_the_general_loop() {
        // The compact path (one control pass over the line, then `memchr2` for each
        // string's end) against the general loop (the eight-byte `scan`, which checks
        // for control characters itself), on every record either reads: the same
        // fields, and `values_are_clean` only where no value has a control character
        // or DEL.
        let mut rng = crate::capture::testutil::Rng(0xc1ea);
        let good = [
            "a",
            "Host",
            " ",
            "\\\"",
            "\\\\",
            "\\/",
            "\\u0001",
            "\\u007f",
            "\\u00e9",
            "\u{7f}",
            "\u{e9}",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ];
        // Pieces that end the compact path (a raw control character) or break the line.
        let bad = ["\u{1}", "\t", "\"", "\\", "\\x"];
        let text = |rng: &mut crate::capture::testutil::Rng| -> String {
            (0..rng.below(8))
                .map(|_| {
                    if rng.below(40) == 0 {
                        bad[rng.below(bad.len())]
                    } else {
                        good[rng.below(good.len())]
                    }
                })
                .collect()
        };
        let (mut compact, mut clean) = (0, 0);
        for _ in 0..20_000 {
            let headers: Vec<String> = (0..rng.below(4))
                .map(|_| format!(r#"["X-{}","{}"]"#, rng.below(9), text(&mut rng)))
                .collect();
            let line = format!(
                r#"{{"method":"{}","url":"{}","headers":[{}],"body":"{}"}}"#,
                text(&mut rng),
                text(&mut rng),
                headers.join(","),
                text(&mut rng)
            );
            let (mut t1, mut s1, mut t2, mut s2) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let Some(fast) = fast::compact(&line, &mut t1, &mut s1) else {
                continue;
            };
            compact += 1;
            let general = fast::general(&line, &mut t2, &mut s2)
                .unwrap_or_else(|| panic!("compact read what the general loop refuses: {line}"));
            let get = |s: Option<fast::Span>, t: &[u8]| s.map(|s| s.text(&line, t).to_string());
            assert_eq!(get(fast.method, &t1), get(general.method, &t2), "{line}");
            assert_eq!(get(fast.url, &t1), get(general.url, &t2), "{line}");
            assert_eq!(get(fast.body, &t1), get(general.body, &t2), "{line}");
            let pairs = |s: &[(fast::Span, fast::Span)], t: &[u8]| -> Vec<(String, String)> {
                s.iter()
                    .map(|(n, v)| (n.text(&line, t).to_string(), v.text(&line, t).to_string()))
                    .collect()
            };
            let values = pairs(&s1, &t1);
            assert_eq!(values, pairs(&s2, &t2), "{line}");
            if fast.values_are_clean {
                clean += 1;
                assert!(
                    values.iter().all(|(_, v)| !has_control(v.as_bytes(), 0x1f)),
                    "{line}"
                );
            }
        }
        assert!(
            compact > 5000 && clean > 2000,
            "{compact} compact, {clean} clean"
        );
    }

    #[test]
    fn fast_parser_reads_the_usual_record_and_escapes() {
        let line = r#"{"method":"POST","url":"https://h/","headers":[["Host","h"],["X-A","a\"b\u00e9\ud83d\ude00\/\\\t"]],"body":"{\"a\": 1}","id":12,"note":null}"#;
        let mut spans = Vec::new();
        let mut text = Vec::new();
        let f = fast::parse(line, &mut text, &mut spans).unwrap();
        assert_eq!(f.method.unwrap().text(line, &text), "POST");
        assert!(f.method.unwrap().is_borrowed());
        assert!(!f.body.unwrap().is_borrowed());
        assert_eq!(f.body.unwrap().text(line, &text), "{\"a\": 1}");
        assert_eq!(spans[1].1.text(line, &text), "a\"b\u{e9}\u{1F600}/\\\t");
        // Left to serde: a duplicate key, a lone surrogate, a nested ignored value.
        for line in [
            r#"{"method":"GET","method":null}"#,
            r#"{"method":null,"method":null}"#,
            r#"{"method":"\ud800"}"#,
            r#"{"method":"GET","note":[1]}"#,
            r#"{"m\u0065thod":"GET"}"#,
            "\x0c{}",
        ] {
            assert_eq!(fast::parse(line, &mut text, &mut spans), None, "{line}");
        }
    }

    #[test]
    fn compact_records_with_bad_headers_read_as_serde_reads_them() {
        // Records in write_record's shape with a header name that is not a token, or a
        // value with a control character, at each position (and a second bad value
        // after it): the compact path must report the same header, in the same words,
        // as the serde path.
        let limits = Limits::default();
        let mut scratch = Scratch::default();
        let good = [r#"["Host","h"]"#, r#"["X-A","1"]"#, r#"["X-B","2"]"#];
        let bad = [
            r#"["X A","1"]"#,
            r#"["","1"]"#,
            r#"["X\u0041","1"]"#,
            r#"["X:A","1"]"#,
            r#"["X-A","a\u0001b"]"#,
            "[\"X-A\",\"a\u{7f}b\"]",
            r#"["X-A","a\u007fb"]"#,
            r#"["é","1"]"#,
        ];
        let mut compact = 0;
        for b in bad {
            for at in 0..=good.len() {
                for second in [None, Some(r#"["X-C","\u0002"]"#)] {
                    let mut headers: Vec<&str> = good.to_vec();
                    headers.insert(at, b);
                    if let Some(s) = second {
                        headers.push(s);
                    }
                    let line = format!(
                        r#"{{"method":"GET","url":"/","headers":[{}],"body":""}}"#,
                        headers.join(",")
                    );
                    let (mut text, mut spans) = (Vec::new(), Vec::new());
                    compact += usize::from(fast::compact(&line, &mut text, &mut spans).is_some());
                    let owned = |v: &RequestView<'_>| v.to_captured();
                    let want = parse_serde(&line, Location::default(), &limits, owned);
                    let got = parse_record(
                        line.as_bytes(),
                        Location::default(),
                        &limits,
                        &mut scratch,
                        owned,
                    );
                    assert_eq!(got, want, "{line}");
                    // An escaped token name is a good name, read by the general path.
                    assert_eq!(
                        got.is_ok(),
                        b.contains("u0041") && second.is_none(),
                        "{line}"
                    );
                }
            }
        }
        assert!(compact >= 40, "{compact}");
    }

    #[test]
    fn control_check_matches_the_bytewise_rule() {
        let mut rng = crate::capture::testutil::Rng(7);
        let alphabet = [
            0u8, 8, 9, 10, 0x1f, 0x20, 0x21, b'a', 0x7e, 0x7f, 0x80, 0xa0, 0xff,
        ];
        for _ in 0..20_000 {
            let len = rng.below(40);
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    if rng.below(4) == 0 {
                        alphabet[rng.below(alphabet.len())]
                    } else {
                        b'x'
                    }
                })
                .collect();
            for max in [0x1f, b' '] {
                let want = bytes.iter().any(|&b| b <= max || b == 0x7f);
                assert_eq!(has_control(&bytes, max), want, "{bytes:?} {max}");
            }
        }
    }

    #[test]
    fn url_check_matches_the_scheme_rule() {
        // The rule as first written: the scheme is what precedes the first `://`.
        fn reference(url: &str) -> bool {
            let scheme_end = url.find("://").unwrap_or(0);
            let scheme = &url[..scheme_end];
            let rest = url.get(scheme_end + 3..).unwrap_or_default();
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            (scheme == "http" || scheme == "https") && !authority.is_empty()
        }
        let pieces = [
            "http", "https", "s", ":", "/", "//", "://", "?", "#", "h", "é", "H",
        ];
        let mut rng = crate::capture::testutil::Rng(3);
        for _ in 0..20_000 {
            let url: String = (0..rng.below(6) + 1)
                .map(|_| pieces[rng.below(pieces.len())])
                .collect();
            if url.starts_with('/') {
                continue;
            }
            assert_eq!(check_url(&url) == Ok(false), reference(&url), "{url}");
        }
    }

    #[test]
    fn chunk_walk_is_the_reader() {
        // for_each_view (the pipeline's walk over a chunk) against JsonLinesReader on the
        // same bytes; a byte-order mark is skipped only at the start of the input, so a
        // chunk that starts later keeps it, as the sequential reader does mid-file.
        let good = r#"{"method":"GET","url":"http://h/","body":"a\"b"}"#;
        let input = format!(
            "\u{feff}{good}\r\n\n# c\n  \nnot json\n{}\n{good}",
            "x".repeat(200)
        );
        let limits = Limits {
            max_record: 100,
            ..Limits::default()
        };
        let want: Vec<_> = JsonLinesReader::new(input.as_bytes(), limits).collect();
        let mut got = Vec::new();
        let lines = for_each_view(input.as_bytes(), 0, &limits, &mut Scratch::default(), |r| {
            got.push(r.map(|v| v.to_captured()))
        });
        assert_eq!(got, want);
        assert_eq!(lines, input.split('\n').count() as u64);
        let mut later = Vec::new();
        for_each_view(input.as_bytes(), 7, &limits, &mut Scratch::default(), |r| {
            later.push(r.map(|v| v.to_captured()))
        });
        let first = later[0].as_ref().unwrap_err();
        assert!(first.reason.starts_with("not valid JSON"), "{first}");
        assert_eq!(first.location.offset, 7);
        assert_eq!(later.len(), want.len());
    }
}
