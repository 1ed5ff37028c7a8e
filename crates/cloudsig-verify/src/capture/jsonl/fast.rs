//! A hand-written parser for the common shape of a JSON-lines record.
//!
//! serde_json's derive path took about a quarter of the time of verifying a request:
//! a generic visitor per field, a `Cow` per string and an owned `String` for every
//! string that holds an escape (every JSON body does). This parser reads the record's
//! fixed shape directly: strings without escapes are borrowed from the line, strings
//! with escapes are unescaped into one scratch buffer reused from record to record.
//!
//! It accepts only records it fully understands and that serde_json reads the same
//! way; for anything else (a syntax error, a duplicate key, an escaped key, a lone
//! surrogate, a nested value in an ignored field, a number it does not check, …) it
//! returns `None` and the caller parses the line with serde_json, so behaviour
//! (values and error messages) stays that of the serde path. The test
//! `fast_parser_agrees_with_serde` holds the two to the same results.

/// Where a string's text is: a range of the line (no escapes) or of the scratch
/// buffer (unescaped). Two `u32`s, so that a span and a pair of them travel in
/// registers: the fast parser takes only lines shorter than [`MAX_LINE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    /// The start, with [`SCRATCH`] set for a range of the scratch buffer.
    start: u32,
    end: u32,
}

/// The flag of `Span::start` for a range of the scratch buffer.
const SCRATCH: u32 = 1 << 31;

/// Lines this long or longer go to serde_json (their offsets need more than 31 bits;
/// unescaping never makes a string longer).
pub(super) const MAX_LINE: usize = 1 << 31;

impl Span {
    fn line(start: usize, end: usize) -> Self {
        // Offsets within a line shorter than MAX_LINE fit in 31 bits.
        Self {
            start: start as u32,
            end: end as u32,
        }
    }

    fn scratch(start: usize, end: usize) -> Self {
        Self {
            start: start as u32 | SCRATCH,
            end: end as u32,
        }
    }

    /// Whether the text is in the line as written (no escapes).
    pub(super) fn is_borrowed(self) -> bool {
        self.start & SCRATCH == 0
    }

    /// The text of the span. Spans are made at character boundaries of valid UTF-8, so
    /// `get` fails only if line or scratch are not those the span was made from.
    ///
    /// Inlined, with the rare unescaped text out of line: a record's 17 or so spans
    /// each paid a call, its frame and the flag's branch (556 instructions a
    /// `make-jsonl` record in all; benches/results/s27-verify.md).
    #[inline(always)]
    pub(super) fn text<'a>(self, line: &'a str, scratch: &'a [u8]) -> &'a str {
        if self.is_borrowed() {
            line.get(self.start as usize..self.end as usize)
                .unwrap_or_default()
        } else {
            self.unescaped(scratch)
        }
    }

    /// [`Self::text`] of a span of the scratch buffer.
    #[inline(never)]
    fn unescaped(self, scratch: &[u8]) -> &str {
        let (a, b) = ((self.start & !SCRATCH) as usize, self.end as usize);
        // Unescaping yields UTF-8 (copied runs of the line cut at ASCII bytes, and
        // encoded characters); checked again rather than assumed, without `unsafe`.
        scratch
            .get(a..b)
            .and_then(|s| std::str::from_utf8(s).ok())
            .unwrap_or_default()
    }
}

/// The fields of one record, as spans; headers go to the caller's vector.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fields {
    /// Set when every header name was read as an HTTP token (no escape, at least one
    /// character, each a `tchar`), so that the caller need not check them again.
    pub(super) names_are_tokens: bool,
    /// Set when every header value was borrowed from a line with no control character
    /// and no DEL, so that the values cannot hold either and the caller need not check
    /// them again (only [`compact`] sets it).
    pub(super) values_are_clean: bool,
    pub(super) method: Option<Span>,
    pub(super) url: Option<Span>,
    pub(super) body: Option<Span>,
    pub(super) body_base64: Option<Span>,
}

/// Parses `line` (valid UTF-8). On success the headers are in `headers` (cleared
/// first) and escaped strings in `scratch` (cleared first). `None`: not handled here,
/// parse with serde_json.
pub(super) fn parse(
    line: &str,
    scratch: &mut Vec<u8>,
    headers: &mut Vec<(Span, Span)>,
) -> Option<Fields> {
    scratch.clear();
    headers.clear();
    if line.len() >= MAX_LINE {
        return None;
    }
    if let Some(fields) = compact(line, scratch, headers) {
        return Some(fields);
    }
    scratch.clear();
    headers.clear();
    general(line, scratch, headers)
}

