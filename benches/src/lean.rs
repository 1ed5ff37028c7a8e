//! Lean, benchmark-only prototypes of ACS3-HMAC-SHA256 and SDK-HMAC-SHA256 signing
//! (issue 17 item 1, session 24): how fast these signatures can be with the least work
//! around the compression function, to tell the limit of the call structure from the
//! cost of cloudsig's own code.
//!
//! Each signs its documented example (`ratios` checks the result against the documented
//! signature before timing it) with exactly the blocks the floor counts, in the fewest
//! calls of `sha2`'s block function the structure allows: the key's ipad and opad
//! blocks (one call each), the payload hash (one call), the canonical request written
//! straight into a stack block buffer and padded there (one call), the string to sign as
//! a template with only the hash written in (one call) and the outer block (one call).
//!
//! Not a signer: it checks nothing (no method, path, query or header validation, no
//! query canonicalisation, no keys longer than a block) and is safe Rust only because it
//! does nothing clever. It is the yardstick `ratios` puts beside `acs3::sign` and
//! `huawei::sign_with_key`.

use cloudsig_canonical::Request;
use sha2::block_api::compress256;

use crate::SHA256_IV;

/// Blocks of the canonical request buffer: 1 KiB, enough for both examples.
const CANONICAL_BLOCKS: usize = 16;

/// A canonical request written into a block buffer.
struct Text {
    buf: [[u8; 64]; CANONICAL_BLOCKS],
    len: usize,
}

impl Text {
    fn new() -> Self {
        Self {
            buf: [[0; 64]; CANONICAL_BLOCKS],
            len: 0,
        }
    }

    #[inline(always)]
    fn put(&mut self, s: &[u8]) {
        if let Some(dst) = self
            .buf
            .as_flattened_mut()
            .get_mut(self.len..self.len + s.len())
        {
            dst.copy_from_slice(s);
        }
        self.len += s.len();
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        if let Some(dst) = self.buf.as_flattened_mut().get_mut(self.len) {
            *dst = b;
        }
        self.len += 1;
    }

    /// SHA-256 of the text, padded in place and compressed in one call.
    fn sha256(&mut self) -> [u8; 32] {
        let used = (self.len + 9).div_ceil(64);
        let flat = self.buf.as_flattened_mut();
        if let Some(b) = flat.get_mut(self.len) {
            *b = 0x80;
        }
        if let Some(rest) = flat.get_mut(self.len + 1..used * 64 - 8) {
            rest.fill(0);
        }
        if let Some(len) = flat.get_mut(used * 64 - 8..used * 64) {
            len.copy_from_slice(&(self.len as u64 * 8).to_be_bytes());
        }
        let mut state = SHA256_IV;
        compress256(&mut state, self.buf.get(..used).unwrap_or_default());
        bytes(&state)
    }
}

fn bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let (words, _) = out.as_chunks_mut::<4>();
    for (d, w) in words.iter_mut().zip(state) {
        *d = w.to_be_bytes();
    }
    out
}

/// Lower-case hex of a digest into `out`.
#[inline(always)]
fn hex_into(out: &mut [u8], digest: &[u8; 32]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let (pairs, _) = out.as_chunks_mut::<2>();
    for (pair, b) in pairs.iter_mut().zip(digest) {
        let digit = |n: u8| HEX.get(usize::from(n)).copied().unwrap_or(b'0');
        *pair = [digit(b >> 4), digit(b & 15)];
    }
}

/// SHA-256 of a message of at most 55 bytes (an empty payload): one call.
fn sha256_short(message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if let Some(dst) = block.get_mut(..message.len()) {
        dst.copy_from_slice(message);
    }
    if let Some(b) = block.get_mut(message.len()) {
        *b = 0x80;
    }
    if let Some(len) = block.last_chunk_mut::<8>() {
        *len = (message.len() as u64 * 8).to_be_bytes();
    }
    let mut state = SHA256_IV;
    compress256(&mut state, core::slice::from_ref(&block));
    bytes(&state)
}

