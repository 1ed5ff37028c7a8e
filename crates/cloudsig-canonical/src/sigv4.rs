//! The SigV4 family's canonical request, written once for TC3, ACS3 and SDK-HMAC/V11.
//!
//! ```text
//! CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n
//!                    (name:value \n)* \n SignedHeaders \n PayloadLine
//! ```
//!
//! The three schemes share this text exactly (as aws-sigv4's V4 and V4a share one
//! `CanonicalRequest`); each contributes only its rules, as the lines it hands to
//! [`Lines`]: TC3 the path and query as sent and lower-cased values, ACS3 a sorted
//! RFC 3986 query and joined repeated values, Huawei its encoded URI with a trailing `/`
//! and the last of repeated values. Both the `Display` of each scheme's canonical request
//! and its hash are written by [`Lines::write_to`], so the text shown for diagnosis and
//! the bytes hashed cannot drift apart; the hash is streamed piece by piece into the
//! hasher without materialising the text, and without `core::fmt` (which costs more than
//! hashing these few hundred bytes).

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::fmt;

use cloudsig_core::HexDigest;
use cloudsig_core::Sha256Hasher;
use cloudsig_core::hash::Hasher;

use crate::headers::SignedHeaders;

/// Where a canonical request's text goes: a hasher or a formatter.
pub(crate) trait Sink {
    /// Appends `s`.
    fn put(&mut self, s: &str) -> fmt::Result;

    /// Appends a hex digest: a hasher takes its bytes without the UTF-8 check of
    /// [`HexDigest::as_str`] (issue 17: measured under callgrind at 132 instructions
    /// of a cached TC3 signature's 3,400 outside the compression).
    fn put_hex(&mut self, d: &HexDigest) -> fmt::Result {
        self.put(d.as_str())
    }

    /// Appends one ASCII separator (`\n`, `:`, `;`).
    fn put_byte(&mut self, b: u8) -> fmt::Result {
        let c = [b];
        self.put(core::str::from_utf8(&c).map_err(|_| fmt::Error)?)
    }
}

impl Sink for Sha256Hasher {
    #[inline]
    fn put(&mut self, s: &str) -> fmt::Result {
        self.update(s.as_bytes());
        Ok(())
    }

    #[inline]
    fn put_hex(&mut self, d: &HexDigest) -> fmt::Result {
        self.update(d.as_bytes());
        Ok(())
    }

    #[inline]
    fn put_byte(&mut self, b: u8) -> fmt::Result {
        self.update_byte(b);
        Ok(())
    }
}

impl Sink for Hasher {
    #[inline]
    fn put(&mut self, s: &str) -> fmt::Result {
        self.update(s.as_bytes());
        Ok(())
    }

    #[inline]
    fn put_hex(&mut self, d: &HexDigest) -> fmt::Result {
        self.update(d.as_bytes());
        Ok(())
    }
}

impl Sink for fmt::Formatter<'_> {
    fn put(&mut self, s: &str) -> fmt::Result {
        self.write_str(s)
    }
}

/// The lines of one canonical request, as a scheme's rules made them: the parameters
/// bundle every scheme fills in.
pub(crate) struct Lines<'r, H> {
    /// The method as sent.
    pub(crate) method: &'r str,
    /// The canonical URI.
    pub(crate) uri: &'r str,
    /// Appended to the URI: Huawei's trailing `/` when the path does not end with one
    /// (so the path is borrowed, not copied); empty for the others.
    pub(crate) uri_end: &'r str,
    /// The canonical query.
    pub(crate) query: &'r str,
    /// `(name, value)` of each canonical header, in signing order.
    pub(crate) headers: H,
    /// The signed header names.
    pub(crate) signed_headers: &'r SignedHeaders,
    /// The payload line: a hex hash or a literal such as `UNSIGNED-PAYLOAD`.
    pub(crate) payload: Payload<'r>,
}

impl<'r, H: Iterator<Item = (&'r str, &'r str)>> Lines<'r, H> {
    /// Writes the canonical request text into `out`.
    #[inline]
    pub(crate) fn write_to<S: Sink + ?Sized>(self, out: &mut S) -> fmt::Result {
        out.put(self.method)?;
        out.put_byte(b'\n')?;
        out.put(self.uri)?;
        out.put(self.uri_end)?;
        out.put_byte(b'\n')?;
        out.put(self.query)?;
        out.put_byte(b'\n')?;
        for (name, value) in self.headers {
            out.put(name)?;
            out.put_byte(b':')?;
            out.put(value)?;
            out.put_byte(b'\n')?;
        }
        out.put_byte(b'\n')?;
        out.put(self.signed_headers.joined())?;
        out.put_byte(b'\n')?;
        match self.payload {
            Payload::Hex(d) => out.put_hex(d),
            Payload::Text(t) => out.put(t),
        }
    }

