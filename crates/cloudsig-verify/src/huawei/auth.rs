//! Parsing Huawei Cloud's `Authorization` header, tolerantly, while reporting its form.

use cloudsig_core::huawei::Algorithm;

use crate::authorization::{AuthForm, AuthorizationError, AuthorizationErrorKind as Kind, parts};

/// The parts of `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex` (also
/// `SDK-HMAC-SM3`) or `V11-HMAC-SHA256 Credential=AK/YYYYMMDD/region/service,
/// SignedHeaders=a;b, Signature=hex`, borrowed from the header value.
///
/// ```
/// use cloudsig_verify::huawei::parse_authorization;
/// use cloudsig_verify::authorization::AuthForm;
/// use cloudsig_core::huawei::Algorithm;
/// let a = parse_authorization("V11-HMAC-SHA256 Credential=AK/20191115/cn-north-4/vpc,SignedHeaders=host;x-sdk-date,Signature=ab")?;
/// assert_eq!(a.algorithm, Algorithm::V11HmacSha256);
/// assert_eq!((a.access_key, a.scope), ("AK", Some(("20191115", "cn-north-4", "vpc"))));
/// assert_eq!((a.signed_headers, a.signature, a.form), ("host;x-sdk-date", "ab", AuthForm::Compact));
/// # Ok::<(), cloudsig_verify::authorization::AuthorizationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HuaweiAuthorization<'a> {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The AK.
    pub access_key: &'a str,
    /// The V11 scope as written: day, region, service.
    pub scope: Option<(&'a str, &'a str, &'a str)>,
    /// The `SignedHeaders` value.
    pub signed_headers: &'a str,
    /// The `Signature` value.
    pub signature: &'a str,
    /// How the parts were separated.
    pub form: AuthForm,
}

/// The Huawei algorithm an Authorization value claims, by its prefix.
pub fn algorithm_of(value: &str) -> Option<Algorithm> {
    let head = value
        .trim_start()
        .split([' ', '\t'])
        .next()
        .unwrap_or_default();
    Algorithm::from_name(head)
}

/// Whether an Authorization value claims a Huawei scheme (`SDK-HMAC-…` or `V11-HMAC-…`).
pub fn is_huawei(value: &str) -> bool {
    let v = value.trim_start();
    v.starts_with("SDK-HMAC-") || v.starts_with("V11-HMAC-")
}

/// Parses a Huawei Authorization value. The error says what is malformed, in words.
pub fn parse_authorization(value: &str) -> Result<HuaweiAuthorization<'_>, AuthorizationError> {
    let value = value.trim();
    let (head, rest) = value
        .split_once([' ', '\t'])
        .ok_or(AuthorizationError::new(
            Kind::Algorithm,
            "no space after the algorithm",
        ))?;
    let algorithm = Algorithm::from_name(head).ok_or_else(|| {
        AuthorizationError::new(
            Kind::Algorithm,
            format!("unknown algorithm `{}`", head.escape_debug()),
        )
    })?;
    let want = if algorithm.uses_scope() {
        "Credential"
    } else {
        "Access"
    };
    let p = parts(rest.trim_start(), [want, "SignedHeaders", "Signature"])?;
    let [credential, signed_headers, signature] = p.values;
    let (access_key, scope) = if algorithm.uses_scope() {
        let mut it = credential.split('/');
        match (it.next(), it.next(), it.next(), it.next(), it.next()) {
            (Some(ak), Some(day), Some(region), Some(service), None) => {
                (ak, Some((day, region, service)))
            }
            _ => {
                return Err(AuthorizationError::new(
                    Kind::Malformed,
                    "Credential is not AK/YYYYMMDD/region/service",
                ));
            }
        }
    } else {
        (credential, None)
    };
    if access_key.is_empty() {
        return Err(AuthorizationError::new(
            Kind::Malformed,
            format!("{want} names no AK"),
        ));
    }
    if signature.is_empty() {
        return Err(AuthorizationError::new(
            Kind::Malformed,
            "the Signature is empty",
        ));
    }
    Ok(HuaweiAuthorization {
        algorithm,
        access_key,
        scope,
        signed_headers,
        signature,
        // A tab or more than one blank after the algorithm is irregular too.
        form: if crate::authorization::one_space_after_algorithm(
            value.get(head.len()..).unwrap_or_default(),
        ) {
            p.form()
        } else {
            AuthForm::Irregular
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_form_and_errors() {
        let a = parse_authorization(
            "SDK-HMAC-SHA256 Access=QT, SignedHeaders=content-type;host;x-sdk-date, Signature=7b",
        )
        .unwrap();
        assert_eq!(a.form, AuthForm::Documented);
        assert_eq!(a.access_key, "QT");
        assert_eq!(a.scope, None);
        let irregular =
            parse_authorization("SDK-HMAC-SM3 Access=QT,  SignedHeaders=host, Signature=7b")
                .unwrap();
        assert_eq!(irregular.form, AuthForm::Irregular);
        assert_eq!(irregular.algorithm, Algorithm::SdkHmacSm3);
        for sep in ["\t", "  ", " \t"] {
            let value = format!("SDK-HMAC-SHA256{sep}Access=QT, SignedHeaders=host, Signature=7b");
            assert_eq!(
                parse_authorization(&value).unwrap().form,
                AuthForm::Irregular,
                "{value:?}"
            );
        }
        for bad in [
            "SDK-HMAC-SHA256",
            "SDK-HMAC-MD5 Access=a, SignedHeaders=h, Signature=s",
            "SDK-HMAC-SHA256 Access=a, SignedHeaders=h",
            "SDK-HMAC-SHA256 Access=a, Access=b, SignedHeaders=h, Signature=s",
            "SDK-HMAC-SHA256 Credential=a, SignedHeaders=h, Signature=s",
            "V11-HMAC-SHA256 Credential=a/b/c, SignedHeaders=h, Signature=s",
            "V11-HMAC-SHA256 Access=a, SignedHeaders=h, Signature=s",
            "SDK-HMAC-SHA256 Access=, SignedHeaders=h, Signature=s",
            "SDK-HMAC-SHA256 Access=a, SignedHeaders=h, Signature=",
            "SDK-HMAC-SHA256 Access=a SignedHeaders=h",
        ] {
            assert!(parse_authorization(bad).is_err(), "{bad}");
        }
    }
}
