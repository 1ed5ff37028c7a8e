//! The whole of `cloudsig verify` on arbitrary bytes: detect the format, parse with the
//! matching reader, verify every item with a fixed key ring (vectors/captures/tencent/
//! keys.txt) at the TC3 example's time with diagnosis on, and render every report.
//! JSON lines are verified a second way, through the pipeline's borrowed-view path, and
//! must give the same reports.
#![no_main]

use std::sync::OnceLock;

use cloudsig_verify::capture::detect::{Format, detect};
use cloudsig_verify::capture::{Item, Limits, curl, har, http, jsonl};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{Options, Report, Session, Verdict, Verifier, pipeline, render};
use libfuzzer_sys::fuzz_target;

const KEYS: &str = "\
AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE Gu5t9xGARNpq86cd98joQYCN3EXAMPLE
AKIDtemporaryEXAMPLE0000000000000000 TempKeyEXAMPLE00000000000000000000 tokenEXAMPLE123
";

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let keys = KeyRing::parse(KEYS, "fuzz").expect("the fixed key ring parses");
        Verifier::new(keys, Options::at(1_551_113_065).diagnose(true))
    })
}

fn render_all(report: &Report) {
    let _ = report.to_string();
    let _ = render::explain(report);
    let _ = render::to_json(report).to_string();
    let _ = (report.code(), report.is_ok());
}

fn verify(items: impl Iterator<Item = Item>, len: usize) -> Vec<Report> {
    let mut session = Session::new(verifier().clone());
    let mut reports = Vec::new();
    for item in items {
        let report = session.verify_item(&item);
        render_all(&report);
        reports.push(report);
        assert!(reports.len() <= len + 1, "the reader does not advance");
    }
    reports
}

fuzz_target!(|data: &[u8]| {
    let Some(format) = detect(data) else {
        return;
    };
    let limits = Limits::default();
    match format {
        Format::Http => {
            verify(http::HttpReader::new(data, limits), data.len());
        }
        Format::Curl => {
            verify(curl::CurlReader::new(data, limits), data.len());
        }
        Format::Har => {
            verify(har::HarReader::new(data, limits), data.len());
        }
        Format::JsonLines => {
            let owned = verify(jsonl::JsonLinesReader::new(data, limits), data.len());
            let mut piped = Vec::new();
            let summary = pipeline::verify_jsonl(data, verifier(), limits, 1, |r| {
                piped.push(r);
                Ok(())
            })
            .expect("collecting reports does not fail");
            assert_eq!(summary.total, piped.len() as u64);
            assert_eq!(
                owned, piped,
                "the pipeline's view path differs from the reader's"
            );
            // Keeping only the reports that are not valid (as --only-invalid does) keeps
            // exactly those, with the same locations, and counts the same.
            let mut kept = Vec::new();
            let filtered = pipeline::verify_jsonl_where(
                data,
                verifier(),
                limits,
                1,
                |r| r.verdict != Verdict::Valid,
                |r| {
                    kept.push(r);
                    Ok(())
                },
            )
            .expect("collecting reports does not fail");
            assert_eq!(filtered, summary);
            let expected: Vec<&Report> = piped
                .iter()
                .filter(|r| {
                    r.verdict != Verdict::Valid || r.nonce.is_some() || r.signature_nonce.is_some()
                })
                .collect();
            assert_eq!(kept.iter().collect::<Vec<_>>(), expected);
        }
        _ => {}
    }
});
