//! `verify_jsonl_where` (what `cloudsig verify --only-invalid` runs): the reports it
//! keeps, their locations and the summary are those of `verify_jsonl`, filtered, on a
//! capture of several chunks mixing valid, invalid and unreadable requests, and Tencent
//! v1 and Alibaba requests whose nonces are replayed across chunks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::path::Path;

use cloudsig_verify::capture::http::HttpReader;
use cloudsig_verify::capture::{Limits, jsonl::write_record};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::pipeline::{self, Summary};
use cloudsig_verify::{Options, Report, Verdict, Verifier};

const CAPTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/captures");

/// The documented requests' time: most of the valid captures are signed at it.
const NOW: i64 = 1_551_113_065;

/// Every Tencent and Alibaba capture (valid ones, rule breakers, client mistakes) as
/// JSON lines, with a line that is not JSON after each round, repeated past three
/// megabytes.
fn capture() -> Vec<u8> {
    let mut round = Vec::new();
    for dir in [
        "tencent/valid",
        "tencent/rules",
        "tencent/mistakes",
        "alibaba/valid",
        "alibaba/rules",
    ] {
        let mut files: Vec<_> = std::fs::read_dir(Path::new(CAPTURES).join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "http"))
            .collect();
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            for item in HttpReader::new(bytes.as_slice(), Limits::default()) {
                write_record(&item.unwrap(), &mut round).unwrap();
            }
        }
    }
    round.extend_from_slice(b"not a record\n");
    let mut input = Vec::new();
    while input.len() < 3 << 20 {
        input.extend_from_slice(&round);
    }
    input
}

fn run(input: &[u8], keep_valid: bool) -> (Vec<Report>, Summary) {
    let mut keys = KeyRing::from_file(&Path::new(CAPTURES).join("tencent/keys.txt")).unwrap();
    keys.merge(KeyRing::from_file(&Path::new(CAPTURES).join("alibaba/keys.txt")).unwrap());
    // A window of ten years: the captures signed at other times are not expired, so
    // valid v1 requests repeat their nonces within the window.
    let verifier = Verifier::new(keys, Options::at(NOW).window(10 * 365 * 86_400));
    let mut reports = Vec::new();
    let summary = pipeline::verify_jsonl_where(
        input,
        &verifier,
        Limits::default(),
        2,
        |r| keep_valid || r.verdict != Verdict::Valid,
        |r| {
            reports.push(r);
            Ok(())
        },
    )
    .unwrap();
    (reports, summary)
}

#[test]
fn filtered_reports_are_the_unfiltered_ones_that_pass_the_filter() {
    let input = capture();
    let (all, all_summary) = run(&input, true);
    let (kept, kept_summary) = run(&input, false);
    assert_eq!(kept_summary, all_summary);
    assert_eq!(all_summary.total as usize, all.len());
    // Valid requests are dropped, except those with a nonce (v1), which the in-order
    // replay check sees; every other report keeps its index and line.
    let expected: Vec<&Report> = all
        .iter()
        .filter(|r| r.verdict != Verdict::Valid || r.nonce.is_some() || r.signature_nonce.is_some())
        .collect();
    assert_eq!(kept.iter().collect::<Vec<_>>(), expected);
    let dropped = all.len() - kept.len();
    assert!(dropped > 500, "{dropped} of {} dropped", all.len());
    // The capture exercises what the filter must not disturb.
    assert!(all_summary.valid > 0 && all_summary.invalid > 0 && all_summary.unreadable > 0);
    for code in ["InvalidParameterValue", "SignatureNonceUsed"] {
        assert!(
            kept.iter()
                .any(|r| r.findings.iter().any(|f| f.code == code)),
            "no {code}"
        );
    }
    let indices: Vec<usize> = all.iter().map(|r| r.location.index).collect();
    assert_eq!(indices, (0..all.len()).collect::<Vec<_>>());
}
