//! curl command lines: as printed by Tencent Cloud's documentation, by browsers'
//! "Copy as cURL" (bash flavour) and by `cloudsig sign --format curl`.
//!
//! The input is split into words as a POSIX shell (bash) would: single quotes,
//! double quotes (with `\` escaping `$`, `` ` ``, `"`, `\` and newline), backslash
//! escapes, bash's `$'…'` ANSI-C quoting, line continuations (`\` before LF or CRLF, also
//! with blanks between them, as in documentation copied with trailing spaces)
//! and `#` comments. A command ends at an unescaped newline outside quotes, so a file
//! may hold many commands. There is no expansion: `$VAR`, `` `cmd` ``, globs and `~`
//! stay as written, and unquoted shell operators (`|`, `;`, `&`, `<`, `>`, `(`, `)`,
//! `` ` ``) make the command an error rather than being guessed at.

use std::io::{self, BufRead};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode};

use super::{CaptureError, Captured, Item, Limits, Location};

/// What `curl_easy_escape` leaves alone: ALPHA, DIGIT and `-._~`.
const CURL_ESCAPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Longest option name shown in an error.
const MAX_SHOWN_OPTION: usize = 40;

/// Reads curl command lines from a [`BufRead`], one [`Item`] per command.
///
/// The first non-option argument (or `--url`) is the request target, kept as given
/// (absolute-form; a URL without a scheme gets curl's default `http://`). Headers come
/// from `-H`, `-A`, `-e` and `-b`; the body from `-d`/`--data`/`--data-ascii`,
/// `--data-raw`, `--data-binary`, `--data-urlencode` (several are joined with `&`, as
/// curl does) or `--json`; `-G` moves the data into the query. The method is `-X`'s,
/// else `HEAD` for `-I`, else `POST` when there is a body, else `GET`. When there is a
/// body and no `Content-Type` header, curl's default
/// `application/x-www-form-urlencoded` (`application/json` for `--json`) is added, and
/// without `-H Host` (given or removed) the `Host` curl sends is added as the first
/// header: the URL's authority without userinfo, and without the port if it is the
/// scheme's default. Userinfo (`user:password@`, which curl sends as Basic credentials)
/// is dropped from the target. No other header is invented.
///
/// A command that cannot be used (not a curl command, an unknown option, a file to
/// read, an unterminated quote, longer than [`Limits::max_head`] …) yields a
/// [`CaptureError`] and reading goes on with the next command. Inside quotes, a line
/// that starts with `curl` and a blank starts a new command: the quote was never
/// closed, and the error names the line it opened on (a quoted argument cannot hold
/// such a line). An I/O error yields one
/// last error and ends the iteration.
///
/// # Example
///
/// ```
/// use cloudsig_verify::capture::{Limits, curl::CurlReader};
///
/// let input = r#"
/// ## DescribeInstances, as in the API documentation
/// curl -X POST https://cvm.tencentcloudapi.com \
/// -H "Content-Type: application/json; charset=utf-8" \
/// -H "X-TC-Action: DescribeInstances" \
/// -d '{"Limit": 1}'
/// curl 'https://cvm.tencentcloudapi.com/?Action=DescribeRegions' --compressed
/// "#;
/// let mut commands = CurlReader::new(input.as_bytes(), Limits::default());
///
/// let first = commands.next().ok_or("no command")??;
/// assert_eq!(first.location.line, Some(3));
/// assert_eq!((first.method.as_str(), first.target.as_str()), ("POST", "https://cvm.tencentcloudapi.com"));
/// assert_eq!(first.host(), Some("cvm.tencentcloudapi.com"));
/// assert_eq!(first.header("x-tc-action"), Some("DescribeInstances"));
/// assert_eq!(first.body, br#"{"Limit": 1}"#);
///
/// let second = commands.next().ok_or("no command")??;
/// assert_eq!((second.method.as_str(), second.query()), ("GET", "Action=DescribeRegions"));
/// assert!(commands.next().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct CurlReader<R> {
    inner: R,
    limits: Limits,
    /// Offset of the next byte.
    offset: u64,
    /// 1-based line of the next byte.
    line: u64,
    /// Index of the next command.
    index: usize,
    done: bool,
    /// Where a command found inside an unbalanced quote starts: its `curl` and blank
    /// were read with the broken command and start the next one.
    carry: Option<(u64, u64)>,
}

impl<R: BufRead> CurlReader<R> {
    /// Reads commands from `reader`, holding at most `limits.max_head` bytes of one
    /// command at a time.
    pub fn new(reader: R, limits: Limits) -> Self {
        Self {
            inner: reader,
            limits,
            offset: 0,
            line: 1,
            index: 0,
            done: false,
            carry: None,
        }
    }

    /// Splits the next command into words; `None` at the end of the input.
    fn read_command(&mut self) -> io::Result<Option<Lexer>> {
        let mut lexer = Lexer::new(self.limits.max_head);
        if let Some((offset, line)) = self.carry.take() {
            for (i, &b) in RESYNC.iter().chain(b" ").enumerate() {
                lexer.feed(b, (offset.saturating_add(to_u64(i)), line));
            }
        }
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(buf) => buf,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if buf.is_empty() {
                lexer.finish_input();
                return Ok(lexer.start.is_some().then_some(lexer));
            }
            let mut used = buf.len();
            let mut ended = false;
            for (i, &b) in buf.iter().enumerate() {
                let offset = self.offset.saturating_add(to_u64(i));
                if lexer.feed(b, (offset, self.line)) {
                    if let Some((start, _)) = lexer.resync {
                        self.carry = Some(start);
                        used = i.saturating_add(1);
                        ended = true;
                    } else if lexer.start.is_some() {
                        used = i.saturating_add(1);
                        ended = true;
                    } else {
                        lexer = Lexer::new(self.limits.max_head);
                    }
                }
                if b == b'\n' {
                    self.line = self.line.saturating_add(1);
                }
                if ended {
                    break;
                }
            }
            self.inner.consume(used);
            self.offset = self.offset.saturating_add(to_u64(used));
            if ended {
                return Ok(Some(lexer));
            }
        }
    }
}

impl<R: BufRead> Iterator for CurlReader<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        let start = (self.offset, self.line);
        let item = match self.read_command() {
            Ok(Some(lexer)) => {
                let (offset, line) = lexer.start.unwrap_or(start);
                let location = Location {
                    index: self.index,
                    offset,
                    line: Some(line),
                };
                Some(
                    lexer
                        .into_request(self.limits.max_head)
                        .map(|request| request.into_captured(location))
                        .map_err(|reason| CaptureError { location, reason }),
                )
            }
            Ok(None) => None,
            Err(error) => {
                self.done = true;
                Some(Err(CaptureError {
                    location: Location {
                        index: self.index,
                        offset: start.0,
                        line: Some(start.1),
                    },
                    reason: format!("I/O error: {error}"),
                }))
            }
        };
        match item {
            Some(item) => {
                self.index = self.index.saturating_add(1);
                Some(item)
            }
            None => {
                self.done = true;
                None
            }
        }
    }
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Where the word splitter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Outside quotes (between or inside words).
    Normal,
    /// In a `#` comment, up to the newline.
    Comment,
    /// After an unquoted `\`.
    Escape,
    /// After an unquoted `\` and a CR (a continuation if LF follows).
    EscapeCr,
    /// After an unquoted `\` and a blank: a continuation if only blanks follow up to
    /// the newline (documentation copied with trailing spaces), else an escaped blank.
    EscapeBlank,
    /// As `EscapeBlank`, after a CR.
    EscapeBlankCr,
    Single,
    Double,
    /// After `\` inside double quotes.
    DoubleEscape,
    /// After `\` and CR inside double quotes.
    DoubleEscapeCr,
    /// After an unquoted `$`.
    Dollar,
    /// Inside `$'…'`.
    Ansi,
    /// After `\` inside `$'…'`.
    AnsiEscape,
}