    /// The lower-case hex SHA-256 of the text, streamed.
    #[inline]
    pub(crate) fn sha256(self) -> HexDigest {
        let mut h = Sha256Hasher::new();
        // Writing into a hasher cannot fail.
        let _ = self.write_to(&mut h);
        h.finalize_hex()
    }

    /// The lower-case hex hash of the text with `hasher` (SHA-256 or SM3), streamed.
    pub(crate) fn hashed_with(self, mut hasher: Hasher) -> HexDigest {
        // Writing into a hasher cannot fail.
        let _ = self.write_to(&mut hasher);
        hasher.finalize_hex()
    }
}

/// How many signed header values a canonical request holds without allocating, by
/// default: the SDKs sign two to eight (TC3's two, Huawei's three, ACS3's six or seven).
/// TC3 keeps four (its SDKs sign two, the documentation three), so that its `Signed`,
/// which the hot path returns by value, stays small.
pub(crate) const INLINE_VALUES: usize = 8;

/// The values of the signed headers, in order: borrowed from the request and held
/// inline when there are at most `N` and none had to be rewritten (lower-cased, or
/// several values joined), which is what signing and verifying almost always meet; in a
/// vector otherwise.
#[derive(Clone)]
pub(crate) enum Values<'a, const N: usize = INLINE_VALUES> {
    /// Borrowed values, inline.
    Inline {
        /// How many of `items` are values.
        len: usize,
        /// The values.
        items: [&'a str; N],
    },
    /// Any values.
    Heap(Vec<Cow<'a, str>>),
}

impl<'a, const N: usize> Values<'a, N> {
    /// Room for `n` values.
    pub(crate) fn with_capacity(n: usize) -> Self {
        if n <= N {
            Self::Inline {
                len: 0,
                items: [""; N],
            }
        } else {
            Self::Heap(Vec::with_capacity(n))
        }
    }

    /// Appends a value.
    pub(crate) fn push(&mut self, value: Cow<'a, str>) {
        match (&mut *self, value) {
            (Self::Inline { len, items }, Cow::Borrowed(v)) if *len < N => {
                if let Some(slot) = items.get_mut(*len) {
                    *slot = v;
                }
                *len += 1;
            }
            (Self::Heap(list), value) => list.push(value),
            (Self::Inline { len, items }, value) => {
                let mut list: Vec<Cow<'a, str>> = Vec::with_capacity(*len + 1);
                list.extend(items.iter().take(*len).map(|v| Cow::Borrowed(*v)));
                list.push(value);
                *self = Self::Heap(list);
            }
        }
    }

    /// The values in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        let (inline, heap): (&[&str], &[Cow<'a, str>]) = match self {
            Self::Inline { len, items } => (items.get(..*len).unwrap_or_default(), &[]),
            Self::Heap(list) => (&[], list),
        };
        inline
            .iter()
            .copied()
            .chain(heap.iter().map(|v| v.as_ref()))
    }
}

impl<const N: usize> PartialEq for Values<'_, N> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<const N: usize> Eq for Values<'_, N> {}

impl<const N: usize> fmt::Debug for Values<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A canonical request's payload line: a hash this crate computed, or text from the
/// request (a hash the caller gave, a payload header's value, `UNSIGNED-PAYLOAD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PayloadLine<'a> {
    /// A computed hash, as its bytes: its hex is written when the line is (issue 17
    /// item 1, session 28: SDK-HMAC's `Signed` hands back no hex it was not asked for).
    Hashed(crate::hex::Digest),
    /// Text used as it is.
    Text(&'a str),
}

