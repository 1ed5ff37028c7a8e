//! Runs the lean verifier prototype ([`cloudsig_benches::lean_verify`]) over a
//! `make-jsonl` capture on one thread: `verify-lean CAPTURE KEYFILE NOW WINDOW`.
//! Prints how many lines were valid, invalid and left alone; time it with
//! `/usr/bin/time` (CPU) or callgrind beside `cloudsig verify --threads 1`.

use std::fs::File;
use std::io::Read;

use cloudsig_benches::lean_verify::{LeanVerifier, Outcome};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(capture), Some(keys), Some(now), Some(window)) =
        (args.get(1), args.get(2), args.get(3), args.get(4))
    else {
        return Err("usage: verify-lean CAPTURE KEYFILE NOW WINDOW".into());
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
        for nl in memchr::memchr_iter(b'\n', chunk) {
            match v.verify(chunk.get(start..nl).unwrap_or_default()) {
                Outcome::Valid => valid += 1,
                Outcome::Invalid => invalid += 1,
                Outcome::Unhandled => unhandled += 1,
            }
            start = nl + 1;
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
