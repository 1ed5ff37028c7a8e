//! HAR 1.2 files (HTTP Archive), as exported by browser devtools and proxies.
//!
//! The file is streamed, never loaded whole: a structural scanner (strings, escapes and
//! nesting depth, nothing more) walks the top-level object to its `log` member and the
//! `log` object to its `entries` array, skipping every other member without storing it
//! (`pages`, `creator` … may come before or after, keys in any order, whitespace
//! anywhere). Each element of `entries` is then held alone — at most
//! [`Limits::max_record`] bytes — and parsed with serde_json; larger entries are scanned
//! past and reported.
//!
//! # Why a scanner of its own, not serde_json's `StreamDeserializer`
//!
//! A HAR is one JSON object, and its `log.entries` array can be gigabytes (a long
//! devtools session with response bodies). `StreamDeserializer` streams a *sequence of
//! top-level values*; a HAR is a single one, so its first item is the whole `log`, all
//! entries held at once. `tests/har_memory.rs` measures it with a counting allocator:
//! for a 0.84 MB HAR it holds 7.3 MB at once (more than the file), while this reader
//! holds 9 KB (under 64 KiB asserted) for a 42 MB HAR of 100,000 entries. serde_json can also visit an
//! array element by element from inside a `Visitor::visit_seq`, but that is a callback
//! (this reader is an [`Iterator`]), the first malformed entry ends the whole
//! deserialisation (here it is one [`CaptureError`] and reading goes on), and an entry
//! is materialised before its size can be refused ([`Limits::max_record`] is checked
//! here before anything is stored). So the scanner finds each entry's bytes, and
//! serde_json parses that one entry.
//!
//! # From an entry to a [`Captured`]
//!
//! Only `entry.request` is read (`response`, `timings`, `cache` … are skipped):
//!
//! - `method` and `url` (both required strings) give [`Captured::method`] and
//!   [`Captured::target`], verbatim. `queryString` and `cookies` are not used: the
//!   query is the URL's, the cookies are in the `Cookie` header.
//! - `headers` (`[{"name": …, "value": …}]`) gives the headers in order, except HTTP/2
//!   pseudo-headers (names starting with `:`). When there is no `host` header (any case)
//!   but there is an `:authority` pseudo-header, `Host: <authority>` is added as the
//!   first header, as an HTTP/2 to HTTP/1.1 gateway would; else, for an absolute URL,
//!   the `Host` the browser sent: the URL's authority without userinfo, and without the
//!   port if it is the scheme's default. Userinfo (`user:password@`) is dropped from the
//!   target too.
//! - `postData.text` gives the body; when `postData.encoding` is `"base64"` (an extension
//!   some tools write) it is decoded; another non-empty encoding is an error. When
//!   `text` is absent but `params` are given, the body is rebuilt from them as
//!   `name=value&…` (`application/x-www-form-urlencoded`), each name and value
//!   percent-encoded (all but `A-Z a-z 0-9 * - . _`; space as `%20`); params with a
//!   `fileName` (multipart) cannot be rebuilt and are an error. No `postData`: empty body.
//!
//! # Errors
//!
//! An entry that cannot be read (not an object, no `request`, no `method`/`url`, headers
//! malformed, body not base64, larger than the limits …) gives one [`CaptureError`] and
//! reading goes on. The [`Location`] of an entry names its 0-based `index` in `entries`,
//! the byte `offset` of its `{` and the 1-based `line` it starts on.
//!
//! A file that is not JSON, has no `log` object or no `log.entries` array yields a
//! single error naming the byte offset where that was found, and ends. A file cut short
//! yields the entries complete before the cut, then one error. Text after the `entries`
//! array is checked the same way (up to the end of the file), so a truncated or
//! garbled tail is reported after the last entry. A second `entries` array in `log`,
//! or a second `log` object (repeated keys, which JSON readers resolve differently:
//! some keep the first, some the last), is read too, its entries numbered on from the
//! first's, rather than dropped.

use std::borrow::Cow;
use std::io::{self, BufRead};
use std::iter::FusedIterator;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::json::{
    check_body_len, decode_base64, has_control, is_token, json_error_message, opt_text_fns,
    owned_headers, text_fns,
};
use super::{CaptureError, Captured, Item, Limits, Location};

/// Reads the requests of a HAR file one entry at a time.
///
/// ```
/// use cloudsig_verify::capture::{har::HarReader, Limits};
///
/// let har = r#"{"log": {"version": "1.2", "creator": {"name": "devtools", "version": "1"},
///   "entries": [{"request": {"method": "POST", "url": "https://cvm.tencentcloudapi.com/",
///     "httpVersion": "HTTP/2", "headers": [{"name": ":authority", "value": "cvm.tencentcloudapi.com"},
///       {"name": "content-type", "value": "application/json"}],
///     "postData": {"mimeType": "application/json", "text": "{\"Limit\":1}"}},
///   "response": {"status": 200}}]}}"#;
/// let mut reader = HarReader::new(har.as_bytes(), Limits::default());
/// let c = reader.next().unwrap().unwrap();
/// assert_eq!(c.method, "POST");
/// assert_eq!(c.header("Host"), Some("cvm.tencentcloudapi.com"));
/// assert_eq!(c.body, br#"{"Limit":1}"#);
/// assert!(reader.next().is_none());
/// ```
#[derive(Debug)]
pub struct HarReader<R> {
    scan: Scanner<R>,
    limits: Limits,
    state: State,
    /// Entries seen so far (the index of the next).
    index: usize,
    /// The current entry's bytes.
    entry: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the top-level `{`.
    Start,
    /// Inside `entries`, after `[` (`first`) or after an entry.
    Entries {
        first: bool,
    },
    /// After the `]` of `entries`: the rest of `log` (where a second `entries` array
    /// is read too); `first` just after the `{` of a second `log`.
    InLog {
        first: bool,
    },
    /// After the `}` of `log`: the rest of the top-level object (where a second `log`
    /// object is read too), then only whitespace.
    InTop,
    Done,
}

/// Why scanning stopped.
#[derive(Debug)]
enum Stop {
    Io(io::Error),
    /// End of input where more was needed.
    Eof,
    /// Not JSON (or not HAR) at the scanner's position.
    Syntax(&'static str),
    /// A ready error with its own location.
    At(CaptureError),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Io(e)
    }
}

/// Keys longer than this are not `log` or `entries`, and are not stored.
const MAX_KEY: usize = 64;