/// Splits one command into words, a byte at a time, holding at most `max` bytes.
#[derive(Debug)]
struct Lexer {
    state: State,
    words: Vec<Vec<u8>>,
    word: Vec<u8>,
    in_word: bool,
    /// The raw text of a `$'…'` being read (decoded at its closing quote).
    ansi: Vec<u8>,
    /// Offset and line of the command's first byte.
    start: Option<(u64, u64)>,
    /// Bytes of the command so far.
    size: usize,
    max: usize,
    overflow: bool,
    /// The first unquoted shell operator seen.
    operator: Option<u8>,
    /// The input ended inside quotes.
    unterminated: bool,
    /// The blank after a `\` while deciding whether it starts a continuation.
    escaped_blank: u8,
    /// Whether more blanks followed it.
    blanks_after: bool,
    /// The quote character and line of the quote being read (or last opened).
    quote: (u8, u64),
    /// Inside quotes at the start of a line: how much of `curl` and a blank it starts
    /// with so far, and where its `c` is.
    resync_match: Option<(usize, (u64, u64))>,
    /// A line starting with `curl ` inside quotes ended the command there: where the
    /// line starts and the line the quote opened on.
    resync: Option<((u64, u64), u64)>,
}

/// What starts a new command inside an unbalanced quote: `curl` and a blank at the
/// start of a line.
const RESYNC: &[u8] = b"curl";

impl Lexer {
    fn new(max: usize) -> Self {
        Self {
            state: State::Normal,
            words: Vec::new(),
            word: Vec::new(),
            in_word: false,
            ansi: Vec::new(),
            start: None,
            size: 0,
            max,
            overflow: false,
            operator: None,
            unterminated: false,
            escaped_blank: b' ',
            blanks_after: false,
            quote: (b'\'', 0),
            resync_match: None,
            resync: None,
        }
    }

    /// Inside a quoted string (where a newline does not end the command).
    fn in_quote(&self) -> bool {
        matches!(
            self.state,
            State::Single
                | State::Double
                | State::DoubleEscape
                | State::DoubleEscapeCr
                | State::Ansi
                | State::AnsiEscape
        )
    }

    /// Follows a line inside quotes that may start a new command; true when it does
    /// (`curl` and a blank at its start): the quote was never closed.
    fn watch_resync(&mut self, b: u8, pos: (u64, u64)) -> bool {
        if !self.in_quote() {
            self.resync_match = None;
            return false;
        }
        self.resync_match = match self.resync_match {
            _ if b == b'\n' => Some((0, pos)),
            Some((k, start)) if RESYNC.get(k) == Some(&b) => {
                Some((k.saturating_add(1), if k == 0 { pos } else { start }))
            }
            Some((k, start)) if k == RESYNC.len() && matches!(b, b' ' | b'\t') => {
                self.resync = Some((start, self.quote.1));
                return true;
            }
            _ => None,
        };
        false
    }

    /// Takes one byte at `pos`; true when it is the newline that ends a command (or a
    /// blank or comment line, when `start` is still `None`).
    fn feed(&mut self, b: u8, pos: (u64, u64)) -> bool {
        let quoted = self.in_quote();
        let ended = self.feed_byte(b, pos);
        if !quoted && self.in_quote() {
            self.quote = (b, pos.1);
        }
        ended || self.watch_resync(b, pos)
    }

    fn feed_byte(&mut self, b: u8, pos: (u64, u64)) -> bool {
        if self.start.is_none()
            && self.state == State::Normal
            && !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'#')
        {
            self.start = Some(pos);
        }
        if self.start.is_some() {
            self.size = self.size.saturating_add(1);
            if self.size > self.max && !self.overflow {
                self.overflow = true;
                self.words = Vec::new();
                self.word = Vec::new();
                self.ansi = Vec::new();
            }
        }
        self.step(b)
    }

    fn step(&mut self, b: u8) -> bool {
        match self.state {
            State::Normal => return self.normal(b),
            State::Comment => {
                if b == b'\n' {
                    self.state = State::Normal;
                    return self.normal(b);
                }
            }
            State::Escape => match b {
                b'\n' => self.state = State::Normal,
                b'\r' => self.state = State::EscapeCr,
                b' ' | b'\t' => {
                    self.escaped_blank = b;
                    self.blanks_after = false;
                    self.state = State::EscapeBlank;
                }
                _ => {
                    self.push(b);
                    self.state = State::Normal;
                }
            },
            State::EscapeCr => {
                self.state = State::Normal;
                if b != b'\n' {
                    self.push(b'\r');
                    return self.normal(b);
                }
            }
            State::EscapeBlank => match b {
                b' ' | b'\t' => self.blanks_after = true,
                b'\n' => {
                    self.end_word();
                    self.state = State::Normal;
                }
                b'\r' => self.state = State::EscapeBlankCr,
                _ => {
                    self.push(self.escaped_blank);
                    if self.blanks_after {
                        self.end_word();
                    }
                    self.state = State::Normal;
                    return self.normal(b);
                }
            },
            State::EscapeBlankCr => {
                self.state = State::Normal;
                if b == b'\n' {
                    self.end_word();
                } else {
                    self.push(self.escaped_blank);
                    self.end_word();
                    return self.normal(b);
                }
            }
            State::Single => {
                if b == b'\'' {
                    self.state = State::Normal;
                } else {
                    self.push(b);
                }
            }
            State::Double => match b {
                b'"' => self.state = State::Normal,
                b'\\' => self.state = State::DoubleEscape,
                _ => self.push(b),
            },
            State::DoubleEscape => {
                self.state = State::Double;
                match b {
                    b'\n' => {}
                    b'\r' => self.state = State::DoubleEscapeCr,
                    b'$' | b'`' | b'"' | b'\\' => self.push(b),
                    _ => {
                        self.push(b'\\');
                        self.push(b);
                    }
                }
            }
            State::DoubleEscapeCr => {
                self.state = State::Double;
                if b != b'\n' {
                    self.push(b'\\');
                    self.push(b'\r');
                    return self.step(b);
                }
            }
            State::Dollar => match b {
                b'\'' => {
                    self.state = State::Ansi;
                    self.ansi.clear();
                }
                b'"' => self.state = State::Double,
                _ => {
                    self.push(b'$');
                    self.state = State::Normal;
                    return self.normal(b);
                }
            },
            State::Ansi => match b {
                b'\\' => {
                    self.push_ansi(b);
                    self.state = State::AnsiEscape;
                }
                b'\'' => {
                    if !self.overflow {
                        decode_ansi_c(&self.ansi, &mut self.word);
                    }
                    self.ansi = Vec::new();
                    self.state = State::Normal;
                }
                _ => self.push_ansi(b),
            },
            State::AnsiEscape => {
                self.push_ansi(b);
                self.state = State::Ansi;
            }
        }
        false
    }

    fn normal(&mut self, b: u8) -> bool {
        match b {
            b' ' | b'\t' | b'\r' => self.end_word(),
            b'\n' => {
                self.end_word();
                return true;
            }
            b'#' if !self.in_word => self.state = State::Comment,
            b'\'' => self.open(State::Single),
            b'"' => self.open(State::Double),
            b'\\' => self.state = State::Escape,
            b'$' => self.state = State::Dollar,
            b';' | b'|' | b'&' | b'<' | b'>' | b'(' | b')' | b'`' => {
                self.operator.get_or_insert(b);
                self.push(b);
            }
            _ => self.push(b),
        }
        false
    }

    /// Enters quotes: even an empty quoted string is a word.
    fn open(&mut self, state: State) {
        self.in_word = true;
        self.state = state;
    }

    fn push(&mut self, b: u8) {
        self.in_word = true;
        if !self.overflow {
            self.word.push(b);
        }
    }

    fn push_ansi(&mut self, b: u8) {
        self.in_word = true;
        if !self.overflow {
            self.ansi.push(b);
        }
    }

    fn end_word(&mut self) {
        if self.in_word {
            let word = std::mem::take(&mut self.word);
            if !self.overflow {
                self.words.push(word);
            }
            self.in_word = false;
        }
    }

    /// The input ended: finish the last word.
    fn finish_input(&mut self) {
        match self.state {
            State::Normal
            | State::Comment
            | State::Escape
            | State::EscapeBlank
            | State::EscapeBlankCr => {}
            State::EscapeCr => self.push(b'\r'),
            State::Dollar => self.push(b'$'),
            State::Single
            | State::Double
            | State::DoubleEscape
            | State::DoubleEscapeCr
            | State::Ansi
            | State::AnsiEscape => self.unterminated = true,
        }
        self.state = State::Normal;
        self.end_word();
    }

    /// The request the command's words describe.
    fn into_request(self, max_head: usize) -> Result<Built, String> {
        if let Some(((_, line), opened)) = self.resync {
            return Err(format!(
                "unterminated quote: the `{}` opened on line {opened} is still open at line {line}, \
                 which starts a new curl command; this command is skipped",
                char::from(self.quote.0)
            ));
        }
        if self.overflow {
            return Err(format!(
                "the command is longer than max_head ({max_head} bytes); skipped"
            ));
        }
        if self.unterminated {
            return Err(format!(
                "unterminated quote: the input ends inside the `{}` opened on line {}",
                char::from(self.quote.0),
                self.quote.1
            ));
        }
        let mut words = self.words.into_iter();
        let program = words.next().unwrap_or_default();
        if !is_curl(&program) {
            return Err("not a curl command (the first word is not `curl`)".to_owned());
        }
        if let Some(op) = self.operator {
            return Err(format!(
                "unsupported shell syntax: an unquoted `{}` (quote it)",
                char::from(op)
            ));
        }
        Request::from_args(words)
    }
}

