//! The redacted form of a computed canonical request: what a diagnosis shows, and what
//! may be pasted into a ticket. The values of the session-token headers are masked;
//! everything else (method, path, query, the other signed headers, the payload hash) is
//! kept, since comparing it with the client's is the point of showing it.

/// The token headers whose values are masked, lower-cased as canonical requests write
/// them: Tencent Cloud's, Alibaba Cloud's and Huawei Cloud's.
pub const TOKEN_HEADERS: [&str; 3] = ["x-tc-token", "x-acs-security-token", "x-security-token"];

/// What a masked value reads.
pub const MASK: &str = "<redacted>";

/// `canonical_request` with the value of every token header line (`name:value`, name
/// one of [`TOKEN_HEADERS`]) replaced by [`MASK`].
///
/// ```
/// use cloudsig_verify::redact::canonical_request;
/// let c = "POST\n/\n\ncontent-type:application/json\nhost:cvm.tencentcloudapi.com\nx-tc-token:sts-secret\n\ncontent-type;host;x-tc-token\n9f";
/// assert_eq!(
///     canonical_request(c),
///     "POST\n/\n\ncontent-type:application/json\nhost:cvm.tencentcloudapi.com\nx-tc-token:<redacted>\n\ncontent-type;host;x-tc-token\n9f"
/// );
/// ```
pub fn canonical_request(canonical_request: &str) -> String {
    let mut out = String::with_capacity(canonical_request.len());
    for (i, line) in canonical_request.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match line.split_once(':') {
            Some((name, _)) if TOKEN_HEADERS.contains(&name) => {
                out.push_str(name);
                out.push(':');
                out.push_str(MASK);
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Captured, Location};
    use crate::keys::KeyRing;
    use crate::{KeyCache, Options, Verifier};
    use cloudsig_canonical::tencent::{Credentials, FixedClock, Tc3Call, sign_tc3};

    #[test]
    fn only_token_lines_are_masked() {
        let c = "GET\n/\nx-tc-token=q\nhost:h\nx-acs-security-token:a\nx-security-token:b\nx-tc-tokens:kept\n\nhost\nff";
        assert_eq!(
            canonical_request(c),
            "GET\n/\nx-tc-token=q\nhost:h\nx-acs-security-token:<redacted>\nx-security-token:<redacted>\nx-tc-tokens:kept\n\nhost\nff"
        );
        assert_eq!(canonical_request(""), "");
    }

    #[test]
    fn a_diagnosis_never_shows_the_token() {
        // Signed with another secret than the key ring's, so the signature fails and the
        // report carries the computed canonical request.
        let token = "stsTOKENvalue0123456789";
        let creds = Credentials::new("AKIDtok", "clientSecret")
            .unwrap()
            .with_token(token)
            .unwrap();
        // The token header signed too, as some clients sign every x-tc-* header.
        let call = Tc3Call::new("cvm", "DescribeInstances", "2017-03-12")
            .body("{}")
            .sign_header("x-tc-token");
        let signed = sign_tc3(&creds, &call, &FixedClock(1_700_000_000)).unwrap();
        let cap = Captured {
            location: Location::default(),
            method: signed.method().into(),
            target: signed.path().into(),
            headers: signed.headers().to_vec(),
            body: signed.body().to_vec(),
        };
        assert!(cap.headers.iter().any(|(_, v)| v == token));
        let keys = KeyRing::parse(&format!("AKIDtok serverSecret {token}"), "t").unwrap();
        let r =
            Verifier::new(keys, Options::at(1_700_000_000)).check(&cap, &mut KeyCache::default());
        let d = r.diagnosis.as_ref().unwrap();
        let shown = d.computed.canonical_request.as_deref().unwrap();
        assert!(shown.contains("x-tc-token:<redacted>"), "{shown}");
        let text = crate::render::explain(&r, crate::render::Reveal::Nothing);
        let json = crate::render::to_json(&r, crate::render::Reveal::Nothing).to_string();
        let mut line = Vec::new();
        crate::render::write_json(&r, None, crate::render::Reveal::Nothing, &mut line).unwrap();
        let line = String::from_utf8(line).unwrap();
        for out in [shown, &text, &json, &line, &format!("{r}")] {
            assert!(!out.contains(token), "{out}");
        }
    }
}
