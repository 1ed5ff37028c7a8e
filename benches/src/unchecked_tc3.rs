//! **Prototype, benchmark only: not part of cloudsig's API and not used by it. It checks
//! nothing and must never sign a real request.**
//!
//! Where the limit of "canonical text written per call" lies for TC3 with a cached key
//! (issue 17 item 1, session 28): `tc3::sign_with_key`'s one-pass path with every check
//! taken out. The same machinery as cloudsig's hot path (the text written into
//! `cloudsig_core::tc3::CanonicalBlocks`, the payload's hex by
//! [`CanonicalBlocks::put_sha256_hex`], the canonical request's hash and the signature by
//! [`SigningKey::sign_blocks`], the signature's hex as the `ratios` rows write it), and
//! the same 12 pieces of text (method, path, query, each signed `name:value`, the joined
//! names), but each piece copied as it is: no check of the method, the path or the query,
//! no CR/LF/NUL or upper-case test of a value, no trimming, no duplicate test.
//!
//! - [`sign_in_order`] takes the header values by position (the request's headers are
//!   the signed ones, in signing order, as in the seed request): the text's *writing*
//!   alone.
//! - [`sign_found`] finds each signed name's value among the request's headers (first
//!   match, `eq_ignore_ascii_case`, as a signer must at least do): writing and finding.
//!
//! `sign_with_key` less these is the price of the checks; these less
//! `tc3::RequestTemplate::sign_with_key` (the text validated and written once, copied per
//! call) is the price of writing the text per call. `ratios` times both against the
//! 8-block floor after checking their signature of the seed request.

use cloudsig_canonical::tc3::{CredentialScope, SignedHeaders};
use cloudsig_canonical::{Payload, Request};
use cloudsig_core::HexDigest;
use cloudsig_core::tc3::{CanonicalBlocks, SigningKey};

/// The seed request's signature with its canonical text copied piece by piece with no
/// check, the header values taken in the order the request holds them. `None` when the
/// text does not fit the blocks or the payload is not given as bytes.
pub fn sign_in_order(
    req: &Request<'_>,
    signed_headers: &SignedHeaders,
    timestamp: i64,
    scope: CredentialScope<'_>,
    key: &SigningKey,
) -> Option<HexDigest> {
    let mut text = CanonicalBlocks::new();
    put_target(req, &mut text)?;
    for (name, (_, value)) in signed_headers.names().zip(req.headers()) {
        put_header(name, value, &mut text)?;
    }
    finish(req, signed_headers, timestamp, scope, key, &mut text)
}

/// [`sign_in_order`] with each signed name's value found among the request's headers
/// (the first whose name equals it without regard to ASCII case), still with no check.
pub fn sign_found(
    req: &Request<'_>,
    signed_headers: &SignedHeaders,
    timestamp: i64,
    scope: CredentialScope<'_>,
    key: &SigningKey,
) -> Option<HexDigest> {
    let mut text = CanonicalBlocks::new();
    put_target(req, &mut text)?;
    let headers = req.headers();
    for name in signed_headers.names() {
        let (_, value) = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        put_header(name, value, &mut text)?;
    }
    finish(req, signed_headers, timestamp, scope, key, &mut text)
}

#[inline]
fn put_target(req: &Request<'_>, text: &mut CanonicalBlocks) -> Option<()> {
    text.put(req.method().as_bytes())?;
    text.put_byte(b'\n')?;
    text.put(req.path().as_bytes())?;
    text.put_byte(b'\n')?;
    text.put(req.raw_query().as_bytes())?;
    text.put_byte(b'\n')
}

#[inline]
fn put_header(name: &str, value: &str, text: &mut CanonicalBlocks) -> Option<()> {
    text.put(name.as_bytes())?;
    text.put_byte(b':')?;
    text.put(value.as_bytes())?;
    text.put_byte(b'\n')
}

#[inline]
fn finish(
    req: &Request<'_>,
    signed_headers: &SignedHeaders,
    timestamp: i64,
    scope: CredentialScope<'_>,
    key: &SigningKey,
    text: &mut CanonicalBlocks,
) -> Option<HexDigest> {
    text.put_byte(b'\n')?;
    text.put(signed_headers.joined().as_bytes())?;
    text.put_byte(b'\n')?;
    let Payload::Bytes(body) = req.payload() else {
        return None;
    };
    text.put_sha256_hex(body)?;
    let (_, signature) = key.sign_blocks(timestamp, &scope.date(), scope.service(), text);
    Some(HexDigest::from_bytes(&signature))
}
