//! Percent-encoding sets used by the schemes, on top of the `percent-encoding` crate.

use alloc::string::String;
use core::fmt::Write;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

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
