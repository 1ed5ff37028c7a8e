//! v1 parameters as received: decoded from a query string or a form body.

use std::borrow::Cow;

use cloudsig_canonical::v1::Params;
use percent_encoding::percent_decode_str;

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space, `%XX` a byte) into
/// parameters in order. Fails, naming the parameter, when a decoded value is not UTF-8.
///
/// ```
/// let p = cloudsig_verify::params::decode_form("A=1&B=a+b%2Bc&C=&D")?;
/// assert_eq!(p.iter().collect::<Vec<_>>(), [("A", "1"), ("B", "a b+c"), ("C", ""), ("D", "")]);
/// # Ok::<(), String>(())
/// ```
pub fn decode_form(text: &str) -> Result<Params, String> {
    let mut params = Params::new();
    for (i, pair) in text.split('&').enumerate() {
        if pair.is_empty() {
            continue;
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(name)
            .map_err(|_| format!("parameter {} has a name that is not UTF-8", i + 1))?;
        let value =
            decode(value).map_err(|_| format!("parameter {name} has a value that is not UTF-8"))?;
        params.push(name, value);
    }
    Ok(params)
}

/// Percent-decodes one component, `+` as space.
pub fn decode(text: &str) -> Result<String, std::str::Utf8Error> {
    let spaced: Cow<'_, str> = if text.contains('+') {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
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
