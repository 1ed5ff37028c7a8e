//! Splits single-threaded verification time into parsing and checking:
//! `verify-split CAPTURE.jsonl KEYFILE NOW WINDOW`.

use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use cloudsig_verify::capture::{Limits, jsonl::JsonLinesReader};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Verifier};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(capture), Some(keys), Some(now), Some(window)) =
        (args.get(1), args.get(2), args.get(3), args.get(4))
    else {
        return Err("usage: verify-split CAPTURE KEYFILE NOW WINDOW".into());
    };
    let open = || -> Result<_, Box<dyn std::error::Error>> {
        Ok(JsonLinesReader::new(
            BufReader::with_capacity(1 << 18, File::open(capture)?),
            Limits::default(),
        ))
    };
    let t = Instant::now();
    let items: Vec<_> = open()?.collect();
    let parse = t.elapsed();
    let verifier = Verifier::new(
        KeyRing::from_file(keys.as_ref())?,
        Options::at(now.parse()?).window(window.parse::<i64>()?),
    );
    let mut cache = KeyCache::default();
    let rounds: u32 = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1)
        .max(1);
    let t = Instant::now();
    let mut valid = 0usize;
    for _ in 0..rounds {
        valid = 0;
        for item in items.iter().flatten() {
            valid += usize::from(verifier.check(item, &mut cache).is_ok());
        }
    }
    let check = t.elapsed() / rounds;
    let n = items.len() as f64;
    println!(
        "{} requests ({valid} valid): parse {:.2} us/request, check {:.2} us/request",
        items.len(),
        parse.as_secs_f64() * 1e6 / n,
        check.as_secs_f64() * 1e6 / n
    );
    Ok(())
}