/// The payload line as [`Lines`] writes it.
#[derive(Clone, Copy)]
pub(crate) enum Payload<'r> {
    /// A computed hash.
    Hex(&'r HexDigest),
    /// Text used as it is.
    Text(&'r str),
}

impl PayloadLine<'_> {
    /// The hex of a computed hash (`None` for text): written by the caller of
    /// [`PayloadLine::line`], which borrows it (the shared [`Lines`] takes a
    /// [`HexDigest`], so the TC3 and ACS3 hot paths are untouched).
    pub(crate) fn hex(&self) -> Option<HexDigest> {
        match self {
            Self::Hashed(d) => Some(crate::hex::Hex::of_digest(d).into_inner()),
            Self::Text(_) => None,
        }
    }

    /// The line as [`Lines`] writes it, `hex` being [`PayloadLine::hex`].
    pub(crate) fn line<'s>(&'s self, hex: Option<&'s HexDigest>) -> Payload<'s> {
        match (self, hex) {
            (Self::Text(t), _) => Payload::Text(t),
            (Self::Hashed(_), Some(h)) => Payload::Hex(h),
            // Not reached: the caller passes `self.hex()`.
            (Self::Hashed(_), None) => Payload::Text(""),
        }
    }

    /// The line's text (a hash's hex written now).
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Self::Hashed(d) => Cow::Owned(d.write_hex(&mut [0; 64]).into()),
            Self::Text(t) => Cow::Borrowed(t),
        }
    }
}

/// Whether `b` is an RFC 3986 unreserved character, which every scheme of the family
/// leaves as it is when it decodes and encodes again.
#[inline]
const fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Whether a path is already its own canonical URI under every form of ACS3 and Huawei:
/// `/`-separated segments of unreserved characters, so that decoding and encoding each
/// segment gives it back (Huawei may still append its `/`).
pub(crate) fn unreserved_path(path: &str) -> bool {
    path.bytes().all(|b| b == b'/' || unreserved(b))
}

/// Whether a raw query is already the family's sorted canonical query: `name=value` pairs
/// (the `=` always written) of unreserved characters only, so there is nothing to decode
/// or encode, with non-empty names, in the order of `(name, value)` that the canonical
/// forms sort by. The signers of the SDKs send their queries in this form, so signing
/// and verifying borrow the query instead of rebuilding it; anything else is rebuilt.
///
/// One pass over the bytes with a table, rather than `split('&')` and `split_once('=')`
/// (each a `CharSearcher`) with a check of each part: callgrind counts 1,073 instructions
/// for the ACS3 example's 83-byte query against 1,676 that way (issue 17;
/// `benches/callgrind.sh`, mode `acs3`).
// Session 24: the signers call [`sorted_unreserved_pairs`]; this one stays as the tests'
// reference for it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn sorted_unreserved_query(raw: &str) -> bool {
    if raw.is_empty() {
        return true;
    }
    let bytes = raw.as_bytes();
    let mut previous: Option<(&[u8], &[u8])> = None;
    let mut start = 0;
    // The position of the pair's `=`, once seen.
    let mut eq: Option<usize> = None;
    // A final `&` ends the last pair.
    for (i, b) in bytes
        .iter()
        .copied()
        .chain(core::iter::once(b'&'))
        .enumerate()
    {
        if UNRESERVED.get(usize::from(b)) == Some(&true) {
            continue;
        }
        match (b, eq) {
            (b'=', None) if i > start => eq = Some(i),
            (b'&', Some(e)) => {
                let name = bytes.get(start..e).unwrap_or_default();
                let value = bytes.get(e + 1..i).unwrap_or_default();
                if previous.is_some_and(|p| (name, value) < p) {
                    return false;
                }
                previous = Some((name, value));
                start = i + 1;
                eq = None;
            }
            _ => return false,
        }
    }
    true
}

/// [`sorted_unreserved_query`], the same answer in fewer instructions (issue 17 item 1,
/// session 24): each name and value is the run of unreserved bytes found by one
/// `position` over the table, the byte that ends it must be `=` (after a non-empty
/// name) or `&`/the end (after a value), and each `(name, value)` is compared with the
/// previous one. Callgrind (`benches/callgrind.sh`, mode `acs3`, the example's 83-byte
/// query): 576 instructions against 1,073 for the byte-by-byte state machine.
pub(crate) fn sorted_unreserved_pairs(raw: &str) -> bool {
    let mut rest = raw.as_bytes();
    if rest.is_empty() {
        return true;
    }
    let run = |s: &[u8]| {
        s.iter()
            .position(|b| !UNRESERVED.get(usize::from(*b)).copied().unwrap_or(false))
            .unwrap_or(s.len())
    };
    let mut previous: Option<(&[u8], &[u8])> = None;
    loop {
        let (name, after) = rest.split_at(run(rest));
        let Some((b'=', after)) = after.split_first() else {
            return false;
        };
        if name.is_empty() {
            return false;
        }
        let (value, after) = after.split_at(run(after));
        if previous.is_some_and(|p| (name, value) < p) {
            return false;
        }
        previous = Some((name, value));
        match after.split_first() {
            None => return true,
            Some((b'&', tail)) => rest = tail,
            Some(_) => return false,
        }
    }
}