/// [`parse`]'s general loop: any key order, whitespace, `null`s and ignored keys.
/// `scratch` and `headers` come empty.
pub(super) fn general(
    line: &str,
    scratch: &mut Vec<u8>,
    headers: &mut Vec<(Span, Span)>,
) -> Option<Fields> {
    let mut p = Parser {
        b: line.as_bytes(),
        i: 0,
        scratch,
    };
    let mut fields = Fields::default();
    // Keys seen so far (a `null` value leaves its field empty, so the field alone
    // does not tell a second occurrence).
    let mut seen = 0u8;
    p.ws();
    p.eat(b'{')?;
    p.ws();
    if p.peek() == Some(b'}') {
        p.i += 1;
    } else {
        loop {
            let key = p.key()?;
            p.ws();
            p.eat(b':')?;
            p.ws();
            let bit = 1u8 << (key as u8);
            if key != Key::Other {
                // A key given twice is serde's error to report.
                if seen & bit != 0 {
                    return None;
                }
                seen |= bit;
            }
            match key {
                Key::Method => fields.method = p.opt_string()?,
                Key::Url => fields.url = p.opt_string()?,
                Key::Body => fields.body = p.opt_string()?,
                Key::BodyBase64 => fields.body_base64 = p.opt_string()?,
                Key::Headers => p.headers(headers)?,
                Key::Other => p.skip_value()?,
            }
            p.ws();
            match p.next()? {
                b',' => p.ws(),
                b'}' => break,
                _ => return None,
            }
        }
    }
    p.ws();
    (p.i == p.b.len()).then_some(fields)
}

/// A record in the shape [`super::write_record`] writes, which machine-made captures
/// share: `{"method":…,"url":…,"headers":[[…,…],…]}` with a `"body"` or `"body_base64"`
/// before the `}`, no whitespace, no other key. Read with literal matches for the keys
/// and punctuation, without the general loop's whitespace skipping and key lookup
/// (which took about a third of this parser's time on such records); anything else is
/// left to [`parse`]'s general loop. `line` is shorter than [`MAX_LINE`]; `scratch` and
/// `headers` come empty and may be left dirty on `None`.
pub(super) fn compact(
    line: &str,
    scratch: &mut Vec<u8>,
    headers: &mut Vec<(Span, Span)>,
) -> Option<Fields> {
    // One pass over the whole line first: a record in this shape has no whitespace
    // outside its strings and JSON allows no raw control character inside them, so a
    // line with one goes to the general loop, and the strings below need only look for
    // their closing quote or a backslash.
    let (control, del) = control_and_del(line.as_bytes());
    if control {
        return None;
    }
    let mut p = Parser {
        b: line.as_bytes(),
        i: 0,
        scratch,
    };
    p.literal(b"{\"method\":")?;
    let method = p.clean_string()?;
    p.literal(b",\"url\":")?;
    let url = p.clean_string()?;
    p.literal(b",\"headers\":[")?;
    let mut names_are_tokens = true;
    let mut values_are_clean = !del;
    if p.peek() == Some(b']') {
        p.i += 1;
    } else {
        loop {
            p.eat(b'[')?;
            let name = match p.token() {
                Some(name) => name,
                None => {
                    names_are_tokens = false;
                    p.clean_string()?
                }
            };
            p.eat(b',')?;
            let value = p.clean_string()?;
            values_are_clean &= value.is_borrowed();
            p.eat(b']')?;
            headers.push((name, value));
            match p.next()? {
                b',' => {}
                b']' => break,
                _ => return None,
            }
        }
    }
    let mut fields = Fields {
        names_are_tokens,
        values_are_clean,
        method: Some(method),
        url: Some(url),
        ..Fields::default()
    };
    if p.literal(b",\"body\":").is_some() {
        fields.body = Some(p.clean_string()?);
    } else if p.literal(b",\"body_base64\":").is_some() {
        fields.body_base64 = Some(p.clean_string()?);
    }
    p.eat(b'}')?;
    (p.i == p.b.len()).then_some(fields)
}

struct Parser<'a, 's> {
    b: &'a [u8],
    i: usize,
    scratch: &'s mut Vec<u8>,
}

