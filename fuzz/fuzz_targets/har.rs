//! `HarReader` over arbitrary bytes, with default and small limits, whole and a few
//! bytes at a time.
#![no_main]

use cloudsig_verify::capture::har::HarReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cloudsig_fuzz::check_reader(data, |r, l| Box::new(HarReader::new(r, l)));
});
