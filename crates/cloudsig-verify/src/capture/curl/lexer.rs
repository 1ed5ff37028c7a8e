//! The shell half of the curl reader: splits one command line into words as bash
//! would (see the [module docs](super) for the grammar), a byte at a time, holding at
//! most `max_head` bytes, and says where a quote left open swallowed the next command.
//!
//! # Why not `shell-words` or `shlex`
//!
//! Both crates split a whole `&str` at once with POSIX rules, and "Copy as cURL" output
//! is not POSIX-only. Run in a scratch project (shlex 2.0.1, shell-words 1.1.1):
//!
//! - bash's `$'…'` ANSI-C quoting, which Chrome and Firefox write for bodies with a
//!   newline or a quote: `--data-raw $'a\nb'` splits to `$a\nb` (a `$`, and the
//!   escape kept), and `--data-raw $'{"a":"x\ny\'"}'` (an escaped quote inside) to
//!   `None` / `Err(ParseError)`, where bash and this lexer give `a`, LF, `b` and
//!   `{"a":"x` LF `y'"}`;
//! - a continuation with blanks after the `\` (documentation copied with trailing
//!   spaces), `\ ` LF, or with CRLF line ends, `\` CR LF: both crates keep a word `" "`
//!   or `"\r"` where bash (and this lexer) continue the command;
//! - several commands in one file: a newline is just a blank to them, so two commands
//!   become one with a second `curl` argument, and a quote left open fails the whole
//!   input; here a command ends at its newline and a line starting
//!   `curl ` inside quotes starts the next one;
//! - shell operators: `curl URL | sh` splits to the words `|` and `sh`, which would read
//!   as a second URL; here an unquoted operator makes the command an error;
//! - neither gives byte positions or bounds the memory a command may take.
//!
//! The other flavours browsers offer are not bash, and neither crate reads them:
//! cmd's `^` escapes (`curl ^"https://a.example/?a=1^&b=2^"` splits to the URL
//! `^https://a.example/?a=1^&b=2^`) and PowerShell's backtick escapes and continuations
//! (`` ` `` LF becomes a word of its own). This lexer reads bash only and refuses both
//! rather than guessing: that cmd line is an error for its URL (`^https` is no http(s)
//! scheme), and an unquoted `` ` `` is an error as shell syntax.

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
pub(super) struct Lexer {
    state: State,
    words: Vec<Vec<u8>>,
    word: Vec<u8>,
    in_word: bool,
    /// The raw text of a `$'…'` being read (decoded at its closing quote).
    ansi: Vec<u8>,
    /// Offset and line of the command's first byte.
    pub(super) start: Option<(u64, u64)>,
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
    pub(super) resync: Option<((u64, u64), u64)>,
}

/// What starts a new command inside an unbalanced quote: `curl` and a blank at the
/// start of a line.
pub(super) const RESYNC: &[u8] = b"curl";

impl Lexer {
    pub(super) fn new(max: usize) -> Self {
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
    pub(super) fn feed(&mut self, b: u8, pos: (u64, u64)) -> bool {
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
    pub(super) fn finish_input(&mut self) {
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

    /// The command's arguments (the words after `curl`), or why the command cannot be
    /// used: a quote left open, longer than `max_head`, not a curl command, an unquoted
    /// shell operator.
    pub(super) fn into_args(self, max_head: usize) -> Result<std::vec::IntoIter<Vec<u8>>, String> {
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
        Ok(words)
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
