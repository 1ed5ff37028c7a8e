//! Ratios of signing to its SHA-256 compression floor that hold on a loaded machine:
//! the floor and the signer are timed in alternating short batches, and each keeps its
//! fastest batch (the one least disturbed by other work), so both minima come from the
//! same moments of the same run.
//!
//! Usage: `ratios [ROUNDS]` (default 300 rounds; each round times one batch of each).
//! Prints, for TC3 with a cached key and per call, ACS3-HMAC-SHA256, SDK-HMAC-SHA256 and
//! Tencent v1 HmacSHA256,
//! the fastest batch's nanoseconds per call of the signer and of the floor, and their
//! ratio. The floors are those of the whole message's blocks; a request template, which
//! compresses its fixed leading blocks once when it is made (session 29), is also timed
//! against the floor of the blocks it compresses per call, in the same rounds, and both
//! ratios are printed. Criterion (`cargo bench -p cloudsig-benches`) gives the medians; this gives
//! the ratio a quiet machine would show. See `benches/README.md`.

use std::hint::black_box;
use std::time::Instant;

use cloudsig_benches::{FLOOR_BLOCKS, acs3_seed, huawei_seed, seed, seed_block_counts};
use cloudsig_canonical::tc3::{self, CredentialScope, Settings, SignedHeaders};
use cloudsig_core::SecretKey;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Calls per batch: about 0.2 to 2 ms a batch on the 2-core machine of the README.
const BATCH: u32 = 1_000;

/// Nanoseconds per call of the fastest of `rounds` batches of `floor` and of `subject`,
/// timed alternately.
fn fastest(rounds: u32, floor: &mut dyn FnMut(), subject: &mut dyn FnMut()) -> (f64, f64) {
    let mut best = (f64::INFINITY, f64::INFINITY);
    let batch = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..BATCH {
            f();
        }
        start.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH)
    };
    for _ in 0..rounds {
        best.0 = best.0.min(batch(floor));
        best.1 = best.1.min(batch(subject));
    }
    best
}

/// [`fastest`] with a second floor timed in the same rounds: `(floor, floor2, subject)`.
fn fastest2(
    rounds: u32,
    floor: &mut dyn FnMut(),
    floor2: &mut dyn FnMut(),
    subject: &mut dyn FnMut(),
) -> (f64, f64, f64) {
    let mut best = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    let batch = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..BATCH {
            f();
        }
        start.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH)
    };
    for _ in 0..rounds {
        best.0 = best.0.min(batch(floor));
        best.1 = best.1.min(batch(floor2));
        best.2 = best.2.min(batch(subject));
    }
    best
}

/// Times a template row against the floor of the whole message's `blocks` (the floor
/// the other rows use) and, when the template compresses `fixed` leading blocks once
/// (session 29), also against the floor of the `blocks - fixed` it compresses per call,
/// in the same rounds; prints both ratios, so that the gain of not compressing the
/// fixed blocks is not read as a change of floor.
fn template_row(
    rounds: u32,
    name: &str,
    blocks: usize,
    fixed: usize,
    sign: &mut dyn FnMut(),
) -> Result {
    let floor_of = |n: usize| FLOOR_BLOCKS.get(..n).ok_or("not enough floor blocks");
    let floor = floor_of(blocks)?;
    if fixed == 0 {
        let (f, s) = fastest(
            rounds,
            &mut || {
                black_box(cloudsig_benches::floor(black_box(floor)));
            },
            sign,
        );
        println!("{name:<28} {blocks:>6} {s:>11.1} {f:>11.1} {:>6.2}x", s / f);
        return Ok(());
    }
    let now = blocks
        .checked_sub(fixed)
        .ok_or("more fixed blocks than blocks")?;
    let floor2 = floor_of(now)?;
    let (f, f2, s) = fastest2(
        rounds,
        &mut || {
            black_box(cloudsig_benches::floor(black_box(floor)));
        },
        &mut || {
            black_box(cloudsig_benches::floor(black_box(floor2)));
        },
        sign,
    );
    println!(
        "{name:<28} {blocks:>6} {s:>11.1} {f:>11.1} {:>6.2}x | per call {now:>2} blocks: floor {f2:>6.1} ns, {:>5.2}x",
        s / f,
        s / f2
    );
    Ok(())
}

