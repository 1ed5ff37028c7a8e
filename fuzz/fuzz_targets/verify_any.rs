//! The whole of `cloudsig verify` on arbitrary bytes: detect the format, parse with the
//! matching reader, verify every item with a fixed key ring (vectors/captures/tencent/
//! keys.txt) at the TC3 example's time with diagnosis on, and render every report.
//! JSON lines are verified a second way, through the pipeline's borrowed-view path, and
//! must give the same reports.
//!
//! The input is delivered as a pipe may deliver it: `detect_reader` reads it through a
//! reader returning 1 to k bytes per read (k and the sizes chosen by the input's bytes)
//! and must decide as `detect` does on the whole input; the reader it hands back feeds
//! the capture reader, which must read what it reads from the whole slice. An input
//! ending in `cloudsig_fuzz::EXPAND` and a count stands for a much larger one
//! (`cloudsig_fuzz::expand`), so records far over the input length cap are reached.
#![no_main]

use std::io::BufReader;
use std::sync::OnceLock;

use cloudsig_fuzz::{Trickle, collect, expand};
use cloudsig_verify::capture::detect::{DETECT_MAX, Format, detect, detect_reader};
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
    for reveal in [render::Reveal::Nothing, render::Reveal::ExpectedSignature] {
        let _ = render::explain(report, reveal);
        let _ = render::to_json(report, reveal).to_string();
    }
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

fuzz_target!(|input: &[u8]| {
    let expanded = expand(input);
    let data = expanded.as_deref().unwrap_or(input);
    let format = detect(data);
    // Through short reads: the same decision, and every byte handed on.
    let max = 1 + usize::from(input.first().copied().unwrap_or(0) % 16);
    let pipe = BufReader::with_capacity(1 + input.len() % 64, Trickle::new(data, input, max));
    let (streamed, replay) = detect_reader(pipe, DETECT_MAX).expect("a slice reads");
    assert_eq!(
        streamed, format,
        "detection depends on how the input arrives"
    );
    let Some(format) = format else {
        return;
    };
    let limits = Limits::default();
    let same = |streamed: Vec<Item>, whole: Vec<Item>| {
        assert_eq!(
            streamed, whole,
            "the reader differs on the input as detected through short reads"
        );
        whole
    };
    match format {
        Format::Http => {
            let items = same(
                collect(http::HttpReader::new(replay, limits), data.len()),
                collect(http::HttpReader::new(data, limits), data.len()),
            );
            verify(items.into_iter(), data.len());
        }
        Format::Curl => {
            let items = same(
                collect(curl::CurlReader::new(replay, limits), data.len()),
                collect(curl::CurlReader::new(data, limits), data.len()),
            );
            verify(items.into_iter(), data.len());
        }
        Format::Har => {
            let items = same(
                collect(har::HarReader::new(replay, limits), data.len()),
                collect(har::HarReader::new(data, limits), data.len()),
            );
            verify(items.into_iter(), data.len());
        }
        Format::JsonLines => {
            let owned = verify(jsonl::JsonLinesReader::new(replay, limits), data.len());
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
