//! Signs the seed's TC3 request once in the mode given, for `benches/callgrind.sh`:
//! callgrind counts the instructions of the `measured_*` function only
//! (`--toggle-collect`), so the count is exact and repeatable on a noisy machine.
//!
//! Usage: `sign-once MODE` with MODE one of `floor-per-call`, `floor-cached`,
//! `per-call`, `cached`, `v1-sha1`, `v1-sha256`, `acs3`, `floor-acs3`, `sdk-hmac`,
//! `floor-sdk-hmac` (ACS3-HMAC-SHA256 and SDK-HMAC-SHA256 on their documented examples,
//! keyed per call as `ratios` times them, and their floors), `lean-cached`, `lean-per-call`
//! (the benchmark-only prototype `cloudsig_benches::lean_tc3`, the limit of the call
//! structure), `lean-interleaved` (its per-call signature with the request's chain
//! interleaved into the derivation), `lean-acs3`, `lean-sdk-hmac` (session 24's benchmark-only prototypes of
//! those two, `cloudsig_benches::lean`), `template-cached`, `template-per-call` (session
//! 26: `tc3::RequestTemplate`, the canonical text prepared once), `unchecked-in-order`,
//! `unchecked-found` (session 28: `cloudsig_benches::unchecked_tc3`, the one-pass text
//! with no check, benchmark only), `floor-template-cached`, `floor-template-per-call`,
//! `floor-acs3-template-cached`, `floor-acs3-template`, `floor-sdk-hmac-template-cached`,
//! `floor-sdk-hmac-template` (session 29: the floors of the blocks the templates
//! compress per call, their fixed leading blocks compressed once). The same work is
//! done once first
//! outside the `measured_` function, so that one-time work such as CPU feature detection
//! is not counted.

use std::hint::black_box;

use cloudsig_benches::{FLOOR_BLOCKS, acs3_seed, huawei_seed, seed, seed_block_counts};
use cloudsig_canonical::Request;
use cloudsig_canonical::tc3::{self, CredentialScope, Settings, SignedHeaders};
use cloudsig_canonical::{alibaba::acs3, huawei};
use cloudsig_core::huawei::{Algorithm as HwAlgorithm, SdkDate, SigningKey as HwKey};
use cloudsig_core::tc3::SigningKey;
use cloudsig_core::{SecretKey, v1};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn per_call(req: &Request<'_>, sh: &SignedHeaders, secret: &SecretKey) -> Result<String> {
    let ts = black_box(seed::TIMESTAMP);
    let scope = CredentialScope::for_timestamp(ts, seed::SERVICE)?;
    let signed = tc3::sign(req, sh, &Settings::default(), ts, scope, secret)?;
    Ok(signed.signature().to_string())
}

fn cached(req: &Request<'_>, sh: &SignedHeaders, key: &SigningKey) -> Result<String> {
    let ts = black_box(seed::TIMESTAMP);
    let scope = CredentialScope::for_timestamp(ts, seed::SERVICE)?;
    let signed = tc3::sign_with_key(req, sh, &Settings::default(), ts, scope, key)?;
    Ok(signed.signature().to_string())
}

/// Session 26: the request's canonical text prepared once (`tc3::RequestTemplate`), the
/// payload signed at the timestamp with a cached key or a key derived per call.
fn template(
    t: &tc3::RequestTemplate<'_>,
    key: Option<&SigningKey>,
    secret: &SecretKey,
) -> Result<String> {
    let ts = black_box(seed::TIMESTAMP);
    let scope = CredentialScope::for_timestamp(ts, seed::SERVICE)?;
    let body = cloudsig_canonical::Payload::Bytes(seed::BODY);
    let signed = match key {
        Some(key) => t.sign_with_key(body, ts, scope, key)?,
        None => t.sign(body, ts, scope, secret)?,
    };
    Ok(signed.signature().to_string())
}

#[inline(never)]
fn measured_template(
    t: &tc3::RequestTemplate<'_>,
    key: Option<&SigningKey>,
    secret: &SecretKey,
) -> Result<String> {
    template(t, key, secret)
}

/// Session 28: the ACS3 request shape prepared once (`acs3::RequestTemplate`), signed
/// with the documented date, nonce and empty body, with a cached key or keyed per call.
fn acs3_template(
    t: &acs3::RequestTemplate<'_>,
    call: acs3::PerCall<'_>,
    key: Option<&cloudsig_core::alibaba::SigningKey>,
    secret: &SecretKey,
) -> Result<String> {
    let body = cloudsig_canonical::Payload::Bytes(black_box(b""));
    let signed = match key {
        Some(key) => t.sign_with_key(call, body, key)?,
        None => t.sign(
            call,
            body,
            black_box(cloudsig_core::alibaba::Algorithm::HmacSha256),
            secret,
        )?,
    };
    Ok(signed.signature().to_string())
}