impl<R: BufRead> HarReader<R> {
    /// A reader of the entries of the HAR file in `reader`, holding at most
    /// `limits.max_record` bytes of one entry at a time.
    pub fn new(reader: R, limits: Limits) -> Self {
        Self {
            scan: Scanner {
                reader,
                offset: 0,
                line: 1,
                key: Vec::new(),
            },
            limits,
            state: State::Start,
            index: 0,
            entry: Vec::new(),
        }
    }

    /// From the start of the file to just inside the `entries` array.
    fn open(&mut self) -> Result<(), Stop> {
        let s = &mut self.scan;
        for bom in [0xEF, 0xBB, 0xBF] {
            if s.peek()? == Some(bom) {
                s.bump(bom);
            } else {
                break;
            }
        }
        match s.skip_ws()? {
            Some(b'{') => s.bump(b'{'),
            Some(_) => return Err(Stop::Syntax("not a HAR file: expected a JSON object")),
            None => return Err(Stop::Syntax("empty input: not a HAR file")),
        }
        if !s.members(Some("log"), true)? {
            return Err(Stop::Syntax("not a HAR file: no \"log\" member"));
        }
        if s.peek()? != Some(b'{') {
            return Err(Stop::Syntax("not a HAR file: \"log\" is not an object"));
        }
        s.bump(b'{');
        if !s.members(Some("entries"), true)? {
            return Err(Stop::Syntax("not a HAR file: \"log\" has no \"entries\""));
        }
        if s.peek()? != Some(b'[') {
            return Err(Stop::Syntax(
                "not a HAR file: \"log\".\"entries\" is not an array",
            ));
        }
        s.bump(b'[');
        Ok(())
    }

    /// The next entry, or `None` at the `]` of `entries`.
    fn next_entry(&mut self, first: bool) -> Result<Option<Item>, Stop> {
        let s = &mut self.scan;
        let mut b = s.skip_ws()?.ok_or(Stop::Eof)?;
        if !first {
            match b {
                b']' => {}
                b',' => {
                    s.bump(b',');
                    b = s.skip_ws()?.ok_or(Stop::Eof)?;
                    if b == b']' {
                        return Err(Stop::Syntax("expected an entry after `,`"));
                    }
                }
                _ => return Err(Stop::Syntax("expected `,` or `]` after an entry")),
            }
        }
        if b == b']' {
            s.bump(b']');
            return Ok(None);
        }
        self.state = State::Entries { first: false };
        let location = Location {
            index: self.index,
            offset: s.offset,
            line: Some(s.line),
        };
        // Counted once scanned: an error that ends the stream inside it names it.
        let truncated = |stop| match stop {
            Stop::Eof => Stop::At(CaptureError {
                location,
                reason: "file ends inside this entry (truncated?)".into(),
            }),
            other => other,
        };
        if b != b'{' {
            s.scan_value(None, 0).map_err(truncated)?;
            self.index = self.index.saturating_add(1);
            return Ok(Some(Err(CaptureError {
                location,
                reason: "entry is not a JSON object".into(),
            })));
        }
        let max = self.limits.max_record;
        let scanned = s
            .scan_value(Some(&mut self.entry), max)
            .map_err(truncated)?;
        self.index = self.index.saturating_add(1);
        if scanned.overflow {
            return Ok(Some(Err(CaptureError {
                location,
                reason: format!(
                    "entry of {} bytes is larger than the record limit of {max} bytes; skipped",
                    scanned.len
                ),
            })));
        }
        let item = parse_entry(&self.entry, location, &self.limits)
            .map_err(|reason| CaptureError { location, reason });
        self.entry.clear();
        Ok(Some(item))
    }

    /// After `entries`, the rest of `log` up to another `entries` array (then true,
    /// inside it) or the end of `log`.
    fn rest_of_log(&mut self, first: bool) -> Result<bool, Stop> {
        let s = &mut self.scan;
        if !s.members(Some("entries"), first)? {
            return Ok(false);
        }
        if s.peek()? != Some(b'[') {
            return Err(Stop::Syntax(
                "not a HAR file: a second \"log\".\"entries\" is not an array",
            ));
        }
        s.bump(b'[');
        Ok(true)
    }

    /// After `log`, the rest of the top-level object up to another `log` object (then
    /// true, inside it) or the end of the file (only whitespace may follow).
    fn rest_of_top(&mut self) -> Result<bool, Stop> {
        let s = &mut self.scan;
        if s.members(Some("log"), false)? {
            if s.peek()? != Some(b'{') {
                return Err(Stop::Syntax(
                    "not a HAR file: a second \"log\" is not an object",
                ));
            }
            s.bump(b'{');
            return Ok(true);
        }
        match s.skip_ws()? {
            None => Ok(false),
            Some(_) => Err(Stop::Syntax("data after the end of the HAR object")),
        }
    }

    /// The error ending the stream.
    fn fail(&mut self, stop: Stop) -> CaptureError {
        let location = Location {
            index: self.index,
            offset: self.scan.offset,
            line: Some(self.scan.line),
        };
        let reason = match stop {
            Stop::At(e) => return e,
            Stop::Io(e) => format!("read error: {e}"),
            Stop::Syntax(what) => what.to_string(),
            Stop::Eof => match self.state {
                State::Start => "file ends before the \"log\".\"entries\" array (truncated?)",
                State::Entries { .. } => "file ends inside the \"entries\" array (truncated?)",
                State::InLog { .. } | State::InTop | State::Done => {
                    "file ends after the \"entries\" array, inside the HAR object (truncated?)"
                }
            }
            .to_string(),
        };
        CaptureError { location, reason }
    }
}

impl<R: BufRead> Iterator for HarReader<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            let step = match self.state {
                State::Done => return None,
                State::Start => self.open().map(|()| {
                    self.state = State::Entries { first: true };
                    None
                }),
                State::Entries { first } => self.next_entry(first).inspect(|item| {
                    if item.is_none() {
                        self.state = State::InLog { first: false };
                    }
                }),
                // A second `entries` array or `log` object (a repeated key, which JSON
                // readers resolve differently) is read too rather than dropped.
                State::InLog { first } => self.rest_of_log(first).map(|more| {
                    self.state = if more {
                        State::Entries { first: true }
                    } else {
                        State::InTop
                    };
                    None
                }),
                State::InTop => self.rest_of_top().map(|more| {
                    self.state = if more {
                        State::InLog { first: true }
                    } else {
                        State::Done
                    };
                    None
                }),
            };
            match step {
                Ok(Some(item)) => return Some(item),
                Ok(None) => {}
                Err(stop) => {
                    let e = self.fail(stop);
                    self.state = State::Done;
                    return Some(Err(e));
                }
            }
        }
    }
}

