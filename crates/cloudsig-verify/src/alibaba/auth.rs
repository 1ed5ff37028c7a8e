//! Parsing Alibaba Cloud Authorization headers tolerantly, reporting their form.

use cloudsig_core::alibaba::{Algorithm, ROA_SCHEME};

use crate::authorization::{AuthForm, AuthorizationError, AuthorizationErrorKind as Kind, parts};

/// The parts of `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`.
///
/// ```
/// use cloudsig_verify::alibaba::auth::parse_acs3;
/// use cloudsig_verify::authorization::AuthForm;
/// let a = parse_acs3("ACS3-HMAC-SM3 Credential=AK, SignedHeaders=host;x-acs-date, Signature=ab")?;
/// assert_eq!((a.access_key_id, a.signed_headers, a.signature), ("AK", "host;x-acs-date", "ab"));
/// assert_eq!(a.algorithm, cloudsig_core::alibaba::Algorithm::HmacSm3);
/// // The SDKs send no space after the commas; with spaces it is still understood.
/// assert_eq!(a.form, AuthForm::Irregular);
/// # Ok::<(), cloudsig_verify::authorization::AuthorizationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acs3Authorization<'a> {
    /// The algorithm named by the prefix.
    pub algorithm: Algorithm,
    /// The AccessKeyId (`Credential`).
    pub access_key_id: &'a str,
    /// The `SignedHeaders` value.
    pub signed_headers: &'a str,
    /// The `Signature` value.
    pub signature: &'a str,
    /// [`AuthForm::Documented`] for `,` without spaces (the documentation and SDKs),
    /// [`AuthForm::Compact`] is not used, [`AuthForm::Irregular`] for any whitespace.
    pub form: AuthForm,
}

/// Whether an Authorization value claims ACS3 (`ACS3-HMAC-` prefix).
pub fn is_acs3(value: &str) -> bool {
    value.trim_start().starts_with("ACS3-HMAC-")
}

/// Whether an Authorization value claims the ROA V2 form (`acs ` prefix).
pub fn is_roa(value: &str) -> bool {
    value
        .trim_start()
        .strip_prefix(ROA_SCHEME)
        .is_some_and(|r| r.starts_with([' ', '\t']))
}

/// Parses an ACS3 Authorization value; the error says what is malformed.
pub fn parse_acs3(value: &str) -> Result<Acs3Authorization<'_>, AuthorizationError> {
    let value = value.trim();
    let (name, rest) = value
        .split_once([' ', '\t'])
        .ok_or(AuthorizationError::new(
            Kind::Algorithm,
            "no space after the algorithm",
        ))?;
    let algorithm = Algorithm::from_name(name).ok_or_else(|| {
        AuthorizationError::new(
            Kind::Algorithm,
            format!(
                "unknown algorithm `{}` (ACS3-HMAC-SHA256 or ACS3-HMAC-SM3)",
                name.escape_debug()
            ),
        )
    })?;
    let p = parts(
        rest.trim_start(),
        ["Credential", "SignedHeaders", "Signature"],
    )?;
    // The documentation and the SDKs put no whitespace anywhere: any is irregular.
    // `value[name.len()..]` is the separator and `rest`: a tab there is irregular too.
    let separated = value.get(name.len()..).unwrap_or_default();
    let irregular = !crate::authorization::one_space_after_algorithm(separated)
        || p.spaced > 0
        || p.irregular > 0;
    let [access_key_id, signed_headers, signature] = p.values;
    if access_key_id.is_empty() || signed_headers.is_empty() || signature.is_empty() {
        return Err(AuthorizationError::new(
            Kind::Malformed,
            "an empty Credential, SignedHeaders or Signature",
        ));
    }
    Ok(Acs3Authorization {
        algorithm,
        access_key_id,
        signed_headers,
        signature,
        form: if irregular {
            AuthForm::Irregular
        } else {
            AuthForm::Documented
        },
    })
}

