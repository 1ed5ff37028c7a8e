//! UTC calendar dates and times of Unix timestamps, without `std`.
//!
//! Written by hand rather than taken from `time` or `chrono`: the whole job is one
//! days-to-civil conversion (Howard Hinnant's `civil_from_days`, exact for the
//! proleptic Gregorian calendar), and those crates would bring several dependencies
//! into a `no_std` signing core for it. The tests hold it against `time` over the
//! whole range both can express.

use core::fmt;

use crate::error::{Error, ErrorKind};

/// The first Unix timestamp whose UTC date has a four-digit year: 0000-01-01T00:00:00Z.
pub const MIN_TIMESTAMP: i64 = -62_167_219_200;
/// The last Unix timestamp whose UTC date has a four-digit year: 9999-12-31T23:59:59Z.
pub const MAX_TIMESTAMP: i64 = 253_402_300_799;

const SECONDS_PER_DAY: i64 = 86_400;

/// A UTC date and time of day, to the second, with a year from 0 to 9999.
///
/// Signature schemes print dates with a four-digit year, so timestamps outside
/// [`MIN_TIMESTAMP`]..=[`MAX_TIMESTAMP`] are refused with an error rather than printed wrongly.
///
/// ```
/// use cloudsig_core::UtcDateTime;
/// // The seed's example: 2019-02-26 00:44:25 in UTC+8 is still 2019-02-25 in UTC.
/// let t = UtcDateTime::from_unix(1551113065)?;
/// assert_eq!(t.date().to_string(), "2019-02-25");
/// assert_eq!(t.to_string(), "2019-02-25T16:44:25Z");
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDateTime {
    date: UtcDate,
    hour: u8,
    minute: u8,
    second: u8,
}

/// A UTC calendar date with a year from 0 to 9999; `Display` prints `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDate {
    year: u16,
    month: u8,
    day: u8,
}

impl UtcDateTime {
    /// The UTC date and time of a Unix timestamp (seconds since 1970-01-01T00:00:00Z).
    pub fn from_unix(timestamp: i64) -> Result<Self, Error> {
        if !(MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&timestamp) {
            return Err(Error::new(ErrorKind::OutOfRange, "timestamp"));
        }
        let days = timestamp.div_euclid(SECONDS_PER_DAY);
        let secs = timestamp.rem_euclid(SECONDS_PER_DAY);
        let date = UtcDate::from_days(days)?;
        // secs is in 0..86400, so each part fits in a u8.
        Ok(Self {
            date,
            hour: u8::try_from(secs / 3600).map_err(|_| out_of_range())?,
            minute: u8::try_from(secs / 60 % 60).map_err(|_| out_of_range())?,
            second: u8::try_from(secs % 60).map_err(|_| out_of_range())?,
        })
    }

    /// The UTC date and time of an unsigned Unix timestamp, as the clouds send it.
    pub fn from_unix_u64(timestamp: u64) -> Result<Self, Error> {
        Self::from_unix(i64::try_from(timestamp).map_err(|_| out_of_range())?)
    }

    /// The calendar date.
    pub const fn date(&self) -> UtcDate {
        self.date
    }

    /// Hour of the day, 0 to 23.
    pub const fn hour(&self) -> u8 {
        self.hour
    }

    /// Minute of the hour, 0 to 59.
    pub const fn minute(&self) -> u8 {
        self.minute
    }

    /// Second of the minute, 0 to 59.
    pub const fn second(&self) -> u8 {
        self.second
    }

    /// `YYYYMMDDTHHMMSSZ`, the basic ISO 8601 form some schemes put in a header.
    pub fn to_basic_iso(&self) -> [u8; 16] {
        let mut out = *b"00000000T000000Z";
        let d = self.date.to_iso();
        let (ymd, _) = out.split_at_mut(8);
        for (dst, src) in ymd.iter_mut().zip(d.iter().filter(|b| **b != b'-')) {
            *dst = *src;
        }
        if let Some(hms) = out.get_mut(9..15) {
            write_2(hms, 0, self.hour);
            write_2(hms, 2, self.minute);
            write_2(hms, 4, self.second);
        }
        out
    }
}

