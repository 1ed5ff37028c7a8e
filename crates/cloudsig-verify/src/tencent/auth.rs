//! Parsing the TC3 `Authorization` header, tolerantly, while reporting its form: the
//! documented form read directly, anything else through the shared grammar of
//! [`crate::authorization`].

use cloudsig_core::tc3::ALGORITHM;

pub use crate::authorization::{AuthForm, AuthorizationError};
use crate::authorization::{AuthorizationErrorKind as Kind, parts, split_ascii, split_once_ascii};

/// The parts of `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
/// SignedHeaders=<a;b>, Signature=<hex>`, borrowed from the header value.
///
/// ```
/// use cloudsig_verify::auth::{parse_tc3, AuthForm};
/// let a = parse_tc3("TC3-HMAC-SHA256 Credential=AKIDx/2019-02-25/cvm/tc3_request,SignedHeaders=content-type;host,Signature=ab")?;
/// assert_eq!((a.secret_id, a.date, a.service, a.signed_headers, a.signature),
///            ("AKIDx", "2019-02-25", "cvm", "content-type;host", "ab"));
/// assert_eq!(a.form, AuthForm::Compact);
/// # Ok::<(), cloudsig_verify::authorization::AuthorizationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tc3Authorization<'a> {
    /// The SecretId.
    pub secret_id: &'a str,
    /// The credential date as written (`YYYY-MM-DD` when well formed).
    pub date: &'a str,
    /// The service in the credential scope.
    pub service: &'a str,
    /// The scope's last element (`tc3_request` when well formed).
    pub terminator: &'a str,
    /// The `SignedHeaders` value.
    pub signed_headers: &'a str,
    /// The `Signature` value.
    pub signature: &'a str,
    /// How the parts were separated.
    pub form: AuthForm,
}

/// Whether an Authorization value claims TC3 (starts with the algorithm name).
pub fn is_tc3(value: &str) -> bool {
    value.trim_start().starts_with(ALGORITHM)
}

/// Parses a TC3 Authorization value. The error says what is malformed, in words.
pub fn parse_tc3(value: &str) -> Result<Tc3Authorization<'_>, AuthorizationError> {
    let (credential, signed_headers, signature, form) = match documented_parts(value) {
        Some((c, h, s)) => (c, h, s, AuthForm::Documented),
        None => tolerant_parts(value)?,
    };
    let mut scope = split_ascii(credential, b'/');
    let (Some(secret_id), Some(date), Some(service), Some(terminator), None) = (
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
    ) else {
        return Err(AuthorizationError::new(
            Kind::Malformed,
            "Credential is not <SecretId>/<date>/<service>/tc3_request",
        ));
    };
    if secret_id.is_empty() || date.is_empty() || service.is_empty() {
        return Err(AuthorizationError::new(
            Kind::Malformed,
            "Credential has an empty SecretId, date or service",
        ));
    }
    Ok(Tc3Authorization {
        secret_id,
        date,
        service,
        terminator,
        signed_headers,
        signature,
        form,
    })
}

/// Credential, SignedHeaders and Signature of a value in exactly the documented form,
/// `TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` with no whitespace at
/// either end of a part and no further `,`; `None` for anything else. What every SDK
/// sends, read without the trimming and the form bookkeeping of [`tolerant_parts`],
/// which gives the same parts for such a value (held by a test; only the ends matter,
/// since that parser trims only the ends): verifying a capture of TC3 requests spent
/// 8% of its time in that parser, and a byte-by-byte check of the whole value here
/// cost nearly as much.
fn documented_parts(value: &str) -> Option<(&str, &str, &str)> {
    let rest = value
        .strip_prefix(ALGORITHM)?
        .strip_prefix(" Credential=")?;
    let (credential, rest) = split_once_ascii(rest, b',')?;
    let (signed_headers, signature) =
        split_once_ascii(rest.strip_prefix(" SignedHeaders=")?, b',')?;
    let signature = signature.strip_prefix(" Signature=")?;
    let blank_end = |s: &str| {
        s.chars().next().is_some_and(char::is_whitespace)
            || s.chars().next_back().is_some_and(char::is_whitespace)
    };
    let irregular = blank_end(credential)
        || blank_end(signed_headers)
        || blank_end(signature)
        || memchr::memchr(b',', signature.as_bytes()).is_some();
    (!irregular).then_some((credential, signed_headers, signature))
}

