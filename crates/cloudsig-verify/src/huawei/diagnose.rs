//! Diagnosis of a Huawei signature mismatch: re-sign through the same builder with one
//! known client mistake applied at a time, and name the one that reproduces the
//! signature that was sent.

use cloudsig_canonical::Request;
use cloudsig_canonical::huawei::{
    self as hw, HeaderValues, QueryForm, Settings, SignedHeaders, UriForm,
};
use cloudsig_core::huawei::{Algorithm, Scope, SdkDate};
use cloudsig_core::{SecretKey, constant_time_eq};
use zeroize::Zeroizing;

use crate::capture::RequestView;
use crate::diagnose::{host_variants, json, key_variants};
use crate::report::{Computed, Diagnosis, Mistake};

/// What the diagnosis needs: the request as sent and what the verifier used.
pub(crate) struct Case<'a> {
    pub cap: &'a RequestView<'a>,
    pub algorithm: Algorithm,
    pub access_key: &'a str,
    pub secret: &'a SecretKey,
    pub signed_headers: &'a SignedHeaders,
    pub date: SdkDate,
    pub scope: Option<Scope<'a>>,
    pub received: &'a str,
    pub computed: Computed,
}

/// One attempt: the request and key as the client may have signed them.
#[derive(Clone)]
pub(crate) struct Try {
    pub(crate) path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    settings: Settings,
    /// Wiped when dropped: every attempt holds its own copy.
    key: Zeroizing<Vec<u8>>,
}

impl Try {
    /// The signature of this attempt equals the one received.
    pub(crate) fn matches(&self, case: &Case<'_>) -> bool {
        let mut req = Request::new(case.cap.method, &self.path).query(case.cap.query());
        for (n, v) in &self.headers {
            req.push_header(n, v);
        }
        let req = req.body(&self.body);
        let Ok(secret) = SecretKey::new(&self.key) else {
            return false;
        };
        hw::sign(
            &req,
            case.algorithm,
            case.signed_headers,
            &self.settings,
            case.date,
            case.scope,
            case.access_key,
            &secret,
        )
        .is_ok_and(|s| constant_time_eq(s.signature().as_bytes(), case.received.as_bytes()))
    }
}

/// The attempt of the request as sent (every variant starts from it).
pub(crate) fn base_try(case: &Case<'_>) -> Try {
    Try {
        path: case.cap.path().to_string(),
        headers: case
            .cap
            .headers
            .iter()
            .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
            .collect(),
        body: case.cap.body.to_vec(),
        settings: Settings::default(),
        key: Zeroizing::new(case.secret.expose_secret().to_vec()),
    }
}

fn mistake(id: &'static str, description: impl Into<String>) -> Mistake {
    Mistake {
        id,
        description: description.into(),
    }
}

pub(crate) fn diagnose(case: &Case<'_>) -> Diagnosis {
    let mut tried = 0;
    let found = find(case, &mut tried);
    Diagnosis {
        computed: case.computed.clone(),
        mistake: found,
        tried,
    }
}

