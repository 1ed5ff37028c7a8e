//! Guessing a capture's format from its first bytes.

use std::fmt;
use std::io::{self, BufRead, Read};
use std::str::FromStr;

use super::json::is_tchar;

/// A capture format.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Raw HTTP/1.x requests, one after another (`http`).
    Http,
    /// curl command lines (`curl`).
    Curl,
    /// A HAR 1.2 file (`har`), see [`super::har`].
    Har,
    /// cloudsig's JSON-lines records (`jsonl`), see [`super::jsonl`].
    JsonLines,
}

impl Format {
    /// The format's name: `http`, `curl`, `har` or `jsonl`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Http => "http",
            Format::Curl => "curl",
            Format::Har => "har",
            Format::JsonLines => "jsonl",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not `http`, `curl`, `har` or `jsonl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown capture format {:?} (expected http, curl, har or jsonl)",
            self.0
        )
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Parses `http`, `curl`, `har` or `jsonl` (ASCII case ignored).
    ///
    /// ```
    /// use cloudsig_verify::capture::detect::Format;
    ///
    /// assert_eq!("jsonl".parse::<Format>(), Ok(Format::JsonLines));
    /// assert_eq!(Format::Har.to_string(), "har");
    /// assert!("xml".parse::<Format>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Format::Http, Format::Curl, Format::Har, Format::JsonLines]
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// How many bytes [`detect_reader`] reads at most to tell the format: room for a
/// JSON-lines record of the default [`Limits::max_record`](super::Limits) after some
/// comment and metadata lines.
pub const DETECT_MAX: usize = 32 * 1024 * 1024;

/// Guesses the format of a whole capture, or of its start (its end is taken as the end
/// of the input): [`Detector`] fed with `input`, then finished.
///
/// ```
/// use cloudsig_verify::capture::detect::{detect, Format};
///
/// assert_eq!(detect(b"# saved\nPOST / HTTP/1.1\r\nHost: h\r\n\r\n"), Some(Format::Http));
/// assert_eq!(detect(b"curl -X POST https://cvm.tencentcloudapi.com/"), Some(Format::Curl));
/// assert_eq!(detect(b"{\"method\":\"GET\",\"url\":\"/\"}\n"), Some(Format::JsonLines));
/// assert_eq!(detect(b"{\"note\":\"capture 1\"}\n{\"method\":\"GET\",\"url\":\"/\"}"), Some(Format::JsonLines));
/// assert_eq!(detect(b"{\n  \"log\": {\n    \"version\": \"1.2\""), Some(Format::Har));
/// assert_eq!(detect(b""), Some(Format::JsonLines));
/// assert_eq!(detect(b"hello"), None);
/// ```
pub fn detect(input: &[u8]) -> Option<Format> {
    let mut detector = Detector::new();
    match detector.feed(input) {
        Some(decided) => decided,
        None => detector.finish(),
    }
}

/// A reader yielding the bytes [`detect_reader`] read, then the rest of the input.
pub type Replayed<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// Reads from `reader` until its format is decided (at most `max` bytes, see
/// [`DETECT_MAX`]), and gives the format with a reader that yields the whole input:
/// the bytes read to decide, then the rest of `reader`. The decision does not depend on
/// how the input arrives (one byte per read or all at once).
///
/// ```
/// use std::io::{BufReader, Read};
/// use cloudsig_verify::capture::detect::{detect_reader, Format, DETECT_MAX};
///
/// // A pipe that delivers one byte per read.
/// struct Trickle<'a>(&'a [u8]);
/// impl Read for Trickle<'_> {
///     fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
///         let n = self.0.len().min(out.len()).min(1);
///         out[..n].copy_from_slice(&self.0[..n]);
///         self.0 = &self.0[n..];
///         Ok(n)
///     }
/// }
/// let input = b"POST / HTTP/1.1\r\nHost: h\r\n\r\n";
/// let (format, mut all) = detect_reader(BufReader::new(Trickle(input)), DETECT_MAX)?;
/// assert_eq!(format, Some(Format::Http));
/// let mut back = Vec::new();
/// all.read_to_end(&mut back)?;
/// assert_eq!(back, input);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// A read error of `reader` (an interrupted read is retried).
pub fn detect_reader<R: BufRead>(
    mut reader: R,
    max: usize,
) -> io::Result<(Option<Format>, Replayed<R>)> {
    let mut detector = Detector::new();
    let mut seen = Vec::new();
    let format = loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let room = max.saturating_sub(seen.len());
        if chunk.is_empty() || room == 0 {
            break detector.finish();
        }
        let part = chunk.get(..room.min(chunk.len())).unwrap_or_default();
        let decided = detector.feed(part);
        let used = part.len();
        seen.extend_from_slice(part);
        reader.consume(used);
        if let Some(format) = decided {
            break format;
        }
    };
    Ok((format, io::Cursor::new(seen).chain(reader)))
}