impl<R: BufRead> FusedIterator for HarReader<R> {}

/// The structural scanner: a position in the input and the bytes under it.
#[derive(Debug)]
struct Scanner<R> {
    reader: R,
    /// Byte offset of the next byte.
    offset: u64,
    /// 1-based line of the next byte.
    line: u64,
    /// The last member name read.
    key: Vec<u8>,
}

/// A value scanned: its length, and whether it did not fit where it was stored.
struct Scanned {
    len: u64,
    overflow: bool,
}

/// The reader's buffered bytes (empty at the end), retrying interrupted reads.
fn fill<R: BufRead>(reader: &mut R) -> io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            // At the end: another call would read again.
            Ok([]) => return Ok(&[]),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // Buffered now: this returns the same bytes without reading.
    reader.fill_buf()
}

fn len64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl<R: BufRead> Scanner<R> {
    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(fill(&mut self.reader)?.first().copied())
    }

    /// Consumes `b`, the byte [`Scanner::peek`] just returned.
    fn bump(&mut self, b: u8) {
        self.reader.consume(1);
        self.offset = self.offset.saturating_add(1);
        if b == b'\n' {
            self.line = self.line.saturating_add(1);
        }
    }

    /// Skips JSON whitespace; the next byte, not consumed, or `None` at the end.
    fn skip_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            let chunk = fill(&mut self.reader)?;
            if chunk.is_empty() {
                return Ok(None);
            }
            let n = chunk
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(chunk.len());
            let next = chunk.get(n).copied();
            let lines = chunk
                .get(..n)
                .unwrap_or_default()
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.reader.consume(n);
            self.offset = self.offset.saturating_add(len64(n));
            self.line = self.line.saturating_add(len64(lines));
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// Scans one value starting at the next byte, appending it to `store` while it fits
    /// in `max` bytes (after that `store` is emptied and the rest only scanned).
    fn scan_value(&mut self, mut store: Option<&mut Vec<u8>>, max: usize) -> Result<Scanned, Stop> {
        let mut value = ValueScan::default();
        let mut len: u64 = 0;
        let mut overflow = false;
        loop {
            let chunk = fill(&mut self.reader)?;
            if chunk.is_empty() {
                // A number ends at the end of the input.
                if value.kind == Kind::Number {
                    return Ok(Scanned { len, overflow });
                }
                return Err(Stop::Eof);
            }
            let (n, outcome) = match value.feed(chunk) {
                Feed::More => (chunk.len(), None),
                Feed::Done(n) => (n, Some(Ok(()))),
                Feed::Bad(n, what) => (n, Some(Err(Stop::Syntax(what)))),
            };
            let part = chunk.get(..n).unwrap_or_default();
            if let Some(buf) = store.as_deref_mut() {
                if !overflow && buf.len().saturating_add(n) > max {
                    overflow = true;
                    buf.clear();
                    buf.shrink_to(KEEP_CAPACITY);
                }
                if !overflow {
                    buf.extend_from_slice(part);
                }
            }
            let lines = part.iter().filter(|&&b| b == b'\n').count();
            self.reader.consume(n);
            self.offset = self.offset.saturating_add(len64(n));
            self.line = self.line.saturating_add(len64(lines));
            len = len.saturating_add(len64(n));
            match outcome {
                None => {}
                Some(Ok(())) => return Ok(Scanned { len, overflow }),
                Some(Err(stop)) => return Err(stop),
            }
        }
    }

    /// Walks the members of an object whose `{` (`first`) or a member value has just
    /// been read. With `want`, stops at the value of the member so named and returns
    /// true (the value's first byte is next); else skips all and returns false after
    /// the `}`.
    fn members(&mut self, want: Option<&str>, mut first: bool) -> Result<bool, Stop> {
        loop {
            let mut b = self.skip_ws()?.ok_or(Stop::Eof)?;
            if b == b'}' {
                self.bump(b'}');
                return Ok(false);
            }
            if !first {
                if b != b',' {
                    return Err(Stop::Syntax("expected `,` or `}` after a member"));
                }
                self.bump(b',');
                b = self.skip_ws()?.ok_or(Stop::Eof)?;
            }
            first = false;
            if b != b'"' {
                return Err(Stop::Syntax("expected a member name"));
            }
            let mut key = std::mem::take(&mut self.key);
            key.clear();
            let scanned = self.scan_value(Some(&mut key), MAX_KEY);
            let matched = !scanned.as_ref().is_ok_and(|s| s.overflow)
                && want.is_some_and(|want| key_is(&key, want));
            self.key = key;
            scanned?;
            if self.skip_ws()?.ok_or(Stop::Eof)? != b':' {
                return Err(Stop::Syntax("expected `:` after a member name"));
            }
            self.bump(b':');
            self.skip_ws()?.ok_or(Stop::Eof)?;
            if matched {
                return Ok(true);
            }
            self.scan_value(None, 0)?;
        }
    }
}

/// Whether the JSON string `raw` (quotes included) is `want`.
fn key_is(raw: &[u8], want: &str) -> bool {
    let plain = raw
        .strip_prefix(b"\"")
        .and_then(|r| r.strip_suffix(b"\""))
        .unwrap_or_default();
    if !plain.contains(&b'\\') {
        return plain == want.as_bytes();
    }
    serde_json::from_slice::<String>(raw).is_ok_and(|k| k == want)
}

