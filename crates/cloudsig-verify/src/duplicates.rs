//! Conflicting duplicates: a header that decides the verdict sent more than once, and a
//! parameter sent both in the query and in the form body with different values.
//!
//! The verifier reads the first of several headers of one name, as most servers do; a
//! proxy or gateway that keeps the last one would see another request (another
//! timestamp, another action, another signature) than the one verified. So, for the
//! headers each cloud decides the verdict with (the lists below):
//!
//! - **different values** (compared without surrounding blanks) are rejected, with the
//!   cloud's code for a malformed header of that kind, and a message naming the header
//!   and the positions of both (1-based, in the order sent) — never a value, which may be
//!   a signature or a token;
//! - **identical values** pass with a note, since every reader sees the same request —
//!   except `Host`, which is rejected: RFC 9112 §3.2 has a server answer 400 to a request
//!   with more than one Host header field.
//!
//! For parameters (Tencent v1 and Alibaba RPC), a name present in both the query and the
//! form body of a POST with different values is rejected: with v1 one of the two is not
//! signed at all (the verifier checks the one holding `Signature`), so an unsigned
//! `Action` beside a signed one would let a server that merges them another way run
//! another action; with RPC both are signed, but which one the service reads is not
//! documented. The same value in both passes silently.
//!
//! Every check here is one pass over the headers (each compared with a fixed list of at
//! most a dozen names) or over the parameters (with a hash map), so its cost is linear in
//! the request's size whatever it holds.

use std::collections::HashMap;

use crate::names::{HeaderName, NameWords};
use crate::report::Report;

/// A header whose duplicates are checked, with the code its cloud answers a conflicting
/// duplicate with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Watched {
    /// The name as documented (it is compared without regard to ASCII case).
    pub name: &'static str,
    /// The error code of a conflicting duplicate.
    pub code: &'static str,
    /// The name, for the word-at-a-time comparison.
    key: HeaderName,
}

/// The most names one list may watch (Alibaba's has 15); [`headers`] keeps what it has
/// seen of them in an array of this size on the stack.
const MAX_WATCHED: usize = 16;

const fn w(name: &'static str, code: &'static str) -> Watched {
    Watched {
        name,
        code,
        key: HeaderName::new(name),
    }
}

/// Tencent Cloud (TC3, v1, SKIP). A second Authorization is a malformed Authorization
/// (`AuthFailure.InvalidAuthorization`, the code of a malformed one); a second token is
/// `AuthFailure.TokenFailure` (the code of a wrong token); the common parameters sent as
/// headers and the Content-Type and Host have no code of their own for a duplicate and
/// get `InvalidParameter`, the code of a malformed parameter.
pub(crate) const TENCENT: &[Watched] = {
    use crate::codes::{INVALID_AUTHORIZATION, INVALID_PARAMETER, TOKEN_FAILURE};
    &[
        w("Authorization", INVALID_AUTHORIZATION),
        w("Host", INVALID_PARAMETER),
        w("Content-Type", INVALID_PARAMETER),
        w("X-TC-Action", INVALID_PARAMETER),
        w("X-TC-Timestamp", INVALID_PARAMETER),
        w("X-TC-Version", INVALID_PARAMETER),
        w("X-TC-Region", INVALID_PARAMETER),
        w("X-TC-Language", INVALID_PARAMETER),
        w("X-TC-Content-SHA256", INVALID_PARAMETER),
        w("X-TC-Token", TOKEN_FAILURE),
    ]
};

/// Alibaba Cloud (ACS3, ROA, RPC). The gateway answers a malformed or incomplete
/// signature part with `IncompleteSignature`, which is also the code the verifier
/// already gives an RPC signature parameter sent twice; every watched header gets it.
pub(crate) const ALIBABA: &[Watched] = {
    use crate::alibaba::codes::INCOMPLETE_SIGNATURE as C;
    &[
        w("Authorization", C),
        w("Host", C),
        w("Date", C),
        w("Content-MD5", C),
        w("Content-Type", C),
        w("Accept", C),
        w("x-acs-action", C),
        w("x-acs-version", C),
        w("x-acs-date", C),
        w("x-acs-signature-nonce", C),
        w("x-acs-signature-method", C),
        w("x-acs-signature-version", C),
        w("x-acs-content-sha256", C),
        w("x-acs-security-token", C),
    ]
};