impl fmt::Display for UtcDateTime {
    /// `YYYY-MM-DDTHH:MM:SSZ` (extended ISO 8601).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}T{:02}:{:02}:{:02}Z",
            self.date, self.hour, self.minute, self.second
        )
    }
}

impl UtcDate {
    /// The UTC date of a Unix timestamp.
    ///
    /// ```
    /// use cloudsig_core::UtcDate;
    /// assert_eq!(UtcDate::from_unix(0)?.to_string(), "1970-01-01");
    /// assert!(UtcDate::from_unix(i64::MAX).is_err());
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn from_unix(timestamp: i64) -> Result<Self, Error> {
        if !(MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&timestamp) {
            return Err(out_of_range());
        }
        Self::from_days(timestamp.div_euclid(SECONDS_PER_DAY))
    }

    /// Parses a strict `YYYY-MM-DD` date that exists in the calendar.
    ///
    /// ```
    /// use cloudsig_core::UtcDate;
    /// assert_eq!(UtcDate::parse_iso("2019-02-25")?.to_string(), "2019-02-25");
    /// assert!(UtcDate::parse_iso("2019-02-30").is_err());
    /// assert!(UtcDate::parse_iso("2019-2-25").is_err());
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn parse_iso(text: &str) -> Result<Self, Error> {
        let malformed = || Error::new(ErrorKind::Malformed, "date");
        let b: &[u8; 10] = text.as_bytes().try_into().map_err(|_| malformed())?;
        let [y0, y1, y2, y3, dash1, m0, m1, dash2, d0, d1] = *b;
        if dash1 != b'-' || dash2 != b'-' {
            return Err(malformed());
        }
        let digit = |c: u8| {
            if c.is_ascii_digit() {
                Ok(u16::from(c - b'0'))
            } else {
                Err(malformed())
            }
        };
        let year = digit(y0)? * 1000 + digit(y1)? * 100 + digit(y2)? * 10 + digit(y3)?;
        let month = digit(m0)? * 10 + digit(m1)?;
        let day = digit(d0)? * 10 + digit(d1)?;
        let (month, day) = (
            u8::try_from(month).map_err(|_| malformed())?,
            u8::try_from(day).map_err(|_| malformed())?,
        );
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(malformed());
        }
        Ok(Self { year, month, day })
    }

    fn from_days(days: i64) -> Result<Self, Error> {
        // civil_from_days, from Howard Hinnant, "chrono-Compatible Low-Level Date
        // Algorithms". Inputs here are bounded by MIN/MAX_TIMESTAMP, far from overflow.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097); // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
        let mp = (5 * doy + 2) / 153; // [0, 11]
        let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
        let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
        let year = yoe + era * 400 + i64::from(month <= 2);
        Ok(Self {
            year: u16::try_from(year).map_err(|_| out_of_range())?,
            month: u8::try_from(month).map_err(|_| out_of_range())?,
            day: u8::try_from(day).map_err(|_| out_of_range())?,
        })
    }

    /// The year, 0 to 9999.
    pub const fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub const fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub const fn day(&self) -> u8 {
        self.day
    }

    /// `YYYY-MM-DD` as ASCII bytes, without formatting machinery.
    pub fn to_iso(&self) -> [u8; 10] {
        let mut out = *b"0000-00-00";
        let y = self.year;
        let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10];
        for (dst, d) in out.iter_mut().zip(digits) {
            // d < 10, so the cast cannot truncate.
            *dst = b'0' + d as u8;
        }
        write_2(&mut out, 5, self.month);
        write_2(&mut out, 8, self.day);
        out
    }
}

impl fmt::Display for UtcDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let iso = self.to_iso();
        // to_iso writes ASCII digits and dashes only.
        f.write_str(core::str::from_utf8(&iso).map_err(|_| fmt::Error)?)
    }
}

