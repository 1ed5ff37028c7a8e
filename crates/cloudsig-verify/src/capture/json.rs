//! The JSON handling the HAR and JSON-lines readers share: strings that borrow from the
//! input when they need no unescaping ([`TextSeed`], [`opt_text`]), serde_json errors in
//! words that never quote a value ([`json_error_message`]), header lists (names are HTTP
//! tokens, values have no control characters: [`check_headers`], [`owned_headers`]),
//! bodies given in base64 ([`decode_base64`]) and the body size limit
//! ([`check_body_len`]).
//!
//! Each reader keeps what is its own: the JSON-lines record's shapes (`headers` as pairs
//! or an object, `body`/`body_base64`) in [`super::jsonl`], the HAR entry's
//! (`[{"name", "value"}]`, `postData`) and its streaming scanner in [`super::har`].

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT;
use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

use super::Limits;

/// Declares functions for serde's `deserialize_with`, one a field, each reading an
/// optional string (see [`opt_text`]) and naming the field in its error message:
/// `opt_text_fns! { de_url => "\"url\" as a string" }`.
macro_rules! opt_text_fns {
    ($($name:ident => $what:literal),* $(,)?) => {$(
        fn $name<'de, D: serde::Deserializer<'de>>(
            d: D,
        ) -> Result<Option<std::borrow::Cow<'de, str>>, D::Error> {
            $crate::capture::json::opt_text(d, $what)
        }
    )*};
}
pub(super) use opt_text_fns;

/// Declares functions for serde's `deserialize_with`, one a field, each reading a
/// required string (see [`TextSeed`]) and naming the field in its error message.
macro_rules! text_fns {
    ($($name:ident => $what:literal),* $(,)?) => {$(
        fn $name<'de, D: serde::Deserializer<'de>>(
            d: D,
        ) -> Result<std::borrow::Cow<'de, str>, D::Error> {
            serde::de::DeserializeSeed::deserialize($crate::capture::json::TextSeed($what), d)
        }
    )*};
}
pub(super) use text_fns;

/// Deserializes a string, borrowed when the input needs no unescaping; `.0` says what
/// was expected, for the error message.
#[derive(Clone, Copy)]
pub(super) struct TextSeed(pub(super) &'static str);

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

struct OptTextVisitor(TextSeed);

impl<'de> Visitor<'de> for OptTextVisitor {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.0)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

/// An optional string (`null` is `None`), borrowed where possible; `what` names it in
/// the error message ("\"method\" as a string").
pub(super) fn opt_text<'de, D: Deserializer<'de>>(
    d: D,
    what: &'static str,
) -> Result<Option<Cow<'de, str>>, D::Error> {
    d.deserialize_option(OptTextVisitor(TextSeed(what)))
}

/// A serde_json error in words, without its position (the caller knows better) and
/// without any string value it may quote: a reason never repeats a header value or body.
pub(super) fn json_error_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let mut msg = full
        .strip_suffix(suffix.as_str())
        .unwrap_or(&full)
        .to_string();
    if let Some(p) = msg.find("string \"") {
        let rest = msg.get(p..).unwrap_or_default();
        let tail = rest
            .rfind(", expected ")
            .and_then(|q| rest.get(q..))
            .unwrap_or_default()
            .to_string();
        msg.truncate(p);
        msg.push_str("a string");
        msg.push_str(&tail);
    }
    msg
}

/// Whether `s` is an HTTP token (RFC 9110 `tchar`s, at least one).
pub(super) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

/// Whether `b` is an RFC 9110 `tchar`: the one test of every crate,
/// [`cloudsig_canonical::headers::is_tchar`].
#[inline]
pub(super) fn is_tchar(b: u8) -> bool {
    cloudsig_canonical::headers::is_tchar(b)
}

/// Whether `bytes` has a byte up to `max` (a control character, and space when `max` is
/// a space; `max` below 127) or DEL. Eight bytes at a time: a byte below `max + 1` or
/// equal to DEL makes the classic has-zero-byte test flag its word.
pub(super) fn has_control(bytes: &[u8], max: u8) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = ONES * u64::from(max.saturating_add(1));
    let mut words = bytes.chunks_exact(8);
    let mut found = 0u64;
    for w in &mut words {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or_default());
        let del = x ^ (ONES * 0x7f);
        found |= (x.wrapping_sub(below) & !x) | (del.wrapping_sub(ONES) & !del);
    }
    found & HIGH != 0 || words.remainder().iter().any(|&b| b <= max || b == 0x7f)
}

/// Checks header names (HTTP tokens) and values (no control characters but tab), header
/// by header: the first header that breaks either rule is the one reported.
pub(super) fn check_headers<N: AsRef<str>, V: AsRef<str>>(pairs: &[(N, V)]) -> Result<(), String> {
    check_header_pairs(pairs, true)
}

/// [`check_headers`], skipping the names when `names` is false (the parser found them
/// all to be tokens already, so the same header is reported either way).
pub(super) fn check_header_pairs<N: AsRef<str>, V: AsRef<str>>(
    pairs: &[(N, V)],
    names: bool,
) -> Result<(), String> {
    for (i, (name, value)) in pairs.iter().enumerate() {
        let value = value.as_ref();
        if names && !is_token(name.as_ref()) {
            return Err(format!(
                "header #{} has a name that is not an HTTP token",
                i.saturating_add(1)
            ));
        }
        if has_control(value.as_bytes(), 0x1f)
            && value.bytes().any(|b| (b < b' ' && b != b'\t') || b == 0x7f)
        {
            return Err(format!(
                "header #{} has a value with control characters",
                i.saturating_add(1)
            ));
        }
    }
    Ok(())
}

/// Checks header names and values and makes them owned.
pub(super) fn owned_headers<'a>(
    pairs: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<Vec<(String, String)>, String> {
    let pairs: Vec<(Cow<'a, str>, Cow<'a, str>)> = pairs.into_iter().collect();
    check_headers(&pairs)?;
    Ok(pairs
        .into_iter()
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect())
}

/// Decodes standard base64 (padding optional) of at most `max` decoded bytes.
pub(super) fn decode_base64(text: &str, what: &str, max: usize) -> Result<Vec<u8>, String> {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    // Every 4 symbols give at most 3 bytes: refuse before allocating.
    let most = text.len().div_ceil(4).saturating_mul(3);
    if most.saturating_sub(2) > max {
        return Err(format!(
            "\"{what}\" decodes to more than the body limit of {max} bytes"
        ));
    }
    STANDARD_PAD_INDIFFERENT.decode(text).map_err(|e| {
        let at = match e {
            base64::DecodeError::InvalidByte(at, _)
            | base64::DecodeError::InvalidLastSymbol { offset: at, .. } => {
                format!(" (at symbol {at})")
            }
            _ => String::new(),
        };
        format!("\"{what}\" is not valid standard base64{at}")
    })
}

/// Checks a body against [`Limits::max_body`].
pub(super) fn check_body_len(len: usize, limits: &Limits) -> Result<(), String> {
    if len > limits.max_body {
        Err(format!(
            "body of {len} bytes is longer than the body limit of {} bytes",
            limits.max_body
        ))
    } else {
        Ok(())
    }
}