/// An entry buffer grown past this by an oversized entry is given back.
const KEEP_CAPACITY: usize = 64 * 1024;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Kind {
    #[default]
    Unstarted,
    /// A string (its opening quote read).
    Str,
    /// An object or array.
    Container,
    /// A number.
    Number,
    /// `true`, `false` or `null`, `pos` bytes of `word` read.
    Literal { word: &'static [u8], pos: usize },
}

/// The scan of one value: only what delimits it.
#[derive(Debug, Default)]
struct ValueScan {
    kind: Kind,
    depth: u64,
    in_str: bool,
    escape: bool,
}

enum Feed {
    /// The whole chunk belongs to the value.
    More,
    /// The value ends after this many bytes of the chunk.
    Done(usize),
    /// Not JSON at this byte of the chunk.
    Bad(usize, &'static str),
}

impl ValueScan {
    fn feed(&mut self, chunk: &[u8]) -> Feed {
        let mut i = 0usize;
        while let Some(&b) = chunk.get(i) {
            if self.in_str {
                if self.escape {
                    self.escape = false;
                    i = i.saturating_add(1);
                    continue;
                }
                let rest = chunk.get(i..).unwrap_or_default();
                let Some(p) = rest.iter().position(|&c| c == b'"' || c == b'\\') else {
                    return Feed::More;
                };
                i = i.saturating_add(p);
                if chunk.get(i) == Some(&b'\\') {
                    self.escape = true;
                } else {
                    self.in_str = false;
                    if self.kind == Kind::Str {
                        return Feed::Done(i.saturating_add(1));
                    }
                }
                i = i.saturating_add(1);
                continue;
            }
            match self.kind {
                Kind::Unstarted => match b {
                    b'"' => {
                        self.kind = Kind::Str;
                        self.in_str = true;
                    }
                    b'{' | b'[' => {
                        self.kind = Kind::Container;
                        self.depth = 1;
                    }
                    b'-' | b'0'..=b'9' => self.kind = Kind::Number,
                    b't' => {
                        self.kind = Kind::Literal {
                            word: b"true",
                            pos: 1,
                        }
                    }
                    b'f' => {
                        self.kind = Kind::Literal {
                            word: b"false",
                            pos: 1,
                        }
                    }
                    b'n' => {
                        self.kind = Kind::Literal {
                            word: b"null",
                            pos: 1,
                        }
                    }
                    _ => return Feed::Bad(i, "not valid JSON: expected a value"),
                },
                Kind::Container => match b {
                    b'"' => self.in_str = true,
                    b'{' | b'[' => self.depth = self.depth.saturating_add(1),
                    b'}' | b']' => {
                        self.depth = self.depth.saturating_sub(1);
                        if self.depth == 0 {
                            return Feed::Done(i.saturating_add(1));
                        }
                    }
                    _ => {}
                },
                Kind::Number => match b {
                    b' ' | b'\t' | b'\n' | b'\r' | b',' | b'}' | b']' => return Feed::Done(i),
                    b'0'..=b'9' | b'+' | b'-' | b'.' | b'e' | b'E' => {}
                    _ => return Feed::Bad(i, "not valid JSON: unexpected character in a number"),
                },
                Kind::Literal { word, pos } => {
                    if word.get(pos) != Some(&b) {
                        return Feed::Bad(i, "not valid JSON: unexpected character in a value");
                    }
                    let pos = pos.saturating_add(1);
                    if pos >= word.len() {
                        return Feed::Done(i.saturating_add(1));
                    }
                    self.kind = Kind::Literal { word, pos };
                }
                // A string ends in the `in_str` branch.
                Kind::Str => return Feed::Done(i),
            }
            i = i.saturating_add(1);
        }
        Feed::More
    }
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    request: Option<Request<'a>>,
}

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow, default, deserialize_with = "de_method")]
    method: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "de_url")]
    url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    headers: Option<Vec<NameValue<'a>>>,
    #[serde(borrow, default, rename = "postData")]
    post_data: Option<PostData<'a>>,
}

#[derive(Deserialize)]
struct NameValue<'a> {
    #[serde(borrow, deserialize_with = "de_header_name")]
    name: Cow<'a, str>,
    #[serde(borrow, deserialize_with = "de_header_value")]
    value: Cow<'a, str>,
}

#[derive(Deserialize)]
struct PostData<'a> {
    #[serde(borrow, default, deserialize_with = "de_text")]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "de_encoding")]
    encoding: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    params: Option<Vec<Param<'a>>>,
}

#[derive(Deserialize)]
struct Param<'a> {
    #[serde(borrow, deserialize_with = "de_param_name")]
    name: Cow<'a, str>,
    #[serde(borrow, default, deserialize_with = "de_param_value")]
    value: Option<Cow<'a, str>>,
    #[serde(default, rename = "fileName")]
    file_name: Option<IgnoredAny>,
}

opt_text_fns! {
    de_method => "request.method as a string",
    de_url => "request.url as a string",
    de_text => "postData.text as a string",
    de_encoding => "postData.encoding as a string",
    de_param_value => "a postData param value as a string",
}

text_fns! {
    de_header_name => "a header name as a string",
    de_header_value => "a header value as a string",
    de_param_name => "a postData param name as a string",
}

/// `application/x-www-form-urlencoded` keeps these as they are.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

fn parse_entry(raw: &[u8], location: Location, limits: &Limits) -> Result<Captured, String> {
    let entry: Entry<'_> = serde_json::from_slice(raw).map_err(|e| {
        let mut msg = json_error_message(&e);
        if e.line() > 0 {
            let at = location
                .offset
                .saturating_add(len64(byte_of(raw, e.line(), e.column())));
            msg = format!("{msg} at byte {at}");
        }
        match e.classify() {
            serde_json::error::Category::Data => format!("entry is not a HAR entry: {msg}"),
            _ => format!("entry is not valid JSON: {msg}"),
        }
    })?;
    let request = entry.request.ok_or("entry has no \"request\"")?;
    let method = request.method.ok_or("request has no \"method\"")?;
    if !is_token(&method) {
        return Err("request.method is not an HTTP method token".into());
    }
    let url = request.url.ok_or("request has no \"url\"")?;
    if url.is_empty() || has_control(url.as_bytes(), b' ') {
        return Err("request.url is empty or contains whitespace or control characters".into());
    }
    let mut authority = None;
    let mut pairs = Vec::new();
    for NameValue { name, value } in request.headers.unwrap_or_default() {
        if name.starts_with(':') {
            if name == ":authority" && authority.is_none() {
                authority = Some(value);
            }
        } else {
            pairs.push((name, value));
        }
    }
    if let Some(authority) = authority
        && !pairs.iter().any(|(n, _)| n.eq_ignore_ascii_case("host"))
    {
        pairs.insert(0, (Cow::Borrowed("Host"), authority));
    }
    let mut headers = owned_headers(pairs)?;
    super::add_client_host(&url, &mut headers);
    let body = match request.post_data {
        None => Vec::new(),
        Some(post) => post_body(post, limits)?,
    };
    check_body_len(body.len(), limits)?;
    Ok(Captured {
        location,
        method: method.into_owned(),
        target: super::without_userinfo(&url).unwrap_or_else(|| url.into_owned()),
        headers,
        body,
    })
}