/// Tells a capture's format from its bytes as they arrive, holding no more than a few
/// counters whatever their number: fed piece by piece with [`Detector::feed`], it
/// answers once it knows, and [`Detector::finish`] decides at the end of the input.
///
/// The rules: a UTF-8 byte-order mark, whitespace and `#` comment lines are skipped;
/// then
///
/// - the word `curl` (followed by whitespace or the end) is [`Format::Curl`];
/// - an HTTP/1 request line (`TOKEN SP target SP HTTP/1.`) is [`Format::Http`];
/// - `{` starts JSON, which is read line by line and as one document at once:
///   a line starting with `{` whose object has a `"method"` or `"url"` key (at its own
///   top level) is [`Format::JsonLines`], the first one deciding, whatever lines before
///   it held (metadata objects such as `{"note": "capture 1"}`, broken records, comments);
///   a `"log"` key whose value is an object at the top level of the document that the
///   first `{` opens is [`Format::Har`]; if neither comes before the end, nothing is
///   decided (`None`), unless the input held only one-line objects and blank and comment
///   lines, which is JSON lines without a request;
/// - an input of nothing but whitespace and comments is [`Format::JsonLines`] (no
///   requests in any format);
/// - anything else is `None`.
#[derive(Debug, Clone)]
pub struct Detector {
    /// Bytes of a leading UTF-8 byte-order mark matched (3 once past it or without one).
    bom: usize,
    phase: Phase,
}

#[derive(Debug, Clone)]
enum Phase {
    /// Before the first significant byte: `comment` while in a `#` line.
    Lead { comment: bool },
    /// On the first line, which does not start with `{`: curl or a request line.
    Line { curl: usize, request: RequestLine },
    /// In JSON.
    Json(Box<JsonScan>),
    /// Decided.
    Done(Option<Format>),
}

/// `TOKEN SP target SP HTTP/1.`, a byte at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RequestLine {
    Method(usize),
    Target(usize),
    Version(usize),
    No,
}

const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
const VERSION: &[u8] = b"HTTP/1.";

impl Default for Detector {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector {
    /// A detector that has seen nothing.
    pub fn new() -> Self {
        Self {
            bom: 0,
            phase: Phase::Lead { comment: false },
        }
    }

    /// Takes the next bytes of the input; `Some` once the format is decided (`Some(None)`:
    /// it is none of the four), `None` while more input is needed.
    pub fn feed(&mut self, bytes: &[u8]) -> Option<Option<Format>> {
        if let Phase::Done(decided) = self.phase {
            return Some(decided);
        }
        for &b in bytes {
            if self.bom < UTF8_BOM.len() {
                if UTF8_BOM.get(self.bom) == Some(&b) {
                    self.bom += 1;
                    continue;
                }
                if self.bom > 0 {
                    // A broken byte-order mark.
                    self.phase = Phase::Done(None);
                    return Some(None);
                }
                self.bom = UTF8_BOM.len();
            }
            if let Some(decided) = self.step(b) {
                self.phase = Phase::Done(decided);
            }
            if let Phase::Done(decided) = self.phase {
                return Some(decided);
            }
        }
        None
    }