fn find(case: &Case<'_>, tried: &mut usize) -> Option<Mistake> {
    *tried += 1;
    let expected = case.computed.expected_signature.reveal();
    if case.received != expected && case.received.eq_ignore_ascii_case(expected) {
        return Some(mistake(
            "upper-case-hex",
            "the signature was written in upper-case hex; Huawei Cloud compares the lower-case hex exactly",
        ));
    }
    let base = base_try(case);
    let settings: [(Settings, &'static str, &str); 6] = [
        (
            Settings::default().with_uri(UriForm::NoTrailingSlash),
            "missing-trailing-slash",
            "the canonical URI was signed without the trailing `/` that Huawei's canonical URI always ends with",
        ),
        (
            Settings::default().with_uri(UriForm::NotEncoded),
            "path-not-encoded",
            "the path segments were signed decoded, without percent-encoding them",
        ),
        (
            Settings::default().with_uri(UriForm::DoubleEncoded),
            "path-double-encoded",
            "the path segments were percent-encoded twice (`%` became `%25`)",
        ),
        (
            Settings::default().with_query(QueryForm::AsSent),
            "query-unsorted",
            "the query was signed in the order sent, not sorted by name then value",
        ),
        (
            Settings::default().with_query(QueryForm::FormEncoded),
            "query-encoded-differently",
            "the query was signed form-encoded (`+` for space, `*` kept, `~` encoded) instead of RFC 3986 (`%20`, `%2A`, `~`)",
        ),
        (
            Settings::default().with_header_values(HeaderValues::Untrimmed),
            "header-not-trimmed",
            "a signed header value was signed with its surrounding whitespace; values must be trimmed",
        ),
    ];
    for (s, id, words) in settings {
        *tried += 1;
        let t = Try {
            settings: s,
            ..base.clone()
        };
        if t.matches(case) {
            if id == "query-unsorted"
                && let Some(name) = numbers_sorted_as_numbers(case.cap.query())
            {
                return Some(mistake(id, integer_list_words(&name)));
            }
            return Some(mistake(id, words));
        }
    }
    // The Node SDK core's form: the path as Node's legacy `url.parse` escapes it (space,
    // quotes, `<>\^`{|}` and controls only), then every segment percent-encoded again.
    let decoded = percent_encoding::percent_decode_str(case.cap.path()).decode_utf8_lossy();
    let escaped = url_parse_escape(&decoded);
    if escaped != case.cap.path() {
        *tried += 1;
        let t = Try {
            path: escaped,
            settings: Settings::default().with_uri(UriForm::DoubleEncoded),
            ..base.clone()
        };
        if t.matches(case) {
            return Some(mistake(
                "path-double-encoded",
                "the path was signed escaped as Node's url.parse escapes it and then percent-encoded again (a space signed as %2520), as the Node SDK core does with path parameters",
            ));
        }
    }
    if let Some(m) = sdk_mistakes(case, &base, tried) {
        return Some(m);
    }
    if let Some(host) = case.cap.header("host") {
        for (signed_host, words) in host_variants(host.trim()) {
            *tried += 1;
            let mut t = base.clone();
            for (n, v) in &mut t.headers {
                if n.eq_ignore_ascii_case("host") {
                    v.clone_from(&signed_host);
                }
            }
            if t.matches(case) {
                return Some(mistake("host-port", words));
            }
        }
    }
    if case.cap.header(case.algorithm.content_header()).is_none() {
        for (body, words) in json::variants(case.cap.body) {
            *tried += 1;
            let t = Try {
                body,
                ..base.clone()
            };
            if t.matches(case) {
                return Some(mistake(
                    "body-reserialised",
                    format!(
                        "the JSON body was signed serialised differently ({words}) from the body sent"
                    ),
                ));
            }
        }
    }
    for (key, words) in key_variants(case.secret.expose_secret()) {
        *tried += 1;
        let t = Try {
            key,
            ..base.clone()
        };
        if t.matches(case) {
            return Some(mistake(
                "key-whitespace",
                format!(
                    "the SK was used with {words} (read from a file or variable without trimming)"
                ),
            ));
        }
    }
    None
}

/// The official SDK's own mistakes (issue 16): the request it signed is not the one its
/// HTTP stack sent.
fn sdk_mistakes(case: &Case<'_>, base: &Try, tried: &mut usize) -> Option<Mistake> {
    // H3: a path parameter `.` signed as a segment, then removed by urllib3.
    for path in crate::diagnose::dot_segments::with_dot_inserted(case.cap.path()) {
        *tried += 1;
        let t = Try {
            path: path.clone(),
            ..base.clone()
        };
        if t.matches(case) {
            return Some(mistake(
                "path-dot-segment-removed",
                format!(
                    "the client signed the path `{}` but sent `{}`: a path parameter `.` was signed as a segment and then removed by the HTTP library as a dot segment (huaweicloudsdkcore 3.1.x with urllib3 2.x, which normalises the URL before sending). Avoid `.` and `..` as path parameter values",
                    path.escape_debug(),
                    case.cap.path().escape_debug()
                ),
            ));
        }
    }
    // The Node core's header order (differential cause `node-header-locale-order`):
    // the canonical header lines sorted by `localeCompare`, SignedHeaders by code unit.
    if locale_order_differs(case.signed_headers) {
        *tried += 1;
        if locale_order_matches(case) {
            return Some(mistake(
                "canonical-headers-locale-order",
                "the canonical header lines were signed in the order of JavaScript's localeCompare (`_` before `-`, both before digits and letters) while SignedHeaders lists the names in code-unit order: @huaweicloud/huaweicloud-sdk-core (Node) sorts them so once a signed header name holds `_`. Sort the canonical headers by code unit, as SignedHeaders, or avoid `_` in header names",
            ));
        }
    }
    // H2: `UNSIGNED-PAYLOAD` declared (and signed) but the empty body's hash used.
    let header = case.algorithm.content_header();
    if case.cap.body.is_empty()
        && case
            .cap
            .header(header)
            .is_some_and(|v| v.trim() == cloudsig_core::huawei::UNSIGNED_PAYLOAD)
    {
        *tried += 1;
        if empty_hash_matches(case) {
            return Some(mistake(
                "unsigned-payload-empty-body-hash",
                format!(
                    "the client sent `{header}: UNSIGNED-PAYLOAD` (and signed that header) but signed the hash of the empty body instead of the literal UNSIGNED-PAYLOAD: huaweicloudsdkcore (Python, 3.1.x) adds the header for every Content-Type that is not JSON but uses the literal only when there is a body. Send a JSON Content-Type, or no Content-Type, on a request without a body"
                ),
            ));
        }
    }
    None
}

/// The signature of the request as sent, with the payload line of the canonical request
/// the hash of the empty body although the request declares `UNSIGNED-PAYLOAD`.
fn empty_hash_matches(case: &Case<'_>) -> bool {
    use std::fmt::Write as _;
    let mut req = Request::new(case.cap.method, case.cap.path()).query(case.cap.query());
    for (n, v) in &case.cap.headers {
        req.push_header(n, v);
    }
    let Ok(canonical) = hw::CanonicalRequest::new(
        &req,
        case.algorithm,
        case.signed_headers,
        &Settings::default(),
    ) else {
        return false;
    };
    let text = canonical.to_string();
    let Some(head) = text.strip_suffix(cloudsig_core::huawei::UNSIGNED_PAYLOAD) else {
        return false;
    };
    let empty = cloudsig_core::huawei::hash_hex(case.algorithm, b"");
    let mut h = cloudsig_core::huawei::Hasher::new(case.algorithm);
    let _ = write!(h, "{head}{}", empty.as_str());
    let hashed = h.finalize_hex();
    let Ok(key) = cloudsig_core::huawei::SigningKey::new(
        case.algorithm,
        case.access_key,
        case.secret,
        case.scope.as_ref(),
    ) else {
        return false;
    };
    let sig = key.sign_parts(&case.date, case.scope.as_ref(), &hashed);
    constant_time_eq(sig.as_str().as_bytes(), case.received.as_bytes())
}

/// The key of a header name in the order of ICU's root collation (Node's
/// `String#localeCompare`) for names made of `a-z 0-9 _ -`: `_` first, then `-`, then
/// digits, then letters; `None` for a name with another byte (an order not modelled).
fn icu_key(name: &str) -> Option<Vec<(u8, u8)>> {
    name.bytes()
        .map(|b| match b {
            b'_' => Some((0, 0)),
            b'-' => Some((0, 1)),
            b'0'..=b'9' | b'a'..=b'z' => Some((1, b)),
            _ => None,
        })
        .collect()
}

/// Whether every signed name has an [`icu_key`] and that order is not the code-unit
/// order of SignedHeaders (else there is nothing to try).
fn locale_order_differs(signed_headers: &SignedHeaders) -> bool {
    let keys: Option<Vec<Vec<(u8, u8)>>> = signed_headers.names().map(icu_key).collect();
    keys.is_some_and(|k| !k.is_sorted())
}

/// The signature of the request as sent with the canonical header lines in the order
/// of [`icu_key`] and SignedHeaders as sent (the Huawei Node SDK core's canonical
/// request).
fn locale_order_matches(case: &Case<'_>) -> bool {
    use std::fmt::Write as _;
    let mut req = Request::new(case.cap.method, case.cap.path()).query(case.cap.query());
    for (n, v) in &case.cap.headers {
        req.push_header(n, v);
    }
    let req = req.body(case.cap.body);
    let Ok(canonical) = hw::CanonicalRequest::new(
        &req,
        case.algorithm,
        case.signed_headers,
        &Settings::default(),
    ) else {
        return false;
    };
    let Some(mut lines) = canonical
        .canonical_headers()
        .map(|(n, v)| icu_key(n).map(|k| (k, n, v)))
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    lines.sort();
    let mut h = cloudsig_core::huawei::Hasher::new(case.algorithm);
    let _ = write!(
        h,
        "{}\n{}\n{}\n",
        case.cap.method,
        canonical.uri(),
        canonical.query()
    );
    for (_, name, value) in lines {
        let _ = writeln!(h, "{name}:{value}");
    }
    let _ = write!(
        h,
        "\n{}\n{}",
        case.signed_headers.joined(),
        canonical.payload_hash()
    );
    let hashed = h.finalize_hex();
    let Ok(key) = cloudsig_core::huawei::SigningKey::new(
        case.algorithm,
        case.access_key,
        case.secret,
        case.scope.as_ref(),
    ) else {
        return false;
    };
    let sig = key.sign_parts(&case.date, case.scope.as_ref(), &hashed);
    constant_time_eq(sig.as_str().as_bytes(), case.received.as_bytes())
}

/// A query name repeated with integer values sent in numeric order that is not their text
/// order (`limit=9&limit=10`): what huaweicloudsdkcore signs and sends for a list of
/// integers (issue 16, H1).
fn numbers_sorted_as_numbers(query: &str) -> Option<String> {
    // The values of each name in the order sent, the names in first-seen order: one pass
    // and a map, not a scan of the query per name, so a long query stays linear.
    let mut order: Vec<&str> = Vec::new();
    let mut values: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
    for (name, value) in query.split('&').filter_map(|p| p.split_once('=')) {
        values
            .entry(name)
            .or_insert_with(|| {
                order.push(name);
                Vec::new()
            })
            .push(value);
    }
    order
        .into_iter()
        .find(|name| {
            let Some(values) = values.get(name) else {
                return false;
            };
            let numbers: Option<Vec<u64>> = values.iter().map(|v| v.parse().ok()).collect();
            values.len() > 1 && numbers.is_some_and(|n| n.is_sorted()) && !values.is_sorted()
        })
        .map(str::to_string)
}

fn integer_list_words(name: &str) -> String {
    format!(
        "the query was signed in the order sent, and the values of `{}` are in numeric order, not text order: huaweicloudsdkcore (Python, 3.1.x) sorts a list of integers as numbers before turning them into text (`limit=9&limit=10`), while the documented canonical query sorts the text (`limit=10&limit=9`). Pass the values as strings",
        name.escape_debug()
    )
}

/// What Node's legacy `url.parse` escapes in a path: controls, space and `"'<>\\^`{|}`.
fn url_parse_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_control() || " \"'<>\\^`{|}".contains(c) {
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::url_parse_escape;

    #[test]
    fn integer_lists_in_numeric_order() {
        use super::numbers_sorted_as_numbers as n;
        assert_eq!(n("limit=9&limit=10").as_deref(), Some("limit"));
        assert_eq!(n("limit=10&limit=9"), None);
        assert_eq!(n("a=x&limit=2&limit=10&b=1"), Some("limit".into()));
        assert_eq!(n("limit=9"), None);
        assert_eq!(n("a=b&a=a"), None);
    }

    #[test]
    fn url_parse_escapes_only_its_characters() {
        assert_eq!(url_parse_escape("/a b/é:*~+\"x"), "/a%20b/é:*~+%22x");
    }
}