/// Credential, SignedHeaders and Signature in any order, with any whitespace around
/// the parts, and the form the separators make.
fn tolerant_parts(value: &str) -> Result<(&str, &str, &str, AuthForm), AuthorizationError> {
    let rest = value.trim().strip_prefix(ALGORITHM).ok_or_else(|| {
        AuthorizationError::new(Kind::Algorithm, format!("does not start with {ALGORITHM}"))
    })?;
    if !rest.starts_with([' ', '\t']) {
        return Err(AuthorizationError::new(
            Kind::Algorithm,
            format!("no space after {ALGORITHM}"),
        ));
    }
    let p = parts(
        rest.trim_start(),
        ["Credential", "SignedHeaders", "Signature"],
    )?;
    let [credential, signed_headers, signature] = p.values;
    // A tab or more than one blank after the algorithm is irregular too.
    let form = if crate::authorization::one_space_after_algorithm(rest) {
        p.form()
    } else {
        AuthForm::Irregular
    };
    Ok((credential, signed_headers, signature, form))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2";

    #[test]
    fn documented_compact_and_irregular_forms() {
        let a = parse_tc3(DOC).unwrap();
        assert_eq!(a.form, AuthForm::Documented);
        assert_eq!(a.terminator, "tc3_request");
        let compact = DOC.replace(", ", ",");
        assert_eq!(parse_tc3(&compact).unwrap().form, AuthForm::Compact);
        let mixed = DOC.replacen(", ", ",", 1);
        assert_eq!(parse_tc3(&mixed).unwrap().form, AuthForm::Irregular);
        let wide = DOC.replace(", ", ",   ");
        assert_eq!(parse_tc3(&wide).unwrap().form, AuthForm::Irregular);
        // Parts in another order are still understood.
        let reordered = "TC3-HMAC-SHA256 Signature=ab, SignedHeaders=host, Credential=A/2019-01-01/cvm/tc3_request";
        assert_eq!(parse_tc3(reordered).unwrap().signature, "ab");
    }

    #[test]
    fn whitespace_before_a_comma_is_irregular() {
        // Found by the property tests: `a , b` was reported as the documented form and
        // `a ,b` as the compact one, though both have extra whitespace.
        for value in [
            DOC.replace(", ", " , "),
            DOC.replace(", ", " ,"),
            DOC.replacen(", ", "\t, ", 1),
        ] {
            assert_eq!(
                parse_tc3(&value).unwrap().form,
                AuthForm::Irregular,
                "{value}"
            );
        }
        for sep in ["\t", "  ", " \t"] {
            let value = DOC.replacen(' ', sep, 1);
            assert_eq!(
                parse_tc3(&value).unwrap().form,
                AuthForm::Irregular,
                "{value:?}"
            );
        }
        let trailing = format!("{DOC} \t");
        assert_eq!(parse_tc3(&trailing).unwrap().form, AuthForm::Documented);
    }

    #[test]
    fn malformed_values_say_why() {
        for (value, why) in [
            ("TC3-HMAC-SHA1 Credential=a", "does not start"),
            ("TC3-HMAC-SHA256x Credential=a", "no space"),
            ("Bearer x", "does not start"),
            ("TC3-HMAC-SHA256", "no space"),
            (
                "TC3-HMAC-SHA256 Credential=A/d/s/tc3_request, SignedHeaders=host",
                "no Signature",
            ),
            (
                "TC3-HMAC-SHA256 Credential=A/d/s, SignedHeaders=h, Signature=x",
                "Credential is not",
            ),
            (
                "TC3-HMAC-SHA256 Credential=A/d/s/t/u, SignedHeaders=h, Signature=x",
                "Credential is not",
            ),
            (
                "TC3-HMAC-SHA256 Credential=/d/s/t, SignedHeaders=h, Signature=x",
                "empty",
            ),
            (
                "TC3-HMAC-SHA256 Credential=A/d/s/t, Signature=x, Signature=y, SignedHeaders=h",
                "twice",
            ),
            ("TC3-HMAC-SHA256 Credential=A/d/s/t, Foo=x", "unknown part"),
            ("TC3-HMAC-SHA256 Credential", "no `=`"),
        ] {
            let err = parse_tc3(value).unwrap_err();
            assert!(err.contains(why), "{value}: {err}");
        }
    }

    #[test]
    fn the_documented_fast_path_reads_what_the_tolerant_parser_reads() {
        // Every value the fast path takes must be read the same by the tolerant parser
        // (which then finds the documented form); values near the documented one, by
        // single-byte changes, insertions and deletions, exercise both.
        let mut taken = 0;
        let mut values = vec![DOC.to_string()];
        let pieces = [
            " ", ",", "=", "\t", "/", "x", "\u{a0}", "\u{3000}", "é", ", ", " ,",
        ];
        for i in 0..=DOC.len() {
            let (head, tail) = DOC.split_at(i);
            for piece in pieces {
                values.push(format!("{head}{piece}{tail}"));
                if let Some(rest) = tail.get(1..) {
                    values.push(format!("{head}{piece}{rest}"));
                }
            }
            if let Some(rest) = tail.get(1..) {
                values.push(format!("{head}{rest}"));
            }
        }
        for value in &values {
            if let Some((c, h, s)) = documented_parts(value) {
                taken += 1;
                assert_eq!(
                    tolerant_parts(value),
                    Ok((c, h, s, AuthForm::Documented)),
                    "{value}"
                );
            }
        }
        // The fast path is not vacuous, nor does it take everything.
        let left = values.len() - taken;
        assert!(taken > 100 && left > 100, "{taken} of {}", values.len());
    }
}