    /// The decision at the end of the input.
    pub fn finish(&mut self) -> Option<Format> {
        let decided = match &self.phase {
            Phase::Done(decided) => *decided,
            Phase::Lead { .. } if (1..UTF8_BOM.len()).contains(&self.bom) => None,
            Phase::Lead { .. } => Some(Format::JsonLines),
            Phase::Line { curl, request } => {
                if *curl == 4 {
                    Some(Format::Curl)
                } else if *request == RequestLine::Version(VERSION.len()) {
                    Some(Format::Http)
                } else {
                    None
                }
            }
            Phase::Json(scan) => (scan.only_lines && !matches!(scan.line, LineState::Object(_)))
                .then_some(Format::JsonLines),
        };
        self.phase = Phase::Done(decided);
        decided
    }

    fn step(&mut self, b: u8) -> Option<Option<Format>> {
        match &mut self.phase {
            Phase::Done(decided) => Some(*decided),
            Phase::Lead { comment } => {
                if *comment {
                    *comment = b != b'\n';
                } else if b == b'#' {
                    *comment = true;
                } else if b == b'{' {
                    let mut scan = Box::new(JsonScan::new());
                    scan.step(b);
                    self.phase = Phase::Json(scan);
                } else if !b.is_ascii_whitespace() {
                    self.phase = Phase::Line {
                        curl: 0,
                        request: RequestLine::Method(0),
                    };
                    return self.step(b);
                }
                None
            }
            Phase::Line { curl, request } => {
                if *curl == 4 && b.is_ascii_whitespace() {
                    return Some(Some(Format::Curl));
                }
                *curl = if b"curl".get(*curl) == Some(&b) {
                    *curl + 1
                } else {
                    5
                };
                *request = request.step(b);
                match *request {
                    RequestLine::Version(n) if n == VERSION.len() => Some(Some(Format::Http)),
                    RequestLine::No if *curl > 4 => {
                        // Neither: JSON lines whose first line is broken (a capture cut
                        // with `tail -c`) is still possible.
                        self.phase = Phase::Json(Box::new(JsonScan {
                            doc: None,
                            line: if b == b'\n' {
                                LineState::Start
                            } else {
                                LineState::Skip
                            },
                            only_lines: false,
                        }));
                        None
                    }
                    _ => None,
                }
            }
            Phase::Json(scan) => scan.step(b),
        }
    }
}

impl RequestLine {
    fn step(self, b: u8) -> Self {
        match self {
            RequestLine::Method(n) if is_tchar(b) => RequestLine::Method(n + 1),
            RequestLine::Method(n) if n > 0 && b == b' ' => RequestLine::Target(0),
            RequestLine::Target(n) if b.is_ascii_graphic() => RequestLine::Target(n + 1),
            RequestLine::Target(n) if n > 0 && b == b' ' => RequestLine::Version(0),
            RequestLine::Version(n) if VERSION.get(n) == Some(&b) => RequestLine::Version(n + 1),
            _ => RequestLine::No,
        }
    }
}

/// A top-level key worth knowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Log,
    Request,
    Other,
}

/// The structure of one JSON object, a byte at a time: strings, escapes, depth, and
/// the members of the object itself, whose syntax is checked (`"key": value, …`);
/// nested values are only delimited.
#[derive(Debug, Clone, Default)]
struct Structure {
    depth: u64,
    in_str: bool,
    escape: bool,
    /// Where in the members of the outermost object (depth 1).
    at: Member,
    /// Reading a key: its bytes so far (at most 8 kept).
    key: Option<Vec<u8>>,
    /// The last key read, until its value starts.
    last_key: Option<Key>,
}

