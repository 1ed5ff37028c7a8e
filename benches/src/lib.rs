//! Benchmark helpers for cloudsig (see `benches/README.md`): the seed's TC3 request, the
//! number of SHA-256 blocks one signature of it needs, and the compression floor.
//!
//! The criterion benchmarks (`benches/signing.rs`) and the callgrind driver
//! (`src/bin/sign-once.rs`) share these, so both measure the same request.

use cloudsig_canonical::Request;
use cloudsig_canonical::tc3::{self, CanonicalRequest, CredentialScope, Settings, SignedHeaders};
use cloudsig_core::{SecretKey, UtcDate, tc3::SigningKey};

pub mod lean;
pub mod lean_tc3;
pub mod lean_verify;
pub mod unchecked_tc3;

/// The seed's TC3 example ("Signature v3" chapter of Tencent Cloud's API documentation).
pub mod seed {
    /// The body of the DescribeInstances call.
    pub const BODY: &[u8] =
        br#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#;
    /// `X-TC-Timestamp`: 2019-02-25T16:44:25Z.
    pub const TIMESTAMP: i64 = 1_551_113_065;
    /// The service, the host's first label.
    pub const SERVICE: &str = "cvm";
    /// The host.
    pub const HOST: &str = "cvm.tencentcloudapi.com";
    /// The signed Content-Type.
    pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";
    /// The SecretId of the documentation.
    pub const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    /// The SecretKey of the documentation's worked example: 32 `*`.
    pub const SECRET_KEY: &[u8] = b"********************************";
    /// The expected signature.
    pub const SIGNATURE: &str = "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2";
    /// The seed's v1 string to sign (HmacSHA1 gives `EliP9YW3pW28FpsEdkXt/+WcGeI=`).
    pub const V1_STRING_TO_SIGN: &str = "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12";
    /// The seed's v1 SecretKey.
    pub const V1_SECRET_KEY: &[u8] = b"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
}

/// The seed request as cloudsig's request model.
pub fn request() -> Request<'static> {
    Request::new("POST", "/")
        .header("Content-Type", seed::CONTENT_TYPE)
        .header("Host", seed::HOST)
        .body(seed::BODY)
}

/// The seed's SecretKey.
pub fn secret() -> Result<SecretKey, cloudsig_core::Error> {
    SecretKey::new(seed::SECRET_KEY)
}

/// The seed's signing key, derived once (what a service caches per date and service).
pub fn signing_key() -> Result<SigningKey, cloudsig_core::Error> {
    SigningKey::derive(
        &secret()?,
        &UtcDate::from_unix(seed::TIMESTAMP)?,
        seed::SERVICE,
    )
}

/// How many 64-byte blocks SHA-256 compresses for a message of `len` bytes: the
/// message, one `0x80` byte and the 8-byte bit length, rounded up to whole blocks.
pub const fn sha256_blocks(len: usize) -> usize {
    (len + 1 + 8).div_ceil(64)
}

/// How many blocks HMAC-SHA256 compresses for a `message_len`-byte message, keyed with a
/// key of at most 64 bytes.
///
/// Inner hash: the key XOR ipad (one block) then the message, so
/// `sha256_blocks(64 + message_len)` blocks, of which the first is key setup. Outer hash:
/// the key XOR opad (one block) then the 32-byte inner digest, `sha256_blocks(64 + 32)` =
/// 2 blocks, of which the first is key setup. With the keyed states cached
/// (`cached_key`), the two key-setup blocks are not compressed again.
pub const fn hmac_blocks(message_len: usize, cached_key: bool) -> usize {
    let total = sha256_blocks(64 + message_len) + sha256_blocks(64 + 32);
    if cached_key { total - 2 } else { total }
}