/// HMAC-SHA256 keyed with `key` (at most 64 bytes) of `prefix` followed by a hex digest
/// (at most 119 bytes in all): two calls for the key, one for the two-block inner
/// hash, one for the outer block.
fn hmac_template(key: &[u8], prefix: &[u8], digest: &[u8; 32]) -> [u8; 32] {
    let mut pad = [0x36u8; 64];
    for (p, k) in pad.iter_mut().zip(key) {
        *p ^= k;
    }
    let mut inner = SHA256_IV;
    compress256(&mut inner, core::slice::from_ref(&pad));
    for p in pad.iter_mut() {
        *p ^= 0x36 ^ 0x5c;
    }
    let mut outer = SHA256_IV;
    compress256(&mut outer, core::slice::from_ref(&pad));

    let mut sts = [[0u8; 64]; 2];
    let flat = sts.as_flattened_mut();
    let len = prefix.len() + 64;
    let (head, rest) = flat.split_at_mut(prefix.len().min(64));
    head.copy_from_slice(prefix.get(..head.len()).unwrap_or_default());
    let (hex, rest) = rest.split_at_mut(64);
    hex_into(hex, digest);
    if let Some(b) = rest.first_mut() {
        *b = 0x80;
    }
    if let Some(bits) = flat.last_chunk_mut::<8>() {
        *bits = ((64 + len as u64) * 8).to_be_bytes();
    }
    compress256(&mut inner, &sts);

    let mut last = [0u8; 64];
    let (d, rest) = last.split_at_mut(32);
    d.copy_from_slice(&bytes(&inner));
    if let Some(b) = rest.first_mut() {
        *b = 0x80;
    }
    if let Some(bits) = last.last_chunk_mut::<8>() {
        *bits = 768u64.to_be_bytes();
    }
    compress256(&mut outer, core::slice::from_ref(&last));
    bytes(&outer)
}

/// Writes `Method \n Path[/] \n Query \n (name:value \n)* \n SignedHeaders \n`: each
/// signed header's value found by a scan of the request's headers (the first for
/// ACS3, the last for Huawei), trimmed of spaces and tabs.
fn write_head(t: &mut Text, req: &Request<'_>, names: &[&str], slash: bool, last: bool) {
    t.put(req.method().as_bytes());
    t.byte(b'\n');
    t.put(req.path().as_bytes());
    if slash && !req.path().ends_with('/') {
        t.byte(b'/');
    }
    t.byte(b'\n');
    t.put(req.raw_query().as_bytes());
    t.byte(b'\n');
    for name in names {
        let mut found = req
            .headers()
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let value = if last {
            found.next_back()
        } else {
            found.next()
        };
        let value = value.map_or("", |(_, v)| v.trim_matches([' ', '\t']));
        t.put(name.as_bytes());
        t.byte(b':');
        t.put(value.as_bytes());
        t.byte(b'\n');
    }
    t.byte(b'\n');
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            t.byte(b';');
        }
        t.put(name.as_bytes());
    }
    t.byte(b'\n');
}

/// The lean ACS3-HMAC-SHA256 signature of `req` (an empty body), keyed per call:
/// 14 blocks in 6 calls for the documented example.
pub fn acs3(secret: &[u8], req: &Request<'_>, names: &[&str]) -> [u8; 32] {
    let payload = sha256_short(b"");
    let mut t = Text::new();
    write_head(&mut t, req, names, false, false);
    let mut hex = [0u8; 64];
    hex_into(&mut hex, &payload);
    t.put(&hex);
    let hashed = t.sha256();
    hmac_template(secret, b"ACS3-HMAC-SHA256\n", &hashed)
}

/// The lean SDK-HMAC-SHA256 signature of `req` (an empty body) at `date`, keyed per
/// call: 11 blocks in 6 calls for the documented example.
pub fn sdk_hmac(secret: &[u8], req: &Request<'_>, names: &[&str], date: &str) -> [u8; 32] {
    let payload = sha256_short(b"");
    let mut t = Text::new();
    write_head(&mut t, req, names, true, true);
    let mut hex = [0u8; 64];
    hex_into(&mut hex, &payload);
    t.put(&hex);
    let hashed = t.sha256();
    let mut prefix = *b"SDK-HMAC-SHA256\n________________\n";
    if let Some(d) = prefix.get_mut(16..16 + date.len()) {
        d.copy_from_slice(date.as_bytes());
    }
    hmac_template(secret, &prefix, &hashed)
}

/// HMAC's keyed states of `key` (at most 64 bytes): the ipad and opad blocks, one call
/// each.
fn hmac_key(key: &[u8]) -> ([u32; 8], [u32; 8]) {
    let mut pad = [0x36u8; 64];
    for (p, k) in pad.iter_mut().zip(key) {
        *p ^= k;
    }
    let mut inner = SHA256_IV;
    compress256(&mut inner, core::slice::from_ref(&pad));
    for p in pad.iter_mut() {
        *p ^= 0x36 ^ 0x5c;
    }
    let mut outer = SHA256_IV;
    compress256(&mut outer, core::slice::from_ref(&pad));
    (inner, outer)
}

