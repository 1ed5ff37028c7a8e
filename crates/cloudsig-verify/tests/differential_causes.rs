//! Issue 16: the causes of disagreement between the official SDKs and cloudsig found by
//! the random differential run, each on a request the SDK itself signed and sent
//! (captured offline by `vectors/oracle/alibaba/causes.py` and
//! `vectors/oracle/huawei/causes.py`; table "Differential causes" in
//! `vectors/oracle/README.md`).
//!
//! Where cloudsig was wrong (A1, A2, A9 with one value) the capture must verify; where the
//! SDK signs something other than what it sends (A3–A8, A9 with two values, H1–H3) it must
//! be rejected and the diagnosis must name the cause by its stable id — the id the
//! differential harness attributes a disagreement by.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use cloudsig_verify::{Options, Report, Verdict};
use common::{SdkCase, check};

const ALIBABA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../vectors/captures/sdk/causes/alibaba"
);
const HUAWEI: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../vectors/captures/sdk/causes/huawei"
);
const NOW: i64 = 1_551_113_065;

/// What cloudsig must say about a capture.
enum Expect {
    /// Valid; with a note containing this text when given.
    Valid(Option<&'static str>),
    /// Rejected, the diagnosis naming this mistake id; with a finding of this rule when
    /// given.
    Mistake(&'static str, Option<&'static str>),
}

use Expect::{Mistake, Valid};

const EXPECTED: &[(&str, Expect)] = &[
    // A1: `requests` sends `café` as ISO-8859-1, the SDK signed its UTF-8.
    (
        "tea-openapi/a1-acs3-header-latin1",
        Valid(Some("ISO-8859-1")),
    ),
    (
        "tea-openapi/a1-roa-header-latin1",
        Valid(Some("ISO-8859-1")),
    ),
    // A2: RPC sorts the raw names (`a.` before `a/`), then encodes.
    ("tea-openapi/a2-rpc-raw-name-order", Valid(None)),
    ("core/a2-core-rpc-raw-name-order", Valid(None)),
    // A3: a form body on PUT: rejected, and the diagnosis says why.
    (
        "tea-openapi/a3-rpc-form-put",
        Mistake("rpc-form-body-on-non-post", None),
    ),
    (
        "tea-openapi/a4-acs3-query-name-space",
        Mistake("acs3-query-name-not-encoded", None),
    ),
    (
        "tea-openapi/a5-roa-acs-header-case",
        Mistake("roa-acs-header-case", None),
    ),
    (
        "tea-openapi/a6-roa-acs-value-not-trimmed",
        Mistake("acs-header-value-not-trimmed", None),
    ),
    (
        "core/a6-core-roa-acs-value-not-trimmed",
        Mistake("acs-header-value-not-trimmed", None),
    ),
    (
        "core/a7-core-roa-path-param-space",
        Mistake("roa-path-param-signed-raw", None),
    ),
    (
        "tea-openapi/a8-acs3-path-dot-segment",
        Mistake("path-dot-segment-removed", None),
    ),
    // aliyun-python-sdk-core's vendored urllib3 1.22 keeps the `.`: it verifies.
    ("core/a8-core-roa-path-dot-segment", Valid(None)),
    // A9 with two values: still rejected (stop 18), the cause named.
    (
        "tea-openapi/a9-rpc-query-body-conflict",
        Mistake("rpc-query-body-merged", Some("conflicting-parameter")),
    ),
    (
        "core/a9-core-rpc-regionid-in-body",
        Mistake("rpc-query-body-merged", Some("conflicting-parameter")),
    ),
    // H1: the existing diagnosis (the SDK sends the query in the order it signed).
    (
        "python/h1-integer-list-sorted-numerically",
        Mistake("query-unsorted", None),
    ),
    (
        "python/h2-unsigned-payload-empty-body",
        Mistake("unsigned-payload-empty-body-hash", None),
    ),
    (
        "python/h3-path-dot-segment",
        Mistake("path-dot-segment-removed", None),
    ),
];

fn reports() -> Vec<(SdkCase, Report)> {
    let mut out = Vec::new();
    for (dir, sdks) in [
        (ALIBABA, &["tea-openapi", "core"][..]),
        (HUAWEI, &["python"][..]),
    ] {
        let v = common::verifier_with(dir, Options::at(NOW));
        for case in common::sdk_cases(dir, sdks, None) {
            let r = check(&v, &case.capture);
            out.push((case, r));
        }
    }
    out
}

#[test]
fn every_cause_is_captured_and_answered_as_the_table_says() {
    let reports = reports();
    let names: Vec<&str> = reports.iter().map(|(c, _)| c.name.as_str()).collect();
    for (name, _) in EXPECTED {
        assert!(names.contains(name), "no capture {name}");
    }
    assert_eq!(
        names.len(),
        EXPECTED.len(),
        "a capture without an expectation"
    );
    // Every disagreement is listed (not only the first), so a change shows each cause.
    let mut wrong = Vec::new();
    for (case, r) in &reports {
        let (_, want) = EXPECTED.iter().find(|(n, _)| *n == case.name).unwrap();
        let mistake = r
            .diagnosis
            .as_ref()
            .and_then(|d| d.mistake.as_ref())
            .map(|m| m.id);
        let ok = match want {
            Valid(note) => {
                r.verdict == Verdict::Valid
                    && note.is_none_or(|text| r.notes.iter().any(|n| n.contains(text)))
            }
            Mistake(id, rule) => {
                r.verdict == Verdict::Invalid
                    && mistake == Some(*id)
                    && rule.is_none_or(|rule| r.findings.iter().any(|f| f.rule == rule))
            }
        };
        if !ok {
            wrong.push(format!(
                "{}: {r} (mistake {mistake:?}, notes {:?})",
                case.name, r.notes
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The diagnoses name the SDK and say how to avoid the mistake; none prints the
/// expected signature.
#[test]
fn the_sdk_diagnoses_name_the_sdk_and_the_way_out() {
    for (case, r) in reports() {
        let Some(d) = &r.diagnosis else { continue };
        let Some(m) = &d.mistake else { continue };
        let text = &m.description;
        assert!(
            [
                "alibabacloud",
                "aliyun-python-sdk-core",
                "huaweicloudsdkcore"
            ]
            .iter()
            .any(|sdk| text.contains(sdk)),
            "{}: {text}",
            case.name
        );
        assert!(!text.contains(d.computed.expected_signature.reveal()));
    }
}

/// A3 is explained even without the diagnosis: a note says why the body was not read.
#[test]
fn a_form_body_on_put_is_explained_by_a_note() {
    let v = common::verifier_with(ALIBABA, Options::at(NOW).diagnose(false));
    let case = common::sdk_cases(ALIBABA, &["tea-openapi"], None)
        .into_iter()
        .find(|c| c.name == "tea-openapi/a3-rpc-form-put")
        .unwrap();
    let r = check(&v, &case.capture);
    assert_eq!(r.verdict, Verdict::Invalid, "{r}");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("PUT request is not read as RPC parameters")),
        "{:?}",
        r.notes
    );
}

/// `node-header-locale-order` (Huawei Node, differential table): the Node core sorts the
/// canonical header lines with `localeCompare` (`_` before `-`) but lists SignedHeaders
/// in code-unit order. The capture is made here by hand: its signature is Python's
/// (`hashlib`, `hmac`) over the canonical request with the lines `x-a_b` before `x-a-b`
/// and SignedHeaders `host;x-a-b;x-a_b;x-sdk-date` (the documented SDK-HMAC-SHA256
/// string to sign, `SDK-HMAC-SHA256\n20190221T103105Z\n` + the hex SHA-256 of that
/// canonical request; HMAC-SHA256 keyed with the SK). The same request signed in
/// code-unit order (`760355…cb5d`, also Python's) verifies.
#[test]
fn canonical_headers_in_locale_compare_order_are_named() {
    use cloudsig_verify::capture::{Captured, Location};
    use cloudsig_verify::keys::KeyRing;
    use cloudsig_verify::{KeyCache, Verifier};
    let capture = |signature: &str| Captured {
        location: Location {
            index: 0,
            offset: 0,
            line: None,
        },
        method: "GET".into(),
        target: "/v1/p/vpcs?limit=1".into(),
        headers: vec![
            ("Host".into(), "vpc.cn-north-4.myhuaweicloud.com".into()),
            ("X-A_B".into(), "one".into()),
            ("X-A-B".into(), "two".into()),
            ("X-Sdk-Date".into(), "20190221T103105Z".into()),
            (
                "Authorization".into(),
                format!(
                    "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, \
                     SignedHeaders=host;x-a-b;x-a_b;x-sdk-date, Signature={signature}"
                ),
            ),
        ],
        body: Vec::new(),
    };
    let ring = KeyRing::parse(
        "QTWAOYTTINDUT2QVKYUC MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
        "test",
    )
    .unwrap();
    let v = Verifier::new(ring, Options::at(1_550_745_065));
    let code_unit = capture("760355534bf7c8126d7bb7ec60d25fc991feca47eed313f150e7686cdf85cb5d");
    let r = v.check(&code_unit, &mut KeyCache::default());
    assert_eq!(r.verdict, Verdict::Valid, "{r}");
    let locale = capture("530a2e1ba9a94bbd81e4e030fda32b133ed46b4e3ab2559e4f4254c697922041");
    let r = v.check(&locale, &mut KeyCache::default());
    assert_eq!(r.verdict, Verdict::Invalid, "{r}");
    let m = r.diagnosis.as_ref().and_then(|d| d.mistake.as_ref());
    assert_eq!(
        m.map(|m| m.id),
        Some("canonical-headers-locale-order"),
        "{r}"
    );
    assert!(m.unwrap().description.contains("huaweicloud-sdk-core"));
}