/// `curl`, `curl.exe` or a path to either.
fn is_curl(word: &[u8]) -> bool {
    let name = word.rsplit(|&b| b == b'/').next().unwrap_or_default();
    name == b"curl" || name.eq_ignore_ascii_case(b"curl.exe")
}

/// Decodes the inside of bash's `$'…'`.
fn decode_ansi_c(raw: &[u8], out: &mut Vec<u8>) {
    let mut bytes = raw.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(e) = bytes.next() else {
            out.push(b'\\');
            break;
        };
        // Up to `max` digits in `radix` after `start`: the value, or None if there is none.
        let mut digits = |radix: u32, max: usize, start: Option<u32>| {
            let mut value = start.unwrap_or(0);
            let mut any = start.is_some();
            for _ in 0..max {
                match bytes.peek().and_then(|&d| char::from(d).to_digit(radix)) {
                    Some(d) => {
                        value = value.saturating_mul(radix).saturating_add(d);
                        any = true;
                        bytes.next();
                    }
                    None => break,
                }
            }
            any.then_some(value)
        };
        match e {
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'e' | b'E' => out.push(0x1b),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'\\' | b'\'' | b'"' | b'?' => out.push(e),
            b'0'..=b'7' => {
                let value = digits(8, 2, Some(u32::from(e - b'0'))).unwrap_or_default();
                out.push(u8::try_from(value & 0xff).unwrap_or_default());
            }
            b'x' => match digits(16, 2, None) {
                Some(v) => out.push(u8::try_from(v).unwrap_or_default()),
                None => out.extend_from_slice(b"\\x"),
            },
            b'u' | b'U' => {
                let max = if e == b'u' { 4 } else { 8 };
                match digits(16, max, None).and_then(char::from_u32) {
                    Some(c) => {
                        let mut utf8 = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                    }
                    None => {
                        out.push(b'\\');
                        out.push(e);
                    }
                }
            }
            b'c' => match bytes.next() {
                Some(c) => out.push(c & 0x1f),
                None => out.extend_from_slice(b"\\c"),
            },
            _ => {
                out.push(b'\\');
                out.push(e);
            }
        }
    }
}

/// How an option's data is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DataKind {
    /// `-d`, `--data`, `--data-ascii`: `@file` reads a file.
    Ascii,
    /// `--data-raw`: literal.
    Raw,
    /// `--data-binary`: `@file` reads a file.
    Binary,
    /// `--data-urlencode`.
    UrlEncode,
    /// `--json`: concatenated, JSON content type.
    Json,
}

/// What an option does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Url,
    Request,
    Header,
    Data(DataKind),
    Get,
    Head,
    Cookie,
    UserAgent,
    Referer,
    /// Makes the command unusable here, for the reason given.
    Refused(&'static str),
    /// Changes nothing in the request sent.
    Ignored,
}

/// A curl option: long name, short letter, whether it takes a value, what it does.
type Spec = (&'static str, Option<u8>, bool, Action);

const OPTIONS: &[Spec] = &[
    ("url", None, true, Action::Url),
    ("request", Some(b'X'), true, Action::Request),
    ("header", Some(b'H'), true, Action::Header),
    ("data", Some(b'd'), true, Action::Data(DataKind::Ascii)),
    ("data-ascii", None, true, Action::Data(DataKind::Ascii)),
    ("data-raw", None, true, Action::Data(DataKind::Raw)),
    ("data-binary", None, true, Action::Data(DataKind::Binary)),
    (
        "data-urlencode",
        None,
        true,
        Action::Data(DataKind::UrlEncode),
    ),
    ("json", None, true, Action::Data(DataKind::Json)),
    ("get", Some(b'G'), false, Action::Get),
    ("head", Some(b'I'), false, Action::Head),
    ("cookie", Some(b'b'), true, Action::Cookie),
    ("user-agent", Some(b'A'), true, Action::UserAgent),
    ("referer", Some(b'e'), true, Action::Referer),
    (
        "user",
        Some(b'u'),
        true,
        Action::Refused("-u/--user (basic authentication) is not supported"),
    ),
    (
        "form",
        Some(b'F'),
        true,
        Action::Refused("multipart forms (-F/--form) are not supported"),
    ),
    (
        "form-string",
        None,
        true,
        Action::Refused("multipart forms (--form-string) are not supported"),
    ),
    (
        "upload-file",
        Some(b'T'),
        true,
        Action::Refused("-T/--upload-file reads a file; not supported"),
    ),
    (
        "config",
        Some(b'K'),
        true,
        Action::Refused("-K/--config reads a file; not supported"),
    ),
    // Options that change nothing in the request, without a value …
    ("compressed", None, false, Action::Ignored),
    ("silent", Some(b's'), false, Action::Ignored),
    ("show-error", Some(b'S'), false, Action::Ignored),
    ("verbose", Some(b'v'), false, Action::Ignored),
    ("insecure", Some(b'k'), false, Action::Ignored),
    ("include", Some(b'i'), false, Action::Ignored),
    ("location", Some(b'L'), false, Action::Ignored),
    ("location-trusted", None, false, Action::Ignored),
    ("http1.0", Some(b'0'), false, Action::Ignored),
    ("http1.1", None, false, Action::Ignored),
    ("http2", None, false, Action::Ignored),
    ("http2-prior-knowledge", None, false, Action::Ignored),
    ("http3", None, false, Action::Ignored),
    ("fail", Some(b'f'), false, Action::Ignored),
    ("fail-with-body", None, false, Action::Ignored),
    ("no-buffer", Some(b'N'), false, Action::Ignored),
    ("globoff", Some(b'g'), false, Action::Ignored),
    ("path-as-is", None, false, Action::Ignored),
    ("progress-bar", Some(b'#'), false, Action::Ignored),
    ("no-progress-meter", None, false, Action::Ignored),
    ("ipv4", Some(b'4'), false, Action::Ignored),
    ("ipv6", Some(b'6'), false, Action::Ignored),
    ("tlsv1", Some(b'1'), false, Action::Ignored),
    ("tlsv1.0", None, false, Action::Ignored),
    ("tlsv1.1", None, false, Action::Ignored),
    ("tlsv1.2", None, false, Action::Ignored),
    ("tlsv1.3", None, false, Action::Ignored),
    ("raw", None, false, Action::Ignored),
    ("ssl-no-revoke", None, false, Action::Ignored),
    ("remote-name", Some(b'O'), false, Action::Ignored),
    ("remote-header-name", Some(b'J'), false, Action::Ignored),
    ("create-dirs", None, false, Action::Ignored),
    ("keepalive", None, false, Action::Ignored),
    ("tcp-nodelay", None, false, Action::Ignored),
    ("sessionid", None, false, Action::Ignored),
    ("alpn", None, false, Action::Ignored),
    ("retry-connrefused", None, false, Action::Ignored),
    ("retry-all-errors", None, false, Action::Ignored),
    ("disable", Some(b'q'), false, Action::Ignored),
    // … and with one.
    ("output", Some(b'o'), true, Action::Ignored),
    ("output-dir", None, true, Action::Ignored),
    ("max-time", Some(b'm'), true, Action::Ignored),
    ("connect-timeout", None, true, Action::Ignored),
    ("retry", None, true, Action::Ignored),
    ("retry-delay", None, true, Action::Ignored),
    ("retry-max-time", None, true, Action::Ignored),
    ("write-out", Some(b'w'), true, Action::Ignored),
    ("cacert", None, true, Action::Ignored),
    ("capath", None, true, Action::Ignored),
    ("cert", Some(b'E'), true, Action::Ignored),
    ("cert-type", None, true, Action::Ignored),
    ("key", None, true, Action::Ignored),
    ("key-type", None, true, Action::Ignored),
    ("ciphers", None, true, Action::Ignored),
    ("proxy", Some(b'x'), true, Action::Ignored),
    ("proxy-user", Some(b'U'), true, Action::Ignored),
    ("noproxy", None, true, Action::Ignored),
    ("resolve", None, true, Action::Ignored),
    ("connect-to", None, true, Action::Ignored),
    ("limit-rate", None, true, Action::Ignored),
    ("dump-header", Some(b'D'), true, Action::Ignored),
    ("cookie-jar", Some(b'c'), true, Action::Ignored),
    ("max-redirs", None, true, Action::Ignored),
    ("interface", None, true, Action::Ignored),
    ("local-port", None, true, Action::Ignored),
    ("trace", None, true, Action::Ignored),
    ("trace-ascii", None, true, Action::Ignored),
    ("stderr", None, true, Action::Ignored),
    ("speed-time", Some(b'y'), true, Action::Ignored),
    ("speed-limit", Some(b'Y'), true, Action::Ignored),
    ("dns-servers", None, true, Action::Ignored),
    ("keepalive-time", None, true, Action::Ignored),
    ("expect100-timeout", None, true, Action::Ignored),
];

fn long_option(name: &[u8]) -> Option<&'static Spec> {
    if let Some(spec) = OPTIONS.iter().find(|spec| spec.0.as_bytes() == name) {
        return Some(spec);
    }
    // `--no-X` switches off a boolean option X.
    let base = name.strip_prefix(b"no-")?;
    OPTIONS
        .iter()
        .find(|spec| spec.0.as_bytes() == base && !spec.2 && spec.3 == Action::Ignored)
}

