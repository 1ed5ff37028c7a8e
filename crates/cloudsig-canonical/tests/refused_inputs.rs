//! A token, nonce or host that goes into a header must be non-empty printable ASCII:
//! anything else (empty, a space, a control character, a non-ASCII letter) is refused
//! before signing, with an error naming the stage and the field, and never echoing the
//! value.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use cloudsig_canonical::{Error, Stage, alibaba, huawei, tencent};

const BAD: &[&str] = &[
    "",
    " ",
    "a b",
    "tok\ten",
    "tok\r\nX-Injected: 1",
    "caf\u{e9}",
    "\u{7f}",
];

fn assert_refused(r: Result<impl core::fmt::Debug, Error>, stage: Stage, field: &str, bad: &str) {
    let e = r.expect_err(bad);
    assert_eq!(e.stage(), stage, "{bad:?}: {e}");
    assert_eq!(e.field(), field, "{bad:?}: {e}");
    assert_eq!(
        e.reason(),
        "must be non-empty printable ASCII",
        "{bad:?}: {e}"
    );
    if bad.trim().len() > 2 {
        assert!(!e.to_string().contains(bad), "{bad:?} echoed: {e}");
    }
}

#[test]
fn tencent_tokens() {
    let creds = || tencent::Credentials::new("AKIDEXAMPLE", "secret").unwrap();
    for bad in BAD {
        assert_refused(creds().with_token(*bad), Stage::Credentials, "token", bad);
    }
    assert!(creds().with_token("tokenEXAMPLE123+/=").is_ok());
}

#[test]
fn huawei_security_tokens_and_hosts() {
    let creds = || huawei::Credentials::new("HUAWEIEXAMPLEAK00001", "secret").unwrap();
    for bad in BAD {
        assert_refused(
            creds().with_security_token(*bad),
            Stage::Credentials,
            "security token",
            bad,
        );
        let call = huawei::Call::new("GET", *bad, "/v1/servers");
        assert_refused(
            huawei::sign_request(&creds(), &call, &tencent::FixedClock(1_551_113_065)),
            Stage::Request,
            "host",
            bad,
        );
    }
    assert!(creds().with_security_token("Token+/=EXAMPLE").is_ok());
}

#[test]
fn alibaba_nonces() {
    let creds = alibaba::Credentials::new("YourAccessKeyId", "YourAccessKeySecret").unwrap();
    for bad in BAD {
        let call =
            alibaba::Acs3Call::new("ecs.aliyuncs.com", "DescribeRegions", "2014-05-26").nonce(*bad);
        assert_refused(
            alibaba::sign_acs3(&creds, &call, &alibaba::FixedClock(1_698_315_752)),
            Stage::Request,
            "nonce",
            bad,
        );
    }
}
