//! The lean verifier prototype one record at a time against two in lock-step
//! ([`LeanVerifier::verify_pair`], [`LeanVerifier::verify_pair_by_chain`]), timed the way
//! `ratios` times signers on a shared machine: in alternating short batches over the same
//! records held in memory, each way keeping its fastest batch (the least disturbed), so
//! that the ratios come from the same moments of one run.
//!
//! Usage: `verify-lean-ab CAPTURE KEYFILE NOW WINDOW [LINES] [BATCH] [ROUNDS]` (defaults
//! 200,000 lines of a `make-jsonl` capture, batches of 20,000, 100 rounds). Each round
//! takes the next batch of the lines and verifies it each way, the order rotated from
//! round to round; a way's verifier (and its key cache) lives for the whole run. Prints
//! nanoseconds a record of each way's fastest and median batch, and the ratios to one at
//! a time; fails if the ways' outcomes differ.

use std::time::Instant;

use cloudsig_benches::lean_verify::{LeanVerifier, Outcome};

type Counts = [usize; 3];

fn count(c: &mut Counts, o: Outcome) {
    let i = match o {
        Outcome::Valid => 0,
        Outcome::Invalid => 1,
        Outcome::Unhandled => 2,
    };
    if let Some(n) = c.get_mut(i) {
        *n += 1;
    }
}

/// Verifies `lines` in `way` (0 one at a time, 1 pair, 2 pair by chain).
fn run(v: &mut LeanVerifier, way: usize, lines: &[&[u8]]) -> Counts {
    let mut c = [0; 3];
    if way == 0 {
        for l in lines {
            count(&mut c, v.verify(l));
        }
        return c;
    }
    let (pairs, odd) = lines.as_chunks::<2>();
    for [a, b] in pairs {
        let (x, y) = if way == 1 {
            v.verify_pair(a, b)
        } else {
            v.verify_pair_by_chain(a, b)
        };
        count(&mut c, x);
        count(&mut c, y);
    }
    for l in odd {
        count(&mut c, v.verify(l));
    }
    c
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(capture), Some(keys), Some(now), Some(window)) =
        (args.get(1), args.get(2), args.get(3), args.get(4))
    else {
        return Err(
            "usage: verify-lean-ab CAPTURE KEYFILE NOW WINDOW [LINES] [BATCH] [ROUNDS]".into(),
        );
    };
    let arg = |i: usize, default: usize| -> Result<usize, Box<dyn std::error::Error>> {
        Ok(match args.get(i) {
            Some(s) => s.parse()?,
            None => default,
        })
    };
    let (want, batch, rounds) = (arg(5, 200_000)?, arg(6, 20_000)?.max(1), arg(7, 100)?);
    let keys = std::fs::read_to_string(keys)?;
    let (now, window): (i64, i64) = (now.parse()?, window.parse()?);
    let data = std::fs::read(capture)?;
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .take(want)
        .collect();
    let batches: Vec<&[&[u8]]> = lines.chunks_exact(batch).collect();
    if batches.is_empty() {
        return Err("fewer lines than one batch".into());
    }
    let names = ["one at a time", "pair (block a call)", "pair by chain"];
    let mut verifiers: Vec<LeanVerifier> = (0..3)
        .map(|_| LeanVerifier::new(&keys, now, window))
        .collect();
    let mut times: [Vec<f64>; 3] = Default::default();
    for r in 0..rounds {
        let Some(lines) = batches.get(r % batches.len()) else {
            continue;
        };
        let mut counts: Vec<Counts> = Vec::new();
        for k in 0..3 {
            let way = (r + k) % 3;
            let (Some(v), Some(t)) = (verifiers.get_mut(way), times.get_mut(way)) else {
                continue;
            };
            let start = Instant::now();
            counts.push(run(v, way, lines));
            t.push(start.elapsed().as_secs_f64() * 1e9 / lines.len() as f64);
        }
        if counts.windows(2).any(|w| w.first() != w.last()) {
            return Err(format!("round {r}: the ways' outcomes differ: {counts:?}").into());
        }
    }
    println!(
        "{} lines, batches of {batch}, {rounds} rounds, the three ways alternating",
        lines.len()
    );
    let mut summary = Vec::new();
    for (name, t) in names.iter().zip(times.iter_mut()) {
        t.sort_by(f64::total_cmp);
        let fastest = t.first().copied().unwrap_or(f64::NAN);
        let median = t.get(t.len() / 2).copied().unwrap_or(f64::NAN);
        summary.push((fastest, median));
        println!("{name:<22} fastest {fastest:>7.1} ns a record, median {median:>7.1}");
    }
    if let [(f0, m0), rest @ ..] = summary.as_slice() {
        for ((f, m), name) in rest.iter().zip(names.iter().skip(1)) {
            println!(
                "{name:<22} / one at a time: fastest {:.3}, median {:.3}",
                f / f0,
                m / m0
            );
        }
    }
    Ok(())
}