fn short_option(letter: u8) -> Option<&'static Spec> {
    OPTIONS.iter().find(|spec| spec.1 == Some(letter))
}

/// An option as written, for an error; only when it is short, printable ASCII.
fn shown_option(dashes: &str, name: &[u8]) -> String {
    if name.len() <= MAX_SHOWN_OPTION && name.iter().all(|b| b.is_ascii_graphic()) {
        format!(" `{dashes}{}`", String::from_utf8_lossy(name))
    } else {
        String::new()
    }
}

/// What the options of one command say.
#[derive(Debug, Default)]
struct Request {
    url: Option<Vec<u8>>,
    method: Option<Vec<u8>>,
    headers: Vec<(String, String)>,
    /// Header names switched off with `-H 'Name:'`.
    removed: Vec<String>,
    data: Option<Vec<u8>>,
    json: bool,
    form: bool,
    get: bool,
    head: bool,
    cookies: Vec<Vec<u8>>,
    user_agent: Option<Vec<u8>>,
    referer: Option<Vec<u8>>,
}

/// A fully read request, without its location.
#[derive(Debug)]
struct Built {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Built {
    fn into_captured(self, location: Location) -> Captured {
        Captured {
            location,
            method: self.method,
            target: self.target,
            headers: self.headers,
            body: self.body,
        }
    }
}

impl Request {
    fn from_args(args: impl Iterator<Item = Vec<u8>>) -> Result<Built, String> {
        let mut request = Request::default();
        let mut args = args;
        let mut options_end = false;
        while let Some(arg) = args.next() {
            if !options_end && arg == b"--" {
                options_end = true;
            } else if !options_end && arg.len() > 2 && arg.starts_with(b"--") {
                let name = arg.get(2..).unwrap_or_default();
                let spec = long_option(name)
                    .ok_or_else(|| format!("unknown option{}", shown_option("--", name)))?;
                let shown = format!("--{}", spec.0);
                let value = if spec.2 {
                    Some(
                        args.next()
                            .ok_or_else(|| format!("option `{shown}` needs a value"))?,
                    )
                } else {
                    None
                };
                request.apply(spec.3, &shown, value)?;
            } else if !options_end && arg.len() > 1 && arg.starts_with(b"-") {
                let letters = arg.get(1..).unwrap_or_default();
                for (i, &letter) in letters.iter().enumerate() {
                    let spec = short_option(letter)
                        .ok_or_else(|| format!("unknown option{}", shown_option("-", &[letter])))?;
                    let shown = format!("-{}", char::from(letter));
                    if !spec.2 {
                        request.apply(spec.3, &shown, None)?;
                        continue;
                    }
                    let attached = letters.get(i.saturating_add(1)..).unwrap_or_default();
                    let value = if attached.is_empty() {
                        args.next()
                            .ok_or_else(|| format!("option `{shown}` needs a value"))?
                    } else {
                        attached.to_vec()
                    };
                    request.apply(spec.3, &shown, Some(value))?;
                    break;
                }
            } else {
                request.apply(Action::Url, "URL", Some(arg))?;
            }
        }
        request.build()
    }

    fn apply(
        &mut self,
        action: Action,
        option: &str,
        value: Option<Vec<u8>>,
    ) -> Result<(), String> {
        let value = value.unwrap_or_default();
        match action {
            Action::Url => {
                if self.url.is_some() {
                    return Err("several URLs in one command; not supported".to_owned());
                }
                self.url = Some(value);
            }
            Action::Request => self.method = Some(value),
            Action::Header => self.header(&value)?,
            Action::Data(kind) => self.data(kind, option, value)?,
            Action::Get => self.get = true,
            Action::Head => self.head = true,
            Action::Cookie => {
                if !value.contains(&b'=') {
                    return Err(format!(
                        "`{option}` without `=` reads cookies from a file; not supported"
                    ));
                }
                self.cookies.push(value);
            }
            Action::UserAgent => self.user_agent = Some(value),
            Action::Referer => {
                let mut value = value;
                if value.ends_with(b";auto") {
                    value.truncate(value.len().saturating_sub(5));
                }
                self.referer = Some(value);
            }
            Action::Refused(reason) => return Err(reason.to_owned()),
            Action::Ignored => {}
        }
        Ok(())
    }