/// Huawei Cloud (SDK-HMAC-*, V11-HMAC-SHA256): API Gateway answers every failure of IAM
/// AK/SK authentication with `APIGW.0301`, a malformed header included.
pub(crate) const HUAWEI: &[Watched] = {
    use crate::huawei::INCORRECT_IAM_AUTH as C;
    &[
        w("Authorization", C),
        w("Host", C),
        w("Content-Type", C),
        w("X-Sdk-Date", C),
        w("X-Sdk-Content-Sha256", C),
        w("X-Security-Token", C),
        w("X-Project-Id", C),
        w("X-Domain-Id", C),
    ]
};

/// What was seen of one watched header so far (values as sent; they are compared
/// without surrounding blanks).
#[derive(Clone, Copy)]
enum Seen<'a> {
    Never,
    /// At this 1-based position, with this value.
    Once(usize, &'a str),
    /// Sent again with the same value (noted); a later different value still fails.
    Noted(usize, &'a str),
    /// A conflict was already reported; later ones add nothing.
    Reported,
}

/// A header value without the blanks around it, as duplicates are compared.
fn trimmed(value: &str) -> &str {
    value.trim_matches([' ', '\t'])
}

/// Checks `headers` (in the order sent) for duplicates of the `watched` names: a failure
/// for different values (and for any second Host), a note for the same value.
pub(crate) fn headers(report: &mut Report, headers: &[(&str, &str)], watched: &[Watched]) {
    // On the stack: the lists are short (see `MAX_WATCHED`), and this runs for every request.
    let mut seen = [Seen::Never; MAX_WATCHED];
    for (index, (name, value)) in headers.iter().enumerate() {
        let Some(words) = NameWords::of(name) else {
            continue;
        };
        let Some(k) = watched.iter().position(|w| w.key.is(&words)) else {
            continue;
        };
        let Some(slot) = seen.get_mut(k) else {
            continue;
        };
        let Some(rule) = watched.get(k) else {
            continue;
        };
        let position = index.saturating_add(1);
        match *slot {
            Seen::Never => *slot = Seen::Once(position, value),
            Seen::Reported => {}
            Seen::Once(first, v)
                if trimmed(v) == trimmed(value) && !rule.name.eq_ignore_ascii_case("host") =>
            {
                report.notes.push(format!(
                    "the {} header is sent more than once with the same value (headers #{first} and #{position})",
                    rule.name
                ));
                *slot = Seen::Noted(first, v);
            }
            Seen::Noted(_, v) if trimmed(v) == trimmed(value) => {}
            Seen::Once(first, v) | Seen::Noted(first, v) => {
                let why = if trimmed(v) == trimmed(value) {
                    "with the same value; RFC 9112 has a server answer 400 to more than one Host"
                } else {
                    "with different values: the first is the one verified, and a server or proxy that reads the last would see another request"
                };
                report.fail(
                    rule.code,
                    "duplicate-header",
                    format!(
                        "the {} header is sent more than once (headers #{first} and #{position}) {why}",
                        rule.name
                    ),
                );
                *slot = Seen::Reported;
            }
        }
    }
}

// Every list fits the array of `headers`.
const _: () = assert!(
    TENCENT.len() <= MAX_WATCHED && ALIBABA.len() <= MAX_WATCHED && HUAWEI.len() <= MAX_WATCHED
);

/// Checks two parameter lists of one request (the query and the form body), each with
/// words saying where it is (such as "the query (not signed)"), for a name present in both
/// with different values: a failure with `code` naming the parameter and its 1-based
/// positions in each, never a value. Linear in the number of parameters.
pub(crate) fn parameters<'p>(
    report: &mut Report,
    code: &'static str,
    first: (&str, impl IntoIterator<Item = (&'p str, &'p str)>),
    second: (&str, impl IntoIterator<Item = (&'p str, &'p str)>),
) {
    let (first_source, first_params) = first;
    let (second_source, second_params) = second;
    let mut by_name: HashMap<&str, (usize, &str)> = HashMap::new();
    for (index, (name, value)) in first_params.into_iter().enumerate() {
        by_name
            .entry(name)
            .or_insert((index.saturating_add(1), value));
    }
    for (index, (name, value)) in second_params.into_iter().enumerate() {
        if let Some((position, v)) = by_name.get(name).copied()
            && v != value
        {
            report.fail(
                code,
                "conflicting-parameter",
                format!(
                    "the {} parameter is in both {} (parameter #{position}) and {} (parameter #{}) with different values: a server that reads the other one would run another request",
                    name.escape_debug(),
                    first_source,
                    second_source,
                    index.saturating_add(1)
                ),
            );
            // One finding per name.
            by_name.remove(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Location;
    use crate::report::{Scheme, Verdict};

    fn report() -> Report {
        Report::new(Location::default(), Scheme::Tc3)
    }

    #[test]
    fn different_values_fail_naming_both_positions_and_no_value() {
        let mut r = report();
        let h = [
            ("Host", "cvm.tencentcloudapi.com"),
            ("X-TC-Timestamp", "1551113065"),
            ("x-tc-timestamp", " 1551113999"),
            ("X-TC-Timestamp", "3"),
        ];
        headers(&mut r, &h, TENCENT);
        assert_eq!(r.verdict, Verdict::Invalid);
        assert_eq!(r.findings.len(), 1, "{r}");
        let f = &r.findings[0];
        assert_eq!((f.code, f.rule), ("InvalidParameter", "duplicate-header"));
        assert!(f.message.contains("X-TC-Timestamp"), "{}", f.message);
        assert!(f.message.contains("#2 and #3"), "{}", f.message);
        assert!(!f.message.contains("1551113"), "{}", f.message);
    }

    #[test]
    fn same_values_are_a_note_but_a_second_host_fails() {
        let mut r = report();
        let h = [("X-TC-Action", "A"), ("X-TC-Action", "A ")];
        headers(&mut r, &h, TENCENT);
        assert!(r.findings.is_empty(), "{r}");
        assert_eq!(r.notes.len(), 1);
        assert!(r.notes[0].contains("X-TC-Action"));

        let mut r = report();
        let h = [("host", "a.example"), ("X-A", "1"), ("Host", "a.example")];
        headers(&mut r, &h, HUAWEI);
        assert_eq!(r.code(), Some("APIGW.0301"));
        assert!(r.findings[0].message.contains("#1 and #3"));
    }

    #[test]
    fn a_same_value_then_a_different_one_still_fails() {
        let mut r = report();
        let h = [
            ("Authorization", "x"),
            ("Authorization", "x"),
            ("Authorization", "SKIP"),
        ];
        headers(&mut r, &h, TENCENT);
        assert_eq!(r.code(), Some("AuthFailure.InvalidAuthorization"), "{r}");
        assert!(r.findings[0].message.contains("#1 and #3"));
    }

    #[test]
    fn many_duplicates_give_one_note_and_one_finding_per_name() {
        // 100,000 copies, same then different values: the report stays small.
        let mut h: Vec<(&str, &str)> = vec![("X-TC-Action", "A"); 50_000];
        h.extend(std::iter::repeat_n(("x-tc-action", "B"), 50_000));
        h.extend(std::iter::repeat_n(("X-Other", "1"), 10_000));
        let mut r = report();
        headers(&mut r, &h, TENCENT);
        assert_eq!((r.findings.len(), r.notes.len()), (1, 1), "{r}");
        assert!(r.findings[0].message.contains("#1 and #50001"), "{r}");
    }

    #[test]
    fn unwatched_headers_and_single_ones_pass() {
        let mut r = report();
        let h = [("X-Custom", "1"), ("X-Custom", "2"), ("Host", "a")];
        headers(&mut r, &h, ALIBABA);
        assert!(r.findings.is_empty() && r.notes.is_empty(), "{r}");
    }

    #[test]
    fn a_parameter_in_both_lists_with_another_value_fails_once() {
        let mut r = report();
        let signed = [("Action", "DescribeInstances"), ("Nonce", "1")];
        let unsigned = [
            ("Nonce", "1"),
            ("Action", "TerminateInstances"),
            ("Action", "RebootInstances"),
        ];
        parameters(
            &mut r,
            "InvalidParameter",
            ("the form body", signed),
            ("the query", unsigned),
        );
        assert_eq!(r.findings.len(), 1, "{r}");
        let m = &r.findings[0].message;
        assert!(
            m.contains("Action") && m.contains("#1") && m.contains("#2"),
            "{m}"
        );
        assert!(!m.contains("Terminate"), "{m}");
    }
}
