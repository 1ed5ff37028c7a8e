//! Inputs for the tests of every capture reader: a reader of a repeated unit that never
//! holds it whole, a reader failing after some bytes, a deterministic generator, and
//! random inputs made of a reader's own syntax.

use std::io::{self, Read};

/// `head`, then `unit` repeated up to `len` bytes, then `tail`, without holding
/// the repeated part.
pub(crate) struct Repeat {
    head: Vec<u8>,
    unit: Vec<u8>,
    len: u64,
    tail: Vec<u8>,
    pos: u64,
}

impl Repeat {
    pub(crate) fn new(head: &[u8], unit: &[u8], len: u64, tail: &[u8]) -> Self {
        assert!(!unit.is_empty());
        Self {
            head: head.to_vec(),
            unit: unit.to_vec(),
            len,
            tail: tail.to_vec(),
            pos: 0,
        }
    }
}

impl Read for Repeat {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let head = self.head.len() as u64;
        let mut n = 0;
        while n < out.len() {
            let p = self.pos;
            let byte = if p < head {
                self.head[p as usize]
            } else if p < head + self.len {
                self.unit[((p - head) % self.unit.len() as u64) as usize]
            } else if let Some(&b) = self.tail.get((p - head - self.len) as usize) {
                b
            } else {
                break;
            };
            out[n] = byte;
            n += 1;
            self.pos += 1;
        }
        Ok(n)
    }
}

/// A reader failing with `kind` after `ok` bytes of `data`.
pub(crate) struct Failing {
    pub(crate) data: Vec<u8>,
    pub(crate) ok: usize,
    pub(crate) kind: io::ErrorKind,
}

impl Read for Failing {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.ok == 0 {
            return Err(io::Error::new(self.kind, "disk on fire"));
        }
        let n = out.len().min(self.ok).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data.drain(..n);
        self.ok -= n;
        Ok(n)
    }
}

/// A deterministic pseudo-random generator (SplitMix64).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (> 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `rounds` deterministic inputs for a reader that must never panic nor run away: every
/// even round up to 40 pieces of the reader's syntax (`pieces`) and random bytes, every
/// odd round `sample` with up to four random edits (a byte inserted, a byte removed, the
/// rest cut off, a piece inserted).
pub(crate) fn random_inputs(
    seed: u64,
    pieces: &'static [&'static [u8]],
    sample: &'static [u8],
    rounds: usize,
) -> impl Iterator<Item = Vec<u8>> {
    let mut rng = Rng(seed);
    (0..rounds).map(move |round| {
        let mut input = Vec::new();
        if round % 2 == 0 {
            for _ in 0..rng.below(40) {
                if rng.below(3) == 0 {
                    input.push(rng.next() as u8);
                } else {
                    input.extend_from_slice(pieces[rng.below(pieces.len())]);
                }
            }
        } else {
            input.extend_from_slice(sample);
            for _ in 0..=rng.below(4) {
                let at = rng.below(input.len() + 1);
                match rng.below(4) {
                    0 => input.insert(at, rng.next() as u8),
                    1 if at < input.len() => {
                        input.remove(at);
                    }
                    2 => input.truncate(at),
                    _ => {
                        let piece = pieces[rng.below(pieces.len())];
                        input.splice(at..at, piece.iter().copied());
                    }
                }
            }
        }
        input
    })
}
