//! Query and form parameters: decoding what was sent, and the encodings of each scheme.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use percent_encoding::utf8_percent_encode;

use crate::encode::RFC3986;

pub use crate::encode::PlusIs;

/// Splits a raw query or form body at `&` and `=` and percent-decodes names and values
/// (invalid UTF-8 is replaced, `+` read per `plus`). Empty pieces (`a&&b`) are skipped;
/// a piece without `=` has an empty value.
///
/// ```
/// use cloudsig_canonical::alibaba::query::{PlusIs, decode_pairs};
/// let pairs = decode_pairs("b=a+b%2Ac&a=%E4%B8%AD&&c", PlusIs::Space);
/// assert_eq!(pairs, [("b".into(), "a b*c".into()), ("a".into(), "中".into()), ("c".into(), "".into())]);
/// ```
pub fn decode_pairs(raw: &str, plus: PlusIs) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|piece| {
            let (n, v) = piece.split_once('=').unwrap_or((piece, ""));
            (decode(n, plus), decode(v, plus))
        })
        .collect()
}

/// Percent-decodes one name or value (invalid UTF-8 replaced): [`crate::encode::decode_lossy`].
pub fn decode(text: &str, plus: PlusIs) -> String {
    crate::encode::decode_lossy(text, plus).into_owned()
}

/// RFC 3986 encoding of one name or value (`%20`, `%2A`, `~` kept).
pub fn rfc3986(text: &str) -> String {
    utf8_percent_encode(text, RFC3986).collect()
}

/// The form encoding of a space-for-`+` client: RFC 3986, then `%20` written as `+`
/// (what `URLEncoder.encode` or `quote_plus` produce). Used to reproduce that mistake.
pub fn form_plus(text: &str) -> String {
    rfc3986(text).replace("%20", "+")
}

/// Sorts `name=value` pairs by name, then value (byte order of the encoded text, as the
/// services compare them), and joins them with `&`. With `empty_with_equals` false a pair
/// with an empty value is written as its name alone (the Python SDK's ACS3 form).
pub(crate) fn join_sorted(
    mut pairs: Vec<(String, String)>,
    sort: bool,
    empty_with_equals: bool,
) -> String {
    if sort {
        pairs.sort();
    }
    let mut out = String::new();
    for (i, (n, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(n);
        if empty_with_equals || !v.is_empty() {
            // Writing into a String cannot fail.
            let _ = write!(out, "={v}");
        }
    }
    out
}