#[inline(never)]
fn measured_acs3_template(
    t: &acs3::RequestTemplate<'_>,
    call: acs3::PerCall<'_>,
    key: Option<&cloudsig_core::alibaba::SigningKey>,
    secret: &SecretKey,
) -> Result<String> {
    acs3_template(t, call, key, secret)
}

/// Session 28: `acs3::sign_with_key` with a key made once, beside the template.
fn acs3_cached(
    req: &Request<'_>,
    sh: &acs3::SignedHeaders,
    key: &cloudsig_core::alibaba::SigningKey,
) -> Result<String> {
    let signed = acs3::sign_with_key(req, sh, &acs3::Settings::default(), key)?;
    Ok(signed.signature().to_string())
}

#[inline(never)]
fn measured_acs3_cached(
    req: &Request<'_>,
    sh: &acs3::SignedHeaders,
    key: &cloudsig_core::alibaba::SigningKey,
) -> Result<String> {
    acs3_cached(req, sh, key)
}

fn acs3_sign(req: &Request<'_>, sh: &acs3::SignedHeaders, secret: &SecretKey) -> Result<String> {
    let alg = black_box(cloudsig_core::alibaba::Algorithm::HmacSha256);
    let signed = acs3::sign(req, sh, alg, &acs3::Settings::default(), secret)?;
    Ok(signed.signature().to_string())
}

fn sdk_hmac_sign(
    req: &Request<'_>,
    sh: &huawei::SignedHeaders,
    sk: &SecretKey,
    date: SdkDate,
) -> Result<String> {
    let key = HwKey::new(HwAlgorithm::SdkHmacSha256, huawei_seed::AK, sk, None)?;
    let signed = huawei::sign_with_key(req, &key, sh, &huawei::Settings::default(), date, None)?;
    Ok(signed.signature().to_string())
}

/// Session 28: the SDK-HMAC request shape prepared once (`huawei::RequestTemplate`),
/// signed at the documented date with an empty body, with a cached key or keyed per
/// call.
fn sdk_template(
    t: &huawei::RequestTemplate<'_>,
    key: Option<&HwKey>,
    sk: &SecretKey,
    date: &SdkDate,
) -> Result<String> {
    let body = cloudsig_canonical::Payload::Bytes(black_box(b""));
    let signed = match key {
        Some(key) => t.sign_with_key(key, date, None, body)?,
        None => t.sign(
            HwAlgorithm::SdkHmacSha256,
            huawei_seed::AK,
            sk,
            date,
            None,
            body,
        )?,
    };
    Ok(signed.signature().to_string())
}

#[inline(never)]
fn measured_sdk_template(
    t: &huawei::RequestTemplate<'_>,
    key: Option<&HwKey>,
    sk: &SecretKey,
    date: &SdkDate,
) -> Result<String> {
    sdk_template(t, key, sk, date)
}

/// Session 28: `huawei::sign_with_key` with a key made once, beside the template.
fn sdk_cached(
    req: &Request<'_>,
    sh: &huawei::SignedHeaders,
    key: &HwKey,
    date: SdkDate,
) -> Result<String> {
    let signed = huawei::sign_with_key(req, key, sh, &huawei::Settings::default(), date, None)?;
    Ok(signed.signature().to_string())
}

#[inline(never)]
fn measured_sdk_cached(
    req: &Request<'_>,
    sh: &huawei::SignedHeaders,
    key: &HwKey,
    date: SdkDate,
) -> Result<String> {
    sdk_cached(req, sh, key, date)
}

#[inline(never)]
fn measured_acs3(
    req: &Request<'_>,
    sh: &acs3::SignedHeaders,
    secret: &SecretKey,
) -> Result<String> {
    acs3_sign(req, sh, secret)
}

#[inline(never)]
fn measured_sdk_hmac(
    req: &Request<'_>,
    sh: &huawei::SignedHeaders,
    sk: &SecretKey,
    date: SdkDate,
) -> Result<String> {
    sdk_hmac_sign(req, sh, sk, date)
}

/// The signer names of the ACS3 example, for the lean prototype.
const ACS3_NAMES: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
];

