//! `--endpoint URL`: where the printed request is sent (scheme, host and port), while the
//! Host header and the signature stay the cloud's host's. So `cloudsig sign ...
//! --endpoint http://127.0.0.1:8080` prints a request that a local server receives and can
//! verify as the cloud would.

use std::str::FromStr;

/// `http://` or `https://` followed by a host and an optional port, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `scheme://authority`, without a trailing `/`.
    base: String,
}

impl FromStr for Endpoint {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let trimmed = s.strip_suffix('/').unwrap_or(s);
        let rest = trimmed
            .strip_prefix("http://")
            .or_else(|| trimmed.strip_prefix("https://"))
            .ok_or("expected http://HOST[:PORT] or https://HOST[:PORT]")?;
        // Host characters of a DNS name, an IPv4 address or a bracketed IPv6 address, and
        // a port: nothing a shell or JSON would need to quote, no path, no userinfo.
        let ok = !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
        if !ok {
            return Err(
                "expected http://HOST[:PORT] or https://HOST[:PORT], without a path".into(),
            );
        }
        Ok(Self {
            base: trimmed.to_string(),
        })
    }
}

impl Endpoint {
    /// The URL of `https://host/path?query` at this endpoint: `scheme://authority/path?query`.
    pub fn rebase(&self, url: &str) -> String {
        let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
        let path = after_scheme
            .find('/')
            .and_then(|i| after_scheme.get(i..))
            .unwrap_or("/");
        format!("{}{path}", self.base)
    }

    /// `text` (a curl command line or JSON holding `url` once, first) with that URL
    /// sent to this endpoint instead. The URL's characters need no shell or JSON quoting
    /// beyond what the original had, so replacing it keeps the text well formed.
    pub fn rewrite(&self, text: &str, url: &str) -> String {
        text.replacen(url, &self.rebase(url), 1)
    }
}

impl Endpoint {
    /// A raw HTTP request (`METHOD target HTTP/1.1`, headers, body) for `url` with its
    /// request target in absolute form at this endpoint (`METHOD http://127.0.0.1:8080/path?query
    /// HTTP/1.1`), as a client talking to a proxy writes it: the bytes carry where they are
    /// going while the Host header, and so the signature, stay the cloud's. Servers that
    /// take the Host header (cloudsig verify and serve, proxies) check it as the cloud would.
    pub fn absolute_form(&self, raw: &[u8], url: &str) -> Vec<u8> {
        let line_end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .unwrap_or(raw.len());
        let first = raw.get(..line_end).unwrap_or_default();
        let mut parts = first.splitn(3, |&b| b == b' ');
        let (Some(method), Some(_target), Some(version)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return raw.to_vec();
        };
        let mut out = Vec::with_capacity(raw.len() + 64);
        out.extend_from_slice(method);
        out.push(b' ');
        out.extend_from_slice(self.rebase(url).as_bytes());
        out.push(b' ');
        out.extend_from_slice(version);
        out.extend_from_slice(raw.get(line_end..).unwrap_or_default());
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn absolute_form_replaces_only_the_request_target() {
        let e: Endpoint = "http://127.0.0.1:8080".parse().unwrap();
        let raw = b"GET /v1/x?a=1 HTTP/1.1\r\nHost: ecs.example.com\r\n\r\nGET / HTTP/1.1";
        assert_eq!(
            e.absolute_form(raw, "https://ecs.example.com/v1/x?a=1"),
            b"GET http://127.0.0.1:8080/v1/x?a=1 HTTP/1.1\r\nHost: ecs.example.com\r\n\r\nGET / HTTP/1.1"
                .to_vec()
        );
    }

    #[test]
    fn endpoints_parse_and_rebase() {
        let e: Endpoint = "http://127.0.0.1:8080/".parse().unwrap();
        assert_eq!(
            e.rebase("https://cvm.tencentcloudapi.com/?a=1"),
            "http://127.0.0.1:8080/?a=1"
        );
        assert_eq!(
            e.rebase("https://h.example/v1/x"),
            "http://127.0.0.1:8080/v1/x"
        );
        assert!("ftp://x".parse::<Endpoint>().is_err());
        assert!("http://x/path".parse::<Endpoint>().is_err());
        assert!("http://u@x".parse::<Endpoint>().is_err());
        assert!("http://[::1]:9".parse::<Endpoint>().is_ok());
    }
}
