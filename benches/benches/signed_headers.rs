//! What a request listing many SignedHeaders names costs the verifier: a TC3 request
//! signing 1,000 and 10,000 extra headers with a wrong signature, verified with the
//! diagnosis on (as `cloudsig verify` runs by default), whose ratio shows the cost is
//! linear in the request (about 10x for 10x the names, where one scan of the headers
//! per name made it about 100x); and the largest request the diagnosis still searches
//! (64 signed headers) with and without the search, the most a diagnosis adds.
//!
//! `cargo bench -p cloudsig-benches --bench signed_headers` (add `-- --quick` for a
//! short run); the ratios are printed at the end (see `benches/README.md`).
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use cloudsig_verify::capture::{Captured, Location};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Verdict, Verifier, codes};
use criterion::Criterion;

type Result<T = (), E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

const ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";

/// The reproducer of issue 11: POST / to cvm with content-type, host and `extra`
/// headers `x-h<i>: v`, all signed, and a signature of zeros.
fn request(extra: usize) -> Captured {
    let mut names: Vec<String> = (0..extra).map(|i| format!("x-h{i}")).collect();
    names.extend(["content-type".into(), "host".into()]);
    names.sort();
    let authorization = format!(
        "TC3-HMAC-SHA256 Credential={ID}/2019-02-25/cvm/tc3_request, SignedHeaders={}, Signature={}",
        names.join(";"),
        "0".repeat(64)
    );
    let mut headers: Vec<(String, String)> = [
        ("Authorization", authorization.as_str()),
        ("Content-Type", "application/json"),
        ("Host", "cvm.tencentcloudapi.com"),
        ("X-TC-Action", "DescribeInstances"),
        ("X-TC-Timestamp", "1551113065"),
        ("X-TC-Version", "2017-03-12"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    headers.extend((0..extra).map(|i| (format!("x-h{i}"), "v".to_string())));
    Captured {
        location: Location::default(),
        method: "POST".into(),
        target: "/".into(),
        headers,
        body: b"{}".to_vec(),
    }
}

fn main() -> Result {
    let keys = KeyRing::parse(&format!("{ID} {}", "*".repeat(32)), "bench")?;
    let diagnosed = Verifier::new(keys.clone(), Options::at(1_551_113_065));
    let undiagnosed = Verifier::new(keys, Options::at(1_551_113_065).diagnose(false));
    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("signed_headers");
    let mut rows = Vec::new();
    for (name, extra, verifier, searched) in [
        ("tc3_64_diagnosed", 62, &diagnosed, true),
        ("tc3_64_no_diagnose", 62, &undiagnosed, false),
        ("tc3_1000", 1_000, &diagnosed, false),
        ("tc3_10000", 10_000, &diagnosed, false),
    ] {
        let cap = request(extra);
        let mut cache = KeyCache::default();
        // Checked once before it is timed: a signature failure, searched or not.
        let r = verifier.check(&cap, &mut cache);
        let tried = r.diagnosis.as_ref().map_or(0, |d| d.tried);
        if r.verdict != Verdict::Invalid
            || r.code() != Some(codes::SIGNATURE_FAILURE)
            || (tried > 0) != searched
        {
            return Err(
                format!("signed_headers/{name}: unexpected report {r} ({tried} tried)").into(),
            );
        }
        g.bench_function(name, |b| {
            b.iter(|| verifier.check(black_box(&cap), &mut cache))
        });
        // A plain mean of a few runs for the summary (criterion's own estimates are
        // in target/criterion).
        let runs = 20u32;
        let start = Instant::now();
        for _ in 0..runs {
            black_box(verifier.check(black_box(&cap), &mut cache));
        }
        rows.push((name, start.elapsed().as_secs_f64() / f64::from(runs)));
    }
    g.finish();
    c.final_summary();
    println!();
    println!("== mean of 20 runs each (ms)");
    for (name, secs) in &rows {
        println!("{name:<22} {:>10.3}", secs * 1e3);
    }
    let mean = |n: &str| rows.iter().find(|(m, _)| *m == n).map(|(_, s)| *s);
    if let (Some(a), Some(b)) = (mean("tc3_10000"), mean("tc3_1000")) {
        println!(
            "10,000 names / 1,000 names: {:.1}x (linear: ~10x; quadratic: ~100x)",
            a / b
        );
    }
    if let (Some(a), Some(b)) = (mean("tc3_64_diagnosed"), mean("tc3_64_no_diagnose")) {
        println!("64 signed headers, diagnosed / not: {:.1}x", a / b);
    }
    Ok(())
}
