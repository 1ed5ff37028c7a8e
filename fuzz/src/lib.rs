//! Helpers shared by the fuzz targets: running a capture reader to its end under a
//! termination bound, and checking that reading does not depend on how the input is
//! buffered.

use std::io::{BufRead, BufReader};

use cloudsig_verify::capture::{Item, Limits};

/// Limits small enough for short fuzz inputs to cross every one of them.
pub const SMALL: Limits = Limits {
    max_head: 48,
    max_body: 16,
    max_record: 96,
};

/// Collects every item of `items`. A reader yields at most one item per input byte (plus
/// a final error), so more than that means it is looping: that is reported as a crash.
pub fn collect(items: impl Iterator<Item = Item>, len: usize) -> Vec<Item> {
    let mut out = Vec::new();
    for item in items {
        if let Err(e) = &item {
            // Offsets are within the input (the end of it at most).
            assert!(
                e.location.offset <= len as u64,
                "error offset {} past the input ({len} bytes)",
                e.location.offset
            );
        }
        if let Ok(c) = &item {
            assert!(
                c.location.offset <= len as u64,
                "request offset {} past the input ({len} bytes)",
                c.location.offset
            );
            // The derived parts of a request never panic.
            let view = c.view();
            let _ = (c.host(), c.path(), c.query(), view.target_authority());
        }
        out.push(item);
        assert!(
            out.len() <= len + 1,
            "more items ({}) than input bytes ({len}) + 1: the reader does not advance",
            out.len()
        );
    }
    out
}

/// Runs the reader `open` makes over `data` with default and small limits, each over
/// the whole slice and over a reader that hands out 1 to 7 bytes at a time (chosen by
/// the input's length, so that a long run tries every size); the items must not depend
/// on the buffering. Returns the items read with the default limits.
pub fn check_reader<F>(data: &[u8], open: F) -> Vec<Item>
where
    F: for<'a> Fn(Box<dyn BufRead + 'a>, Limits) -> Box<dyn Iterator<Item = Item> + 'a>,
{
    let capacity = 1 + data.len() % 7;
    let mut first = None;
    for limits in [Limits::default(), SMALL] {
        let whole = collect(open(Box::new(data), limits), data.len());
        let piecewise = collect(
            open(Box::new(BufReader::with_capacity(capacity, data)), limits),
            data.len(),
        );
        assert_eq!(
            whole, piecewise,
            "items differ when the input is read {capacity} bytes at a time"
        );
        first.get_or_insert(whole);
    }
    first.unwrap_or_default()
}

/// A reader that hands out `data` 1 to `max` bytes per read, as a pipe written in pieces
/// does; the size of each read is taken in turn from `schedule` (cycled), so that the
/// fuzz input chooses it.
pub struct Trickle<'a> {
    data: &'a [u8],
    schedule: &'a [u8],
    max: usize,
    turn: usize,
}

impl<'a> Trickle<'a> {
    /// `data` in reads of `1 + schedule[i] % max` bytes (1 byte each if `schedule` is
    /// empty or `max` is 0).
    pub fn new(data: &'a [u8], schedule: &'a [u8], max: usize) -> Self {
        Self {
            data,
            schedule,
            max: max.max(1),
            turn: 0,
        }
    }
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let pick = match self.schedule.len() {
            0 => 0,
            len => usize::from(self.schedule[self.turn % len]),
        };
        self.turn = self.turn.wrapping_add(1);
        let n = (1 + pick % self.max).min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The trailer that makes [`expand`] grow an input.
pub const EXPAND: &[u8] = b"\xffEXPAND";

/// Inputs ending in [`EXPAND`] and a count byte `r` stand for a larger input: the bytes
/// before the trailer, with the byte in their middle repeated `r * 2048` times more
/// (up to about 512 KiB). A record, header or body far larger than libFuzzer's input
/// length cap (`-max_len`, 16 KiB in `run.sh`) is then a short input: inside a JSON
/// string it makes a record larger than any first read. `None` for other inputs.
pub fn expand(input: &[u8]) -> Option<Vec<u8>> {
    let (&count, rest) = input.split_last()?;
    let body = rest.strip_suffix(EXPAND)?;
    let middle = body.len() / 2;
    let byte = *body.get(middle)?;
    let extra = usize::from(count) * 2048;
    let mut out = Vec::with_capacity(body.len() + extra);
    out.extend_from_slice(&body[..middle]);
    out.resize(middle + extra, byte);
    out.extend_from_slice(&body[middle..]);
    Some(out)
}
