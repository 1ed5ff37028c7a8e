//! Diagnosis of a signature mismatch, the part every cloud shares: the budget, the
//! harness ([`diagnosis`]) and the catalogue of mistakes that are the same whatever the
//! cloud (a key with whitespace, the host with or without its port, a charset, the
//! query re-encoded, the JSON body re-serialised). Each cloud's `diagnose.rs` re-runs
//! its canonical builder with one of these, or one of its own, applied at a time, and
//! names the one that reproduces the signature sent.

use std::borrow::Cow;

use cloudsig_canonical::encode::{InvalidUtf8, PlusIs, decode, rfc3986};
use zeroize::Zeroizing;

use crate::report::{Computed, Diagnosis, Mistake};

pub(crate) mod dot_segments;
pub(crate) mod json;

/// The mistake search runs only on a request that signs at most this many headers.
///
/// Every search re-signs the request some 20 to 45 times, each time building the whole
/// canonical request again; the official SDKs sign 2 to 10 headers, so a list longer
/// than this is not a client mistake the search could name, and searching it would let
/// one request cost dozens of verifications.
pub(crate) const MAX_SIGNED_HEADERS: usize = 64;

/// The mistake search runs only on a request whose computed canonical request (or
/// string to sign, when the scheme has no canonical request) is at most this many
/// bytes; the body is not counted, only its hash is part of it.
pub(crate) const MAX_CANONICAL_BYTES: usize = 64 * 1024;

/// Whether the mistake search may run for a request that signs `signed_headers`
/// headers and computed `computed`; when it may not, a note in `report` says why
/// (`diagnosis skipped: …`), and the caller records the computed stages only. Bounds
/// what a diagnosis costs to a small multiple of verifying a request of ordinary size,
/// whatever the request holds.
pub(crate) fn within_budget(
    report: &mut crate::report::Report,
    signed_headers: usize,
    computed: &Computed,
) -> bool {
    let bytes = computed
        .canonical_request
        .as_ref()
        .map_or(0, String::len)
        .max(computed.string_to_sign.len());
    let why = if signed_headers > MAX_SIGNED_HEADERS {
        format!(
            "the request signs {signed_headers} headers and the search for a client mistake runs on at most {MAX_SIGNED_HEADERS}"
        )
    } else if bytes > MAX_CANONICAL_BYTES {
        format!(
            "the canonical request is {bytes} bytes and the search for a client mistake runs on at most {MAX_CANONICAL_BYTES}"
        )
    } else {
        return true;
    };
    report.notes.push(format!("diagnosis skipped: {why}"));
    false
}

/// The diagnosis of a signature mismatch, for every scheme: the search for a client
/// mistake (`find`) when `enabled` (the verifier's options) and the request is within
/// the budget ([`within_budget`], which notes in `report` why not); otherwise only the
/// computed stages, with nothing tried.
pub(crate) fn diagnosis(
    report: &mut crate::report::Report,
    enabled: bool,
    signed_headers: usize,
    computed: Computed,
    find: impl FnOnce(Computed) -> Diagnosis,
) -> Diagnosis {
    if enabled && within_budget(report, signed_headers, &computed) {
        find(computed)
    } else {
        Diagnosis {
            computed,
            mistake: None,
            tried: 0,
        }
    }
}

/// The key with the whitespace a key file or an environment variable often adds; each
/// padded copy is wiped when dropped (each is built at its final size, so no reallocation
/// leaves a copy behind).
pub(crate) fn key_variants(key: &[u8]) -> Vec<(Zeroizing<Vec<u8>>, &'static str)> {
    let mut out: Vec<(Zeroizing<Vec<u8>>, &'static str)> = [
        ("\n", "a trailing newline"),
        ("\r\n", "a trailing CR LF"),
        (" ", "a trailing space"),
        ("\t", "a trailing tab"),
    ]
    .iter()
    .map(|(pad, words)| (Zeroizing::new([key, pad.as_bytes()].concat()), *words))
    .collect();
    out.push((Zeroizing::new([b" ", key].concat()), "a leading space"));
    out
}