/// The parts of `acs AccessKeyId:Signature`.
///
/// ```
/// use cloudsig_verify::alibaba::auth::parse_roa;
/// let a = parse_roa("acs testid:7GSVtK7V9cEClVdx2LUJliJpW4o=")?;
/// assert_eq!((a.access_key_id, a.signature), ("testid", "7GSVtK7V9cEClVdx2LUJliJpW4o="));
/// assert!(parse_roa("acs testid").is_err());
/// # Ok::<(), cloudsig_verify::authorization::AuthorizationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoaAuthorization<'a> {
    /// The AccessKeyId.
    pub access_key_id: &'a str,
    /// The base64 signature.
    pub signature: &'a str,
    /// [`AuthForm::Documented`] for one space after `acs`, [`AuthForm::Irregular`] else.
    pub form: AuthForm,
}

/// Parses a ROA Authorization value.
pub fn parse_roa(value: &str) -> Result<RoaAuthorization<'_>, AuthorizationError> {
    let value = value.trim();
    let rest = value
        .strip_prefix(ROA_SCHEME)
        .filter(|r| r.starts_with([' ', '\t']))
        .ok_or(AuthorizationError::new(
            Kind::Algorithm,
            "does not start with `acs `",
        ))?;
    let form = if rest.starts_with(' ') && !rest.get(1..).unwrap_or("").starts_with([' ', '\t']) {
        AuthForm::Documented
    } else {
        AuthForm::Irregular
    };
    let (id, sig) = rest
        .trim_start()
        .rsplit_once(':')
        .ok_or(AuthorizationError::new(
            Kind::Malformed,
            "no `:` between the AccessKeyId and the signature",
        ))?;
    if id.is_empty() || sig.is_empty() || id.contains([' ', '\t']) || sig.contains([' ', '\t']) {
        return Err(AuthorizationError::new(
            Kind::Malformed,
            "an empty or spaced AccessKeyId or signature",
        ));
    }
    Ok(RoaAuthorization {
        access_key_id: id,
        signature: sig,
        form,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_values_say_why() {
        for (value, why) in [
            ("ACS3-HMAC-SHA256", "no space"),
            ("ACS3-HMAC-SHA512 Credential=a", "unknown algorithm"),
            (
                "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=h",
                "no Signature",
            ),
            ("ACS3-HMAC-SHA256 Credential=a,Foo=b", "unknown part"),
            ("ACS3-HMAC-SHA256 Credential", "no `=`"),
            (
                "ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=h,Signature=s",
                "twice",
            ),
            (
                "ACS3-HMAC-SHA256 Credential=,SignedHeaders=h,Signature=s",
                "empty",
            ),
        ] {
            let err = parse_acs3(value).unwrap_err();
            assert!(err.contains(why), "{value}: {err}");
        }
        for value in ["acs", "acsx a:b", "acs a", "acs :b", "acs a:", "acs a b:c"] {
            assert!(parse_roa(value).is_err(), "{value}");
        }
        assert_eq!(
            parse_roa("acs  a:b").map(|a| a.form),
            Ok(AuthForm::Irregular)
        );
        assert_eq!(
            parse_acs3("ACS3-HMAC-SHA256 Credential=a,SignedHeaders=h,Signature=s").map(|a| a.form),
            Ok(AuthForm::Documented)
        );
    }

    #[test]
    fn a_tab_or_two_blanks_after_the_algorithm_is_irregular() {
        // Found by `verifier_never_panics_on_mutated_alibaba_requests`: the space after
        // the algorithm replaced by a tab verified as the documented form, with no note.
        for value in [
            "ACS3-HMAC-SHA256\tCredential=a,SignedHeaders=h,Signature=s",
            "ACS3-HMAC-SHA256  Credential=a,SignedHeaders=h,Signature=s",
            "ACS3-HMAC-SHA256 \tCredential=a,SignedHeaders=h,Signature=s",
        ] {
            assert_eq!(
                parse_acs3(value).map(|a| a.form),
                Ok(AuthForm::Irregular),
                "{value:?}"
            );
        }
    }
}
