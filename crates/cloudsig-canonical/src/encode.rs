//! Percent-encoding sets used by the schemes, and the one percent/form decoder, on top of
//! the `percent-encoding` crate.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// RFC 3986: everything but the unreserved characters `A-Z a-z 0-9 - _ . ~` is encoded,
/// with upper-case hex (`%2A` for `*`, `%20` for space).
pub const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `text` with [`RFC3986`].
///
/// ```
/// use cloudsig_canonical::encode::rfc3986;
/// assert_eq!(rfc3986("a b*~/+=&'中"), "a%20b%2A~%2F%2B%3D%26%27%E4%B8%AD");
/// ```
pub fn rfc3986(text: &str) -> String {
    utf8_percent_encode(text, RFC3986).collect()
}

/// Joins name/value pairs as `name=value&…`, both percent-encoded with [`RFC3986`], in
/// the order given.
///
/// ```
/// use cloudsig_canonical::encode::query_string;
/// assert_eq!(query_string([("Limit", "10"), ("Name", "a b")]), "Limit=10&Name=a%20b");
/// ```
pub fn query_string<'p, I, K, V>(pairs: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str> + 'p,
    V: AsRef<str> + 'p,
{
    let mut out = String::new();
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        // Writing into a String cannot fail.
        let _ = write!(
            out,
            "{}={}",
            utf8_percent_encode(k.as_ref(), RFC3986),
            utf8_percent_encode(v.as_ref(), RFC3986)
        );
    }
    out
}

/// How `+` in a received query or form body is read.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PlusIs {
    /// `+` is a space, as form decoding (and the service's web server) reads it. The
    /// default.
    #[default]
    Space,
    /// `+` is a literal plus sign.
    Plus,
}

/// What the decoder does when the decoded bytes are not UTF-8.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum InvalidUtf8 {
    /// Replace each invalid sequence with U+FFFD, as a lenient server reads it. The
    /// default.
    #[default]
    Replace,
    /// Refuse the text with the UTF-8 error.
    Reject,
}

/// Percent-decodes one name or value, reading `+` per `plus` and invalid UTF-8 per
/// `invalid`; borrows `text` when nothing had to change. A `%` not followed by two hex
/// digits is kept as it is.
///
/// ```
/// use cloudsig_canonical::encode::{InvalidUtf8, PlusIs, decode};
/// assert_eq!(decode("a+b%2Ac", PlusIs::Space, InvalidUtf8::Reject).unwrap(), "a b*c");
/// assert_eq!(decode("a+b", PlusIs::Plus, InvalidUtf8::Reject).unwrap(), "a+b");
/// assert_eq!(decode("%FF", PlusIs::Plus, InvalidUtf8::Replace).unwrap(), "\u{fffd}");
/// assert!(decode("%FF", PlusIs::Plus, InvalidUtf8::Reject).is_err());
/// ```
pub fn decode(
    text: &str,
    plus: PlusIs,
    invalid: InvalidUtf8,
) -> Result<Cow<'_, str>, core::str::Utf8Error> {
    match (decode_bytes(text, plus), invalid) {
        (Cow::Borrowed(b), InvalidUtf8::Replace) => Ok(String::from_utf8_lossy(b)),
        (Cow::Borrowed(b), InvalidUtf8::Reject) => core::str::from_utf8(b).map(Cow::Borrowed),
        (Cow::Owned(v), InvalidUtf8::Replace) => {
            Ok(Cow::Owned(String::from_utf8_lossy(&v).into_owned()))
        }
        (Cow::Owned(v), InvalidUtf8::Reject) => String::from_utf8(v)
            .map(Cow::Owned)
            .map_err(|e| e.utf8_error()),
    }
}

/// [`decode`] with invalid UTF-8 replaced, which cannot fail.
///
/// ```
/// use cloudsig_canonical::encode::{PlusIs, decode_lossy};
/// assert_eq!(decode_lossy("%E4%B8%AD+%FF", PlusIs::Space), "中 \u{fffd}");
/// ```
pub fn decode_lossy(text: &str, plus: PlusIs) -> Cow<'_, str> {
    match decode_bytes(text, plus) {
        Cow::Borrowed(b) => String::from_utf8_lossy(b),
        Cow::Owned(v) => Cow::Owned(String::from_utf8_lossy(&v).into_owned()),
    }
}

/// The decoded bytes: `+` per `plus`, then `%XX` sequences.
fn decode_bytes(text: &str, plus: PlusIs) -> Cow<'_, [u8]> {
    match plus {
        PlusIs::Space if text.contains('+') => {
            let spaced = text.replace('+', " ");
            Cow::Owned(percent_decode_str(&spaced).collect::<Vec<u8>>())
        }
        _ => percent_decode_str(text).into(),
    }
}