/// A position among the members of an object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Member {
    /// Before the object's `{`.
    #[default]
    Open,
    /// After `{` or `,`.
    Key,
    /// After a key.
    Colon,
    /// After `:`.
    Value,
    /// In a number or literal value.
    Scalar,
    /// After a value.
    Next,
}

/// What one byte did to a [`Structure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    None,
    /// A key of the outermost object ended.
    Key(Key),
    /// The first byte of the value of a key of the outermost object.
    Value(Key, u8),
    /// The outermost object closed.
    Closed,
    /// Not JSON: the outermost object's members are malformed.
    Broken,
}

impl Structure {
    fn step(&mut self, b: u8) -> Event {
        if self.in_str {
            if self.escape {
                self.escape = false;
                if let Some(key) = &mut self.key {
                    // An escaped key is none of those looked for.
                    key.clear();
                    key.extend_from_slice(b"\\");
                }
            } else if b == b'\\' {
                self.escape = true;
            } else if b == b'"' {
                self.in_str = false;
                if self.depth == 1 {
                    if let Some(key) = self.key.take() {
                        let kind = match key.as_slice() {
                            b"log" => Key::Log,
                            b"method" | b"url" => Key::Request,
                            _ => Key::Other,
                        };
                        self.last_key = Some(kind);
                        self.at = Member::Colon;
                        return Event::Key(kind);
                    }
                    self.at = Member::Next;
                }
            } else if let Some(key) = &mut self.key
                && key.len() < 8
            {
                key.push(b);
            }
            return Event::None;
        }
        if self.depth > 1 {
            match b {
                b'"' => self.in_str = true,
                b'{' | b'[' => self.depth = self.depth.saturating_add(1),
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 1 {
                        self.at = Member::Next;
                    }
                }
                _ => {}
            }
            return Event::None;
        }
        if b.is_ascii_whitespace() {
            if self.at == Member::Scalar {
                self.at = Member::Next;
            }
            return Event::None;
        }
        match (self.at, b) {
            (Member::Open, b'{') => {
                self.depth = 1;
                self.at = Member::Key;
            }
            (Member::Key, b'"') => {
                self.in_str = true;
                self.key = Some(Vec::new());
            }
            (Member::Colon, b':') => self.at = Member::Value,
            (Member::Value, _) => {
                let key = self.last_key.take().unwrap_or(Key::Other);
                match b {
                    b'"' => self.in_str = true,
                    b'{' | b'[' => self.depth = 2,
                    b'}' | b']' | b',' | b':' => return Event::Broken,
                    _ => self.at = Member::Scalar,
                }
                return Event::Value(key, b);
            }
            (Member::Scalar | Member::Next, b',') => self.at = Member::Key,
            (Member::Key | Member::Scalar | Member::Next, b'}') => {
                self.depth = 0;
                self.at = Member::Open;
                return Event::Closed;
            }
            (Member::Scalar, _) => {}
            _ => return Event::Broken,
        }
        Event::None
    }
}

/// JSON read two ways at once: as one document opened by the first `{` (for HAR), and
/// line by line (for JSON lines).
#[derive(Debug, Clone)]
struct JsonScan {
    /// The document, until its first value closes.
    doc: Option<Structure>,
    line: LineState,
    /// Whether every significant line so far was a one-line object.
    only_lines: bool,
}

#[derive(Debug, Clone)]
enum LineState {
    /// Only whitespace so far.
    Start,
    /// In the object the line starts with.
    Object(Structure),
    /// After that object closed.
    After,
    /// In a comment line, or a line that does not start with `{`.
    Skip,
}

impl JsonScan {
    fn new() -> Self {
        Self {
            doc: Some(Structure::default()),
            line: LineState::Start,
            only_lines: true,
        }
    }

