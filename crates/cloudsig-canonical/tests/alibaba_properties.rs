//! Properties of the Alibaba canonical builders: the canonical query is idempotent and
//! independent of the order and encoding of what was sent; the date formats round-trip;
//! nothing panics on arbitrary text (the same invariants as fuzz/alibaba_params).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_canonical::Request;
use cloudsig_canonical::alibaba::query::{PlusIs, decode_pairs, rfc3986};
use cloudsig_canonical::alibaba::{acs3, roa, rpc, time};
use cloudsig_core::{MAX_TIMESTAMP, MIN_TIMESTAMP};
use proptest::collection::vec;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn canonical_query_is_idempotent_and_total(text in r"(?s)\PC{0,40}|[a-z=&%+*~ 0-9A-F]{0,40}") {
        let c = acs3::canonical_query(&text, acs3::QueryForm::Rfc3986, PlusIs::Space);
        prop_assert_eq!(acs3::canonical_query(&c, acs3::QueryForm::Rfc3986, PlusIs::Space), c.clone());
        prop_assert!(c.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%=&".contains(&b)), "{}", c);
        let pairs = decode_pairs(&text, PlusIs::Space);
        let _ = rpc::StringToSign::new("GET", pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())), &Default::default());
        let req = Request::new("GET", "/").query(&text).header("x-acs-x", &text);
        let _ = roa::StringToSign::new(&req, &Default::default());
    }

    #[test]
    fn canonical_query_ignores_order_and_equivalent_encodings(
        pairs in vec(("[A-Za-z0-9_.-]{1,6}", r"\PC{0,8}"), 0..6), plus in any::<bool>(),
    ) {
        // Sent in the order given, spaces as `+` or `%20`, reversed: one canonical query.
        let enc = |s: &str| if plus { rfc3986(s).replace("%20", "+") } else { rfc3986(s) };
        let sent: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
        let mut reversed = sent.clone();
        reversed.reverse();
        let a = acs3::canonical_query(&sent.join("&"), acs3::QueryForm::Rfc3986, PlusIs::Space);
        let b = acs3::canonical_query(&reversed.join("&"), acs3::QueryForm::Rfc3986, PlusIs::Space);
        prop_assert_eq!(&a, &b);
        let direct = acs3::canonical_query_of(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), acs3::QueryForm::Rfc3986);
        prop_assert_eq!(a, direct);
    }

    #[test]
    fn dates_round_trip(ts in MIN_TIMESTAMP..=MAX_TIMESTAMP) {
        let iso = time::iso8601(ts).unwrap();
        prop_assert_eq!(time::parse_iso8601(&iso), Some(ts));
        let gmt = time::rfc1123(ts).unwrap();
        prop_assert_eq!(time::parse_rfc1123(&gmt), Some(ts));
    }

    #[test]
    fn date_parsers_take_anything(text in r"\PC{0,32}") {
        if let Some(ts) = time::parse_iso8601(&text) {
            prop_assert_eq!(time::iso8601(ts).unwrap(), text.clone());
        }
        let _ = time::parse_rfc1123(&text);
    }
}