/// The SHA-256 blocks one TC3 signature of a request needs, by stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockCounts {
    /// SHA-256 of the body (the canonical request's last line).
    pub payload: usize,
    /// SHA-256 of the canonical request.
    pub canonical_request: usize,
    /// `SecretDate = HMAC("TC3" + SecretKey, Date)`, with its key setup.
    pub secret_date: usize,
    /// `SecretService = HMAC(SecretDate, Service)`, with its key setup.
    pub secret_service: usize,
    /// `SecretSigning = HMAC(SecretService, "tc3_request")`, with its key setup.
    pub secret_signing: usize,
    /// `HMAC(SecretSigning, StringToSign)` with the key setup (key derived per call).
    pub signature_per_call: usize,
    /// `HMAC(SecretSigning, StringToSign)` from the cached keyed states.
    pub signature_cached: usize,
}

impl BlockCounts {
    /// Blocks of a signature with the key derived for the call.
    pub const fn per_call(&self) -> usize {
        self.payload
            + self.canonical_request
            + self.secret_date
            + self.secret_service
            + self.secret_signing
            + self.signature_per_call
    }

    /// Blocks of a signature with a cached keyed signing key.
    pub const fn cached(&self) -> usize {
        self.payload + self.canonical_request + self.signature_cached
    }
}

/// Counts the blocks of the seed request's signature from the lengths of what is
/// actually hashed (the canonical request and string to sign are rendered by cloudsig).
pub fn seed_block_counts() -> Result<BlockCounts, Box<dyn std::error::Error>> {
    let req = request();
    let sh = SignedHeaders::default();
    let canonical = CanonicalRequest::new(&req, &sh, &Settings::default())?.to_string();
    let scope = CredentialScope::for_timestamp(seed::TIMESTAMP, seed::SERVICE)?;
    let sts = tc3::StringToSign::new(
        seed::TIMESTAMP,
        scope,
        cloudsig_core::sha256_hex(canonical.as_bytes()),
    )
    .to_string();
    // "TC3" + SecretKey is 35 bytes, the derived keys 32: all at most one block, so
    // none is hashed first and each HMAC's key setup is exactly two blocks.
    let tc3_key_len = 3 + seed::SECRET_KEY.len();
    if tc3_key_len > 64 {
        return Err("the block counts assume a SecretKey of at most 61 bytes".into());
    }
    Ok(BlockCounts {
        payload: sha256_blocks(seed::BODY.len()),
        canonical_request: sha256_blocks(canonical.len()),
        secret_date: hmac_blocks("2019-02-25".len(), false),
        secret_service: hmac_blocks(seed::SERVICE.len(), false),
        secret_signing: hmac_blocks(cloudsig_core::tc3::TERMINATOR.len(), false),
        signature_per_call: hmac_blocks(sts.len(), false),
        signature_cached: hmac_blocks(sts.len(), true),
    })
}

/// The SHA-256 blocks of one signature of the SigV4-family schemes that sign with the
/// secret itself (ACS3-HMAC-SHA256, SDK-HMAC-SHA256), keyed per call: no key cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyBlocks {
    /// SHA-256 of the body (empty in both examples: one block).
    pub payload: usize,
    /// SHA-256 of the canonical request.
    pub canonical_request: usize,
    /// The HMAC of the string to sign with its key setup (the secret is under 64 bytes).
    pub signature: usize,
}

impl FamilyBlocks {
    /// Blocks of one signature.
    pub const fn total(&self) -> usize {
        self.payload + self.canonical_request + self.signature
    }
}

/// Alibaba Cloud's documented ACS3-HMAC-SHA256 example (`vectors/alibaba/acs3.json`,
/// `acs3-doc-ecs-run-instances`): POST RunInstances, a query, an empty body.
pub mod acs3_seed {
    use cloudsig_canonical::Request;

    /// The AccessKey secret of the documentation.
    pub const SECRET: &[u8] = b"YourAccessKeySecret";
    /// The documented signature.
    pub const SIGNATURE: &str = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";

