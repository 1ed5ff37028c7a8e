//! `huawei::parse_authorization` (and `SignedHeaders::parse` on what it finds) over
//! arbitrary UTF-8: no panic, and what it returns is consistent with the input.
#![no_main]

use cloudsig_canonical::huawei::SignedHeaders;
use cloudsig_verify::huawei::{algorithm_of, is_huawei, parse_authorization};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let claims = is_huawei(value);
    let Ok(a) = parse_authorization(value) else {
        return;
    };
    assert!(claims, "parsed as Huawei but is_huawei says no");
    assert_eq!(algorithm_of(value), Some(a.algorithm));
    assert!(!a.access_key.is_empty() && !a.signature.is_empty());
    assert_eq!(a.scope.is_some(), a.algorithm.uses_scope());
    if let Some((day, region, service)) = a.scope {
        for part in [a.access_key, day, region, service] {
            assert!(!part.contains('/'), "a scope part holds `/`");
            assert!(value.contains(part));
        }
    }
    for part in [a.access_key, a.signed_headers, a.signature] {
        assert!(value.contains(part));
    }
    if let Ok(headers) = SignedHeaders::parse(a.signed_headers) {
        for name in headers.names() {
            assert!(headers.contains(name));
        }
    }
});