/// The signed names of the SDK-HMAC example, for the lean prototype.
const HW_NAMES: [&str; 3] = ["content-type", "host", "x-sdk-date"];

#[inline(never)]
fn measured_lean_acs3(req: &Request<'_>) -> String {
    cloudsig_benches::lean::hex(&cloudsig_benches::lean::acs3(
        acs3_seed::SECRET,
        req,
        &ACS3_NAMES,
    ))
}

#[inline(never)]
fn measured_lean_sdk_hmac(req: &Request<'_>) -> String {
    cloudsig_benches::lean::hex(&cloudsig_benches::lean::sdk_hmac(
        huawei_seed::SK,
        req,
        &HW_NAMES,
        huawei_seed::DATE,
    ))
}

#[inline(never)]
fn measured_floor(blocks: &[[u8; 64]]) -> [u32; 8] {
    cloudsig_benches::floor(blocks)
}

#[inline(never)]
fn measured_per_call(req: &Request<'_>, sh: &SignedHeaders, secret: &SecretKey) -> Result<String> {
    per_call(req, sh, secret)
}

#[inline(never)]
fn measured_cached(req: &Request<'_>, sh: &SignedHeaders, key: &SigningKey) -> Result<String> {
    cached(req, sh, key)
}

/// The benchmark-only prototype `lean_tc3`, cached key or derived per call.
#[inline(never)]
fn measured_lean(
    req: &Request<'_>,
    key: Option<&cloudsig_benches::lean_tc3::LeanKey>,
    shape: &cloudsig_benches::lean_tc3::Shape,
    interleaved: bool,
) -> Result<String> {
    use cloudsig_benches::lean_tc3::LeanKey;
    let ts = black_box(seed::TIMESTAMP);
    let sig = match key {
        Some(key) => key.sign(req, shape, ts),
        None if interleaved => {
            LeanKey::sign_per_call_interleaved(seed::SECRET_KEY, req, shape, ts, seed::SERVICE)
        }
        None => LeanKey::derive(seed::SECRET_KEY, ts, seed::SERVICE)
            .and_then(|k| k.sign(req, shape, ts)),
    };
    Ok(String::from_utf8(sig.ok_or("lean_tc3 refused")?.to_vec())?)
}

/// Session 28: the benchmark-only `unchecked_tc3` (the one-pass text with no check),
/// values taken in order or found by name; scope by `for_timestamp` as `cached`.
fn unchecked(
    req: &Request<'_>,
    sh: &SignedHeaders,
    key: &SigningKey,
    found: bool,
) -> Result<String> {
    use cloudsig_benches::unchecked_tc3::{sign_found, sign_in_order};
    let ts = black_box(seed::TIMESTAMP);
    let scope = CredentialScope::for_timestamp(ts, seed::SERVICE)?;
    let sig = if found {
        sign_found(req, sh, ts, scope, key)
    } else {
        sign_in_order(req, sh, ts, scope, key)
    };
    Ok(sig.ok_or("unchecked_tc3: none")?.to_string())
}

#[inline(never)]
fn measured_unchecked(
    req: &Request<'_>,
    sh: &SignedHeaders,
    key: &SigningKey,
    found: bool,
) -> Result<String> {
    unchecked(req, sh, key, found)
}

#[inline(never)]
fn measured_v1(secret: &SecretKey, algorithm: v1::Algorithm) -> v1::Signature {
    v1::sign(secret, algorithm, seed::V1_STRING_TO_SIGN.as_bytes())
}

