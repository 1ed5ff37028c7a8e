//! The time formats of Alibaba Cloud requests: `x-acs-date` / `Timestamp`
//! (`yyyy-MM-ddTHH:mm:ssZ`, UTC) and the ROA `Date` header (RFC 1123, GMT).

use alloc::string::{String, ToString};

use cloudsig_core::UtcDateTime;

use crate::error::{Error, Stage};

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

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
    let dt = datetime(ts)?;
    let d = dt.date();
    let day = DAYS
        .get(usize::try_from(ts.div_euclid(86_400).rem_euclid(7)).unwrap_or(0))
        .copied()
        .unwrap_or("Thu");
    let month = MONTHS
        .get(usize::from(d.month().saturating_sub(1)))
        .copied()
        .unwrap_or("Jan");
    Ok(alloc::format!(
        "{day}, {:02} {month} {:04} {:02}:{:02}:{:02} GMT",
        d.day(),
        d.year(),
        dt.hour(),
        dt.minute(),
        dt.second()
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn to_unix(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<i64> {
    // Four-digit years only: the arithmetic below cannot overflow for them.
    if !(0..=9999).contains(&y) {
        return None;
    }
    let days_in_month = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// Parses `yyyy-MM-ddTHH:mm:ssZ` (exactly; UTC only) into a Unix timestamp.
///
/// ```
/// use cloudsig_canonical::alibaba::time::parse_iso8601;
/// assert_eq!(parse_iso8601("2023-10-26T10:22:32Z"), Some(1698315752));
/// assert_eq!(parse_iso8601("2023-10-26T18:22:32+08:00"), None);
/// ```
pub fn parse_iso8601(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 20
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
        || b.get(19) != Some(&b'Z')
    {
        return None;
    }
    let f = |r: core::ops::Range<usize>| text.get(r).and_then(num);
    to_unix(
        f(0..4)?,
        f(5..7)?,
        f(8..10)?,
        f(11..13)?,
        f(14..16)?,
        f(17..19)?,
    )
}

/// Parses an RFC 1123 date (`Thu, 26 Oct 2023 10:22:32 GMT`) into a Unix timestamp.
///
/// ```
/// use cloudsig_canonical::alibaba::time::parse_rfc1123;
/// assert_eq!(parse_rfc1123("Thu, 26 Oct 2023 10:22:32 GMT"), Some(1698315752));
/// assert_eq!(parse_rfc1123("26 Oct 2023"), None);
/// ```
pub fn parse_rfc1123(text: &str) -> Option<i64> {
    let mut it = text.split(' ');
    let _day = it.next().filter(|d| d.len() == 4 && d.ends_with(','))?;
    let d = num(it.next()?)?;
    let month = it.next()?;
    let mo = MONTHS.iter().position(|m| *m == month)?;
    let y = num(it.next()?)?;
    let hms = it.next()?;
    if it.next()? != "GMT" || it.next().is_some() {
        return None;
    }
    let mut t = hms.split(':');
    let (h, mi, s) = (num(t.next()?)?, num(t.next()?)?, num(t.next()?)?);
    if t.next().is_some() {
        return None;
    }
    to_unix(y, i64::try_from(mo).ok()? + 1, d, h, mi, s)
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