    fn header(&mut self, raw: &[u8]) -> Result<(), String> {
        if raw.starts_with(b"@") {
            return Err("`-H @file` reads a file; not supported".to_owned());
        }
        if raw.starts_with(b":") {
            // An HTTP/2 pseudo-header (`:authority`): not a header of the request.
            return Ok(());
        }
        let (name, value) = match raw.iter().position(|&b| b == b':') {
            Some(colon) => (
                raw.get(..colon).unwrap_or_default(),
                Some(trim(raw.get(colon.saturating_add(1)..).unwrap_or_default())),
            ),
            None => match raw.strip_suffix(b";") {
                Some(name) => (trim(name), None),
                None => return Err("an -H header has no `:`".to_owned()),
            },
        };
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
            return Err("an -H header has an invalid name".to_owned());
        }
        let name = String::from_utf8_lossy(name).into_owned();
        let value = match value {
            Some([]) => {
                self.removed.push(name);
                return Ok(());
            }
            Some(value) => value,
            None => &[],
        };
        if value.iter().any(|&b| b == b'\r' || b == b'\n') {
            return Err(format!(
                "the value of header `{}` contains a line break",
                shown_name(&name)
            ));
        }
        // As the raw HTTP, HAR and JSON-lines readers: no control character but tab
        // (`$'…'` quoting can put any byte into an argument; no server accepts these).
        if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(format!(
                "the value of header `{}` contains a control character",
                shown_name(&name)
            ));
        }
        // As the raw HTTP reader: bytes that are not UTF-8 are obs-text, read as ISO-8859-1
        // (curl sends them as they are; see obs_text.rs).
        self.headers
            .push((name, super::obs_text::header_value(value)));
        Ok(())
    }

    fn data(&mut self, kind: DataKind, option: &str, value: Vec<u8>) -> Result<(), String> {
        let reads_file = || format!("`{option} @file` reads a file; not supported");
        let piece = match kind {
            DataKind::Ascii | DataKind::Binary | DataKind::Json => {
                if value.starts_with(b"@") {
                    return Err(reads_file());
                }
                value
            }
            DataKind::Raw => value,
            DataKind::UrlEncode => {
                let split = value
                    .iter()
                    .position(|&b| b == b'=')
                    .or_else(|| value.iter().position(|&b| b == b'@'));
                let (name, separator, content) = match split {
                    Some(at) => (
                        value.get(..at).unwrap_or_default(),
                        value.get(at).copied(),
                        value.get(at.saturating_add(1)..).unwrap_or_default(),
                    ),
                    None => (&[][..], None, value.as_slice()),
                };
                if separator == Some(b'@') {
                    return Err(format!(
                        "`{option} [name]@file` reads a file; not supported"
                    ));
                }
                let encoded = percent_encode(content, CURL_ESCAPE).to_string();
                let mut piece = Vec::with_capacity(name.len().saturating_add(1 + encoded.len()));
                if !name.is_empty() {
                    piece.extend_from_slice(name);
                    piece.push(b'=');
                }
                piece.extend_from_slice(encoded.as_bytes());
                piece
            }
        };
        let json = kind == DataKind::Json;
        if (json && self.form) || (!json && self.json) {
            return Err("mixing --json with other data options is not supported".to_owned());
        }
        self.json |= json;
        self.form |= !json;
        match &mut self.data {
            Some(data) => {
                if !json {
                    data.push(b'&');
                }
                data.extend_from_slice(&piece);
            }
            None => self.data = Some(piece),
        }
        Ok(())
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
            || self.removed.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    fn add_default(&mut self, name: &str, value: &[u8], what: &str) -> Result<(), String> {
        if value.is_empty() || self.has_header(name) {
            return Ok(());
        }
        let value = std::str::from_utf8(value)
            .map_err(|_| format!("the value of {what} is not valid UTF-8"))?;
        if value.contains(['\r', '\n']) {
            return Err(format!("the value of {what} contains a line break"));
        }
        self.headers.push((name.to_owned(), value.to_owned()));
        Ok(())
    }

    fn build(mut self) -> Result<Built, String> {
        let url = self.url.take().ok_or("no URL in the command")?;
        let url = String::from_utf8(url).map_err(|_| "the URL is not valid UTF-8".to_owned())?;
        if url.is_empty() || url.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err("the URL is empty or contains spaces or control characters".to_owned());
        }
        let mut target = match url.find("://") {
            None => format!("http://{url}"),
            Some(at) => {
                let scheme = url.get(..at).unwrap_or_default();
                if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
                    return Err("unsupported URL scheme (only http and https are)".to_owned());
                }
                // curl reads the scheme in any case; the target keeps it in lower case.
                format!(
                    "{}{}",
                    scheme.to_ascii_lowercase(),
                    url.get(at..).unwrap_or_default()
                )
            }
        };
        if let Some(plain) = super::without_userinfo(&target) {
            // curl sends userinfo as Basic credentials, never in the request.
            target = plain;
        }
        let mut body = Vec::new();
        let data = self.data.take();
        if let Some(data) = &data {
            if self.get {
                let query = std::str::from_utf8(data)
                    .map_err(|_| "data moved into the query by -G is not valid UTF-8".to_owned())?;
                if query.bytes().any(|b| b <= b' ' || b == 0x7f) {
                    return Err(
                        "data moved into the query by -G contains spaces or control characters"
                            .to_owned(),
                    );
                }
                let (base, fragment) = match target.find('#') {
                    Some(at) => target.split_at(at),
                    None => (target.as_str(), ""),
                };
                let separator = if base.contains('?') { '&' } else { '?' };
                target = format!("{base}{separator}{query}{fragment}");
            } else {
                body.clone_from(data);
            }
        }
        let method = match self.method.take() {
            Some(method) => {
                if method.is_empty() || !method.iter().all(|&b| is_tchar(b)) {
                    return Err("the method given with -X is not a valid token".to_owned());
                }
                String::from_utf8_lossy(&method).into_owned()
            }
            None if self.head => "HEAD".to_owned(),
            None if self.get || data.is_none() => "GET".to_owned(),
            None => "POST".to_owned(),
        };
        if let Some(agent) = self.user_agent.take() {
            self.add_default("User-Agent", &agent, "-A/--user-agent")?;
        }
        if let Some(referer) = self.referer.take() {
            self.add_default("Referer", &referer, "-e/--referer")?;
        }
        if !self.cookies.is_empty() {
            let cookies = self.cookies.join(&b"; "[..]);
            self.add_default("Cookie", &cookies, "-b/--cookie")?;
        }
        if data.is_some() && !self.get {
            if self.json {
                self.add_default("Accept", b"application/json", "--json")?;
                self.add_default("Content-Type", b"application/json", "--json")?;
            } else {
                self.add_default(
                    "Content-Type",
                    b"application/x-www-form-urlencoded",
                    "the data",
                )?;
            }
        }
        // The Host curl sends, unless -H gave one or removed it (`-H 'Host:'`).
        if !self.removed.iter().any(|n| n.eq_ignore_ascii_case("host")) {
            super::add_client_host(&target, &mut self.headers);
        }
        Ok(Built {
            method,
            target,
            headers: self.headers,
            body,
        })
    }
}

/// A header name as shown in an error (a token; not too long).
fn shown_name(name: &str) -> String {
    let mut out: String = name.chars().take(64).collect();
    if name.len() > out.len() {
        out.push('…');
    }
    out
}

/// RFC 9110's token characters: canonical's one definition.
use cloudsig_canonical::headers::is_tchar;

