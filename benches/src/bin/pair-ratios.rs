//! The signature stage of two requests, one at a time against in lock-step
//! ([`LeanKey::sign_pair`], issue 17 item 2's interleaving experiment), each timed against
//! the same SHA-256 floor in alternating batches (the fastest of each, as `ratios` does).
//!
//! Usage: `pair-ratios [ROUNDS]` (default 300). Rows, per pair of the seed request signed
//! with a cached key (16 blocks a pair): the floor as one call of 16 blocks; the floor as
//! two 8-block chains one block a call in turn (what lock-step can reach); two
//! `LeanKey::sign` calls; `sign_pair` (one block a call in turn); `sign_pair_by_chain`
//! (each chain's blocks in one call, the two requests' chains in turn). Then the floor's
//! time a block as 1 to 4 independent 8-block chains, one block a call in turn.

use std::hint::black_box;
use std::time::Instant;

use cloudsig_benches::lean_tc3::{LeanKey, Shape};
use cloudsig_benches::{FLOOR_BLOCKS, SHA256_IV, seed};
use sha2::block_api::compress256;

/// Calls per batch.
const BATCH: u32 = 1_000;

/// Nanoseconds per call of the fastest of `rounds` batches of `floor` and of `subject`,
/// timed alternately.
fn fastest(rounds: u32, floor: &mut dyn FnMut(), subject: &mut dyn FnMut()) -> (f64, f64) {
    let mut best = (f64::INFINITY, f64::INFINITY);
    let batch = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..BATCH {
            f();
        }
        start.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH)
    };
    for _ in 0..rounds {
        best.0 = best.0.min(batch(floor));
        best.1 = best.1.min(batch(subject));
    }
    best
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: u32 = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 300,
    };
    let key = LeanKey::derive(seed::SECRET_KEY, seed::TIMESTAMP, seed::SERVICE)
        .ok_or("the seed's key")?;
    let shape = Shape::new(&["content-type", "host"]);
    let req = cloudsig_benches::request();
    let ts = seed::TIMESTAMP;
    let want = Some(*<&[u8; 64]>::try_from(seed::SIGNATURE.as_bytes())?);
    let one = || {
        let a = key.sign(black_box(&req), &shape, black_box(ts));
        let b = key.sign(black_box(&req), &shape, black_box(ts));
        (a, b)
    };
    let pair = || {
        LeanKey::sign_pair(
            (&key, black_box(&req), ts),
            (&key, black_box(&req), ts),
            &shape,
        )
    };
    let by_chain = || {
        LeanKey::sign_pair_by_chain(
            (&key, black_box(&req), ts),
            (&key, black_box(&req), ts),
            &shape,
        )
    };
    for (name, f) in [("one", one()), ("pair", pair()), ("by chain", by_chain())] {
        if f != (want, want) {
            return Err(format!("{name}: wrong signature").into());
        }
    }
    let floor16 = FLOOR_BLOCKS.get(..16).ok_or("blocks")?;
    let floor8 = FLOOR_BLOCKS.get(..8).ok_or("blocks")?;
    let mut floor = || {
        let mut s = SHA256_IV;
        compress256(&mut s, black_box(floor16));
        black_box(s);
    };
    let two_chains = || {
        let (mut x, mut y) = (SHA256_IV, SHA256_IV);
        for b in black_box(floor8).chunks_exact(1) {
            compress256(&mut x, b);
            compress256(&mut y, b);
        }
        black_box((x, y));
    };
    println!(
        "fastest of {rounds} batches of {BATCH} calls, floor (16 blocks, one call) and subject alternating"
    );
    println!(
        "{:<44} {:>9} {:>9} {:>7}",
        "a pair of seed signatures (cached key)", "ns", "floor ns", "ratio"
    );
    let rows: [(&str, &dyn Fn()); 4] = [
        ("floor as two chains, one block a call in turn", &two_chains),
        ("LeanKey::sign, twice", &|| {
            black_box(one());
        }),
        ("LeanKey::sign_pair (lock-step, block a call)", &|| {
            black_box(pair());
        }),
        ("LeanKey::sign_pair_by_chain", &|| {
            black_box(by_chain());
        }),
    ];
    for (name, f) in rows {
        let (fl, s) = fastest(rounds, &mut floor, &mut || f());
        println!("{name:<44} {s:>9.1} {fl:>9.1} {:>6.2}x", s / fl);
    }
    // What more chains would give: the floor's blocks per nanosecond as 1 to 4 chains of
    // 8 blocks, one block a call in turn (per block, against one 16-block call).
    println!();
    println!(
        "{:<44} {:>9} {:>9} {:>7}",
        "8-block chains, one block a call in turn", "ns/block", "floor", "ratio"
    );
    let chains = |n: usize| {
        let mut s = [SHA256_IV; 4];
        for b in black_box(floor8).chunks_exact(1) {
            for st in s.iter_mut().take(n) {
                compress256(st, b);
            }
        }
        black_box(s);
    };
    for n in 1..=4usize {
        let (fl, t) = fastest(rounds, &mut floor, &mut || chains(n));
        let per = t / (8.0 * n as f64);
        let floor_per = fl / 16.0;
        println!(
            "{:<44} {per:>9.2} {floor_per:>9.2} {:>6.2}x",
            format!("{n} chain(s)"),
            per / floor_per
        );
    }
    Ok(())
}
