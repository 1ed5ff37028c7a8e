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
//!
//! Two halves: `curl/lexer.rs` splits a command into words (with why it is not the
//! `shell-words` or `shlex` crate), `curl/options.rs` reads curl's options from them.

use std::io::{self, BufRead};

use super::{CaptureError, Item, Limits, Location};

mod lexer;
mod options;

use lexer::{Lexer, RESYNC};
use options::Request;

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
                        .into_args(self.limits.max_head)
                        .and_then(Request::from_args)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Captured;
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

    /// The inputs `lexer.rs` names as the reason it is not `shell-words` or `shlex`
    /// (which split them as its docs say); the expected words are bash's
    /// (`printf '%s|' $'a\nb'` …).
    #[test]
    fn what_shell_words_and_shlex_read_otherwise() {
        let c = one(r#"curl http://h/ --data-raw $'{"a":"x\ny\'"}'"#);
        assert_eq!(c.body, b"{\"a\":\"x\ny'\"}");
        let c = one("curl http://h/ --data-raw $'a\\nb'");
        assert_eq!(c.body, b"a\nb");
        // `\` and blanks before the newline, and `\` CR LF: continuations.
        let c = one("curl http://h/ \\ \n -H 'X-A: 1' \\\r\n -H 'X-B: 2'");
        assert_eq!(
            c.headers,
            headers(&[("Host", "h"), ("X-A", "1"), ("X-B", "2")])
        );
        // Two commands, two requests.
        let items = read_all("curl http://a/\ncurl http://b/\n");
        assert_eq!(items.len(), 2);
        // An unquoted operator is an error, not a second URL.
        assert!(one_err("curl http://a/ | sh").contains("unquoted `|`"));
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
