//! v1 parameters as received: decoded from a query string or a form body.

use std::fmt;

use cloudsig_canonical::encode::{InvalidUtf8, PlusIs, decode};
use cloudsig_canonical::v1::Params;

/// A form parameter whose name or value is not UTF-8 once decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    message: String,
    source: std::str::Utf8Error,
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FormError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl FormError {
    /// Whether the message contains `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.message.contains(text)
    }
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space, `%XX` a byte) into
/// parameters in order, with canonical's one decoder. Fails, naming the parameter,
/// when a decoded value is not UTF-8.
///
/// ```
/// let p = cloudsig_verify::params::decode_form("A=1&B=a+b%2Bc&C=&D")?;
/// assert_eq!(p.iter().collect::<Vec<_>>(), [("A", "1"), ("B", "a b+c"), ("C", ""), ("D", "")]);
/// # Ok::<(), cloudsig_verify::params::FormError>(())
/// ```
pub fn decode_form(text: &str) -> Result<Params, FormError> {
    let mut params = Params::new();
    for (i, pair) in text.split('&').enumerate() {
        if pair.is_empty() {
            continue;
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name =
            decode(name, PlusIs::Space, InvalidUtf8::Reject).map_err(|source| FormError {
                message: format!("parameter {} has a name that is not UTF-8", i + 1),
                source,
            })?;
        let value =
            decode(value, PlusIs::Space, InvalidUtf8::Reject).map_err(|source| FormError {
                message: format!("parameter {name} has a value that is not UTF-8"),
                source,
            })?;
        params.push(name.into_owned(), value.into_owned());
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_reports_bad_utf8() {
        let p = decode_form("Signature=EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D&X=%E4%B8%AD").unwrap();
        assert_eq!(p.get("Signature"), Some("EliP9YW3pW28FpsEdkXt/+WcGeI="));
        assert_eq!(p.get("X"), Some("中"));
        assert!(decode_form("X=%FF").unwrap_err().contains("X"));
        assert!(decode_form("").unwrap().is_empty());
        // A stray % that is not an escape is kept as is, like most servers do.
        assert_eq!(decode_form("X=100%").unwrap().get("X"), Some("100%"));
    }
}
