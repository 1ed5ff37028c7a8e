//! Guessing a capture's format from its first bytes.

use std::fmt;
use std::str::FromStr;

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

/// Guesses the format of a capture from its first bytes (a few KiB are plenty).
///
/// Leading whitespace, a UTF-8 byte-order mark and `#` comment lines are skipped; then:
///
/// - the word `curl` is [`Format::Curl`];
/// - `{` is [`Format::JsonLines`] when its line is a complete JSON object with a top-level
///   `"method"` or `"url"` key, else [`Format::Har`] when the text contains `"log"`;
/// - an HTTP/1 request line (`TOKEN SP target SP HTTP/1.`) is [`Format::Http`];
/// - anything else is `None` (as is a JSON-lines record whose first line is longer than
///   `prefix`).
///
/// ```
/// use cloudsig_verify::capture::detect::{detect, Format};
///
/// assert_eq!(detect(b"# saved\nPOST / HTTP/1.1\r\nHost: h\r\n\r\n"), Some(Format::Http));
/// assert_eq!(detect(b"curl -X POST https://cvm.tencentcloudapi.com/"), Some(Format::Curl));
/// assert_eq!(detect(b"{\"method\":\"GET\",\"url\":\"/\"}\n"), Some(Format::JsonLines));
/// assert_eq!(detect(b"{\n  \"log\": {\n    \"version\": \"1.2\""), Some(Format::Har));
/// assert_eq!(detect(b"hello"), None);
/// ```
pub fn detect(prefix: &[u8]) -> Option<Format> {
    let mut rest = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    loop {
        let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        rest = rest.get(start..)?;
        if rest.first() != Some(&b'#') {
            break;
        }
        let end = rest.iter().position(|&b| b == b'\n')?;
        rest = rest.get(end..)?;
    }
    if let Some(after) = rest.strip_prefix(b"curl")
        && after.first().is_none_or(|b| b.is_ascii_whitespace())
    {
        return Some(Format::Curl);
    }
    if rest.first() == Some(&b'{') {
        return detect_json(rest);
    }
    if is_request_line(rest) {
        return Some(Format::Http);
    }
    None
}

fn detect_json(text: &[u8]) -> Option<Format> {
    if let Some(end) = text.iter().position(|&b| b == b'\n') {
        let line = text.get(..end).unwrap_or_default();
        if let Ok(object) =
            serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(line)
            && (object.contains_key("method") || object.contains_key("url"))
        {
            return Some(Format::JsonLines);
        }
    } else if let Ok(object) =
        serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(text)
        && (object.contains_key("method") || object.contains_key("url"))
    {
        // A single record without its final newline.
        return Some(Format::JsonLines);
    }
    text.windows(5)
        .any(|w| w == b"\"log\"")
        .then_some(Format::Har)
}

/// `TOKEN SP target SP HTTP/1.` at the start of `text`.
fn is_request_line(text: &[u8]) -> bool {
    let method_len = text
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)))
        .unwrap_or(text.len());
    if method_len == 0 {
        return false;
    }
    let Some(rest) = text.get(method_len..).and_then(|r| r.strip_prefix(b" ")) else {
        return false;
    };
    let target_len = rest
        .iter()
        .position(|&b| !b.is_ascii_graphic())
        .unwrap_or(rest.len());
    if target_len == 0 {
        return false;
    }
    rest.get(target_len..)
        .and_then(|r| r.strip_prefix(b" "))
        .is_some_and(|r| r.starts_with(b"HTTP/1."))
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
            &b""[..],
            b"   \n\t\r\n",
            b"# only a comment",
            b"# comment\n# comment\n",
            b"{\"a\": 1}\n",
            b"{\"method\":\"GET\",\"url\":\"/very/long",
            b"[{\"method\": \"GET\"}]",
            b"\xff\xfe\x00",
            b"hello world",
        ] {
            assert_eq!(detect(text), None, "{}", String::from_utf8_lossy(text));
        }
    }

    /// Random inputs and mutations of valid files: no reader or guess panics, every
    /// reader ends, yields at most one item per input byte (plus one), stays ended, and
    /// names locations in order inside the input.
    mod fuzz {
        use super::super::super::{Item, Limits, har::HarReader, jsonl::JsonLinesReader};
        use super::detect;
        use crate::capture::testutil::Rng;
        use std::io::BufReader;

        const JSONL: &str = concat!(
            "# capture\n",
            r#"{"method":"POST","url":"https://cvm.tencentcloudapi.com/?a=b","headers":[["Host","cvm.tencentcloudapi.com"],["Content-Type","application/json"]],"body":"{\"Limit\":1,\"x\":\"]}\\\\\"}"}"#,
            "\n\n",
            r#"{"id":2,"method":"GET","url":"/?Action=X","headers":{"Host":"h","X-A":"1"},"body_base64":"AP8="}"#,
            "\r\n",
            r#"{"method":"PUT","url":"http://h:8080/p","note":"n"}"#,
        );

        const HAR: &str = r#"{"log": {"version": "1.2", "creator": {"name": "x", "version": "1"},
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