fn main() -> Result<()> {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let counts = seed_block_counts()?;
    let req = cloudsig_benches::request();
    let sh = SignedHeaders::default();
    let secret = cloudsig_benches::secret()?;
    let key = cloudsig_benches::signing_key()?;
    let v1_secret = SecretKey::new(seed::V1_SECRET_KEY)?;
    let acs3_req = acs3_seed::request();
    let acs3_sh = acs3::signed_headers_of(&acs3_req)?;
    let acs3_secret = SecretKey::new(acs3_seed::SECRET)?;
    let hw_req = huawei_seed::request();
    let hw_sh = huawei::SignedHeaders::new(["content-type", "host", "x-sdk-date"])?;
    let hw_sk = SecretKey::new(huawei_seed::SK)?;
    let hw_date = SdkDate::parse(huawei_seed::DATE)?;
    // Unmeasured: the same work once (feature detection, first-touch of the code).
    let warm = per_call(&req, &sh, &secret)?
        + &cached(&req, &sh, &key)?
        + &acs3_sign(&acs3_req, &acs3_sh, &acs3_secret)?
        + &sdk_hmac_sign(&hw_req, &hw_sh, &hw_sk, hw_date)?;
    black_box((
        warm,
        cloudsig_benches::floor(&FLOOR_BLOCKS),
        v1::sign(&v1_secret, v1::Algorithm::HmacSha1, b"x"),
        v1::sign(&v1_secret, v1::Algorithm::HmacSha256, b"x"),
    ));
    black_box((
        cloudsig_benches::lean::acs3(acs3_seed::SECRET, &acs3_req, &ACS3_NAMES),
        cloudsig_benches::lean::sdk_hmac(huawei_seed::SK, &hw_req, &HW_NAMES, huawei_seed::DATE),
    ));
    let out = match mode.as_str() {
        "floor-per-call" | "floor-cached" => {
            let n = if mode == "floor-cached" {
                counts.cached()
            } else {
                counts.per_call()
            };
            let blocks = FLOOR_BLOCKS.get(..n).ok_or("too many blocks")?;
            format!("{:08x}", measured_floor(black_box(blocks))[0])
        }
        "floor-acs3" | "floor-acs3-cached" | "floor-sdk-hmac" | "floor-sdk-hmac-cached" => {
            let n = if mode == "floor-acs3" {
                cloudsig_benches::acs3_block_counts()?.total()
            } else if mode == "floor-acs3-cached" {
                // The key's ipad and opad blocks are not per request.
                cloudsig_benches::acs3_block_counts()?.total() - 2
            } else if mode == "floor-sdk-hmac-cached" {
                cloudsig_benches::huawei_block_counts()?.total() - 2
            } else {
                cloudsig_benches::huawei_block_counts()?.total()
            };
            let blocks = FLOOR_BLOCKS.get(..n).ok_or("too many blocks")?;
            format!("{:08x}", measured_floor(black_box(blocks))[0])
        }
        // Session 29: the floors of the blocks the templates compress per call, their
        // fixed leading blocks compressed once when they are made.
        "floor-template-cached"
        | "floor-template-per-call"
        | "floor-acs3-template-cached"
        | "floor-acs3-template"
        | "floor-sdk-hmac-template-cached"
        | "floor-sdk-hmac-template" => {
            let acs3 = cloudsig_benches::acs3_block_counts()?.total();
            let sdk = cloudsig_benches::huawei_block_counts()?.total();
            let (whole, fixed) = match mode.as_str() {
                "floor-template-cached" => (
                    counts.cached(),
                    cloudsig_benches::tc3_template_fixed_blocks()?,
                ),
                "floor-template-per-call" => (
                    counts.per_call(),
                    cloudsig_benches::tc3_template_fixed_blocks()?,
                ),
                "floor-acs3-template-cached" => {
                    (acs3 - 2, cloudsig_benches::acs3_template_fixed_blocks()?)
                }
                "floor-acs3-template" => (acs3, cloudsig_benches::acs3_template_fixed_blocks()?),
                "floor-sdk-hmac-template-cached" => {
                    (sdk - 2, cloudsig_benches::huawei_template_fixed_blocks()?)
                }
                _ => (sdk, cloudsig_benches::huawei_template_fixed_blocks()?),
            };
            let n = whole
                .checked_sub(fixed)
                .ok_or("more fixed blocks than blocks")?;
            let blocks = FLOOR_BLOCKS.get(..n).ok_or("too many blocks")?;
            format!("{:08x}", measured_floor(black_box(blocks))[0])
        }
        "lean-acs3" => measured_lean_acs3(black_box(&acs3_req)),
        "lean-sdk-hmac" => measured_lean_sdk_hmac(black_box(&hw_req)),
        "acs3" => measured_acs3(black_box(&acs3_req), &acs3_sh, black_box(&acs3_secret))?,
        "sdk-hmac" => measured_sdk_hmac(black_box(&hw_req), &hw_sh, black_box(&hw_sk), hw_date)?,
        "per-call" => measured_per_call(black_box(&req), &sh, black_box(&secret))?,
        "cached" => measured_cached(black_box(&req), &sh, black_box(&key))?,
        "lean-cached" | "lean-per-call" | "lean-interleaved" => {
            use cloudsig_benches::lean_tc3::{LeanKey, Shape};
            let shape = Shape::new(&["content-type", "host"]);
            let key = LeanKey::derive(seed::SECRET_KEY, seed::TIMESTAMP, seed::SERVICE)
                .ok_or("lean_tc3: no key")?;
            let key = (mode == "lean-cached").then_some(&key);
            // Once unmeasured, as the others.
            let warm = match key {
                Some(k) => k.sign(&req, &shape, seed::TIMESTAMP),
                None => LeanKey::derive(seed::SECRET_KEY, seed::TIMESTAMP, seed::SERVICE)
                    .and_then(|k| k.sign(&req, &shape, seed::TIMESTAMP)),
            };
            black_box(warm);
            black_box(LeanKey::sign_per_call_interleaved(
                seed::SECRET_KEY,
                &req,
                &shape,
                seed::TIMESTAMP,
                seed::SERVICE,
            ));
            measured_lean(black_box(&req), key, &shape, mode == "lean-interleaved")?
        }
        "acs3-cached" | "acs3-template-cached" | "acs3-template" => {
            let key = cloudsig_core::alibaba::SigningKey::new(
                &acs3_secret,
                cloudsig_core::alibaba::Algorithm::HmacSha256,
            );
            let t = acs3::RequestTemplate::new(&acs3_req, &acs3_sh, &acs3::Settings::default())?;
            let call = acs3::PerCall::new(
                acs3_req.header_value("x-acs-date").ok_or("no date")?,
                acs3_req
                    .header_value("x-acs-signature-nonce")
                    .ok_or("no nonce")?,
                acs3_req
                    .header_value(acs3::CONTENT_SHA256)
                    .ok_or("no hash")?,
            );
            if mode == "acs3-cached" {
                black_box(acs3_cached(&acs3_req, &acs3_sh, &key)?);
                measured_acs3_cached(black_box(&acs3_req), &acs3_sh, black_box(&key))?
            } else {
                let key = (mode == "acs3-template-cached").then_some(&key);
                black_box(acs3_template(&t, call, key, &acs3_secret)?);
                measured_acs3_template(black_box(&t), black_box(call), key, &acs3_secret)?
            }
        }
        "sdk-hmac-cached" | "sdk-hmac-template-cached" | "sdk-hmac-template" => {
            let key = HwKey::new(HwAlgorithm::SdkHmacSha256, huawei_seed::AK, &hw_sk, None)?;
            let t = huawei::RequestTemplate::new(&hw_req, &hw_sh, &huawei::Settings::default())?;
            if mode == "sdk-hmac-cached" {
                black_box(sdk_cached(&hw_req, &hw_sh, &key, hw_date)?);
                measured_sdk_cached(black_box(&hw_req), &hw_sh, black_box(&key), hw_date)?
            } else {
                let key = (mode == "sdk-hmac-template-cached").then_some(&key);
                black_box(sdk_template(&t, key, &hw_sk, &hw_date)?);
                measured_sdk_template(black_box(&t), key, black_box(&hw_sk), black_box(&hw_date))?
            }
        }
        "template-cached" | "template-per-call" => {
            let t = tc3::RequestTemplate::new(&req, &sh, &Settings::default())?;
            let key = (mode == "template-cached").then_some(&key);
            black_box(template(&t, key, &secret)?);
            measured_template(black_box(&t), key, black_box(&secret))?
        }
        "unchecked-in-order" | "unchecked-found" => {
            let found = mode == "unchecked-found";
            black_box(unchecked(&req, &sh, &key, found)?);
            measured_unchecked(black_box(&req), &sh, black_box(&key), found)?
        }
        "v1-sha1" => measured_v1(black_box(&v1_secret), v1::Algorithm::HmacSha1).to_string(),
        "v1-sha256" => measured_v1(black_box(&v1_secret), v1::Algorithm::HmacSha256).to_string(),
        _ => return Err(format!("unknown mode `{mode}`; see the source for the modes").into()),
    };
    let expected = match mode.as_str() {
        "per-call" | "cached" | "lean-cached" | "lean-per-call" | "lean-interleaved"
        | "template-cached" | "template-per-call" | "unchecked-in-order" | "unchecked-found" => {
            Some(seed::SIGNATURE)
        }
        "acs3" | "lean-acs3" | "acs3-cached" | "acs3-template-cached" | "acs3-template" => {
            Some(acs3_seed::SIGNATURE)
        }
        "sdk-hmac"
        | "lean-sdk-hmac"
        | "sdk-hmac-cached"
        | "sdk-hmac-template-cached"
        | "sdk-hmac-template" => Some(huawei_seed::SIGNATURE),
        _ => None,
    };
    if expected.is_some_and(|e| out != e) {
        return Err(format!("wrong signature {out}").into());
    }
    println!("{out}");
    Ok(())
}
