//! Verifying a whole capture: work is split across threads, reports come back in
//! capture order, and the nonce replay check is applied in that order.
//!
//! Memory is bounded whatever the capture's size: at most `2 × threads` units of work
//! are in flight, and a unit is a batch of at most [`BATCH`] requests.

use std::collections::BTreeMap;
use std::io;
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};

use crate::capture::Item;
use crate::conformance::ReplayGuard;
use crate::report::{Report, Verdict};
use crate::verifier::{KeyCache, Verifier, unreadable};

/// How many requests a unit of work holds.
pub const BATCH: usize = 256;

/// Counts of verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Requests seen.
    pub total: u64,
    /// Valid.
    pub valid: u64,
    /// Sent with `Authorization: SKIP`.
    pub unsigned: u64,
    /// Refused.
    pub invalid: u64,
    /// Not readable as requests.
    pub unreadable: u64,
}

impl Summary {
    fn add(&mut self, r: &Report) {
        self.total += 1;
        match r.verdict {
            Verdict::Valid => self.valid += 1,
            Verdict::Unsigned => self.unsigned += 1,
            Verdict::Invalid => self.invalid += 1,
            _ => self.unreadable += 1,
        }
    }

    /// Whether every request would be accepted.
    pub fn all_ok(&self) -> bool {
        self.invalid == 0 && self.unreadable == 0
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} requests: {} valid, {} unsigned, {} invalid, {} unreadable",
            self.total, self.valid, self.unsigned, self.invalid, self.unreadable
        )
    }
}

/// Verifies `items` on `threads` worker threads (1 verifies on the calling thread) and
/// hands each report to `sink` in capture order.
///
/// ```
/// use cloudsig_verify::{keys::KeyRing, pipeline, Options, Verifier};
/// let verifier = Verifier::new(KeyRing::default(), Options::at(0));
/// let summary = pipeline::verify_items(std::iter::empty(), &verifier, 2, |_| Ok(()))?;
/// assert_eq!(summary.total, 0);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn verify_items<I, S>(
    items: I,
    verifier: &Verifier,
    threads: usize,
    sink: S,
) -> io::Result<Summary>
where
    I: Iterator<Item = Item> + Send,
    S: FnMut(Report) -> io::Result<()>,
{
    let batches = Batches { items, size: BATCH };
    run(
        batches,
        verifier,
        threads,
        |batch: Vec<Item>, cache: &mut KeyCache| {
            batch
                .iter()
                .map(|item| match item {
                    Ok(cap) => verifier.check(cap, cache),
                    Err(e) => unreadable(e),
                })
                .collect()
        },
        sink,
    )
}

/// Runs `work` over `units` on `threads` threads; the reports of each unit go to `sink`
/// in unit order, after the replay check.
pub fn run<U, I, W, S>(
    units: I,
    verifier: &Verifier,
    threads: usize,
    work: W,
    mut sink: S,
) -> io::Result<Summary>
where
    U: Send,
    I: Iterator<Item = U> + Send,
    W: Fn(U, &mut KeyCache) -> Vec<Report> + Sync,
    S: FnMut(Report) -> io::Result<()>,
{
    let mut replay = ReplayGuard::new(verifier.options().window);
    let mut summary = Summary::default();
    let mut emit = |reports: Vec<Report>, summary: &mut Summary| -> io::Result<()> {
        for mut r in reports {
            replay.observe(&mut r);
            summary.add(&r);
            sink(r)?;
        }
        Ok(())
    };
    if threads <= 1 {
        let mut cache = KeyCache::default();
        for unit in units {
            emit(work(unit, &mut cache), &mut summary)?;
        }
        return Ok(summary);
    }
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = sync_channel::<(u64, U)>(threads * 2);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = sync_channel::<(u64, Vec<Report>)>(threads * 2);
        scope.spawn(move || {
            for (seq, unit) in (0u64..).zip(units) {
                if work_tx.send((seq, unit)).is_err() {
                    break;
                }
            }
        });
        for _ in 0..threads {
            let rx = Arc::clone(&work_rx);
            let tx = done_tx.clone();
            let work = &work;
            scope.spawn(move || {
                let mut cache = KeyCache::default();
                loop {
                    let next = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => break,
                    };
                    let Ok((seq, unit)) = next else { break };
                    if tx.send((seq, work(unit, &mut cache))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut next = 0u64;
        let mut pending: BTreeMap<u64, Vec<Report>> = BTreeMap::new();
        for (seq, reports) in done_rx {
            pending.insert(seq, reports);
            while let Some(reports) = pending.remove(&next) {
                emit(reports, &mut summary)?;
                next += 1;
            }
        }
        Ok(summary)
    })
}

/// Groups an iterator's items into vectors of `size`.
struct Batches<I> {
    items: I,
    size: usize,
}

impl<I: Iterator> Iterator for Batches<I> {
    type Item = Vec<I::Item>;

    fn next(&mut self) -> Option<Self::Item> {
        let batch: Vec<I::Item> = self.items.by_ref().take(self.size).collect();
        (!batch.is_empty()).then_some(batch)
    }
}