    /// The request.
    pub fn request() -> Request<'static> {
        Request::new("POST", "/")
            .query(
                "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
            )
            .header("host", "ecs.cn-shanghai.aliyuncs.com")
            .header("x-acs-action", "RunInstances")
            .header("x-acs-version", "2014-05-26")
            .header("x-acs-date", "2023-10-26T10:22:32Z")
            .header("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d")
            .header(
                "x-acs-content-sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            )
    }
}

/// Huawei Cloud's SDK-HMAC-SHA256 example (`vectors/huawei/sdk_hmac.json`,
/// `sdk-hmac-sha256-vpcs-documented`): GET the VPC list, no body.
pub mod huawei_seed {
    use cloudsig_canonical::Request;

    /// The AK.
    pub const AK: &str = "QTWAOYTTINDUT2QVKYUC";
    /// The SK.
    pub const SK: &[u8] = b"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
    /// `X-Sdk-Date`.
    pub const DATE: &str = "20191115T033655Z";
    /// The documented signature.
    pub const SIGNATURE: &str = "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe";

    /// The request.
    pub fn request() -> Request<'static> {
        Request::new("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs")
            .query("limit=2&marker=13551d6b-755d-4757-b956-536f674975c0")
            .header("Content-Type", "application/json")
            .header("Host", "service.region.example.com")
            .header("X-Sdk-Date", DATE)
    }
}

/// Counts the blocks of the ACS3 example's signature from what cloudsig hashes.
pub fn acs3_block_counts() -> Result<FamilyBlocks, Box<dyn std::error::Error>> {
    use cloudsig_canonical::alibaba::acs3;
    let req = acs3_seed::request();
    let sh = acs3::signed_headers_of(&req)?;
    let secret = SecretKey::new(acs3_seed::SECRET)?;
    let algorithm = cloudsig_core::alibaba::Algorithm::HmacSha256;
    let signed = acs3::sign(&req, &sh, algorithm, &acs3::Settings::default(), &secret)?;
    Ok(FamilyBlocks {
        payload: sha256_blocks(0),
        canonical_request: sha256_blocks(signed.canonical_request().to_string().len()),
        signature: hmac_blocks(signed.string_to_sign().to_string().len(), false),
    })
}

/// Counts the blocks of the Huawei example's signature from what cloudsig hashes.
pub fn huawei_block_counts() -> Result<FamilyBlocks, Box<dyn std::error::Error>> {
    use cloudsig_canonical::huawei;
    use cloudsig_core::huawei::{Algorithm, SdkDate, SigningKey};
    let req = huawei_seed::request();
    let sh = huawei::SignedHeaders::new(["content-type", "host", "x-sdk-date"])?;
    let sk = SecretKey::new(huawei_seed::SK)?;
    let key = SigningKey::new(Algorithm::SdkHmacSha256, huawei_seed::AK, &sk, None)?;
    let date = SdkDate::parse(huawei_seed::DATE)?;
    let settings = huawei::Settings::default();
    let signed = huawei::sign_with_key(&req, &key, &sh, &settings, date, None)?;
    Ok(FamilyBlocks {
        payload: sha256_blocks(0),
        canonical_request: sha256_blocks(signed.canonical_request().to_string().len()),
        signature: hmac_blocks(signed.string_to_sign().to_string().len(), false),
    })
}