fn main() -> Result {
    let rounds: u32 = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 300,
    };
    let counts = seed_block_counts()?;
    let acs3_blocks = cloudsig_benches::acs3_block_counts()?.total();
    let huawei_blocks = cloudsig_benches::huawei_block_counts()?.total();
    let floor_of = |n: usize| FLOOR_BLOCKS.get(..n).ok_or("not enough floor blocks");

    // TC3: the same calls as the criterion benchmarks `tc3/cached` and `tc3/per_call`.
    let req = cloudsig_benches::request();
    let sh = SignedHeaders::default();
    let settings = Settings::default();
    let secret = cloudsig_benches::secret()?;
    let key = cloudsig_benches::signing_key()?;
    let tc3_cached = || -> Result<_> {
        let ts = black_box(seed::TIMESTAMP);
        let scope = CredentialScope::for_timestamp(ts, seed::SERVICE)?;
        let signed = tc3::sign_with_key(black_box(&req), &sh, &settings, ts, scope, &key)?;
        Ok(*signed.signature())
    };
    let tc3_per_call = || -> Result<_> {
        let ts = black_box(seed::TIMESTAMP);
        let scope = CredentialScope::for_timestamp(ts, seed::SERVICE)?;
        let signed = tc3::sign(black_box(&req), &sh, &settings, ts, scope, &secret)?;
        Ok(*signed.signature())
    };

    // ACS3-HMAC-SHA256 and SDK-HMAC-SHA256 on their documented examples, keyed per call.
    use cloudsig_canonical::{alibaba::acs3, huawei};
    use cloudsig_core::huawei::{Algorithm, SdkDate, SigningKey};
    let acs3_req = acs3_seed::request();
    let acs3_sh = acs3::signed_headers_of(&acs3_req)?;
    let acs3_secret = SecretKey::new(acs3_seed::SECRET)?;
    let acs3_settings = acs3::Settings::default();
    let acs3 = || -> Result<_> {
        let alg = black_box(cloudsig_core::alibaba::Algorithm::HmacSha256);
        let signed = acs3::sign(&acs3_req, &acs3_sh, alg, &acs3_settings, &acs3_secret)?;
        Ok(*signed.signature())
    };
    let hw_req = huawei_seed::request();
    let hw_sh = huawei::SignedHeaders::new(["content-type", "host", "x-sdk-date"])?;
    let hw_sk = SecretKey::new(huawei_seed::SK)?;
    let hw_date = SdkDate::parse(huawei_seed::DATE)?;
    let hw_settings = huawei::Settings::default();
    let sdk_hmac = || -> Result<_> {
        let key = SigningKey::new(Algorithm::SdkHmacSha256, huawei_seed::AK, &hw_sk, None)?;
        let signed = huawei::sign_with_key(
            black_box(&hw_req),
            &key,
            &hw_sh,
            &hw_settings,
            hw_date,
            None,
        )?;
        Ok(*signed.signature())
    };

    type Signer<'s> = Box<dyn Fn() -> Result<cloudsig_core::HexDigest> + 's>;
    let subjects: [(&str, usize, &str, Signer<'_>); 4] = [
        (
            "TC3 cached key",
            counts.cached(),
            seed::SIGNATURE,
            Box::new(tc3_cached),
        ),
        (
            "TC3 key per call",
            counts.per_call(),
            seed::SIGNATURE,
            Box::new(tc3_per_call),
        ),
        (
            "ACS3-HMAC-SHA256",
            acs3_blocks,
            acs3_seed::SIGNATURE,
            Box::new(acs3),
        ),
        (
            "SDK-HMAC-SHA256",
            huawei_blocks,
            huawei_seed::SIGNATURE,
            Box::new(sdk_hmac),
        ),
    ];
    println!("fastest of {rounds} batches of {BATCH} calls, floor and signer alternating");
    println!(
        "{:<18} {:>6} {:>11} {:>11} {:>7}",
        "signer", "blocks", "signer ns", "floor ns", "ratio"
    );
    for (name, blocks, expected, sign) in subjects {
        // Checked once before it is timed, so a failing signer cannot look fast.
        let sig = sign()?;
        if sig.as_str() != expected {
            return Err(format!("{name}: wrong signature {sig}").into());
        }
        let floor = floor_of(blocks)?;
        let (f, s) = fastest(
            rounds,
            &mut || {
                black_box(cloudsig_benches::floor(black_box(floor)));
            },
            &mut || {
                let _ = black_box(sign());
            },
        );
        println!("{name:<18} {blocks:>6} {s:>11.1} {f:>11.1} {:>6.2}x", s / f);
    }
    // Tencent v1 HmacSHA256 of the documented string to sign, keyed per call (the
    // SecretKey is the HMAC key): key setup 2 blocks, the 215-byte message after the
    // ipad block 4 more, the outer 1: 7 blocks. Its expected value is Python's
    // `hmac.new(key, string, hashlib.sha256)`, base64.
    {
        use cloudsig_core::v1;
        const V1_SHA256: &str = "bR/zQ3QqOmcEYeRv71IzG/NxfisUDgy9cqRMQC+UB5g=";
        let v1_secret = SecretKey::new(seed::V1_SECRET_KEY)?;
        let message = seed::V1_STRING_TO_SIGN.as_bytes();
        let blocks = cloudsig_benches::hmac_blocks(message.len(), false);
        let sig = v1::sign(&v1_secret, v1::Algorithm::HmacSha256, message);
        if sig.as_str() != V1_SHA256 {
            return Err(format!("v1 HmacSHA256: wrong signature {sig}").into());
        }
        let floor = floor_of(blocks)?;
        let (f, s) = fastest(
            rounds,
            &mut || {
                black_box(cloudsig_benches::floor(black_box(floor)));
            },
            &mut || {
                black_box(v1::sign(
                    &v1_secret,
                    v1::Algorithm::HmacSha256,
                    black_box(message),
                ));
            },
        );
        let name = "v1 HmacSHA256";
        println!("{name:<18} {blocks:>6} {s:>11.1} {f:>11.1} {:>6.2}x", s / f);
    }
    // Session 24: the lean benchmark-only prototypes of ACS3-HMAC-SHA256 and
    // SDK-HMAC-SHA256 (`cloudsig_benches::lean`: no validation, the fewest calls of the
    // block function), against the same floors as the signers above: the limit of the
    // call structure, beside what the public signers reach.
    {
        use cloudsig_benches::lean;
        let acs3_names: Vec<&str> = acs3_sh.names().collect();
        let hw_names = ["content-type", "host", "x-sdk-date"];
        // The public signers with their key made once (12 blocks: the key's ipad and
        // opad blocks are not per request).
        let acs3_key = cloudsig_core::alibaba::SigningKey::new(
            &acs3_secret,
            cloudsig_core::alibaba::Algorithm::HmacSha256,
        );
        let acs3_cached = || -> Result<_> {
            let signed =
                acs3::sign_with_key(black_box(&acs3_req), &acs3_sh, &acs3_settings, &acs3_key)?;
            Ok(*signed.signature())
        };
        let hw_key = SigningKey::new(Algorithm::SdkHmacSha256, huawei_seed::AK, &hw_sk, None)?;
        let sdk_hmac_cached = || -> Result<_> {
            let signed = huawei::sign_with_key(
                black_box(&hw_req),
                &hw_key,
                &hw_sh,
                &hw_settings,
                hw_date,
                None,
            )?;
            Ok(*signed.signature())
        };
        // Session 28: `acs3::RequestTemplate`, the request shape's canonical text
        // validated and written once, per call only the date, nonce and payload hash
        // (the body hashed per call, as the rows above).
        let acs3_template = acs3::RequestTemplate::new(&acs3_req, &acs3_sh, &acs3_settings)?;
        let acs3_call = acs3::PerCall::new(
            acs3_req.header_value("x-acs-date").ok_or("no date")?,
            acs3_req
                .header_value("x-acs-signature-nonce")
                .ok_or("no nonce")?,
            acs3_req
                .header_value(acs3::CONTENT_SHA256)
                .ok_or("no hash")?,
        );
        let acs3_template_cached = || -> Result<_> {
            let body = cloudsig_canonical::Payload::Bytes(black_box(b""));
            let signed = acs3_template.sign_with_key(black_box(acs3_call), body, &acs3_key)?;
            Ok(*signed.signature())
        };
        let acs3_template_per_call = || -> Result<_> {
            let body = cloudsig_canonical::Payload::Bytes(black_box(b""));
            let alg = black_box(cloudsig_core::alibaba::Algorithm::HmacSha256);
            let signed =
                acs3_template.sign(black_box(acs3_call), body, alg, black_box(&acs3_secret))?;
            Ok(*signed.signature())
        };
        // Session 28: `huawei::RequestTemplate`, per call only the date and payload.
        let hw_template = huawei::RequestTemplate::new(&hw_req, &hw_sh, &hw_settings)?;
        let sdk_template_cached = || -> Result<_> {
            let body = cloudsig_canonical::Payload::Bytes(black_box(b""));
            let signed = hw_template.sign_with_key(&hw_key, black_box(&hw_date), None, body)?;
            Ok(*signed.signature())
        };
        let sdk_template_per_call = || -> Result<_> {
            let body = cloudsig_canonical::Payload::Bytes(black_box(b""));
            let signed = hw_template.sign(
                Algorithm::SdkHmacSha256,
                huawei_seed::AK,
                black_box(&hw_sk),
                black_box(&hw_date),
                None,
                body,
            )?;
            Ok(*signed.signature())
        };
        // Session 29: the leading blocks each template compresses once, counted from
        // the text of the request signed in one call and checked against the template.
        let acs3_fixed = cloudsig_benches::acs3_template_fixed_blocks()?;
        let sdk_fixed = cloudsig_benches::huawei_template_fixed_blocks()?;
        if acs3_template.hashed_leading_blocks() != acs3_fixed
            || hw_template.hashed_leading_blocks() != sdk_fixed
        {
            return Err("a template compresses other leading blocks than counted".into());
        }
        let cached: [(&str, usize, usize, &str, Signer<'_>); 6] = [
            (
                "ACS3 cached key",
                acs3_blocks - 2,
                0,
                acs3_seed::SIGNATURE,
                Box::new(acs3_cached),
            ),
            (
                "ACS3 tmpl cached",
                acs3_blocks - 2,
                acs3_fixed,
                acs3_seed::SIGNATURE,
                Box::new(acs3_template_cached),
            ),
            (
                "ACS3 tmpl per call",
                acs3_blocks,
                acs3_fixed,
                acs3_seed::SIGNATURE,
                Box::new(acs3_template_per_call),
            ),
            (
                "SDK-HMAC cached key",
                huawei_blocks - 2,
                0,
                huawei_seed::SIGNATURE,
                Box::new(sdk_hmac_cached),
            ),
            (
                "SDK tmpl cached",
                huawei_blocks - 2,
                sdk_fixed,
                huawei_seed::SIGNATURE,
                Box::new(sdk_template_cached),
            ),
            (
                "SDK tmpl per call",
                huawei_blocks,
                sdk_fixed,
                huawei_seed::SIGNATURE,
                Box::new(sdk_template_per_call),
            ),
        ];
        for (name, blocks, fixed, expected, sign) in cached {
            let sig = sign()?;
            if sig.as_str() != expected {
                return Err(format!("{name}: wrong signature {sig}").into());
            }
            template_row(rounds, name, blocks, fixed, &mut || {
                let _ = black_box(sign());
            })?;
        }
        type Lean<'s> = Box<dyn Fn() -> [u8; 32] + 's>;
        let protos: [(&str, usize, &str, Lean<'_>); 4] = [
            (
                "ACS3 lean proto",
                acs3_blocks,
                acs3_seed::SIGNATURE,
                Box::new(|| {
                    lean::acs3(
                        black_box(acs3_seed::SECRET),
                        black_box(&acs3_req),
                        &acs3_names,
                    )
                }),
            ),
            (
                "SDK-HMAC lean proto",
                huawei_blocks,
                huawei_seed::SIGNATURE,
                Box::new(|| {
                    lean::sdk_hmac(
                        black_box(huawei_seed::SK),
                        black_box(&hw_req),
                        &hw_names,
                        huawei_seed::DATE,
                    )
                }),
            ),
            // Session 26: the keyed states first, then the payload and the text.
            (
                "ACS3 lean key first",
                acs3_blocks,
                acs3_seed::SIGNATURE,
                Box::new(|| {
                    lean::acs3_key_first(
                        black_box(acs3_seed::SECRET),
                        black_box(&acs3_req),
                        &acs3_names,
                    )
                }),
            ),
            (
                "SDK-HMAC lean key first",
                huawei_blocks,
                huawei_seed::SIGNATURE,
                Box::new(|| {
                    lean::sdk_hmac_key_first(
                        black_box(huawei_seed::SK),
                        black_box(&hw_req),
                        &hw_names,
                        huawei_seed::DATE,
                    )
                }),
            ),
        ];
        for (name, blocks, expected, sign) in protos {
            let sig = lean::hex(&sign());
            if sig != expected {
                return Err(format!("{name}: wrong signature {sig}").into());
            }
            let floor = floor_of(blocks)?;
            let (f, s) = fastest(
                rounds,
                &mut || {
                    black_box(cloudsig_benches::floor(black_box(floor)));
                },
                &mut || {
                    black_box(sign());
                },
            );
            println!("{name:<18} {blocks:>6} {s:>11.1} {f:>11.1} {:>6.2}x", s / f);
        }
    }
    // Session 24: the call structure of ACS3 and SDK-HMAC keyed per call, with no text
    // work at all: their blocks as the 6 dependent calls of the block function the lean
    // prototypes make (ipad, opad, payload, canonical request, string to sign, outer),
    // against the same blocks in one call.
    for (name, splits) in [
        (
            "ACS3 14 blocks as 1,1,1,8,2,1 calls",
            &[1usize, 1, 1, 8, 2, 1][..],
        ),
        (
            "SDK-HMAC 11 blocks as 1,1,1,5,2,1 calls",
            &[1, 1, 1, 5, 2, 1][..],
        ),
    ] {
        let total: usize = splits.iter().sum();
        let blocks = floor_of(total)?;
        let calls = |blocks: &[[u8; 64]]| -> [u32; 8] {
            let mut state = cloudsig_benches::SHA256_IV;
            let mut rest = blocks;
            for n in splits {
                let (chain, tail) = rest.split_at((*n).min(rest.len()));
                let mut next = cloudsig_benches::SHA256_IV;
                next[0] ^= state[0];
                sha2::block_api::compress256(&mut next, chain);
                state = next;
                rest = tail;
            }
            state
        };
        let (f, s) = fastest(
            rounds,
            &mut || {
                black_box(cloudsig_benches::floor(black_box(blocks)));
            },
            &mut || {
                black_box(calls(black_box(blocks)));
            },
        );
        println!("{name}: {s:.1} ns, one call {f:.1} ns: {:.2}x", s / f);
    }
    // The call structure's own limit: the cached signature's 8 blocks as its four
    // dependent chains (payload 2, canonical request 3, string to sign 2, outer 1), each
    // one call of the block function starting from the previous chain's result, with no
    // text work at all; against the same 8 blocks in one call.
    let chains = |blocks: &[[u8; 64]]| -> [u32; 8] {
        let (payload, rest) = blocks.split_at(2.min(blocks.len()));
        let (canonical, rest) = rest.split_at(3.min(rest.len()));
        let (sts, outer) = rest.split_at(2.min(rest.len()));
        let mut state = cloudsig_benches::SHA256_IV;
        for chain in [payload, canonical, sts, outer] {
            let mut next = cloudsig_benches::SHA256_IV;
            next[0] ^= state[0];
            sha2::block_api::compress256(&mut next, chain);
            state = next;
        }
        state
    };
    let floor8 = floor_of(counts.cached())?;
    let (f, s) = fastest(
        rounds,
        &mut || {
            black_box(cloudsig_benches::floor(black_box(floor8)));
        },
        &mut || {
            black_box(chains(black_box(floor8)));
        },
    );
    println!();
    println!(
        "8 blocks as 4 dependent calls (2, 3, 2, 1): {s:.1} ns, one call {f:.1} ns: {:.2}x",
        s / f
    );

    // Where the cached TC3 signature's time goes: each stage alone, fastest batch, the
    // 8-block floor alternating with it as above.
    let date = cloudsig_core::UtcDate::from_unix(seed::TIMESTAMP)?;
    let canonical = tc3::CanonicalRequest::new(&req, &sh, &settings)?;
    let hashed = canonical.hashed();
    let digest = [0xa7u8; 32];
    type Stage<'s> = Box<dyn Fn() + 's>;
    let stages: [(&str, Stage<'_>); 6] = [
        (
            "hex of a digest",
            Box::new(|| {
                black_box(cloudsig_core::HexDigest::from_bytes(black_box(&digest)));
            }),
        ),
        (
            "scope (for_timestamp)",
            Box::new(|| {
                let _ = black_box(CredentialScope::for_timestamp(
                    black_box(seed::TIMESTAMP),
                    seed::SERVICE,
                ));
            }),
        ),
        (
            "payload hash (2 blocks)",
            Box::new(|| {
                black_box(cloudsig_core::sha256_hex(black_box(seed::BODY)));
            }),
        ),
        (
            "canonical new (+ payload)",
            Box::new(|| {
                let _ = black_box(tc3::CanonicalRequest::new(black_box(&req), &sh, &settings));
            }),
        ),
        (
            "canonical hashed (3 blocks)",
            Box::new(|| {
                black_box(black_box(&canonical).hashed());
            }),
        ),
        (
            "sign_hashed (3 blocks)",
            Box::new(|| {
                black_box(key.sign_hashed(
                    black_box(seed::TIMESTAMP),
                    &date,
                    seed::SERVICE,
                    black_box(&hashed),
                ));
            }),
        ),
    ];
    println!();
    println!(
        "{:<28} {:>11} {:>16}",
        "TC3 cached, stage", "ns", "of 8-block floor"
    );
    for (name, stage) in stages {
        let (f, s) = fastest(
            rounds,
            &mut || {
                black_box(cloudsig_benches::floor(black_box(floor8)));
            },
            &mut || stage(),
        );
        println!("{name:<28} {s:>11.1} {:>15.2}x", s / f);
    }

    // The limit on this machine: the benchmark-only prototype `lean_tc3` (see its module
    // documentation) signing the same request, cached key and key derived per call,
    // against the same floors, its signature checked first.
    {
        use cloudsig_benches::lean_tc3::{LeanKey, Shape};
        let shape = Shape::new(&["content-type", "host"]);
        let lean_key = LeanKey::derive(seed::SECRET_KEY, seed::TIMESTAMP, seed::SERVICE)
            .ok_or("lean_tc3: no key")?;
        let lean_cached = || lean_key.sign(black_box(&req), &shape, black_box(seed::TIMESTAMP));
        let lean_per_call = || {
            let ts = black_box(seed::TIMESTAMP);
            LeanKey::derive(black_box(seed::SECRET_KEY), ts, seed::SERVICE)?.sign(
                black_box(&req),
                &shape,
                ts,
            )
        };
        let lean_payload_first =
            || lean_key.sign_payload_first(black_box(&req), &shape, black_box(seed::TIMESTAMP));
        let prebuilt = cloudsig_benches::lean_tc3::Prebuilt::new(&req, &shape)
            .ok_or("lean_tc3: no prebuilt text")?;
        let lean_prebuilt = || {
            lean_key.sign_prebuilt(
                black_box(&prebuilt),
                black_box(seed::BODY),
                black_box(seed::TIMESTAMP),
            )
        };
        let lean_interleaved = || {
            LeanKey::sign_per_call_interleaved(
                black_box(seed::SECRET_KEY),
                black_box(&req),
                &shape,
                black_box(seed::TIMESTAMP),
                seed::SERVICE,
            )
        };
        let lean_register_hex =
            || lean_key.sign_register_hex(black_box(&req), &shape, black_box(seed::TIMESTAMP));
        type Lean<'s> = Box<dyn Fn() -> Option<[u8; 64]> + 's>;
        let lean: [(&str, usize, Lean<'_>); 6] = [
            ("lean_tc3 cached", counts.cached(), Box::new(lean_cached)),
            (
                "lean, payload first",
                counts.cached(),
                Box::new(lean_payload_first),
            ),
            (
                "lean, text prebuilt",
                counts.cached(),
                Box::new(lean_prebuilt),
            ),
            (
                "lean per call, interleaved",
                counts.per_call(),
                Box::new(lean_interleaved),
            ),
            (
                "lean, 16-byte hex",
                counts.cached(),
                Box::new(lean_register_hex),
            ),
            (
                "lean_tc3 per call",
                counts.per_call(),
                Box::new(lean_per_call),
            ),
        ];
        println!();
        println!("prototype (benches/src/lean_tc3.rs, benchmark only): the limit");
        for (name, blocks, sign) in lean {
            if sign().as_ref().map(|s| s.as_slice()) != Some(seed::SIGNATURE.as_bytes()) {
                return Err(format!("{name}: wrong signature").into());
            }
            let floor = floor_of(blocks)?;
            let (f, s) = fastest(
                rounds,
                &mut || {
                    black_box(cloudsig_benches::floor(black_box(floor)));
                },
                &mut || {
                    black_box(sign());
                },
            );
            println!("{name:<18} {blocks:>6} {s:>11.1} {f:>11.1} {:>6.2}x", s / f);
        }
        // cloudsig's cached signer with the scope made once, outside the call: how much
        // of its time is `CredentialScope::for_timestamp`.
        let scope_once = CredentialScope::for_timestamp(seed::TIMESTAMP, seed::SERVICE)?;
        let (f, s) = fastest(
            rounds,
            &mut || {
                black_box(cloudsig_benches::floor(black_box(floor8)));
            },
            &mut || {
                let signed = tc3::sign_with_key(
                    black_box(&req),
                    &sh,
                    &settings,
                    black_box(seed::TIMESTAMP),
                    black_box(scope_once),
                    &key,
                );
                black_box(signed.map(|s| *s.signature()).ok());
            },
        );
        let name = "TC3 cached, scope once";
        println!("{name:<28} {s:>11.1} {:>15.2}x", s / f);
        // And with the scope taken from the key per call (`CredentialScope::for_key`),
        // the public path that does not check again what the key fixed.
        let tc3_scope_of_key = || -> Result<_> {
            let ts = black_box(seed::TIMESTAMP);
            let scope = CredentialScope::for_key(ts, &key)?;
            let signed = tc3::sign_with_key(black_box(&req), &sh, &settings, ts, scope, &key)?;
            Ok(*signed.signature())
        };
        if tc3_scope_of_key()?.as_str() != seed::SIGNATURE {
            return Err("TC3 cached, scope of the key: wrong signature".into());
        }
        let (f, s) = fastest(
            rounds,
            &mut || {
                black_box(cloudsig_benches::floor(black_box(floor8)));
            },
            &mut || {
                let _ = black_box(tc3_scope_of_key());
            },
        );
        let name = "TC3 cached, for_key";
        println!("{name:<28} {s:>11.1} {:>15.2}x", s / f);
        // Session 26: the request's canonical text prepared once (`tc3::RequestTemplate`,
        // validated when made), each call signing the payload at a timestamp: cached key
        // (scope by `for_timestamp` per call, as the first row, and by `for_key`) and key
        // derived per call.
        let template = tc3::RequestTemplate::new(&req, &sh, &settings)?;
        let body = cloudsig_canonical::Payload::Bytes(seed::BODY);
        let template_cached = || -> Result<_> {
            let ts = black_box(seed::TIMESTAMP);
            let scope = CredentialScope::for_timestamp(ts, seed::SERVICE)?;
            let signed = black_box(&template).sign_with_key(black_box(body), ts, scope, &key)?;
            Ok(*signed.signature())
        };
        let template_for_key = || -> Result<_> {
            let ts = black_box(seed::TIMESTAMP);
            let scope = CredentialScope::for_key(ts, &key)?;
            let signed = black_box(&template).sign_with_key(black_box(body), ts, scope, &key)?;
            Ok(*signed.signature())
        };
        let template_per_call = || -> Result<_> {
            let ts = black_box(seed::TIMESTAMP);
            let scope = CredentialScope::for_timestamp(ts, seed::SERVICE)?;
            let signed = black_box(&template).sign(black_box(body), ts, scope, &secret)?;
            Ok(*signed.signature())
        };
        let template_scope_once = || -> Result<_> {
            let signed = black_box(&template).sign_with_key(
                black_box(body),
                black_box(seed::TIMESTAMP),
                black_box(scope_once),
                &key,
            )?;
            Ok(*signed.signature())
        };
        // Session 28: the same one-pass text with no check at all
        // (`cloudsig_benches::unchecked_tc3`, benchmark only), its values taken in order
        // (writing alone) and found by name (writing and finding), scope by
        // `for_timestamp` per call as the first row: `sign_with_key` less these is the
        // price of the checks, these less the template the price of writing the text.
        let unchecked_in_order = || -> Result<_> {
            let ts = black_box(seed::TIMESTAMP);
            let scope = CredentialScope::for_timestamp(ts, seed::SERVICE)?;
            cloudsig_benches::unchecked_tc3::sign_in_order(black_box(&req), &sh, ts, scope, &key)
                .ok_or_else(|| "unchecked_tc3: none".into())
        };
        let unchecked_found = || -> Result<_> {
            let ts = black_box(seed::TIMESTAMP);
            let scope = CredentialScope::for_timestamp(ts, seed::SERVICE)?;
            cloudsig_benches::unchecked_tc3::sign_found(black_box(&req), &sh, ts, scope, &key)
                .ok_or_else(|| "unchecked_tc3: none".into())
        };
        // Session 29: the leading blocks the template compresses once (1 of the
        // canonical request's 3), counted from the text and checked against it.
        let fixed = cloudsig_benches::tc3_template_fixed_blocks()?;
        if template.hashed_leading_blocks() != fixed {
            return Err("the TC3 template compresses other leading blocks than counted".into());
        }
        let templated: [(&str, usize, usize, Signer<'_>); 6] = [
            (
                "TC3 unchecked text, in order",
                counts.cached(),
                0,
                Box::new(unchecked_in_order),
            ),
            (
                "TC3 unchecked text, found",
                counts.cached(),
                0,
                Box::new(unchecked_found),
            ),
            (
                "TC3 template, scope once",
                counts.cached(),
                fixed,
                Box::new(template_scope_once),
            ),
            (
                "TC3 template, cached",
                counts.cached(),
                fixed,
                Box::new(template_cached),
            ),
            (
                "TC3 template, for_key",
                counts.cached(),
                fixed,
                Box::new(template_for_key),
            ),
            (
                "TC3 template, per call",
                counts.per_call(),
                fixed,
                Box::new(template_per_call),
            ),
        ];
        println!(
            "{:<28} {:>6} {:>11} {:>11} {:>7}",
            "TC3 (blocks: whole message)", "blocks", "signer ns", "floor ns", "ratio"
        );
        for (name, blocks, fixed, sign) in templated {
            if sign()?.as_str() != seed::SIGNATURE {
                return Err(format!("{name}: wrong signature").into());
            }
            template_row(rounds, name, blocks, fixed, &mut || {
                let _ = black_box(sign());
            })?;
        }
        // The string to sign's stage alone, against cloudsig's `sign_hashed` above.
        let digest = [0xa7a7_a7a7u32; 8];
        let (f, s) = fastest(
            rounds,
            &mut || {
                black_box(cloudsig_benches::floor(black_box(floor8)));
            },
            &mut || {
                black_box(lean_key.sign_digest(black_box(seed::TIMESTAMP), black_box(&digest)));
            },
        );
        let name = "lean sign_digest (3 blocks)";
        println!("{name:<28} {s:>11.1} {:>15.2}x", s / f);
        // The call structure with the hex between the chains (see `chains_with_hex`),
        // the hex at byte 54 (where the seed's string to sign takes it) and at byte 48.
        use cloudsig_benches::lean_tc3::chains_with_hex;
        type Chain<'s> = Box<dyn Fn() -> Option<[u32; 8]> + 's>;
        let structure: [(&str, Chain<'_>); 5] = [
            (
                "no text",
                Box::new(|| chains_with_hex::<0>(black_box(floor8), 54)),
            ),
            (
                "table hex at 54",
                Box::new(|| chains_with_hex::<1>(black_box(floor8), 54)),
            ),
            (
                "16-byte hex at 54",
                Box::new(|| chains_with_hex::<2>(black_box(floor8), 54)),
            ),
            (
                "table hex at 48",
                Box::new(|| chains_with_hex::<1>(black_box(floor8), 48)),
            ),
            (
                "16-byte hex at 48",
                Box::new(|| chains_with_hex::<2>(black_box(floor8), 48)),
            ),
        ];
        println!();
        println!(
            "{:<28} {:>11} {:>16}",
            "4 chains of 8 blocks, and", "ns", "of 8-block floor"
        );
        for (name, chain) in structure {
            chain().ok_or("chains_with_hex")?;
            let (f, s) = fastest(
                rounds,
                &mut || {
                    black_box(cloudsig_benches::floor(black_box(floor8)));
                },
                &mut || {
                    black_box(chain());
                },
            );
            println!("{name:<28} {s:>11.1} {:>15.2}x", s / f);
        }
    }
    Ok(())
}
