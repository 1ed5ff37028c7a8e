//! The time formats of Alibaba Cloud requests: `x-acs-date` / `Timestamp`
//! (`yyyy-MM-ddTHH:mm:ssZ`, UTC) and the ROA `Date` header (RFC 1123, GMT), as text and
//! Unix timestamps: thin wrappers over `cloudsig_core::UtcDateTime`, the one date module.

use alloc::string::{String, ToString};

use cloudsig_core::UtcDateTime;

use crate::error::{Error, Stage};

fn datetime(ts: i64) -> Result<UtcDateTime, Error> {
    UtcDateTime::from_unix(ts).map_err(|e| Error::core(Stage::Request, e))
}

/// `yyyy-MM-ddTHH:mm:ssZ` of a Unix timestamp.
///
/// ```
/// assert_eq!(cloudsig_canonical::alibaba::time::iso8601(1698315752)?, "2023-10-26T10:22:32Z");
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
pub fn iso8601(ts: i64) -> Result<String, Error> {
    Ok(datetime(ts)?.to_string())
}

/// `Thu, 26 Oct 2023 10:22:32 GMT` (RFC 1123) of a Unix timestamp.
///
/// ```
/// assert_eq!(cloudsig_canonical::alibaba::time::rfc1123(1698315752)?, "Thu, 26 Oct 2023 10:22:32 GMT");
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
pub fn rfc1123(ts: i64) -> Result<String, Error> {
    let text = datetime(ts)?.to_rfc1123();
    // to_rfc1123 writes ASCII only.
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// Parses `yyyy-MM-ddTHH:mm:ssZ` (exactly; UTC only) into a Unix timestamp.
///
/// ```
/// use cloudsig_canonical::alibaba::time::parse_iso8601;
/// assert_eq!(parse_iso8601("2023-10-26T10:22:32Z"), Some(1698315752));
/// assert_eq!(parse_iso8601("2023-10-26T18:22:32+08:00"), None);
/// ```
pub fn parse_iso8601(text: &str) -> Option<i64> {
    UtcDateTime::parse_extended(text).ok().map(|t| t.to_unix())
}

/// Parses an RFC 1123 date (`Thu, 26 Oct 2023 10:22:32 GMT`) into a Unix timestamp.
///
/// ```
/// use cloudsig_canonical::alibaba::time::parse_rfc1123;
/// assert_eq!(parse_rfc1123("Thu, 26 Oct 2023 10:22:32 GMT"), Some(1698315752));
/// assert_eq!(parse_rfc1123("26 Oct 2023"), None);
/// ```
pub fn parse_rfc1123(text: &str) -> Option<i64> {
    UtcDateTime::parse_rfc1123(text).ok().map(|t| t.to_unix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        for ts in [
            0,
            1,
            951_782_400,
            1_698_315_752,
            4_102_444_799,
            253_402_300_799,
        ] {
            assert_eq!(parse_iso8601(&iso8601(ts).unwrap()), Some(ts), "{ts}");
            assert_eq!(parse_rfc1123(&rfc1123(ts).unwrap()), Some(ts), "{ts}");
        }
        assert_eq!(rfc1123(0).unwrap(), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            rfc1123(951_782_400).unwrap(),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
        assert_eq!(parse_iso8601("2023-02-29T00:00:00Z"), None);
        assert_eq!(parse_iso8601("2023-10-26T24:00:00Z"), None);
        // Found by reading the fuzz target: a year of 19 digits overflowed the day count.
        assert_eq!(
            parse_rfc1123("Thu, 26 Oct 9223372036854775807 10:22:32 GMT"),
            None
        );
        assert_eq!(parse_rfc1123("Thu, 26 Oct 10000 10:22:32 GMT"), None);
    }
}