/// The seed request as a capture, as the verifier reads it (with the headers the
/// documentation's curl sends).
pub fn captured() -> cloudsig_verify::capture::Captured {
    let authorization = format!(
        "TC3-HMAC-SHA256 Credential={}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature={}",
        seed::SECRET_ID,
        seed::SIGNATURE
    );
    let headers = [
        ("Authorization", authorization.as_str()),
        ("Content-Type", seed::CONTENT_TYPE),
        ("Host", seed::HOST),
        ("X-TC-Action", "DescribeInstances"),
        ("X-TC-Timestamp", "1551113065"),
        ("X-TC-Version", "2017-03-12"),
        ("X-TC-Region", "ap-guangzhou"),
    ];
    cloudsig_verify::capture::Captured {
        location: cloudsig_verify::capture::Location::default(),
        method: "POST".into(),
        target: "/".into(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: seed::BODY.to_vec(),
    }
}

/// A verifier that knows the seed's key, at the seed's time.
pub fn verifier() -> Result<cloudsig_verify::Verifier, String> {
    let keys = cloudsig_verify::keys::KeyRing::parse(
        &format!(
            "{} {}",
            seed::SECRET_ID,
            String::from_utf8_lossy(seed::SECRET_KEY)
        ),
        "seed",
    )?;
    Ok(cloudsig_verify::Verifier::new(
        keys,
        cloudsig_verify::Options::at(seed::TIMESTAMP),
    ))
}

/// The leading blocks of a canonical request that a request template compresses once,
/// when it is made (session 29): the whole 64-byte blocks of its text before the first
/// byte that changes per call. A templated signature compresses that many blocks fewer
/// than the counts above, which are those of the whole message.
pub const fn fixed_blocks(fixed_len: usize) -> usize {
    fixed_len / 64
}

/// The blocks `tc3::RequestTemplate` compresses once for the seed request: those of its
/// canonical request before the payload hash (its last 64 characters), counted from the
/// text cloudsig renders for the request signed in one call.
pub fn tc3_template_fixed_blocks() -> Result<usize, Box<dyn std::error::Error>> {
    let canonical =
        CanonicalRequest::new(&request(), &SignedHeaders::default(), &Settings::default())?
            .to_string();
    let fixed = canonical.len().checked_sub(64).ok_or("no payload hash")?;
    Ok(fixed_blocks(fixed))
}

/// The text of `canonical` before the value of the first of the `per_call` headers'
/// lines (`name:` at a line's start), its length.
fn fixed_len(canonical: &str, per_call: &[&str]) -> Result<usize, Box<dyn std::error::Error>> {
    per_call
        .iter()
        .filter_map(|name| {
            let line = format!("\n{name}:");
            canonical.find(&line).map(|at| at + line.len())
        })
        .min()
        .ok_or_else(|| "no per-call header".into())
}

/// The blocks `acs3::RequestTemplate` compresses once for the ACS3 example: those of its
/// canonical request before the first per-call value (`x-acs-content-sha256`'s, the
/// first of the three in sorted order).
pub fn acs3_template_fixed_blocks() -> Result<usize, Box<dyn std::error::Error>> {
    use cloudsig_canonical::alibaba::acs3;
    let req = acs3_seed::request();
    let sh = acs3::signed_headers_of(&req)?;
    let algorithm = cloudsig_core::alibaba::Algorithm::HmacSha256;
    let canonical =
        acs3::CanonicalRequest::new(&req, &sh, algorithm, &acs3::Settings::default())?.to_string();
    Ok(fixed_blocks(fixed_len(
        &canonical,
        &acs3::PER_CALL_HEADERS,
    )?))
}

/// The blocks `huawei::RequestTemplate` compresses once for the Huawei example: those of
/// its canonical request before the date's value.
pub fn huawei_template_fixed_blocks() -> Result<usize, Box<dyn std::error::Error>> {
    use cloudsig_canonical::huawei;
    let req = huawei_seed::request();
    let sh = huawei::SignedHeaders::new(["content-type", "host", "x-sdk-date"])?;
    let canonical = huawei::CanonicalRequest::new(
        &req,
        cloudsig_core::huawei::Algorithm::SdkHmacSha256,
        &sh,
        &huawei::Settings::default(),
    )?
    .to_string();
    Ok(fixed_blocks(fixed_len(&canonical, &[huawei::DATE_HEADER])?))
}

/// The SHA-256 initial state.
pub const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The most blocks [`floor`] is asked to compress.
pub const MAX_FLOOR_BLOCKS: usize = 32;

/// Blocks for the floor: arbitrary bytes (the compression function's speed does not
/// depend on them).
pub static FLOOR_BLOCKS: [[u8; 64]; MAX_FLOOR_BLOCKS] = [[0x5a; 64]; MAX_FLOOR_BLOCKS];

/// The floor: SHA-256 compression alone (the `sha2` crate's block-level
/// `compress256`, the same backend cloudsig's hashing ends in) over `blocks` blocks,
/// one after another as a signature's chained hashes must be.
pub fn floor(blocks: &[[u8; 64]]) -> [u32; 8] {
    let mut state = SHA256_IV;
    sha2::block_api::compress256(&mut state, blocks);
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_needs_22_blocks_per_call_and_8_with_a_cached_key() {
        let c = seed_block_counts().unwrap();
        assert_eq!(
            c,
            BlockCounts {
                payload: 2,
                canonical_request: 3,
                secret_date: 4,
                secret_service: 4,
                secret_signing: 4,
                signature_per_call: 5,
                signature_cached: 3,
            }
        );
        assert_eq!((c.per_call(), c.cached()), (22, 8));
    }

    /// The expected counts come from the documented texts' lengths (the ACS3 canonical
    /// request is 497 bytes, its string to sign 81; Huawei's 283 and 97), computed
    /// outside cloudsig: `ceil((len + 9) / 64)`, the HMAC's inner hash after its ipad
    /// block plus two blocks of outer hash and key setup.
    #[test]
    fn acs3_needs_14_blocks_and_sdk_hmac_sha256_11() {
        assert_eq!(
            acs3_block_counts().unwrap(),
            FamilyBlocks {
                payload: 1,
                canonical_request: 8,
                signature: 5,
            }
        );
        assert_eq!(
            huawei_block_counts().unwrap(),
            FamilyBlocks {
                payload: 1,
                canonical_request: 5,
                signature: 5,
            }
        );
        assert_eq!(acs3_block_counts().unwrap().total(), 14);
        assert_eq!(huawei_block_counts().unwrap().total(), 11);
    }

    /// The texts before the first per-call byte, measured outside cloudsig (Python's
    /// `len` of the documented canonical requests cut there): TC3's seed 101 bytes,
    /// ACS3's 169, Huawei's 172; whole blocks 1, 2 and 2.
    #[test]
    fn templates_compress_1_2_and_2_leading_blocks_once() {
        assert_eq!(tc3_template_fixed_blocks().unwrap(), 1);
        assert_eq!(acs3_template_fixed_blocks().unwrap(), 2);
        assert_eq!(huawei_template_fixed_blocks().unwrap(), 2);
        assert_eq!(
            (fixed_blocks(63), fixed_blocks(64), fixed_blocks(183)),
            (0, 1, 2)
        );
    }

    #[test]
    fn the_seed_capture_verifies() {
        let report = verifier()
            .unwrap()
            .check(&captured(), &mut cloudsig_verify::KeyCache::default());
        assert!(report.is_ok(), "{report}");
    }

    #[test]
    fn block_count_edges() {
        assert_eq!(sha256_blocks(0), 1);
        assert_eq!(sha256_blocks(55), 1);
        assert_eq!(sha256_blocks(56), 2);
        assert_eq!(sha256_blocks(119), 2);
        assert_eq!(sha256_blocks(120), 3);
    }

    #[test]
    fn the_seed_signs_as_documented() {
        let req = request();
        let sh = SignedHeaders::default();
        let scope = CredentialScope::for_timestamp(seed::TIMESTAMP, seed::SERVICE).unwrap();
        let signed = tc3::sign_with_key(
            &req,
            &sh,
            &Settings::default(),
            seed::TIMESTAMP,
            scope,
            &signing_key().unwrap(),
        )
        .unwrap();
        assert_eq!(signed.signature().as_str(), seed::SIGNATURE);
    }
}
