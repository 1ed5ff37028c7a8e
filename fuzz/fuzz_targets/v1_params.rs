//! v1 parameters: `params::decode_form` on arbitrary text, the v1 string to sign and
//! signature of what it decodes, `Params::from_json` on arbitrary JSON, and the encoded
//! form decoding back to the same parameters.
#![no_main]

use cloudsig_canonical::v1::{self, BoolText, NameRule, Params, StringToSign};
use cloudsig_core::SecretKey;
use cloudsig_verify::params::decode_form;
use libfuzzer_sys::fuzz_target;

const KEY: &[u8] = b"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

fn sign_all(params: &Params) {
    let Ok(key) = SecretKey::new(KEY) else {
        return;
    };
    // The documented host and path, then ones taken from the parameters themselves
    // (usually rejected, which exercises the checks).
    let host = params.get("Host").unwrap_or("cvm.tencentcloudapi.com");
    let path = params.get("Path").unwrap_or("/");
    for method in ["GET", "POST", "PUT"] {
        for rule in [NameRule::AsIs, NameRule::UnderscoreToDot] {
            for (h, p) in [("cvm.tencentcloudapi.com", "/"), (host, path)] {
                if let Ok(s) = StringToSign::new(params, method, h, p, rule) {
                    let text = s.to_string();
                    assert!(text.starts_with(method));
                }
                if let Ok(signed) = v1::sign(params, method, h, p, rule, &key) {
                    let _ = signed.string_to_sign().to_string();
                    let _ = signed.signature_urlencoded();
                    let _ = signed.algorithm();
                }
            }
        }
    }
}

/// What a signer encodes, the verifier decodes to the same parameters.
fn round_trip(params: &Params) {
    let encoded = params.encode();
    let decoded = decode_form(&encoded).expect("an encoded form decodes");
    assert_eq!(
        &decoded, params,
        "encode then decode_form changed the parameters"
    );
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(params) = decode_form(text)
    {
        let _ = params.algorithm();
        sign_all(&params);
        round_trip(&params);
    }
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) {
        for bools in [BoolText::Lowercase, BoolText::Capitalized] {
            if let Ok(params) = Params::from_json(&json, bools) {
                sign_all(&params);
                round_trip(&params);
            }
        }
    }
});
