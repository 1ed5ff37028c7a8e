//! Runs the lean verifier prototype ([`cloudsig_benches::lean_verify`]) over a
//! `make-jsonl` capture on one thread: `verify-lean CAPTURE KEYFILE NOW WINDOW [MODE]`.
//! Prints how many lines were valid, invalid and left alone; time it with
//! `/usr/bin/time` (CPU) or callgrind beside `cloudsig verify --threads 1`.
//!
//! `MODE` `pair` reads the records two at a time and computes the signatures of a pair
//! in lock-step, one block-function call each in turn
//! ([`LeanVerifier::verify_pair`]); `pair-chain` likewise with each chain's blocks in
//! one call ([`LeanVerifier::verify_pair_by_chain`]). An odd last record of a read
//! chunk is verified alone.

use std::fs::File;
use std::io::Read;

use cloudsig_benches::lean_verify::{LeanVerifier, Outcome};

/// How the records are verified.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// One at a time.
    One,
    /// Two at a time, one block a call in turn.
    Pair,
    /// Two at a time, each chain's blocks in one call.
    PairByChain,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(capture), Some(keys), Some(now), Some(window)) =
        (args.get(1), args.get(2), args.get(3), args.get(4))
    else {
        return Err("usage: verify-lean CAPTURE KEYFILE NOW WINDOW [pair|pair-chain]".into());
    };
    let mode = match args.get(5).map(String::as_str) {
        None => Mode::One,
        Some("pair") => Mode::Pair,
        Some("pair-chain") => Mode::PairByChain,
        Some(other) => return Err(format!("unknown mode {other:?}").into()),
    };
    let mut v = LeanVerifier::new(
        &std::fs::read_to_string(keys)?,
        now.parse()?,
        window.parse()?,
    );
    let mut input = File::open(capture)?;
    // 1 MiB chunks, lines cut with `memchr`, a partial last line carried to the next.
    let mut buf = vec![0u8; 1 << 20];
    let mut have = 0;
    let (mut valid, mut invalid, mut unhandled) = (0usize, 0usize, 0usize);
    loop {
        let n = input.read(buf.get_mut(have..).unwrap_or_default())?;
        let end = have + n;
        let chunk = buf.get(..end).unwrap_or_default();
        let mut start = 0;
        let mut count = |o: Outcome| match o {
            Outcome::Valid => valid += 1,
            Outcome::Invalid => invalid += 1,
            Outcome::Unhandled => unhandled += 1,
        };
        let mut held: Option<&[u8]> = None;
        for nl in memchr::memchr_iter(b'\n', chunk) {
            let line = chunk.get(start..nl).unwrap_or_default();
            start = nl + 1;
            let (first, second) = match mode {
                Mode::One => {
                    count(v.verify(line));
                    continue;
                }
                _ => match held.take() {
                    None => {
                        held = Some(line);
                        continue;
                    }
                    Some(first) => (first, line),
                },
            };
            let (a, b) = if mode == Mode::Pair {
                v.verify_pair(first, second)
            } else {
                v.verify_pair_by_chain(first, second)
            };
            count(a);
            count(b);
        }
        if let Some(line) = held {
            count(v.verify(line));
        }
        if n == 0 {
            if start < end {
                unhandled += 1;
            }
            break;
        }
        buf.copy_within(start..end, 0);
        have = end - start;
        if have == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
    }
    println!("{valid} valid, {invalid} invalid, {unhandled} left alone");
    Ok(())
}
