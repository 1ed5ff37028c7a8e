//! The curl half of the curl reader: what curl's options (the words after `curl`) say
//! about the request it sends: method, target, headers and body, with curl's defaults
//! (see [`super::CurlReader`] for which options are read and which refused).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode};

use super::super::{Captured, Location};

/// What `curl_easy_escape` leaves alone: ALPHA, DIGIT and `-._~`.
const CURL_ESCAPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Longest option name shown in an error.
const MAX_SHOWN_OPTION: usize = 40;

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
pub(super) struct Request {
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
pub(super) struct Built {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Built {
    pub(super) fn into_captured(self, location: Location) -> Captured {
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
    /// Reads the arguments after `curl`.
    pub(super) fn from_args(args: impl Iterator<Item = Vec<u8>>) -> Result<Built, String> {
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
            .push((name, super::super::obs_text::header_value(value)));
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
        if let Some(plain) = super::super::without_userinfo(&target) {
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
            super::super::add_client_host(&target, &mut self.headers);
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