/// [`hmac_template`] with the keyed states given.
fn hmac_keyed(keyed: ([u32; 8], [u32; 8]), prefix: &[u8], digest: &[u8; 32]) -> [u8; 32] {
    let (mut inner, mut outer) = keyed;
    let mut sts = [[0u8; 64]; 2];
    let flat = sts.as_flattened_mut();
    let len = prefix.len() + 64;
    let (head, rest) = flat.split_at_mut(prefix.len().min(64));
    head.copy_from_slice(prefix.get(..head.len()).unwrap_or_default());
    let (hex, rest) = rest.split_at_mut(64);
    hex_into(hex, digest);
    if let Some(b) = rest.first_mut() {
        *b = 0x80;
    }
    if let Some(bits) = flat.last_chunk_mut::<8>() {
        *bits = ((64 + len as u64) * 8).to_be_bytes();
    }
    compress256(&mut inner, &sts);
    let mut last = [0u8; 64];
    let (d, rest) = last.split_at_mut(32);
    d.copy_from_slice(&bytes(&inner));
    if let Some(b) = rest.first_mut() {
        *b = 0x80;
    }
    if let Some(bits) = last.last_chunk_mut::<8>() {
        *bits = 768u64.to_be_bytes();
    }
    compress256(&mut outer, core::slice::from_ref(&last));
    bytes(&outer)
}

/// Session 26: [`acs3`] with the keyed states computed first (the ipad and opad calls
/// before the payload's, all three independent, then the text written while they run),
/// where [`acs3`] computes them after the canonical request's hash: whether the order
/// of the independent calls (the interleaving that took TC3's per-call signature from
/// 1.48x to 1.40x) matters for a signature with only two keyed blocks.
pub fn acs3_key_first(secret: &[u8], req: &Request<'_>, names: &[&str]) -> [u8; 32] {
    let keyed = hmac_key(secret);
    let payload = sha256_short(b"");
    let mut t = Text::new();
    write_head(&mut t, req, names, false, false);
    let mut hex = [0u8; 64];
    hex_into(&mut hex, &payload);
    t.put(&hex);
    let hashed = t.sha256();
    hmac_keyed(keyed, b"ACS3-HMAC-SHA256\n", &hashed)
}

/// Session 26: [`sdk_hmac`] with the keyed states computed first, as [`acs3_key_first`].
pub fn sdk_hmac_key_first(
    secret: &[u8],
    req: &Request<'_>,
    names: &[&str],
    date: &str,
) -> [u8; 32] {
    let keyed = hmac_key(secret);
    let payload = sha256_short(b"");
    let mut t = Text::new();
    write_head(&mut t, req, names, true, true);
    let mut hex = [0u8; 64];
    hex_into(&mut hex, &payload);
    t.put(&hex);
    let hashed = t.sha256();
    let mut prefix = *b"SDK-HMAC-SHA256\n________________\n";
    if let Some(d) = prefix.get_mut(16..16 + date.len()) {
        d.copy_from_slice(date.as_bytes());
    }
    hmac_keyed(keyed, &prefix, &hashed)
}

/// The hex of a signature, for comparison with a documented one.
pub fn hex(digest: &[u8; 32]) -> String {
    let mut out = [0u8; 64];
    hex_into(&mut out, digest);
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{acs3_seed, huawei_seed};

    #[test]
    fn the_prototypes_give_the_documented_signatures() {
        let req = acs3_seed::request();
        let names = [
            "host",
            "x-acs-action",
            "x-acs-content-sha256",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-version",
        ];
        assert_eq!(
            hex(&acs3(acs3_seed::SECRET, &req, &names)),
            acs3_seed::SIGNATURE
        );
        assert_eq!(
            hex(&acs3_key_first(acs3_seed::SECRET, &req, &names)),
            acs3_seed::SIGNATURE
        );
        let req = huawei_seed::request();
        let names = ["content-type", "host", "x-sdk-date"];
        assert_eq!(
            hex(&sdk_hmac(huawei_seed::SK, &req, &names, huawei_seed::DATE)),
            huawei_seed::SIGNATURE
        );
        assert_eq!(
            hex(&sdk_hmac_key_first(
                huawei_seed::SK,
                &req,
                &names,
                huawei_seed::DATE
            )),
            huawei_seed::SIGNATURE
        );
    }
}