/// The keys of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Method,
    Url,
    Headers,
    Body,
    BodyBase64,
    /// Any other key: its value is ignored.
    Other,
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    /// JSON whitespace (not form feed or vertical tab, which serde_json refuses).
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// An object key: a string without escapes (an escaped key goes to serde_json).
    fn key(&mut self) -> Option<Key> {
        let span = self.string()?;
        if !span.is_borrowed() {
            return None;
        }
        let (a, b) = (span.start as usize, span.end as usize);
        Some(match self.b.get(a..b)? {
            b"method" => Key::Method,
            b"url" => Key::Url,
            b"headers" => Key::Headers,
            b"body" => Key::Body,
            b"body_base64" => Key::BodyBase64,
            _ => Key::Other,
        })
    }

    /// A string or `null`.
    fn opt_string(&mut self) -> Option<Option<Span>> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            return Some(None);
        }
        self.string().map(Some)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        if self.b.get(self.i..end)? != word {
            return None;
        }
        self.i = end;
        Some(())
    }

    /// `"…"` holding an HTTP token: one or more `tchar`s and the closing quote, read in
    /// one pass that also checks them (neither `"` nor `\\` is a `tchar`). `None`, with
    /// nothing consumed, for anything else, which [`Self::string`] then reads.
    fn token(&mut self) -> Option<Span> {
        let b = self.b;
        if b.get(self.i) != Some(&b'"') {
            return None;
        }
        let start = self.i + 1;
        // One bound for the whole run (a slice iterator) rather than one a byte.
        let rest = b.get(start..).unwrap_or_default();
        let len = rest
            .iter()
            .position(|&c| !super::super::json::is_tchar(c))
            .unwrap_or(rest.len());
        let end = start + len;
        if len == 0 || b.get(end) != Some(&b'"') {
            return None;
        }
        self.i = end + 1;
        Some(Span::line(start, end))
    }

    /// `"…"`: borrowed when it has no escape, else unescaped into the scratch text.
    fn string(&mut self) -> Option<Span> {
        self.eat(b'"')?;
        let start = self.i;
        self.i = scan(self.b, start);
        self.string_from(start)
    }

    /// [`Self::string`] in a line known to hold no control character: the end of the
    /// plain run is the first `"` or `\\`, found by `memchr2` (SIMD, 32 bytes a step)
    /// instead of [`scan`]'s eight bytes a step with three tests each. Callgrind,
    /// 20,000 `make-jsonl` records, `--threads 1 --no-api-check`: see benches/README.md,
    /// session 25.
    fn clean_string(&mut self) -> Option<Span> {
        self.eat(b'"')?;
        let start = self.i;
        let rest = self.b.get(start..).unwrap_or_default();
        self.i = memchr::memchr2(b'"', b'\\', rest).map_or(self.b.len(), |k| start + k);
        self.string_from(start)
    }

    /// The rest of a string whose plain run from `start` ends at `self.i` (the line's
    /// end, or a `"`, `\\` or control character).
    fn string_from(&mut self, start: usize) -> Option<Span> {
        if self.next()? == b'"' {
            return Some(Span::line(start, self.i - 1));
        }
        if self.b.get(self.i - 1) != Some(&b'\\') {
            return None;
        }
        // An escape: copy what came before it, then unescape the rest: each escape,
        // then the run of plain text up to the next one, found and copied eight bytes
        // at a time. (Unescaping byte by byte took fewer instructions but more time:
        // perf put this function at 12.6% of verifying instead of 8.7%.) The text
        // goes to a vector of this function's own, put back after, so that its length
        // and capacity can stay in registers.
        let mut out = std::mem::take(self.scratch);
        let from = out.len();
        out.extend_from_slice(self.b.get(start..self.i - 1).unwrap_or_default());
        let end = self.unescape(&mut out);
        let span = end.map(|()| Span::scratch(from, out.len()));
        *self.scratch = out;
        span
    }

    /// The rest of a string from just after its first backslash, unescaped onto `out`.
    fn unescape(&mut self, out: &mut Vec<u8>) -> Option<()> {
        loop {
            // Just after a backslash.
            match self.next()? {
                b'"' => out.push(b'"'),
                b'\\' => out.push(b'\\'),
                b'/' => out.push(b'/'),
                b'b' => out.push(8),
                b'f' => out.push(12),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b't' => out.push(b'\t'),
                b'u' => {
                    let c = self.unicode_escape()?;
                    let mut utf8 = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                }
                _ => return None,
            }
            self.i = copy_plain(self.b, self.i, out);
            match self.next()? {
                b'"' => return Some(()),
                b'\\' => {}
                _ => return None,
            }
        }
    }

    /// The four hex digits after `\u` (and a low surrogate's `\uXXXX` after a high
    /// one). A lone surrogate is left to serde_json.
    fn unicode_escape(&mut self) -> Option<char> {
        let hi = self.hex4()?;
        match hi {
            0xD800..=0xDBFF => {
                self.literal(b"\\u")?;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return None;
                }
                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
            }
            0xDC00..=0xDFFF => None,
            _ => char::from_u32(hi),
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = char::from(self.next()?).to_digit(16)?;
            v = (v << 4) | d;
        }
        Some(v)
    }

    /// `null`, an array of `[name, value]` string pairs, or an object of string values.
    fn headers(&mut self, out: &mut Vec<(Span, Span)>) -> Option<()> {
        match self.next()? {
            b'n' => {
                self.i -= 1;
                self.literal(b"null")
            }
            b'[' => {
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.eat(b'[')?;
                    self.ws();
                    let name = self.string()?;
                    self.ws();
                    self.eat(b',')?;
                    self.ws();
                    let value = self.string()?;
                    self.ws();
                    self.eat(b']')?;
                    out.push((name, value));
                    self.ws();
                    match self.next()? {
                        b',' => self.ws(),
                        b']' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    let name = self.string()?;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    let value = self.string()?;
                    out.push((name, value));
                    self.ws();
                    match self.next()? {
                        b',' => self.ws(),
                        b'}' => return Some(()),
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    /// The value of an ignored key: a string, `null`, `true`, `false` or a plain
    /// number. Arrays, objects and anything unusual go to serde_json.
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                let mark = self.scratch.len();
                self.string()?;
                self.scratch.truncate(mark);
                Some(())
            }
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, at most 15 digits in each part
    /// (longer ones are serde_json's to judge).
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits()?,
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.digits()?;
        }
        Some(())
    }

    /// One to fifteen digits.
    fn digits(&mut self) -> Option<()> {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        (1..=15).contains(&(self.i - start)).then_some(())
    }
}

/// The index of the first byte at or after `i` that ends a plain run of string text:
/// `"`, `\\` or a control character (which JSON does not allow raw); `b.len()` if none.
/// Eight bytes at a time: in each word, the lowest byte flagged by the classic
/// has-zero-byte tests is a true match (a false flag can only follow a true one).
fn scan(b: &[u8], mut i: usize) -> usize {
    while let Some(word) = word_at(b, i) {
        let found = stops(word);
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < b' ' {
            break;
        }
        i += 1;
    }
    i
}

/// Whether `b` holds a control character (below 0x20) and whether it holds DEL. One
/// branch-free pass that LLVM turns into SIMD compares (no early exit: lines are short
/// and almost never hold either).
fn control_and_del(b: &[u8]) -> (bool, bool) {
    let (mut control, mut del) = (false, false);
    for &c in b {
        control |= c < 0x20;
        del |= c == 0x7f;
    }
    (control, del)
}

/// [`scan`] that also appends the bytes it passes over to `out`. Each word goes on
/// whole, a fixed-size copy, and what follows the stop in it is taken off again: the
/// runs between a body's escapes are short, and a `memcpy` call for each cost more.
fn copy_plain(b: &[u8], mut i: usize, out: &mut Vec<u8>) -> usize {
    while let Some(word) = word_at(b, i) {
        let found = stops(word);
        out.extend_from_slice(&word);
        if found != 0 {
            let keep = (found.trailing_zeros() / 8) as usize;
            out.truncate(out.len() - (8 - keep));
            return i + keep;
        }
        i += 8;
    }
    let end = scan(b, i);
    out.extend_from_slice(b.get(i..end).unwrap_or_default());
    end
}

/// The eight bytes at `i`, if there are eight.
#[inline(always)]
fn word_at(b: &[u8], i: usize) -> Option<[u8; 8]> {
    b.get(i..i.saturating_add(8))
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
}

/// The high bit of each byte of `word` that may end a plain run, and of all the bytes
/// from the first that does (which is always a true one).
#[inline(always)]
fn stops(word: [u8; 8]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = u64::from_le_bytes(word);
    let quote = x ^ (ONES * u64::from(b'"'));
    let backslash = x ^ (ONES * u64::from(b'\\'));
    ((quote.wrapping_sub(ONES) & !quote)
        | (backslash.wrapping_sub(ONES) & !backslash)
        | (x.wrapping_sub(ONES * 0x20) & !x))
        & HIGH
}