fn out_of_range() -> Error {
    Error::new(ErrorKind::OutOfRange, "timestamp")
}

fn write_2(buf: &mut [u8], at: usize, value: u8) {
    if let Some([hi, lo]) = buf
        .get_mut(at..at + 2)
        .and_then(|s| <&mut [u8; 2]>::try_from(s).ok())
    {
        *hi = b'0' + value / 10 % 10;
        *lo = b'0' + value % 10;
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks one timestamp against the `time` crate, an independent implementation.
    fn check(ts: i64) {
        let ours = UtcDateTime::from_unix(ts).unwrap();
        assert_eq!(UtcDate::from_unix(ts).unwrap(), ours.date(), "{ts}");
        let theirs = time::OffsetDateTime::from_unix_timestamp(ts).unwrap();
        assert_eq!(i32::from(ours.date().year()), theirs.year(), "{ts}");
        assert_eq!(ours.date().month(), u8::from(theirs.month()), "{ts}");
        assert_eq!(ours.date().day(), theirs.day(), "{ts}");
        assert_eq!(
            (ours.hour(), ours.minute(), ours.second()),
            (theirs.hour(), theirs.minute(), theirs.second()),
            "{ts}"
        );
    }

    #[test]
    fn matches_time_crate_at_the_edges_and_on_a_sweep() {
        for ts in [
            MIN_TIMESTAMP,
            MIN_TIMESTAMP + 1,
            -1,
            0,
            1,
            951_782_400,
            1_551_113_065,
            MAX_TIMESTAMP - 1,
            MAX_TIMESTAMP,
        ] {
            check(ts);
        }
        // A prime stride visits every time of day and every day of the 400-year cycle.
        let mut ts = MIN_TIMESTAMP;
        while ts <= MAX_TIMESTAMP {
            check(ts);
            ts += 7_919_993;
        }
        // Every day across several leap-year boundaries, at 23:59:59.
        let mut ts = 946_684_800 - 400 * 86_400 - 1;
        while ts < 946_684_800 + 3000 * 86_400 {
            check(ts);
            ts += 86_400;
        }
    }

    #[test]
    fn refuses_five_digit_and_negative_years() {
        for ts in [i64::MIN, MIN_TIMESTAMP - 1, MAX_TIMESTAMP + 1, i64::MAX] {
            assert_eq!(
                UtcDateTime::from_unix(ts).unwrap_err().kind(),
                ErrorKind::OutOfRange
            );
            assert_eq!(
                UtcDate::from_unix(ts).unwrap_err().kind(),
                ErrorKind::OutOfRange
            );
        }
        assert!(UtcDateTime::from_unix_u64(u64::MAX).is_err());
    }

    #[test]
    fn formats() {
        let t = UtcDateTime::from_unix(1_551_113_065).unwrap();
        assert_eq!(&t.to_basic_iso(), b"20190225T164425Z");
        assert_eq!(&t.date().to_iso(), b"2019-02-25");
        // From the Huawei vector in VECTORS.md: X-Sdk-Date 20191115T033655Z.
        let h = UtcDateTime::from_unix(1_573_789_015).unwrap();
        assert_eq!(&h.to_basic_iso(), b"20191115T033655Z");
    }

    #[test]
    fn parses_only_real_dates() {
        assert!(UtcDate::parse_iso("2000-02-29").is_ok());
        assert!(UtcDate::parse_iso("1900-02-29").is_err());
        assert!(UtcDate::parse_iso("2019-13-01").is_err());
        assert!(UtcDate::parse_iso("2019-00-01").is_err());
        assert!(UtcDate::parse_iso("2019-01-00").is_err());
        assert!(UtcDate::parse_iso("2019-01-0a").is_err());
        assert!(UtcDate::parse_iso("２019-01-01").is_err());
        assert!(UtcDate::parse_iso("").is_err());
    }
}
