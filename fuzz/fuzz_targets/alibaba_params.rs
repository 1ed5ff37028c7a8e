//! Alibaba parsers over arbitrary UTF-8: the ACS3 and ROA Authorization parsers, the
//! query decoder and canonical query, the ROA and RPC strings to sign built from what was
//! decoded, and the date parsers. None may panic; parsed values borrow from the input.
#![no_main]

use cloudsig_canonical::Request;
use cloudsig_canonical::alibaba::query::{PlusIs, decode_pairs};
use cloudsig_canonical::alibaba::{acs3, roa, rpc, time};
use cloudsig_verify::alibaba::auth::{is_acs3, is_roa, parse_acs3, parse_roa};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(a) = parse_acs3(value) {
        assert!(is_acs3(value), "parsed as ACS3 but is_acs3 says no");
        for part in [a.access_key_id, a.signed_headers, a.signature] {
            assert!(!part.is_empty() && value.contains(part));
        }
        let _ = acs3::SignedHeaders::parse(a.signed_headers);
    }
    if let Ok(a) = parse_roa(value) {
        assert!(is_roa(value), "parsed as ROA but is_roa says no");
        assert!(value.contains(a.access_key_id) && value.contains(a.signature));
    }
    let pairs = decode_pairs(value, PlusIs::Space);
    let canonical = acs3::canonical_query(value, acs3::QueryForm::Rfc3986, PlusIs::Space);
    // The canonical query is pure RFC 3986 text: re-canonicalising it changes nothing.
    assert_eq!(
        acs3::canonical_query(&canonical, acs3::QueryForm::Rfc3986, PlusIs::Space),
        canonical
    );
    let _ = rpc::StringToSign::new(
        "GET",
        pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        &Default::default(),
    )
    .map(|s| s.to_string());
    let req = Request::new("GET", "/").query(value).header("Date", value);
    let _ = roa::StringToSign::new(&req, &Default::default()).map(|s| s.to_string());
    if let Some(ts) = time::parse_iso8601(value) {
        assert_eq!(time::iso8601(ts).ok().as_deref(), Some(value));
    }
    if let Some(ts) = time::parse_rfc1123(value) {
        assert!(time::rfc1123(ts).is_ok());
    }
});