/// [`unreserved`] of every byte.
// Indexed only while the constant is evaluated: an index out of range would fail the
// build, never a run.
#[allow(clippy::indexing_slicing)]
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = unreserved(b as u8);
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sorted_unreserved_pairs_are_already_canonical() {
        for yes in [
            "",
            "a=1",
            "a=&b=2",
            "a=1&a=1&a=2",
            "a=1&a-b=2",
            "A=1&a=0",
            "x=~._-",
        ] {
            assert!(sorted_unreserved_query(yes), "{yes}");
        }
        // Tuple order: `a` before `a-b` although `-` sorts before `=` as text.
        for no in [
            "a",
            "b=1&a=2",
            "a=2&a=1",
            "a-b=1&a=2",
            "=1",
            "a=1&&b=2",
            "a=x%20y",
            "a=x+y",
            "a=b=c",
            "a=*",
            "a=中",
        ] {
            assert!(!sorted_unreserved_query(no), "{no}");
        }
        assert!(unreserved_path("/v1/abc-_.~/vpcs") && unreserved_path("/") && unreserved_path(""));
        assert!(!unreserved_path("/a%20b") && !unreserved_path("/a*b") && !unreserved_path("/a b"));
    }

    /// The signers' check gives the reference check's answer on every query of up to
    /// three pieces over an alphabet of separators, unreserved and other bytes.
    #[test]
    fn the_fast_query_check_agrees_with_the_reference() {
        let pieces = [
            "", "a", "a=", "=", "&", "a=1", "a-b=2", "A=0", "b=x.y", "b=~", "a=2", "%20", "+",
            "a=b=c", "\u{e9}", "a=1&", "&a=1", "z", "=1",
        ];
        let mut n = 0;
        for x in pieces {
            for y in pieces {
                for z in pieces {
                    for q in [
                        alloc::format!("{x}{y}{z}"),
                        alloc::format!("{x}&{y}&{z}"),
                        alloc::format!("{x}{y}&{z}"),
                    ] {
                        assert_eq!(
                            sorted_unreserved_pairs(&q),
                            sorted_unreserved_query(&q),
                            "{q:?}"
                        );
                        n += usize::from(sorted_unreserved_query(&q));
                    }
                }
            }
        }
        assert!(n > 300, "{n} canonical queries");
    }

    /// Where the fast checks say "already canonical", the schemes' own canonical forms
    /// give the text back unchanged: every query of up to three pairs over a small
    /// alphabet, and paths, through ACS3's and Huawei's builders.
    #[test]
    fn what_is_borrowed_is_what_the_builders_would_write() {
        use crate::alibaba::acs3;
        use crate::huawei;
        let pairs = ["a=1", "a=", "a-b=2", "A=0", "b=x.y", "b=~", "a=2"];
        let mut borrowed = 0;
        let mut queries = Vec::new();
        for x in pairs {
            queries.push(alloc::string::String::from(x));
            for y in pairs {
                queries.push(alloc::format!("{x}&{y}"));
                for z in pairs {
                    queries.push(alloc::format!("{x}&{y}&{z}"));
                }
            }
        }
        for q in &queries {
            if sorted_unreserved_query(q) {
                borrowed += 1;
                let plus = crate::encode::PlusIs::Plus;
                assert_eq!(acs3::canonical_query(q, acs3::QueryForm::Rfc3986, plus), *q);
                assert_eq!(huawei::canonical_query(q, huawei::QueryForm::Sorted), *q);
            }
        }
        assert!(borrowed > 50, "{borrowed}");
        for path in ["/", "/v1/abc/vpcs", "/v1/abc/vpcs/", "/a//b", "/~a.b-c_d"] {
            assert!(unreserved_path(path));
            for form in [
                huawei::UriForm::Sdk,
                huawei::UriForm::NotEncoded,
                huawei::UriForm::DoubleEncoded,
            ] {
                let slash = if path.ends_with('/') { "" } else { "/" };
                assert_eq!(
                    huawei::canonical_uri(path, form),
                    alloc::format!("{path}{slash}")
                );
            }
            assert_eq!(
                huawei::canonical_uri(path, huawei::UriForm::NoTrailingSlash),
                path
            );
            assert_eq!(acs3::canonical_uri(path), path);
        }
    }
}