/// The host as a client may have signed it: without the port that was sent, or with a
/// default port that was not; each with the words that say so.
pub(crate) fn host_variants(sent: &str) -> Vec<(String, String)> {
    match sent.rsplit_once(':') {
        Some((bare, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            vec![(
                bare.to_string(),
                format!("the client signed host `{bare}` without the port, but sent `{sent}`"),
            )]
        }
        _ => ["443", "80"]
            .iter()
            .map(|port| {
                (
                    format!("{sent}:{port}"),
                    format!(
                        "the client signed host `{sent}:{port}` with a port, but sent `{sent}`"
                    ),
                )
            })
            .collect(),
    }
}

pub(crate) fn mistake(id: &'static str, description: String) -> Mistake {
    Mistake { id, description }
}

/// The Content-Type without its charset parameter, if it has one.
pub(crate) fn without_charset(ct: &str) -> Option<String> {
    let mut parts = ct.split(';');
    let essence = parts.next()?.trim_end();
    let mut kept = vec![essence.to_string()];
    let mut dropped = false;
    for p in parts {
        if p.trim().to_ascii_lowercase().starts_with("charset=") {
            dropped = true;
        } else {
            kept.push(p.to_string());
        }
    }
    dropped.then(|| kept.join(";"))
}

/// Other encodings of the same query: RFC 3986, form (`+`), raw, each as sent and sorted.
pub(crate) fn query_variants(sent: &str) -> Vec<String> {
    if sent.is_empty() {
        return Vec::new();
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    for pair in sent.split('&').filter(|p| !p.is_empty()) {
        let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (Ok(n), Ok(v)) = (
            decode(n, PlusIs::Space, InvalidUtf8::Reject).map(Cow::into_owned),
            decode(v, PlusIs::Space, InvalidUtf8::Reject).map(Cow::into_owned),
        ) else {
            return Vec::new();
        };
        pairs.push((n, v));
    }
    let render = |pairs: &[(String, String)], enc: &dyn Fn(&str) -> String| {
        pairs
            .iter()
            .map(|(n, v)| format!("{}={}", enc(n), enc(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    let rfc = |s: &str| rfc3986(s);
    let form = |s: &str| rfc3986(s).replace("%20", "+");
    let raw = |s: &str| s.to_string();
    let mut sorted = pairs.clone();
    sorted.sort();
    let mut out: Vec<String> = Vec::new();
    for p in [&pairs, &sorted] {
        for enc in [&rfc as &dyn Fn(&str) -> String, &form, &raw] {
            let q = render(p, enc);
            if q != sent && !out.contains(&q) {
                out.push(q);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_stripping() {
        assert_eq!(
            without_charset("application/json; charset=utf-8").as_deref(),
            Some("application/json")
        );
        assert_eq!(
            without_charset("application/json;CHARSET=UTF-8").as_deref(),
            Some("application/json")
        );
        assert_eq!(without_charset("application/json"), None);
    }

    #[test]
    fn query_variants_differ_from_sent() {
        let v = query_variants("B=a%20b&A=%2A");
        assert!(v.contains(&"B=a+b&A=%2A".to_string()));
        assert!(v.contains(&"A=%2A&B=a%20b".to_string()));
        assert!(v.contains(&"B=a b&A=*".to_string()));
        assert!(!v.contains(&"B=a%20b&A=%2A".to_string()));
        assert!(query_variants("").is_empty());
    }
}

#[cfg(test)]
mod key_variant_tests {
    use super::*;

    #[test]
    fn padded_keys_are_held_in_wiped_buffers() {
        // The type is the point: each padded copy of the secret is a Zeroizing buffer,
        // built at its final size.
        let variants: Vec<(Zeroizing<Vec<u8>>, &str)> = key_variants(b"k3y");
        let keys: Vec<&[u8]> = variants.iter().map(|(k, _)| k.as_slice()).collect();
        assert_eq!(
            keys,
            [&b"k3y\n"[..], b"k3y\r\n", b"k3y ", b"k3y\t", b" k3y"]
        );
        assert!(variants.iter().all(|(k, _)| k.capacity() == k.len()));
    }
}
