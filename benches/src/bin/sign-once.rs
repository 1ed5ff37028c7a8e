//! Signs the seed's TC3 request once in the mode given, for `benches/callgrind.sh`:
//! callgrind counts the instructions of the `measured_*` function only
//! (`--toggle-collect`), so the count is exact and repeatable on a noisy machine.
//!
//! Usage: `sign-once MODE` with MODE one of `floor-per-call`, `floor-cached`,
//! `per-call`, `cached`, `v1-sha1`, `v1-sha256`. The same work is done once first
//! outside the `measured_` function, so that one-time work such as CPU feature detection
//! is not counted.

use std::hint::black_box;

use cloudsig_benches::{FLOOR_BLOCKS, seed, seed_block_counts};
use cloudsig_canonical::Request;
use cloudsig_canonical::tc3::{self, CredentialScope, Settings, SignedHeaders};
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
    // Unmeasured: the same work once (feature detection, first-touch of the code).
    let warm = per_call(&req, &sh, &secret)? + &cached(&req, &sh, &key)?;
    black_box((
        warm,
        cloudsig_benches::floor(&FLOOR_BLOCKS),
        v1::sign(&v1_secret, v1::Algorithm::HmacSha1, b"x"),
        v1::sign(&v1_secret, v1::Algorithm::HmacSha256, b"x"),
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
        "per-call" => measured_per_call(black_box(&req), &sh, black_box(&secret))?,
        "cached" => measured_cached(black_box(&req), &sh, black_box(&key))?,
        "v1-sha1" => measured_v1(black_box(&v1_secret), v1::Algorithm::HmacSha1).to_string(),
        "v1-sha256" => measured_v1(black_box(&v1_secret), v1::Algorithm::HmacSha256).to_string(),
        _ => return Err(format!("unknown mode `{mode}`; see the source for the modes").into()),
    };
    if (mode == "per-call" || mode == "cached") && out != seed::SIGNATURE {
        return Err(format!("wrong signature {out}").into());
    }
    println!("{out}");
    Ok(())
}