fn post_body(post: PostData<'_>, limits: &Limits) -> Result<Vec<u8>, String> {
    if let Some(text) = post.text {
        return match post.encoding.as_deref() {
            None | Some("") => Ok(text.into_owned().into_bytes()),
            Some(e) if e.eq_ignore_ascii_case("base64") => {
                decode_base64(&text, "postData.text", limits.max_body)
            }
            Some(_) => Err("postData.encoding is neither absent nor \"base64\"".into()),
        };
    }
    let params = post.params.unwrap_or_default();
    if params.iter().any(|p| p.file_name.is_some()) {
        return Err(
            "postData has file params (multipart) but no text: the body cannot be rebuilt".into(),
        );
    }
    let mut body = String::new();
    for (i, p) in params.iter().enumerate() {
        if i > 0 {
            body.push('&');
        }
        body.extend(utf8_percent_encode(&p.name, FORM));
        body.push('=');
        body.extend(utf8_percent_encode(p.value.as_deref().unwrap_or(""), FORM));
        if body.len() > limits.max_body {
            break;
        }
    }
    Ok(body.into_bytes())
}

/// The offset in `raw` of serde_json's 1-based `line` and `column`.
fn byte_of(raw: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0usize;
    let mut seen = 1usize;
    for (i, &b) in raw.iter().enumerate() {
        if seen >= line {
            break;
        }
        if b == b'\n' {
            seen = seen.saturating_add(1);
            start = i.saturating_add(1);
        }
    }
    start
        .saturating_add(column.saturating_sub(1))
        .min(raw.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::testutil::{Failing, Repeat};
    use std::io::{BufReader, Read};

    fn read_all(input: &str) -> Vec<Item> {
        HarReader::new(input.as_bytes(), Limits::default()).collect()
    }

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    /// A devtools-style export: `pages` before `entries`, pretty-printed.
    const DEVTOOLS: &str = r#"{
  "log": {
    "version": "1.2",
    "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [
      {"startedDateTime": "2024-01-01T00:00:00.000Z", "id": "page_1",
       "title": "odd ] } \" \\ [ { chars", "pageTimings": {"onLoad": 12.5}}
    ],
    "entries": [
      {
        "_initiator": {"type": "script"},
        "startedDateTime": "2024-01-01T00:00:00.000Z",
        "time": 12.3,
        "request": {
          "method": "POST",
          "url": "https://cvm.tencentcloudapi.com/",
          "httpVersion": "HTTP/2",
          "headers": [
            {"name": ":method", "value": "POST"},
            {"name": ":authority", "value": "cvm.tencentcloudapi.com"},
            {"name": ":scheme", "value": "https"},
            {"name": ":path", "value": "/"},
            {"name": "authorization", "value": "TC3-HMAC-SHA256 Credential=AKID/2024-01-01/cvm/tc3_request, SignedHeaders=content-type;host, Signature=abc"},
            {"name": "content-type", "value": "application/json; charset=utf-8"},
            {"name": "x-tc-action", "value": "DescribeInstances"}
          ],
          "queryString": [],
          "cookies": [],
          "headersSize": -1,
          "bodySize": 42,
          "postData": {"mimeType": "application/json; charset=utf-8", "text": "{\"Filters\":[{\"Name\":\"x]}\",\"Values\":[\"\\\\\"]}]}"}
        },
        "response": {"status": 200, "content": {"size": 5, "mimeType": "application/json", "text": "}]]}\"{["}},
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 2}
      },
      {
        "request": {
          "method": "GET",
          "url": "http://cvm.tencentcloudapi.com/?Action=DescribeRegions&Version=2017-03-12",
          "httpVersion": "HTTP/1.1",
          "headers": [{"name": "Host", "value": "cvm.tencentcloudapi.com"}, {"name": "X-A", "value": "1"}, {"name": "x-a", "value": "2"}],
          "queryString": [{"name": "Action", "value": "DescribeRegions"}]
        },
        "response": {}
      }
    ]
  }
}
"#;

    /// Issue 11, items 7 and 8: an HTTP/1.1 entry without a Host header gets the one
    /// the browser sent, from the URL (no userinfo, no default port); `:authority` and
    /// an explicit Host win; userinfo leaves the target.
    #[test]
    fn an_entry_without_host_gets_the_urls() {
        let entry = |url: &str, headers: &str| {
            format!(
                r#"{{"log":{{"entries":[{{"request":{{"method":"GET","url":"{url}","headers":[{headers}]}}}}]}}}}"#
            )
        };
        for (url, headers, want, target) in [
            (
                "https://user:s3cretPW@cvm.tencentcloudapi.com:443/?a=1",
                "",
                "cvm.tencentcloudapi.com",
                "https://cvm.tencentcloudapi.com:443/?a=1",
            ),
            (
                "http://h:8080/",
                r#"{"name":"X-A","value":"1"}"#,
                "h:8080",
                "http://h:8080/",
            ),
            (
                "http://h/",
                r#"{"name":":authority","value":"a"}"#,
                "a",
                "http://h/",
            ),
            (
                "http://h/",
                r#"{"name":"host","value":"b"}"#,
                "b",
                "http://h/",
            ),
        ] {
            let items = read_all(&entry(url, headers));
            let c = items[0].as_ref().unwrap();
            assert_eq!(c.headers[0].1, want, "{url}");
            assert_eq!(
                c.headers
                    .iter()
                    .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
                    .count(),
                1
            );
            assert_eq!(c.target, target);
        }
    }

    /// Issue 11, item 12: a second `entries` array or `log` object is read, not
    /// dropped silently; a malformed one is reported.
    #[test]
    fn second_entries_and_log_are_read() {
        let e = |n: u32| format!(r#"{{"request":{{"method":"GET","url":"http://h/{n}"}}}}"#);
        let har = format!(
            r#"{{"log":{{"entries":[{}],"pages":[],"entries":[{},{}]}},"x":1,"log":{{"version":"1.2"}},"log":{{"entries":[{}]}}}}"#,
            e(0),
            e(1),
            e(2),
            e(3)
        );
        let items = read_all(&har);
        let got: Vec<(usize, String)> = items
            .iter()
            .map(|i| {
                let c = i.as_ref().unwrap();
                (c.location.index, c.target.clone())
            })
            .collect();
        assert_eq!(
            got,
            (0..4)
                .map(|n| (n, format!("http://h/{n}")))
                .collect::<Vec<_>>()
        );
        let bad = format!(r#"{{"log":{{"entries":[{}],"entries":5}}}}"#, e(0));
        let items = read_all(&bad);
        assert_eq!(items.len(), 2);
        assert!(items[1].as_ref().unwrap_err().reason.contains("second"));
        let bad = format!(r#"{{"log":{{"entries":[{}]}},"log":[]}}"#, e(0));
        let items = read_all(&bad);
        assert!(
            items[1]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("second \"log\"")
        );
    }

    #[test]
    fn devtools_export() {
        let items = read_all(DEVTOOLS);
        assert_eq!(items.len(), 2, "{items:?}");
        let a = items[0].as_ref().unwrap();
        assert_eq!(a.method, "POST");
        assert_eq!(a.target, "https://cvm.tencentcloudapi.com/");
        assert_eq!(
            a.headers,
            h(&[
                ("Host", "cvm.tencentcloudapi.com"),
                (
                    "authorization",
                    "TC3-HMAC-SHA256 Credential=AKID/2024-01-01/cvm/tc3_request, SignedHeaders=content-type;host, Signature=abc"
                ),
                ("content-type", "application/json; charset=utf-8"),
                ("x-tc-action", "DescribeInstances"),
            ])
        );
        assert_eq!(a.body, br#"{"Filters":[{"Name":"x]}","Values":["\\"]}]}"#);
        let first_entry = DEVTOOLS.find("{\n        \"_initiator\"").unwrap();
        assert_eq!(
            a.location,
            Location {
                index: 0,
                offset: first_entry as u64,
                line: Some(10)
            }
        );
        let b = items[1].as_ref().unwrap();
        assert_eq!(b.method, "GET");
        assert_eq!(b.query(), "Action=DescribeRegions&Version=2017-03-12");
        assert_eq!(
            b.headers,
            h(&[
                ("Host", "cvm.tencentcloudapi.com"),
                ("X-A", "1"),
                ("x-a", "2")
            ])
        );
        assert!(b.body.is_empty());
        assert_eq!(b.location.index, 1);
        assert_eq!(b.location.line, Some(37));
        assert_eq!(
            b.location.offset,
            DEVTOOLS
                .find("{\n        \"request\": {\n          \"method\": \"GET\"")
                .unwrap() as u64
        );
    }

    #[test]
    fn entries_before_pages_keys_in_any_order_minified() {
        let har = concat!(
            r#"{"comment":"top } ] \" \\","extra":[{"log":{"entries":[1]}}],"log":{"#,
            r#""entries":[{"response":{"status":200},"request":{"url":"http://h/a","headers":[{"value":"h","name":"host"},{"name":":authority","value":"other"}],"method":"DELETE"}}],"#,
            r#""pages":[{"title":"]]]}}}\"\\\\"}],"creator":{"name":"proxy"},"version":"1.2"},"#,
            r#""after":{"x":[true,false,null,-1.5e3]}}"#
        );
        let items = read_all(har);
        assert_eq!(items.len(), 1, "{items:?}");
        let c = items[0].as_ref().unwrap();
        assert_eq!(
            (c.method.as_str(), c.target.as_str()),
            ("DELETE", "http://h/a")
        );
        // A host header is there: `:authority` adds nothing.
        assert_eq!(c.headers, h(&[("host", "h")]));
        assert_eq!(c.location.offset, har.find("{\"response\"").unwrap() as u64);
        assert_eq!(c.location.line, Some(1));
    }

    #[test]
    fn escaped_keys_bom_and_whitespace() {
        let har = "\u{feff} \r\n\t{ \"\\u006cog\" :\n{ \"entr\\u0069es\"\t:\r\n[ \n{\"request\":{\"method\":\"GET\",\"url\":\"http://h/\"}} ,\n\t[] ]\n}\n}\n\n";
        let items = read_all(har);
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0].as_ref().unwrap().location.line, Some(5));
        let e = items[1].as_ref().unwrap_err();
        assert_eq!(e.reason, "entry is not a JSON object");
        assert_eq!(e.location.index, 1);
        assert_eq!(e.location.line, Some(6));
    }

    #[test]
    fn post_data_variants() {
        let entry = |post: &str| {
            format!(
                r#"{{"log":{{"entries":[{{"request":{{"method":"POST","url":"https://h/","headers":[],"postData":{post}}}}}]}}}}"#
            )
        };
        let body = |post: &str| {
            let items = read_all(&entry(post));
            assert_eq!(items.len(), 1);
            items.into_iter().next().unwrap().map(|c| c.body)
        };
        assert_eq!(
            body(r#"{"mimeType":"text/plain","text":"hi"}"#).unwrap(),
            b"hi"
        );
        assert_eq!(
            body(r#"{"mimeType":"application/octet-stream","text":"AP8=","encoding":"base64"}"#)
                .unwrap(),
            [0, 0xff]
        );
        assert_eq!(
            body(r#"{"mimeType":"x","text":"AP8","encoding":"BASE64"}"#).unwrap(),
            [0, 0xff]
        );
        assert_eq!(
            body(r#"{"mimeType":"x","text":"","encoding":""}"#).unwrap(),
            b""
        );
        assert_eq!(body("null").unwrap(), b"");
        assert_eq!(
            body(
                r#"{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"Action","value":"DescribeInstances"},{"name":"Filters.0.Name","value":"a b&c=d/é"},{"name":"Empty"}]}"#
            )
            .unwrap(),
            b"Action=DescribeInstances&Filters.0.Name=a%20b%26c%3Dd%2F%C3%A9&Empty="
        );
        assert_eq!(
            body(r#"{"mimeType":"x","text":"t","params":[{"name":"ignored","value":"v"}]}"#)
                .unwrap(),
            b"t"
        );
        assert!(
            body(r#"{"mimeType":"x","text":"A!","encoding":"base64"}"#)
                .unwrap_err()
                .reason
                .contains("\"postData.text\" is not valid standard base64")
        );
        assert!(
            body(r#"{"mimeType":"x","text":"x","encoding":"gzip"}"#)
                .unwrap_err()
                .reason
                .contains("postData.encoding")
        );
        assert!(body(r#"{"mimeType":"multipart/form-data","params":[{"name":"f","fileName":"a.txt","contentType":"text/plain"}]}"#)
            .unwrap_err()
            .reason
            .contains("multipart"));
        assert!(
            body(r#"{"mimeType":"x","text":5}"#)
                .unwrap_err()
                .reason
                .contains("expected postData.text as a string")
        );
        let limits = Limits {
            max_body: 3,
            ..Limits::default()
        };
        let items: Vec<_> = HarReader::new(
            entry(r#"{"mimeType":"x","text":"1234"}"#).as_bytes(),
            limits,
        )
        .collect();
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("body of 4 bytes")
        );
        let items: Vec<_> = HarReader::new(
            entry(r#"{"mimeType":"x","params":[{"name":"abc","value":"def"}]}"#).as_bytes(),
            limits,
        )
        .collect();
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("body of 7 bytes")
        );
    }

    #[test]
    fn bad_entries_are_reported_and_skipped() {
        let har = r#"{"log":{"entries":[
{"response":{}},
{"request":{"url":"http://h/"}},
{"request":{"method":"GET"}},
{"request":{"method":"G T","url":"http://h/"}},
{"request":{"method":"GET","url":""}},
{"request":{"method":"GET","url":"http://h/","headers":"Authorization: SECRET"}},
{"request":{"method":"GET","url":"http://h/","headers":["SECRET"]}},
{"request":{"method":"GET","url":"http://h/","headers":[{"name":"a b","value":"SECRET"}]}},
{"request":{"method":"GET","url":"http://h/","headers":[{"name":"a","value":"SECRET\r\nX: 1"}]}},
{"request":{"method":"GET","url":"http://h/","headers":[{"name":"a"}]}},
{"request":"SECRET"},
{"request":{"method":1,"url":"http://h/"}},
{"request":{"method":"GET","url":"http://h/","method":"PUT"}},
"SECRET",
{"request":{"method":"GET","url":"http://ok/"}}
]}}"#;
        let want = [
            "entry has no \"request\"",
            "request has no \"method\"",
            "request has no \"url\"",
            "not an HTTP method token",
            "request.url is empty",
            "entry is not a HAR entry: invalid type: a string, expected a sequence at byte ",
            "entry is not a HAR entry: invalid type: a string, expected struct NameValue",
            "header #1 has a name that is not an HTTP token",
            "header #1 has a value with control characters",
            "missing field `value`",
            "invalid type: a string, expected struct Request",
            "expected request.method as a string",
            "duplicate field `method`",
            "entry is not a JSON object",
        ];
        let items = read_all(har);
        assert_eq!(items.len(), want.len() + 1, "{items:?}");
        for (i, (item, want)) in items.iter().zip(want).enumerate() {
            let e = item.as_ref().unwrap_err();
            assert!(e.reason.contains(want), "{i}: {}", e.reason);
            assert!(!e.reason.contains("SECRET"), "{}", e.reason);
            assert_eq!(e.location.index, i);
            assert_eq!(e.location.line, Some(i as u64 + 2));
        }
        let ok = items.last().unwrap().as_ref().unwrap();
        assert_eq!(
            (ok.target.as_str(), ok.location.index),
            ("http://ok/", want.len())
        );
        // The byte named in a parse error is in the input.
        let e = items[5].as_ref().unwrap_err();
        let at = e.reason.rsplit("at byte ").next().unwrap();
        let at: usize = at.parse().unwrap();
        assert!(
            har[..=at].ends_with("SECRET\""),
            "{}",
            &har[at - 10..at + 10]
        );
    }

    #[test]
    fn not_a_har_file_is_one_error() {
        for (input, reason, offset) in [
            ("", "empty input", 0),
            ("   \n", "empty input", 4),
            ("hello", "not a HAR file: expected a JSON object", 0),
            ("  [1, 2]", "not a HAR file: expected a JSON object", 2),
            ("{\"foo\": 1}", "no \"log\" member", 10),
            ("{}", "no \"log\" member", 2),
            ("{\"log\": []}", "\"log\" is not an object", 8),
            (
                "{\"log\": {\"version\": \"1.2\"}}",
                "\"log\" has no \"entries\"",
                26,
            ),
            ("{\"log\": {\"entries\": {}}}", "is not an array", 20),
            ("{\"log\" 1}", "expected `:`", 7),
            (
                "{\"log\": {\"pages\": [] \"entries\": []}}",
                "expected `,` or `}`",
                21,
            ),
            (
                "{\"log\": {\"pages\": x, \"entries\": []}}",
                "expected a value",
                18,
            ),
            (
                "{\"log\": {\"pages\": 1x, \"entries\": []}}",
                "unexpected character in a number",
                19,
            ),
            (
                "{\"log\": {\"pages\": nul, \"entries\": []}}",
                "unexpected character in a value",
                21,
            ),
            (
                "{\"log\": {\"pages\": true1, \"entries\": []}}",
                "expected `,` or `}`",
                22,
            ),
            ("{log: {}}", "expected a member name", 1),
            ("{\"a\": 1,}", "expected a member name", 8),
            ("\u{feff}\u{feff}{}", "expected a JSON object", 3),
        ] {
            let items = read_all(input);
            assert_eq!(items.len(), 1, "{input}: {items:?}");
            let e = items[0].as_ref().unwrap_err();
            assert!(e.reason.contains(reason), "{input}: {}", e.reason);
            assert_eq!(e.location.offset, offset, "{input}: {e}");
            assert_eq!(e.location.index, 0);
        }
        // A multi-line file names the line too.
        let e = read_all("{\n\n  \"version\": 1\n}")
            .pop()
            .unwrap()
            .unwrap_err();
        assert_eq!(e.location.line, Some(4));
    }

    #[test]
    fn empty_entries_and_trailing_data() {
        assert!(read_all(r#"{"log":{"entries":[]}}"#).is_empty());
        assert!(read_all(" { \"log\" : { \"entries\" : [ ] , \"pages\": [] } } \n").is_empty());
        let items = read_all(
            r#"{"log":{"entries":[{"request":{"method":"GET","url":"http://h/"}}]}} {"x":1}"#,
        );
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        let e = items[1].as_ref().unwrap_err();
        assert!(e.reason.contains("data after the end"), "{e}");
        assert_eq!(e.location.index, 1);
        let items =
            read_all(r#"{"log":{"entries":[{"request":{"method":"GET","url":"http://h/"}},]}}"#);
        assert_eq!(items.len(), 2);
        assert!(
            items[1]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("expected an entry after `,`")
        );
        let items =
            read_all(r#"{"log":{"entries":[{"request":{"method":"GET","url":"http://h/"}} {}]}}"#);
        assert_eq!(items.len(), 2);
        assert!(
            items[1]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("expected `,` or `]`")
        );
    }

    #[test]
    fn truncated_files() {
        let second = DEVTOOLS
            .find("{\n        \"request\": {\n          \"method\": \"GET\"")
            .unwrap();
        // Cut inside the second entry: the first, then one error naming the second.
        for cut in [
            second + 1,
            second + 50,
            DEVTOOLS.find("\"response\": {}").unwrap(),
        ] {
            let items = read_all(&DEVTOOLS[..cut]);
            assert_eq!(items.len(), 2, "{cut}");
            assert!(items[0].is_ok());
            let e = items[1].as_ref().unwrap_err();
            assert!(e.reason.contains("file ends inside this entry"), "{e}");
            assert_eq!(
                e.location,
                Location {
                    index: 1,
                    offset: second as u64,
                    line: Some(37)
                }
            );
        }
        // Cut between entries.
        let items = read_all(&DEVTOOLS[..second - 3]);
        assert_eq!(items.len(), 2);
        let e = items[1].as_ref().unwrap_err();
        assert!(e.reason.contains("inside the \"entries\" array"), "{e}");
        assert_eq!(
            (e.location.index, e.location.offset),
            (1, second as u64 - 3)
        );
        // Cut after the entries array.
        let end = DEVTOOLS.rfind(']').unwrap() + 1;
        for cut in [end, end + 3, DEVTOOLS.len() - 3] {
            let items = read_all(&DEVTOOLS[..cut]);
            assert_eq!(items.len(), 3, "{cut}");
            let e = items[2].as_ref().unwrap_err();
            assert!(e.reason.contains("after the \"entries\" array"), "{e}");
            assert_eq!(e.location.index, 2);
        }
        // Cut before the entries, inside the pages.
        let items = read_all(&DEVTOOLS[..DEVTOOLS.find("odd").unwrap()]);
        assert_eq!(items.len(), 1);
        let e = items[0].as_ref().unwrap_err();
        assert!(e.reason.contains("before the \"log\".\"entries\""), "{e}");
        assert_eq!(e.location.offset, DEVTOOLS.find("odd").unwrap() as u64);
        // Every prefix terminates with at most the entries complete in it, then one error.
        for cut in 0..DEVTOOLS.trim_end().len() {
            let items = read_all(&DEVTOOLS[..cut]);
            let last = items.last().unwrap();
            assert!(last.is_err(), "{cut}");
            assert!(items.len() <= 3);
            assert!(items.iter().rev().skip(1).all(Result::is_ok));
        }
    }

    fn big_entry_then_good(len: u64) -> (Repeat, u64) {
        let head = b"{\"log\": {\"entries\": [\n  {\"request\": {\"method\": \"GET\", \"url\": \"http://big/\"}, \"response\": {\"content\": {\"text\": \"";
        let tail =
            b"\"}}},\n  {\"request\": {\"method\": \"GET\", \"url\": \"http://ok/\"}}\n]}}\n";
        let entry_end = head.len() as u64 + len + 4;
        (Repeat::new(head, br#"ab]}{[\"\\"#, len, tail), entry_end)
    }

    #[test]
    fn oversized_entry_then_good_one() {
        let limits = Limits {
            max_record: 1000,
            ..Limits::default()
        };
        let (input, entry_end) = big_entry_then_good(100_000);
        let mut r = HarReader::new(BufReader::with_capacity(13, input), limits);
        let e = r.next().unwrap().unwrap_err();
        assert_eq!(
            e.location,
            Location {
                index: 0,
                offset: 24,
                line: Some(2)
            }
        );
        assert_eq!(
            e.reason,
            format!(
                "entry of {} bytes is larger than the record limit of 1000 bytes; skipped",
                entry_end - 24
            )
        );
        assert!(r.entry.capacity() <= KEEP_CAPACITY);
        let ok = r.next().unwrap().unwrap();
        assert_eq!(ok.target, "http://ok/");
        assert_eq!(ok.location.index, 1);
        assert_eq!(ok.location.line, Some(3));
        assert_eq!(ok.location.offset, entry_end + 4);
        assert!(r.next().is_none());
        assert!(r.next().is_none());
    }

    #[test]
    fn oversized_entry_with_default_limits() {
        let (input, _) = big_entry_then_good(25 * 1024 * 1024);
        let items: Vec<_> = HarReader::new(BufReader::new(input), Limits::default()).collect();
        assert_eq!(items.len(), 2);
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .reason
                .contains("larger than the record limit")
        );
        assert_eq!(items[1].as_ref().unwrap().target, "http://ok/");
    }

    #[test]
    fn large_pages_are_skipped_without_storing() {
        let head = br#"{"log": {"pages": [{"title": ""#;
        let tail = br#""}], "entries": [{"request": {"method": "GET", "url": "http://h/"}}]}}"#;
        let limits = Limits {
            max_record: 100,
            ..Limits::default()
        };
        let input = Repeat::new(head, b"x\\\"]}", 1_000_000, tail);
        let items: Vec<_> = HarReader::new(BufReader::new(input), limits).collect();
        assert_eq!(items.len(), 1);
        assert!(items[0].is_ok());
    }

    #[test]
    fn read_errors_end_the_stream() {
        let data = DEVTOOLS.as_bytes().to_vec();
        let second = DEVTOOLS
            .find("{\n        \"request\": {\n          \"method\": \"GET\"")
            .unwrap();
        let input = Failing {
            data,
            ok: second + 10,
            kind: io::ErrorKind::Other,
        };
        let items: Vec<_> = HarReader::new(BufReader::new(input), Limits::default()).collect();
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        assert!(
            items[1]
                .as_ref()
                .unwrap_err()
                .reason
                .starts_with("read error")
        );
    }

    /// Interrupted reads are retried.
    struct Interrupting<R> {
        inner: R,
        tick: u32,
    }

    impl<R: Read> Read for Interrupting<R> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.tick += 1;
            if self.tick.is_multiple_of(2) {
                return Err(io::Error::new(io::ErrorKind::Interrupted, "again"));
            }
            let n = out.len().min(3);
            self.inner.read(&mut out[..n])
        }
    }

    #[test]
    fn interrupted_reads_are_retried() {
        let input = Interrupting {
            inner: DEVTOOLS.as_bytes(),
            tick: 0,
        };
        let items: Vec<_> =
            HarReader::new(BufReader::with_capacity(5, input), Limits::default()).collect();
        let direct = read_all(DEVTOOLS);
        assert_eq!(items, direct);
    }
}
