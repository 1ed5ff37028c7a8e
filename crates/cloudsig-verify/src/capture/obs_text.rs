//! Header values that are not UTF-8: HTTP's `obs-text` (RFC 9110, section 5.5), read as
//! ISO-8859-1 by the readers that see raw bytes (raw HTTP, curl command lines).
//!
//! Python's `http.client` (under `requests`, and so the official Alibaba and Huawei Python
//! SDKs) sends a `str` header value encoded as ISO-8859-1: `x-custom: café` leaves as the
//! one byte `0xE9` for `é`, while the SDK signed the UTF-8 of `café` (issue 16, A1).
//! Reading such bytes as ISO-8859-1, as HTTP does, gives back the text the client had, and
//! the verifier signs its UTF-8 like the SDK. A value that is valid UTF-8 is read as UTF-8.
//! HAR and JSON lines hold text already (their producers decoded the bytes), so they need
//! nothing of this.

/// The value as text: UTF-8 when it is valid UTF-8, otherwise every byte as the
/// ISO-8859-1 character of the same number (`0xE9` → `é`).
pub(crate) fn header_value(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The note for a report when a header value holds characters in U+0080..=U+00FF only
/// (beyond ASCII, so possibly obs-text read as ISO-8859-1), naming the first such header.
pub(crate) fn note(headers: &[(&str, &str)]) -> Option<String> {
    let (name, _) = headers
        .iter()
        .find(|(_, v)| !v.is_ascii() && v.chars().all(|c| u32::from(c) <= 0xFF))?;
    Some(format!(
        "header `{}` holds characters beyond ASCII; bytes that are not UTF-8 are read as ISO-8859-1 (RFC 9110 obs-text, as Python's http.client sends a text value) and the value is signed as the UTF-8 of that text, as the Alibaba and Huawei SDKs sign it",
        name.escape_debug()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_stays_utf8_and_other_bytes_are_latin1() {
        assert_eq!(header_value(b"caf\xc3\xa9"), "café");
        assert_eq!(header_value(b"caf\xe9"), "café");
        assert_eq!(header_value(b"\xff\x80 x"), "\u{ff}\u{80} x");
        assert_eq!(header_value(b"plain"), "plain");
    }

    #[test]
    fn note_names_the_header() {
        assert_eq!(note(&[("a", "b")]), None);
        assert_eq!(note(&[("a", "名")]), None);
        assert!(note(&[("a", "b"), ("X-Name", "café")]).is_some_and(|n| n.contains("`X-Name`")));
    }
}
