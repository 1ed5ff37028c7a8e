//! `auth::parse_tc3` (and `SignedHeaders::parse` on what it finds) over arbitrary UTF-8.
#![no_main]

use cloudsig_canonical::tc3::SignedHeaders;
use cloudsig_verify::auth::{is_tc3, parse_tc3};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let claims = is_tc3(value);
    let Ok(a) = parse_tc3(value) else {
        return;
    };
    assert!(claims, "parsed as TC3 but is_tc3 says no");
    // The scope's parts are non-empty pieces of the Credential, without `/`.
    for part in [a.secret_id, a.date, a.service, a.terminator] {
        assert!(!part.contains('/'), "a scope part holds `/`");
    }
    assert!(!a.secret_id.is_empty() && !a.date.is_empty() && !a.service.is_empty());
    // Each value borrows from the input.
    for part in [a.secret_id, a.signed_headers, a.signature] {
        assert!(value.contains(part));
    }
    if let Ok(headers) = SignedHeaders::parse(a.signed_headers) {
        let _ = headers.is_sorted();
        for name in headers.names() {
            assert!(headers.contains(name));
        }
    }
});