fn trim(bytes: &[u8]) -> &[u8] {
    let blank = |b: &u8| matches!(b, b' ' | b'\t');
    let start = bytes.iter().position(|b| !blank(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |i| i + 1);
    bytes.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::testutil::random_inputs;
    use std::io::{BufReader, Read};

    fn read_all(input: &str) -> Vec<Item> {
        CurlReader::new(input.as_bytes(), Limits::default()).collect()
    }

    /// Issue 16, A1: a header byte that is not UTF-8 is obs-text, read as ISO-8859-1
    /// (curl sends it as it is), like the raw HTTP reader.
    #[test]
    fn header_bytes_that_are_not_utf8_are_latin1() {
        let c = one("curl -H $'X-Custom: caf\\xe9' http://h/");
        assert!(
            c.headers
                .iter()
                .any(|(n, v)| n == "X-Custom" && v == "caf\u{e9}")
        );
        let c = one("curl -H $'X-Custom: caf\\xc3\\xa9' http://h/");
        assert!(
            c.headers
                .iter()
                .any(|(n, v)| n == "X-Custom" && v == "caf\u{e9}")
        );
    }

    fn one(input: &str) -> Captured {
        let mut items = read_all(input);
        assert_eq!(items.len(), 1, "{items:?}");
        match items.remove(0) {
            Ok(c) => c,
            Err(e) => panic!("expected a request, got {e}"),
        }
    }

    fn one_err(input: &str) -> String {
        let mut items = read_all(input);
        assert_eq!(items.len(), 1, "{items:?}");
        match items.remove(0) {
            Ok(c) => panic!("expected an error, got {c:?}"),
            Err(e) => e.reason,
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    const DOCS: &str = r#"curl -X POST https://cvm.tencentcloudapi.com \
-H "Authorization: TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2" \
-H "Content-Type: application/json; charset=utf-8" \
-H "Host: cvm.tencentcloudapi.com" \
-H "X-TC-Action: DescribeInstances" \
-H "X-TC-Timestamp: 1551113065" \
-H "X-TC-Version: 2017-03-12" \
-H "X-TC-Region: ap-guangzhou" \
-d '{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}'
"#;

    #[test]
    fn documentation_example() {
        let c = one(DOCS);
        assert_eq!(
            c.location,
            Location {
                index: 0,
                offset: 0,
                line: Some(1)
            }
        );
        assert_eq!(c.method, "POST");
        assert_eq!(c.target, "https://cvm.tencentcloudapi.com");
        assert_eq!(
            c.headers,
            headers(&[
                (
                    "Authorization",
                    "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2"
                ),
                ("Content-Type", "application/json; charset=utf-8"),
                ("Host", "cvm.tencentcloudapi.com"),
                ("X-TC-Action", "DescribeInstances"),
                ("X-TC-Timestamp", "1551113065"),
                ("X-TC-Version", "2017-03-12"),
                ("X-TC-Region", "ap-guangzhou"),
            ])
        );
        assert_eq!(
            c.body,
            br#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#
        );
        // The same with CRLF line ends (backslash-CRLF continuations).
        let crlf = DOCS.replace('\n', "\r\n");
        let d = one(&crlf);
        assert_eq!((d.headers, d.body), (c.headers, c.body));
    }

    #[test]
    fn cloudsig_sign_output_and_several_commands() {
        let input = "curl -X POST https://cvm.tencentcloudapi.com/ \\\n  -H 'Authorization: TC3-HMAC-SHA256 Credential=AKID/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=ab' \\\n  -H 'Content-Type: application/json' \\\n  -H 'Host: cvm.tencentcloudapi.com' \\\n  --data-raw '{\"Name\":\"it'\\''s\"}'\n\n# second\n   # indented comment\ncurl -X GET 'https://cvm.tencentcloudapi.com/?Action=DescribeRegions&Version=2017-03-12' \\\n  -H 'Host: cvm.tencentcloudapi.com'   # trailing comment\ncurl https://h/#not-a-comment\n";
        let items = read_all(input);
        assert_eq!(items.len(), 3);
        let a = items[0].as_ref().unwrap();
        assert_eq!(a.body, br#"{"Name":"it's"}"#);
        assert_eq!(a.header("content-type"), Some("application/json"));
        assert_eq!(a.headers.len(), 3);
        let b = items[1].as_ref().unwrap();
        let offset = input.find("curl -X GET").unwrap() as u64;
        assert_eq!(
            b.location,
            Location {
                index: 1,
                offset,
                line: Some(9)
            }
        );
        assert_eq!((b.method.as_str(), b.path()), ("GET", "/"));
        assert_eq!(b.query(), "Action=DescribeRegions&Version=2017-03-12");
        assert_eq!(b.headers, headers(&[("Host", "cvm.tencentcloudapi.com")]));
        let c = items[2].as_ref().unwrap();
        assert_eq!(c.location.line, Some(11));
        assert_eq!(c.target, "https://h/#not-a-comment");
    }

    /// Issue 11, items 7 and 8: without -H Host, the Host curl sends is added (the
    /// authority without userinfo, the port only if not the default); -H Host wins and
    /// -H 'Host:' (which removes it in curl) adds none; userinfo leaves the target.
    #[test]
    fn the_host_curl_sends_is_added_and_userinfo_dropped() {
        for (url, host, target) in [
            (
                "https://cvm.tencentcloudapi.com/",
                "cvm.tencentcloudapi.com",
                "https://cvm.tencentcloudapi.com/",
            ),
            ("https://h:443/?a=b", "h", "https://h:443/?a=b"),
            ("http://h:80", "h", "http://h:80"),
            ("https://h:80/", "h:80", "https://h:80/"),
            ("http://h:8080/p", "h:8080", "http://h:8080/p"),
            ("HTTPS://h/x", "h", "https://h/x"),
            (
                "h.example:9000/x",
                "h.example:9000",
                "http://h.example:9000/x",
            ),
            (
                "https://user:s3cretPW@cvm.tencentcloudapi.com/",
                "cvm.tencentcloudapi.com",
                "https://cvm.tencentcloudapi.com/",
            ),
            ("http://a@b@h:81/?x=@", "h:81", "http://h:81/?x=@"),
            ("http://[::1]:8080/", "[::1]:8080", "http://[::1]:8080/"),
            ("https://[::1]/", "[::1]", "https://[::1]/"),
        ] {
            let c = one(&format!("curl '{url}' -H 'X-A: 1'"));
            assert_eq!(c.headers, headers(&[("Host", host), ("X-A", "1")]), "{url}");
            assert_eq!(c.target, target, "{url}");
        }
        let c = one("curl https://user:pw@h/ -H 'host: other'");
        assert_eq!(c.headers, headers(&[("host", "other")]));
        assert_eq!(c.target, "https://h/");
        let c = one("curl https://h/ -H 'Host:'");
        assert!(c.headers.is_empty());
        let c = one("curl https://user:pw@/");
        assert!(c.headers.is_empty() && c.host().is_none());
    }

    /// Issue 11, item 12: an unbalanced quote is reported, naming the line it opened
    /// on, and reading starts again at the next line that starts with `curl `, instead
    /// of merging the commands that follow into it.
    #[test]
    fn an_unbalanced_quote_is_reported_and_reading_resynchronises() {
        let mut input = String::new();
        for i in 0..100 {
            if i == 10 {
                input.push_str("curl http://h/broken -d 'it's' \\\n  -H 'X-A: 1'\n");
            } else {
                input.push_str(&format!("curl 'http://h/{i}' -d 'x={i}'\n"));
            }
        }
        let items = read_all(&input);
        assert_eq!(items.len(), 100, "{items:?}");
        for (i, item) in items.iter().enumerate() {
            if i == 10 {
                let e = item.as_ref().unwrap_err();
                assert_eq!(e.location.line, Some(11));
                assert!(
                    e.reason
                        .contains("`'` opened on line 12 is still open at line 13"),
                    "{}",
                    e.reason
                );
            } else {
                let c = item.as_ref().unwrap();
                assert_eq!(c.target, format!("http://h/{i}"));
                assert_eq!(c.body, format!("x={i}").as_bytes());
                assert_eq!(c.location.index, i);
                let line = if i < 10 { i + 1 } else { i + 2 };
                assert_eq!(c.location.line, Some(line as u64), "{i}");
            }
        }
        // A quoted line that does not start with `curl ` stays in the quote.
        let c = one("curl http://h/ -d 'a\n curl b\ncurly\n'");
        assert_eq!(c.body, b"a\n curl b\ncurly\n");
    }

    #[test]
    fn quoting() {
        let c = one(
            r#"curl http://h/ -H 'X-Single: a "b" \n $c' -H "X-Double: a 'b' \"c\" \\ \$d \`e\` \n" -H X-Bare:\ a\'b\"c\\d"#,
        );
        assert_eq!(
            c.headers,
            headers(&[
                ("Host", "h"),
                ("X-Single", r#"a "b" \n $c"#),
                ("X-Double", r#"a 'b' "c" \ $d `e` \n"#),
                ("X-Bare", r#"a'b"c\d"#),
            ])
        );
        // Words glued from several quoted parts; empty quoted words; $ left alone.
        let c =
            one("curl http://h/ -d 'a'\"b\"c$'d'\\e -H X-Empty\\; -H 'X-Dollar: $HOME ${x}' -d ''");
        assert_eq!(c.body, b"abcde&");
        assert_eq!(
            c.headers,
            headers(&[
                ("Host", "h"),
                ("X-Empty", ""),
                ("X-Dollar", "$HOME ${x}"),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ])
        );
        // Bash's ANSI-C quoting.
        let c = one(
            r#"curl http://h/ --data-raw $'n\n r\r t\t bs\\ q\' dq\" x\x41\x7a u\u00e9\u4e2d U\U0001F600 o\101\0 c\cA e\e a\a ?\? z\z'"#,
        );
        assert_eq!(
            c.body,
            "n\n r\r t\t bs\\ q' dq\" xAz u\u{e9}\u{4e2d} U\u{1F600} o\u{41}\0 c\u{1} e\u{1b} a\u{7} ?? z\\z".as_bytes()
        );
        // Continuations inside words and double quotes, LF and CRLF.
        let c = one("curl http://h/ -d ab\\\ncd -d \"ef\\\r\ngh\" \\\r\n  -X PUT\r\n");
        assert_eq!(
            (c.method.as_str(), c.body.as_slice()),
            ("PUT", &b"abcd&efgh"[..])
        );
        // Newlines inside quotes do not end the command.
        let items = read_all("curl http://h/ -d 'line1\nline2'\ncurl http://g/\n");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap().body, b"line1\nline2");
        assert_eq!(items[1].as_ref().unwrap().location.line, Some(3));
        // Chrome's "Copy as cURL" with a binary body.
        let c = one(
            "curl 'https://h/api' \\\n  -H 'accept: */*' \\\n  -H 'content-type: application/octet-stream' \\\n  --data-raw $'\\x00\\xff\\u00e9' \\\n  --compressed",
        );
        assert_eq!(c.body, b"\x00\xff\xc3\xa9");
        assert_eq!(c.header("content-type"), Some("application/octet-stream"));
    }

    #[test]
    fn options() {
        let c = one(
            "curl --url http://h/x -XPATCH -H'X-A: 1' --header 'X-B:2' -sSLkiv --compressed --http1.1 --http2 -o out.txt --max-time 5 -m5 -e 'http://ref/;auto' -A 'agent/1' -b 'a=1; b=2' --cookie c=3 --no-keepalive -# -- ",
        );
        assert_eq!(c.method, "PATCH");
        assert_eq!(c.target, "http://h/x");
        assert_eq!(
            c.headers,
            headers(&[
                ("Host", "h"),
                ("X-A", "1"),
                ("X-B", "2"),
                ("User-Agent", "agent/1"),
                ("Referer", "http://ref/"),
                ("Cookie", "a=1; b=2; c=3"),
            ])
        );
        // -H wins over -A/-e/-b; `Name:` removes a default header.
        let c = one("curl http://h/ -A a -H 'user-agent: b' -d x=1 -H 'Content-Type:'");
        assert_eq!(c.headers, headers(&[("Host", "h"), ("user-agent", "b")]));
        assert_eq!(
            (c.method.as_str(), c.body.as_slice()),
            ("POST", &b"x=1"[..])
        );
        // Default methods and content type.
        let c = one("curl h.example/p");
        assert_eq!(
            (c.method.as_str(), c.target.as_str()),
            ("GET", "http://h.example/p")
        );
        assert!(
            c.headers == headers(&[("Host", "h.example")])
                && c.body.is_empty()
                && c.host() == Some("h.example")
        );
        let c =
            one("curl -d a=1 --data b=2 --data-ascii c=3 --data-raw @d --data-binary e http://h/");
        assert_eq!(c.body, b"a=1&b=2&c=3&@d&e");
        assert_eq!(
            c.headers,
            headers(&[
                ("Host", "h"),
                ("Content-Type", "application/x-www-form-urlencoded")
            ])
        );
        assert_eq!(c.method, "POST");
        let c = one("curl -H 'content-type: text/plain' -d x http://h/");
        assert_eq!(
            c.headers,
            headers(&[("Host", "h"), ("content-type", "text/plain")])
        );
        // --data-urlencode.
        assert_eq!(
            one("curl http://h/ --data-urlencode 'a b&c=d'").body,
            b"a b&c=d"
        );
        let c = one(
            "curl http://h/ --data-urlencode 'a b&c/d' --data-urlencode '=x y' --data-urlencode 'name=v/w é~._-' --data-urlencode 'n=a@b'",
        );
        assert_eq!(
            c.body,
            b"a%20b%26c%2Fd&x%20y&name=v%2Fw%20%C3%A9~._-&n=a%40b"
        );
        // -G moves the data into the query.
        let c = one("curl -G http://h/p?x=1#frag -d a=1 --data-urlencode 'b=c d'");
        assert_eq!(
            (c.method.as_str(), c.target.as_str()),
            ("GET", "http://h/p?x=1&a=1&b=c%20d#frag")
        );
        assert!(c.body.is_empty() && c.headers == headers(&[("Host", "h")]));
        let c = one("curl --get http://h/ -d a=1 -X POST");
        assert_eq!(
            (c.method.as_str(), c.target.as_str()),
            ("POST", "http://h/?a=1")
        );
        // -I, --json, `--` and a pseudo-header.
        assert_eq!(one("curl -I http://h/").method, "HEAD");
        let c = one("curl http://h/ --json '{\"a\":' --json '1}' -H ':authority: h'");
        assert_eq!(c.body, b"{\"a\":1}");
        assert_eq!(
            c.headers,
            headers(&[
                ("Host", "h"),
                ("Accept", "application/json"),
                ("Content-Type", "application/json")
            ])
        );
        let c = one("curl -sSLX PUT http://h/ -kd x");
        assert_eq!((c.method.as_str(), c.body.as_slice()), ("PUT", &b"x"[..]));
        let c = one("curl -X POST -- http://h/");
        assert_eq!(c.target, "http://h/");
        assert_eq!(
            one("curl -H 'X-Empty;' http://h/").header("x-empty"),
            Some("")
        );
    }

    #[test]
    fn option_errors() {
        for (input, reason) in [
            (
                "curl -d @body.json http://h/",
                "`-d @file` reads a file; not supported",
            ),
            (
                "curl --data @f http://h/",
                "`--data @file` reads a file; not supported",
            ),
            (
                "curl --data-binary @f http://h/",
                "`--data-binary @file` reads a file; not supported",
            ),
            (
                "curl --data-ascii @f http://h/",
                "`--data-ascii @file` reads a file; not supported",
            ),
            (
                "curl -d@f http://h/",
                "`-d @file` reads a file; not supported",
            ),
            (
                "curl --json @f http://h/",
                "`--json @file` reads a file; not supported",
            ),
            (
                "curl --data-urlencode @f http://h/",
                "`--data-urlencode [name]@file` reads a file; not supported",
            ),
            (
                "curl --data-urlencode n@f http://h/",
                "`--data-urlencode [name]@file` reads a file; not supported",
            ),
            (
                "curl -H @headers.txt http://h/",
                "`-H @file` reads a file; not supported",
            ),
            (
                "curl -b cookies.txt http://h/",
                "`-b` without `=` reads cookies from a file; not supported",
            ),
            (
                "curl -u user:secret http://h/",
                "-u/--user (basic authentication) is not supported",
            ),
            (
                "curl -F a=b http://h/",
                "multipart forms (-F/--form) are not supported",
            ),
            (
                "curl --frobnicate http://h/",
                "unknown option `--frobnicate`",
            ),
            ("curl --data=x http://h/", "unknown option `--data=x`"),
            ("curl -sZ http://h/", "unknown option `-Z`"),
            ("curl http://h/ -H", "option `-H` needs a value"),
            ("curl http://h/ --header", "option `--header` needs a value"),
            ("curl -X GET", "no URL in the command"),
            (
                "curl http://a/ http://b/",
                "several URLs in one command; not supported",
            ),
            (
                "curl ftp://h/",
                "unsupported URL scheme (only http and https are)",
            ),
            (
                "curl 'http://h/a b'",
                "the URL is empty or contains spaces or control characters",
            ),
            (
                "curl -X 'GE T' http://h/",
                "the method given with -X is not a valid token",
            ),
            ("curl -H 'NoColon' http://h/", "an -H header has no `:`"),
            (
                "curl -H 'Bad Name: x' http://h/",
                "an -H header has an invalid name",
            ),
            (
                "curl -H $'X-Split: a\\r\\nInjected: b' http://h/",
                "the value of header `X-Split` contains a line break",
            ),
            (
                "curl -H $'X-Bell: a\\ab' http://h/",
                "the value of header `X-Bell` contains a control character",
            ),
            (
                "curl -H $'X-Del: a\\x7f' http://h/",
                "the value of header `X-Del` contains a control character",
            ),
            (
                "curl --json 1 -d 2 http://h/",
                "mixing --json with other data options is not supported",
            ),
            (
                "curl http://h/ | jq .",
                "unsupported shell syntax: an unquoted `|` (quote it)",
            ),
            (
                "curl http://h/?a=1&b=2",
                "unsupported shell syntax: an unquoted `&` (quote it)",
            ),
            (
                "wget http://h/",
                "not a curl command (the first word is not `curl`)",
            ),
            (
                "$ curl http://h/",
                "not a curl command (the first word is not `curl`)",
            ),
            (
                "curl http://h/ -d 'open",
                "unterminated quote: the input ends inside the `'` opened on line 1",
            ),
            (
                "curl http://h/ -d $'open\\'",
                "unterminated quote: the input ends inside the `'` opened on line 1",
            ),
            (
                "curl http://h/ \\\n -d \"open\nstill open",
                "unterminated quote: the input ends inside the `\"` opened on line 2",
            ),
        ] {
            assert_eq!(one_err(input), reason, "{input}");
        }
        // Tab and non-ASCII text stay allowed in header values.
        let ok = read_all("curl -H $'X-Tab: a\\tb' -H 'X-Ok: \u{e9}' http://h/");
        let cap = ok[0].as_ref().unwrap();
        assert_eq!(cap.header("x-tab"), Some("a\tb"));
        assert_eq!(cap.header("x-ok"), Some("\u{e9}"));
        // Other curl spellings are fine.
        assert!(read_all("/usr/bin/curl http://h/\ncurl.exe http://h/")[1].is_ok());
        assert!(read_all("/usr/bin/curl http://h/")[0].is_ok());
        // Secrets never appear in errors.
        let reason = one_err("curl -u user:s3cr3t http://h/");
        assert!(!reason.contains("s3cr3t"));
    }

    #[test]
    fn errors_do_not_stop_reading() {
        let input = "curl --bogus http://h/\nnot a command at all\n\ncurl -d @secret.txt http://h/ \\\n -H 'X: y'\ncurl http://ok/\n";
        let items = read_all(input);
        assert_eq!(items.len(), 4, "{items:?}");
        assert_eq!(
            items[0].as_ref().unwrap_err().reason,
            "unknown option `--bogus`"
        );
        let e = items[1].as_ref().unwrap_err();
        assert_eq!(
            e.location,
            Location {
                index: 1,
                offset: 23,
                line: Some(2)
            }
        );
        let e = items[2].as_ref().unwrap_err();
        assert_eq!((e.location.index, e.location.line), (2, Some(4)));
        assert!(!e.reason.contains("secret"));
        let ok = items[3].as_ref().unwrap();
        assert_eq!(
            ok.location,
            Location {
                index: 3,
                offset: input.find("curl http://ok").unwrap() as u64,
                line: Some(6)
            }
        );
    }

    #[test]
    fn longer_than_max_head() {
        let limits = Limits {
            max_head: 64,
            ..Limits::default()
        };
        let long = format!(
            "curl http://h/ -d '{}\n'\ncurl http://next/\n",
            "x".repeat(200)
        );
        let items: Vec<_> = CurlReader::new(long.as_bytes(), limits).collect();
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].as_ref().unwrap_err().reason,
            "the command is longer than max_head (64 bytes); skipped"
        );
        let next = items[1].as_ref().unwrap();
        assert_eq!(
            (next.target.as_str(), next.location.line),
            ("http://next/", Some(3))
        );

        // 100 MB in one command, streamed past.
        struct Repeat(u64);
        impl Read for Repeat {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = (out.len() as u64).min(self.0) as usize;
                out[..n].fill(b'a');
                self.0 -= n as u64;
                Ok(n)
            }
        }
        let src = b"curl http://h/ -d "
            .chain(Repeat(100 * 1024 * 1024))
            .chain(&b"\ncurl http://next/"[..]);
        let items: Vec<_> = CurlReader::new(BufReader::new(src), Limits::default()).collect();
        assert_eq!(items.len(), 2);
        assert!(items[0].is_err());
        assert_eq!(items[1].as_ref().unwrap().location.line, Some(2));
    }

    #[test]
    fn io_error_ends_iteration() {
        struct Failing(&'static [u8]);
        impl Read for Failing {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() {
                    return Err(io::Error::other("disk on fire"));
                }
                let n = self.0.len().min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let items: Vec<_> = CurlReader::new(
            BufReader::new(Failing(b"curl http://a/\ncurl http://b/")),
            Limits::default(),
        )
        .collect();
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        let e = items[1].as_ref().unwrap_err();
        assert_eq!(
            (e.location.index, e.reason.as_str()),
            (1, "I/O error: disk on fire")
        );
        assert!(read_all("").is_empty());
        assert!(read_all("\n  \n# only a comment\n\r\n").is_empty());
    }

    const PIECES: &[&[u8]] = &[
        b"curl ",
        b"-H ",
        b"-d ",
        b"-G ",
        b"-X ",
        b"--data-urlencode ",
        b"--json ",
        b"-b ",
        b"http://h/",
        b"'",
        b"\"",
        b"$'",
        b"$",
        b"\\",
        b"\\x4",
        b"\\u00e",
        b"\\c",
        b"\n",
        b"\r\n",
        b"#",
        b" ",
        b"a=b",
        b"X: y",
        b"@",
        b"--",
        b"-",
        b"|",
        b"\xff",
        b"\x00",
    ];

    #[test]
    fn random_inputs_never_panic() {
        let small = Limits {
            max_head: 48,
            max_body: 16,
            max_record: 64,
        };
        for input in random_inputs(0x2545_f491_4f6c_dd1d, PIECES, DOCS.as_bytes(), 2000) {
            for limits in [small, Limits::default()] {
                let mut count = 0;
                for _ in CurlReader::new(&input[..], limits) {
                    count += 1;
                    assert!(count <= input.len() + 1, "runaway on {input:?}");
                }
            }
        }
    }
}

#[cfg(test)]
mod continuation_tests {
    use super::*;

    fn words(input: &str) -> Vec<Item> {
        CurlReader::new(input.as_bytes(), Limits::default()).collect()
    }

    #[test]
    fn backslash_then_blanks_then_newline_continues_the_command() {
        // The seed's example, as extracted from the documentation, has a space after `\`.
        let input = "curl -X POST https://cvm.tencentcloudapi.com \\ \n-H \"Host: cvm.tencentcloudapi.com\" \\  \t\r\n-d '{}'\n";
        let items = words(input);
        assert_eq!(items.len(), 1, "{items:?}");
        let cap = items[0].as_ref().unwrap();
        assert_eq!(cap.method, "POST");
        assert_eq!(cap.header("host"), Some("cvm.tencentcloudapi.com"));
        assert_eq!(cap.body, b"{}");
    }

    #[test]
    fn an_escaped_blank_inside_a_word_is_kept() {
        let items = words("curl -H X-A:\\ b\\  -H X-B:c https://h/\n");
        let cap = items[0].as_ref().unwrap();
        assert_eq!(cap.header("x-a"), Some("b"));
        assert_eq!(cap.header("x-b"), Some("c"));
        let items = words("curl -H 'X-A: a'\\ x https://h/\n");
        assert!(items[0].is_err() || items[0].as_ref().unwrap().header("x-a") == Some("a x"));
    }
}
