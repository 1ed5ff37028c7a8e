//! `JsonLinesReader` over arbitrary bytes, with default and small limits, whole and a
//! few bytes at a time; and the borrowed-view path (`next_view`) agrees with the
//! iterator.
#![no_main]

use cloudsig_verify::capture::Limits;
use cloudsig_verify::capture::jsonl::JsonLinesReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let owned = cloudsig_fuzz::check_reader(data, |r, l| Box::new(JsonLinesReader::new(r, l)));
    let mut viewed = Vec::new();
    let mut reader = JsonLinesReader::new(data, Limits::default());
    while let Some(item) = reader.next_view(&mut |r| {
        r.map(|v| {
            let _ = (v.host(), v.path(), v.query(), v.header("authorization"));
            v.to_captured()
        })
    }) {
        viewed.push(item);
        assert!(viewed.len() <= data.len() + 1, "next_view does not advance");
    }
    assert_eq!(owned, viewed);
});
