//! Parsing the TC3 `Authorization` header, tolerantly, while reporting its form.

use cloudsig_core::tc3::ALGORITHM;

/// How the parts of an Authorization header were separated.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthForm {
    /// `, ` between the parts, as documented and as every official SDK sends it.
    Documented,
    /// `,` with no space, as some third-party signers send it.
    Compact,
    /// Mixed or extra whitespace.
    Irregular,
}

/// The parts of `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
/// SignedHeaders=<a;b>, Signature=<hex>`, borrowed from the header value.
///
/// ```
/// use cloudsig_verify::auth::{parse_tc3, AuthForm};
/// let a = parse_tc3("TC3-HMAC-SHA256 Credential=AKIDx/2019-02-25/cvm/tc3_request,SignedHeaders=content-type;host,Signature=ab")?;
/// assert_eq!((a.secret_id, a.date, a.service, a.signed_headers, a.signature),
///            ("AKIDx", "2019-02-25", "cvm", "content-type;host", "ab"));
/// assert_eq!(a.form, AuthForm::Compact);
/// # Ok::<(), String>(())
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
pub fn parse_tc3(value: &str) -> Result<Tc3Authorization<'_>, String> {
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
        return Err("Credential is not <SecretId>/<date>/<service>/tc3_request".into());
    };
    if secret_id.is_empty() || date.is_empty() || service.is_empty() {
        return Err("Credential has an empty SecretId, date or service".into());
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
fn tolerant_parts(value: &str) -> Result<(&str, &str, &str, AuthForm), String> {
    let rest = value
        .trim()
        .strip_prefix(ALGORITHM)
        .ok_or_else(|| format!("does not start with {ALGORITHM}"))?;
    if !rest.starts_with([' ', '\t']) {
        return Err(format!("no space after {ALGORITHM}"));
    }
    let rest = rest.trim_start();
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    let (mut spaced, mut compact, mut irregular) = (0, 0, 0);
    for (i, part) in split_ascii(rest, b',').enumerate() {
        if i > 0 {
            let lead = part.len() - part.trim_start().len();
            match (lead, part.starts_with(' ')) {
                (0, _) => compact += 1,
                (1, true) => spaced += 1,
                _ => irregular += 1,
            }
        }
        if part.ends_with(char::is_whitespace) {
            // Whitespace before a comma (the value as a whole is trimmed).
            irregular += 1;
        }
        let part = part.trim();
        let (key, val) =
            split_once_ascii(part, b'=').ok_or_else(|| format!("part {} has no `=`", i + 1))?;
        let slot = match key.trim_end() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            other => return Err(format!("unknown part `{}`", other.escape_debug())),
        };
        if slot.replace(val.trim_start()).is_some() {
            return Err(format!("`{}` appears twice", key.trim_end()));
        }
    }
    let credential = credential.ok_or("no Credential")?;
    let signed_headers = signed_headers.ok_or("no SignedHeaders")?;
    let signature = signature.ok_or("no Signature")?;
    let form = match (spaced, compact, irregular) {
        (_, 0, 0) => AuthForm::Documented,
        (0, _, 0) => AuthForm::Compact,
        _ => AuthForm::Irregular,
    };
    Ok((credential, signed_headers, signature, form))
}

/// `s.split(c)` for an ASCII `c`, with the `memchr` crate: the standard library's
/// `char` pattern costs more to set up for each of an Authorization header's short
/// pieces, and a plain byte loop takes a branch per byte. Cutting at an ASCII byte
/// keeps every piece valid UTF-8.
fn split_ascii(s: &str, c: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(c, r.as_bytes()) {
            Some(i) => {
                rest = r.get(i + 1..);
                r.get(..i)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// `s.split_once(c)` for an ASCII `c`, with the `memchr` crate.
fn split_once_ascii(s: &str, c: u8) -> Option<(&str, &str)> {
    let i = memchr::memchr(c, s.as_bytes())?;
    Some((s.get(..i)?, s.get(i + 1..)?))
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

    #[test]
    fn ascii_splits_are_the_char_splits() {
        for s in [
            "", ",", "a", "a,", ",a", "a,,b", "é,ü,", "x=y=z", "=", "a=", "/a/b/",
        ] {
            for c in [',', '=', '/'] {
                let want: Vec<&str> = s.split(c).collect();
                let got: Vec<&str> = split_ascii(s, c as u8).collect();
                assert_eq!(got, want, "{s:?} {c:?}");
                assert_eq!(split_once_ascii(s, c as u8), s.split_once(c), "{s:?} {c:?}");
            }
        }
    }
}
