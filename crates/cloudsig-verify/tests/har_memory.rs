//! The HAR reader's memory stays bounded however long `log.entries` is, and serde_json's
//! `StreamDeserializer` cannot do the same for a HAR: the reason `capture/har.rs` has its
//! own structural scanner (see its module docs).
//!
//! A counting global allocator records the most bytes live at once. This file holds a
//! single test, so nothing else allocates while it measures.

#![allow(
    unsafe_code,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{self, BufReader, Read};
use std::sync::atomic::{AtomicUsize, Ordering};

use cloudsig_verify::capture::Limits;
use cloudsig_verify::capture::har::HarReader;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A HAR of `count` identical entries, generated as it is read (never held whole).
struct Har {
    parts: [&'static [u8]; 4],
    part: usize,
    pos: usize,
    left: u64,
}

const HEAD: &[u8] =
    br#"{"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": ["#;
const ENTRY: &[u8] = br#"{"request": {"method": "POST", "url": "https://cvm.tencentcloudapi.com/", "headers": [{"name": "Content-Type", "value": "application/json"}, {"name": "X-TC-Action", "value": "DescribeInstances"}], "postData": {"mimeType": "application/json", "text": "{\"Limit\": 1, \"Offset\": 0, \"Filters\": [{\"Name\": \"zone\", \"Values\": [\"ap-guangzhou-1\"]}]}"}}, "response": {"status": 200, "content": {"size": 0, "text": ""}}}"#;
const TAIL: &[u8] = b"]}}\n";

impl Har {
    fn new(count: u64) -> Self {
        Self {
            parts: [HEAD, ENTRY, b",", TAIL],
            part: 0,
            pos: 0,
            left: count,
        }
    }

    fn len(count: u64) -> u64 {
        (HEAD.len() + TAIL.len()) as u64 + count * ENTRY.len() as u64 + count.saturating_sub(1)
    }
}

impl Read for Har {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            let part = match self.part {
                0 | 3 => self.parts[self.part],
                _ if self.left == 0 => {
                    self.part = 3;
                    continue;
                }
                p => self.parts[p],
            };
            if self.pos < part.len() {
                let n = out.len().min(part.len() - self.pos);
                out[..n].copy_from_slice(&part[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            self.pos = 0;
            self.part = match self.part {
                0 => 1,
                1 => {
                    self.left -= 1;
                    if self.left == 0 { 3 } else { 2 }
                }
                2 => 1,
                _ => return Ok(0),
            };
        }
    }
}

/// The most bytes live at once while `f` runs, above those live before it.
fn peak_during(f: impl FnOnce()) -> usize {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed) - before
}

#[test]
fn the_har_reader_holds_one_entry_and_serde_jsons_stream_deserializer_holds_the_file() {
    // 100,000 entries, 42 MB: the reader's peak does not grow with the count.
    let many = 100_000;
    assert!(Har::len(many) > 40_000_000);
    let mut entries = 0u64;
    let reader_peak = peak_during(|| {
        for item in HarReader::new(BufReader::new(Har::new(many)), Limits::default()) {
            let captured = item.expect("every generated entry is readable");
            assert_eq!(captured.target, "https://cvm.tencentcloudapi.com/");
            entries += 1;
        }
    });
    assert_eq!(entries, many);
    assert!(
        reader_peak < 64 * 1024,
        "the HAR reader held {reader_peak} bytes at once"
    );

    // StreamDeserializer yields top-level values, and a HAR is one: its first item is
    // the whole `log`, entries and all. 2,000 entries (0.84 MB) are enough to show it.
    let few = 2_000;
    let file_len = usize::try_from(Har::len(few)).unwrap();
    let stream_peak = peak_during(|| {
        let mut stream = serde_json::Deserializer::from_reader(BufReader::new(Har::new(few)))
            .into_iter::<serde_json::Value>();
        let log = stream.next().unwrap().unwrap();
        assert_eq!(log["log"]["entries"].as_array().map(Vec::len), Some(2_000));
        assert!(stream.next().is_none());
    });
    eprintln!(
        "HAR reader: {reader_peak} bytes at once for {} bytes; StreamDeserializer: {stream_peak} bytes at once for {file_len}",
        Har::len(many)
    );
    assert!(
        stream_peak > file_len,
        "StreamDeserializer held {stream_peak} bytes at once for a file of {file_len}"
    );
}