    fn step(&mut self, b: u8) -> Option<Option<Format>> {
        if let Some(doc) = &mut self.doc {
            match doc.step(b) {
                Event::Value(Key::Log, b'{') => return Some(Some(Format::Har)),
                Event::Closed | Event::Broken => self.doc = None,
                _ => {}
            }
        }
        if b == b'\n' {
            if matches!(self.line, LineState::Object(_)) {
                self.only_lines = false;
            }
            self.line = LineState::Start;
            return None;
        }
        match &mut self.line {
            LineState::Start if b == b'{' => {
                let mut object = Structure::default();
                object.step(b);
                self.line = LineState::Object(object);
            }
            LineState::Start if !b.is_ascii_whitespace() => {
                if b != b'#' {
                    self.only_lines = false;
                }
                self.line = LineState::Skip;
            }
            LineState::Object(object) => match object.step(b) {
                Event::Key(Key::Request) => return Some(Some(Format::JsonLines)),
                Event::Closed => self.line = LineState::After,
                Event::Broken => {
                    self.only_lines = false;
                    self.line = LineState::Skip;
                }
                _ => {}
            },
            LineState::After if !b.is_ascii_whitespace() => {
                self.only_lines = false;
                self.line = LineState::Skip;
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in [Format::Http, Format::Curl, Format::Har, Format::JsonLines] {
            assert_eq!(f.to_string().parse::<Format>(), Ok(f));
            assert_eq!(f.to_string().to_uppercase().parse::<Format>(), Ok(f));
        }
        let e = "json".parse::<Format>().unwrap_err();
        assert_eq!(e, UnknownFormat("json".into()));
        assert!(e.to_string().contains("expected http, curl, har or jsonl"));
        assert!("".parse::<Format>().is_err());
    }

    #[test]
    fn http() {
        for text in [
            &b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"[..],
            b"POST https://cvm.tencentcloudapi.com/?a=b HTTP/1.0\n",
            b"\xEF\xBB\xBF\n\n# a capture\n  # another\r\nDELETE /x HTTP/1.1",
            b"M-SEARCH * HTTP/1.1\r\n",
        ] {
            assert_eq!(
                detect(text),
                Some(Format::Http),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        for text in [
            &b"GET / HTTP/2\r\n"[..],
            b"GET  / HTTP/1.1\r\n",
            b"GET /\r\n",
            b"GET / HTTP/1",
            b"G(T / HTTP/1.1",
            b" / HTTP/1.1",
            b"HTTP/1.1 200 OK\r\n",
        ] {
            assert_eq!(detect(text), None, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn curl() {
        for text in [
            &b"curl https://cvm.tencentcloudapi.com/"[..],
            b"# saved from devtools\ncurl 'https://h/' \\\n  -H 'a: b'",
            b"  curl\t-X POST",
            b"curl",
            b"curl\n",
        ] {
            assert_eq!(
                detect(text),
                Some(Format::Curl),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        assert_eq!(detect(b"curling"), None);
        assert_eq!(detect(b"CURL x"), None);
    }

    #[test]
    fn json_lines() {
        for text in [
            &b"{\"method\":\"GET\",\"url\":\"/\"}\n{\"method\":"[..],
            b"# records\n\n{\"url\": \"http://h/\", \"method\": \"POST\", \"note\": \"has \\\"log\\\"\"}\r\n",
            b"{\"id\": 1, \"method\": \"GET\"}",
            b"{\"url\": 5}\n",
            b"{\"method\":\"GET\",\"url\":\"/very/long",
            b"{\"log\": 1, \"method\": \"GET\"}",
            b"{\"note\": \"x\"}\n  {\"body\": \"\\\"method\\\"\", \"url\": \"/\"}",
        ] {
            assert_eq!(detect(text), Some(Format::JsonLines), "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn har() {
        for text in [
            &b"{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {"[..],
            b"{\"log\":{\"version\":\"1.2\",\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://h/\"}}]}}",
            b"{\"log\":{\"version\":\"1.2\",\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://h/\"}}]}}\n",
            b"  {\"log\": {\"entries\": [{\"request\": {\"method\": \"GE",
        ] {
            assert_eq!(detect(text), Some(Format::Har), "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn nothing() {
        for text in [
            &b"[{\"method\": \"GET\"}]"[..],
            b"\xff\xfe\x00",
            b"\xEF\xBB{\"method\":\"GET\"}",
            b"hello world",
            b"{\n  \"method\": \"GET\",\n  \"url\": \"/\"\n}\n",
            b"{\"a\": 1}\nhello\n",
            b"{\"a\": 1}\n{\"cut",
            b"hello\n{\"note\": 1}\n",
        ] {
            assert_eq!(detect(text), None, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn blank_comment_and_metadata_only_input_is_json_lines_without_a_request() {
        for text in [
            &b""[..],
            b"   \n\t\r\n",
            b"\xEF\xBB\xBF",
            b"# only a comment",
            b"# comment\n# comment\n",
            b"{\"a\": 1}\n",
            b"{\"note\": \"capture 1\"}\n# end\n{\"id\": 2}",
            b"{\"a\": 1, \"log\": 2}\n{\"b\": {\"method\": 1}}\n",
        ] {
            assert_eq!(
                detect(text),
                Some(Format::JsonLines),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }

    /// Issue 11, item 5 (b-d): the first record decides without being read whole, and a
    /// metadata line, a broken record or the text `"log"` before the first record does
    /// not hide it.
    #[test]
    fn the_first_request_record_decides_whatever_comes_before_it() {
        let record = r#"{"method":"GET","url":"/","headers":[["Host","h"]]}"#;
        let big = format!(
            "{{\"body\":\"{}\",{}\n",
            "x".repeat(300 * 1024),
            &record[1..]
        );
        for first in [
            r#"{"note": "capture 1"}"#,
            r#"{"method": "GET", "url": broken"#,
            r#"{"note": "the \"log\" is below", "log": "x"}"#,
            r#"{"oops" "log": {"entries": []}"#,
            r#"{oops "log": {"entries": ["#,
            r#"{"a": 1 "log": {"#,
            r#"{"truncated": "#,
            "{",
            "not json",
            big.trim_end(),
        ] {
            let input = format!("{first}\n{record}\n{{\"log\": {{\"x\": 1}}}}\n");
            assert_eq!(detect(input.as_bytes()), Some(Format::JsonLines), "{first}");
        }
        // A record so large that the old 256 KiB first read never saw its end.
        let mut detector = Detector::new();
        assert_eq!(
            detector.feed(&big.as_bytes()[..big.len() - 3]),
            Some(Some(Format::JsonLines))
        );
    }

    /// A reader that returns 1 or 2 bytes per read (chosen by the data), as a pipe
    /// written in pieces does.
    struct Pieces<'a> {
        data: &'a [u8],
        turn: usize,
    }

    impl io::Read for Pieces<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.turn += 1;
            let n = (1 + self.turn % 2).min(self.data.len()).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// Issue 11, item 5 (a): the format of an input arriving a byte or two at a time is
    /// the format of the whole input, and the reader handed back yields every byte.
    #[test]
    fn detection_does_not_depend_on_how_the_input_arrives() {
        let har = fuzz::HAR.as_bytes();
        let jsonl = fuzz::JSONL.as_bytes();
        let cases: [(&[u8], Option<Format>); 8] = [
            (b"POST / HTTP/1.1\r\nHost: h\r\n\r\n", Some(Format::Http)),
            (
                b"\xEF\xBB\xBF# c\r\nGET http://h/ HTTP/1.0\n\n",
                Some(Format::Http),
            ),
            (b"curl -X POST https://h/ -d x\n", Some(Format::Curl)),
            (b"curl", Some(Format::Curl)),
            (har, Some(Format::Har)),
            (jsonl, Some(Format::JsonLines)),
            (b"", Some(Format::JsonLines)),
            (b"hello\n", None),
        ];
        for (input, format) in cases {
            assert_eq!(detect(input), format);
            for max in [DETECT_MAX, 3] {
                let reader = io::BufReader::with_capacity(
                    7,
                    Pieces {
                        data: input,
                        turn: 0,
                    },
                );
                let (got, mut all) = detect_reader(reader, max).unwrap();
                if max == DETECT_MAX {
                    assert_eq!(got, format, "{}", String::from_utf8_lossy(input));
                }
                let mut back = Vec::new();
                all.read_to_end(&mut back).unwrap();
                assert_eq!(back, input);
            }
        }
    }

    /// `detect_reader` stops reading at its bound, undecided, and still hands back
    /// every byte.
    #[test]
    fn detect_reader_stops_at_its_bound() {
        let input = vec![b'{'; 1000];
        let (got, mut all) = detect_reader(&input[..], 100).unwrap();
        assert_eq!(got, None);
        let mut back = Vec::new();
        all.read_to_end(&mut back).unwrap();
        assert_eq!(back, input);
    }

    /// Random inputs and mutations of valid files: no reader or guess panics, every
    /// reader ends, yields at most one item per input byte (plus one), stays ended, and
    /// names locations in order inside the input.
    mod fuzz {
        use super::super::super::{Item, Limits, har::HarReader, jsonl::JsonLinesReader};
        use super::detect;
        use crate::capture::testutil::Rng;
        use std::io::BufReader;

        pub(super) const JSONL: &str = concat!(
            "# capture\n",
            r#"{"method":"POST","url":"https://cvm.tencentcloudapi.com/?a=b","headers":[["Host","cvm.tencentcloudapi.com"],["Content-Type","application/json"]],"body":"{\"Limit\":1,\"x\":\"]}\\\\\"}"}"#,
            "\n\n",
            r#"{"id":2,"method":"GET","url":"/?Action=X","headers":{"Host":"h","X-A":"1"},"body_base64":"AP8="}"#,
            "\r\n",
            r#"{"method":"PUT","url":"http://h:8080/p","note":"n"}"#,
        );

        pub(super) const HAR: &str = r#"{"log": {"version": "1.2", "creator": {"name": "x", "version": "1"},
 "entries": [
  {"request": {"method": "POST", "url": "https://h/", "httpVersion": "HTTP/2",
    "headers": [{"name": ":authority", "value": "h"}, {"name": "content-type", "value": "application/json"}],
    "postData": {"mimeType": "application/json", "text": "{\"a\":\"]}\\\"\\\\\"}"}},
   "response": {"status": 200, "content": {"text": "}]\"["}}},
  {"request": {"method": "GET", "url": "http://h/?a=1", "headers": [{"name": "Host", "value": "h"}]}},
  {"request": {"method": "POST", "url": "http://h/", "postData": {"mimeType": "x", "params": [{"name": "a b", "value": "c"}]}}},
  {"request": {"method": "POST", "url": "http://h/", "postData": {"mimeType": "x", "text": "AP8=", "encoding": "base64"}}}
 ],
 "pages": [{"title": "]]}}\"\\"}]}}
"#;

        const TOKENS: &[&str] = &[
            "{",
            "}",
            "[",
            "]",
            "\"",
            "\\",
            ":",
            ",",
            " ",
            "\n",
            "\r\n",
            "#",
            "\"log\"",
            "\"entries\"",
            "\"method\"",
            "\"url\"",
            "\"headers\"",
            "\"body\"",
            "\"body_base64\"",
            "\"request\"",
            "\"postData\"",
            "\"text\"",
            "\"GET\"",
            "\"/\"",
            "\"http://h/\"",
            "1",
            "-2.5e3",
            "true",
            "null",
            "\\u0041",
            "\u{e9}",
            "\u{feff}",
            "curl ",
            "GET / HTTP/1.1",
            "\"x\"",
            "\u{0}",
        ];

        fn mutate(rng: &mut Rng, mut data: Vec<u8>) -> Vec<u8> {
            for _ in 0..1 + rng.below(4) {
                let len = data.len();
                match rng.below(6) {
                    0 if len > 0 => {
                        let i = rng.below(len);
                        data[i] = rng.next() as u8;
                    }
                    1 if len > 0 => {
                        let i = rng.below(len);
                        let j = (i + 1 + rng.below(16)).min(len);
                        data.drain(i..j);
                    }
                    2 => {
                        let i = rng.below(len + 1);
                        let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                        data.splice(i..i, t.iter().copied());
                    }
                    3 if len > 0 => {
                        let i = rng.below(len);
                        let j = (i + 1 + rng.below(64)).min(len);
                        let part = data[i..j].to_vec();
                        data.splice(j..j, part);
                    }
                    4 => data.truncate(rng.below(len + 1)),
                    _ => {
                        let i = rng.below(len + 1);
                        data.insert(i, b"{}[]\"\\,:\n"[rng.below(9)]);
                    }
                }
            }
            data
        }

        fn input(rng: &mut Rng) -> Vec<u8> {
            match rng.below(5) {
                0 => (0..rng.below(200)).map(|_| rng.next() as u8).collect(),
                1 => (0..rng.below(60))
                    .flat_map(|_| TOKENS[rng.below(TOKENS.len())].bytes())
                    .collect(),
                2 => mutate(rng, JSONL.as_bytes().to_vec()),
                3 => mutate(rng, HAR.as_bytes().to_vec()),
                _ => {
                    let base = if rng.below(2) == 0 { JSONL } else { HAR };
                    let cut = rng.below(base.len() + 1);
                    base.as_bytes()[..cut].to_vec()
                }
            }
        }

        fn limits(rng: &mut Rng) -> Limits {
            match rng.below(4) {
                0 => Limits::default(),
                1 => Limits {
                    max_record: 1 + rng.below(200),
                    ..Limits::default()
                },
                2 => Limits {
                    max_body: rng.below(8),
                    ..Limits::default()
                },
                _ => Limits {
                    max_head: 0,
                    max_body: 0,
                    max_record: 0,
                },
            }
        }

        fn check(len: usize, mut items: impl Iterator<Item = Item>) {
            let mut n = 0;
            let mut last = None;
            for item in items.by_ref().take(len + 2) {
                n += 1;
                let location = match item {
                    Ok(c) => c.location,
                    Err(e) => {
                        assert!(!e.reason.is_empty());
                        e.location
                    }
                };
                assert!(location.offset <= len as u64, "{location:?} {len}");
                if let Some((offset, index)) = last {
                    assert!(location.offset >= offset, "{location:?}");
                    assert!(location.index >= index, "{location:?}");
                }
                last = Some((location.offset, location.index));
            }
            assert!(n <= len + 1, "{n} items from {len} bytes");
            assert!(items.next().is_none());
            assert!(items.next().is_none());
        }

        #[test]
        fn random_inputs_never_panic_and_always_end() {
            // The valid files are valid.
            let ok = |items: Vec<Item>| items.iter().all(Result::is_ok) && !items.is_empty();
            assert!(ok(JsonLinesReader::new(
                JSONL.as_bytes(),
                Limits::default()
            )
            .collect()));
            assert!(ok(
                HarReader::new(HAR.as_bytes(), Limits::default()).collect()
            ));
            assert_eq!(detect(JSONL.as_bytes()), Some(super::Format::JsonLines));
            assert_eq!(detect(HAR.as_bytes()), Some(super::Format::Har));

            let mut rng = Rng(0x5EED_C10D_516E);
            for _ in 0..2_000 {
                let data = input(&mut rng);
                let capacity = 1 + rng.below(16);
                let limits = limits(&mut rng);
                check(
                    data.len(),
                    JsonLinesReader::new(BufReader::with_capacity(capacity, &data[..]), limits),
                );
                check(
                    data.len(),
                    HarReader::new(BufReader::with_capacity(capacity, &data[..]), limits),
                );
                let _ = detect(&data);
                for cut in [1, 7, 64] {
                    let _ = detect(&data[..cut.min(data.len())]);
                }
            }
        }
    }
}
