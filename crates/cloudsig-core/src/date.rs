//! UTC calendar dates and times of Unix timestamps, without `std`: the one date module
//! of the workspace. It formats and parses the three forms the clouds send: extended
//! ISO 8601 (`2019-02-25T16:44:25Z`: Alibaba's `x-acs-date` and `Timestamp`), basic
//! ISO 8601 (`20191115T033655Z`: Huawei's `X-Sdk-Date`) and RFC 1123
//! (`Thu, 26 Oct 2023 10:22:32 GMT`: Alibaba ROA's `Date`).
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

const WEEKDAYS: [&[u8; 3]; 7] = [b"Thu", b"Fri", b"Sat", b"Sun", b"Mon", b"Tue", b"Wed"];
const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

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

    /// Seconds since 1970-01-01T00:00:00Z.
    ///
    /// ```
    /// use cloudsig_core::UtcDateTime;
    /// assert_eq!(UtcDateTime::from_unix(1551113065)?.to_unix(), 1551113065);
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn to_unix(&self) -> i64 {
        self.date.days() * SECONDS_PER_DAY
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    fn from_parts(date: UtcDate, hour: u8, minute: u8, second: u8) -> Option<Self> {
        (hour <= 23 && minute <= 59 && second <= 59).then_some(Self {
            date,
            hour,
            minute,
            second,
        })
    }

    /// Parses extended ISO 8601 in UTC, exactly `YYYY-MM-DDTHH:MM:SSZ`, checking that it
    /// names a real date and time.
    ///
    /// ```
    /// use cloudsig_core::UtcDateTime;
    /// assert_eq!(UtcDateTime::parse_extended("2023-10-26T10:22:32Z")?.to_unix(), 1698315752);
    /// assert!(UtcDateTime::parse_extended("2023-10-26T18:22:32+08:00").is_err());
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn parse_extended(text: &str) -> Result<Self, Error> {
        let malformed = || Error::new(ErrorKind::Malformed, "date and time");
        let b: &[u8; 20] = text.as_bytes().try_into().map_err(|_| malformed())?;
        let [
            y0,
            y1,
            y2,
            y3,
            a,
            m0,
            m1,
            b2,
            d0,
            d1,
            t,
            h0,
            h1,
            c1,
            n0,
            n1,
            c2,
            s0,
            s1,
            z,
        ] = *b;
        if [a, b2, t, c1, c2, z] != *b"--T::Z" {
            return Err(malformed());
        }
        let date =
            UtcDate::from_digits([y0, y1, y2, y3], [m0, m1], [d0, d1]).ok_or_else(malformed)?;
        let (h, m, s) = (two(h0, h1), two(n0, n1), two(s0, s1));
        Self::from_parts(
            date,
            h.ok_or_else(malformed)?,
            m.ok_or_else(malformed)?,
            s.ok_or_else(malformed)?,
        )
        .ok_or_else(malformed)
    }

    /// Parses basic ISO 8601 in UTC, exactly `YYYYMMDDTHHMMSSZ`, checking that it names a
    /// real date and time.
    ///
    /// ```
    /// use cloudsig_core::UtcDateTime;
    /// assert_eq!(UtcDateTime::parse_basic("20191115T033015Z")?.to_unix(), 1573788615);
    /// assert!(UtcDateTime::parse_basic("20191115T033015").is_err());
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn parse_basic(text: &str) -> Result<Self, Error> {
        let malformed = || Error::new(ErrorKind::Malformed, "date and time");
        let b: &[u8; 16] = text.as_bytes().try_into().map_err(|_| malformed())?;
        let [y0, y1, y2, y3, m0, m1, d0, d1, t, h0, h1, n0, n1, s0, s1, z] = *b;
        if t != b'T' || z != b'Z' {
            return Err(malformed());
        }
        let date =
            UtcDate::from_digits([y0, y1, y2, y3], [m0, m1], [d0, d1]).ok_or_else(malformed)?;
        let (h, m, s) = (two(h0, h1), two(n0, n1), two(s0, s1));
        Self::from_parts(
            date,
            h.ok_or_else(malformed)?,
            m.ok_or_else(malformed)?,
            s.ok_or_else(malformed)?,
        )
        .ok_or_else(malformed)
    }

    /// Parses an RFC 1123 date in GMT, `Thu, 26 Oct 2023 10:22:32 GMT` (the weekday is
    /// required in form but not checked against the date, as HTTP servers read it).
    ///
    /// ```
    /// use cloudsig_core::UtcDateTime;
    /// assert_eq!(UtcDateTime::parse_rfc1123("Thu, 26 Oct 2023 10:22:32 GMT")?.to_unix(), 1698315752);
    /// assert!(UtcDateTime::parse_rfc1123("26 Oct 2023").is_err());
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn parse_rfc1123(text: &str) -> Result<Self, Error> {
        let malformed = || Error::new(ErrorKind::Malformed, "date and time");
        let b: &[u8; 29] = text.as_bytes().try_into().map_err(|_| malformed())?;
        let [
            w0,
            w1,
            w2,
            comma,
            sp1,
            d0,
            d1,
            sp2,
            m0,
            m1,
            m2,
            sp3,
            y0,
            y1,
            y2,
            y3,
            sp4,
            h0,
            h1,
            c1,
            n0,
            n1,
            c2,
            s0,
            s1,
            sp5,
            g,
            mm,
            t,
        ] = *b;
        if [comma, sp1, sp2, sp3, sp4, c1, c2, sp5, g, mm, t] != *b",    :: GMT"
            || !WEEKDAYS.contains(&&[w0, w1, w2])
        {
            return Err(malformed());
        }
        let month = MONTHS
            .iter()
            .position(|m| **m == [m0, m1, m2])
            .and_then(|i| u8::try_from(i + 1).ok())
            .ok_or_else(malformed)?;
        let month = [b'0' + month / 10, b'0' + month % 10];
        let date = UtcDate::from_digits([y0, y1, y2, y3], month, [d0, d1]).ok_or_else(malformed)?;
        let (h, m, s) = (two(h0, h1), two(n0, n1), two(s0, s1));
        Self::from_parts(
            date,
            h.ok_or_else(malformed)?,
            m.ok_or_else(malformed)?,
            s.ok_or_else(malformed)?,
        )
        .ok_or_else(malformed)
    }

    /// `Thu, 26 Oct 2023 10:22:32 GMT` (RFC 1123) as ASCII bytes.
    ///
    /// ```
    /// use cloudsig_core::UtcDateTime;
    /// let t = UtcDateTime::from_unix(1698315752)?;
    /// assert_eq!(&t.to_rfc1123(), b"Thu, 26 Oct 2023 10:22:32 GMT");
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn to_rfc1123(&self) -> [u8; 29] {
        let mut out = *b"Thu, 00 Jan 0000 00:00:00 GMT";
        let days = self.date.days();
        let weekday = WEEKDAYS
            .get(usize::try_from(days.rem_euclid(7)).unwrap_or(0))
            .copied()
            .unwrap_or(b"Thu");
        let month = MONTHS
            .get(usize::from(self.date.month.saturating_sub(1)))
            .copied()
            .unwrap_or(b"Jan");
        let iso = self.date.to_iso();
        let (w, rest) = out.split_at_mut(3);
        w.copy_from_slice(weekday);
        let (_, rest) = rest.split_at_mut(2);
        let (d, rest) = rest.split_at_mut(2);
        write_2(d, 0, self.date.day);
        let (_, rest) = rest.split_at_mut(1);
        let (m, rest) = rest.split_at_mut(3);
        m.copy_from_slice(month);
        let (_, rest) = rest.split_at_mut(1);
        let (y, rest) = rest.split_at_mut(4);
        let (iso_y, _) = iso.split_at(4);
        y.copy_from_slice(iso_y);
        let (_, rest) = rest.split_at_mut(1);
        write_2(rest, 0, self.hour);
        write_2(rest, 3, self.minute);
        write_2(rest, 6, self.second);
        out
    }

    /// `YYYYMMDDTHHMMSSZ`, the basic ISO 8601 form some schemes put in a header.
    pub fn to_basic_iso(&self) -> [u8; 16] {
        let mut out = *b"00000000T000000Z";
        let d = self.date.to_iso();
        let (ymd, _) = out.split_at_mut(8);
        for (dst, src) in ymd.iter_mut().zip(d.iter().filter(|b| **b != b'-')) {
            *dst = *src;
        }
        let (_, hms) = out.split_at_mut(9);
        write_2(hms, 0, self.hour);
        write_2(hms, 2, self.minute);
        write_2(hms, 4, self.second);
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

    /// The date `year`-`month`-`day`, if it exists in the calendar and its year has
    /// four digits (0 to 9999).
    ///
    /// ```
    /// use cloudsig_core::UtcDate;
    /// assert_eq!(UtcDate::from_ymd(2019, 2, 25), Some(UtcDate::from_unix(1551113065)?));
    /// assert_eq!(UtcDate::from_ymd(2019, 2, 29), None);
    /// assert_eq!(UtcDate::from_ymd(10_000, 1, 1), None);
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn from_ymd(year: u16, month: u8, day: u8) -> Option<Self> {
        (year <= 9999 && (1..=12).contains(&month) && day != 0 && day <= days_in_month(year, month))
            .then_some(Self { year, month, day })
    }

    /// The date of four year, two month and two day ASCII digits, if it exists.
    fn from_digits(y: [u8; 4], m: [u8; 2], d: [u8; 2]) -> Option<Self> {
        let [y0, y1, y2, y3] = y;
        let year = u16::from(two(y0, y1)?) * 100 + u16::from(two(y2, y3)?);
        let ([m0, m1], [d0, d1]) = (m, d);
        let (month, day) = (two(m0, m1)?, two(d0, d1)?);
        ((1..=12).contains(&month) && day != 0 && day <= days_in_month(year, month))
            .then_some(Self { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`, exact for the
    /// proleptic Gregorian calendar; the only copy in the workspace).
    pub const fn days(&self) -> i64 {
        let (y, m, d) = (self.year as i64, self.month as i64, self.day as i64);
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
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

/// The value of two ASCII digits.
fn two(hi: u8, lo: u8) -> Option<u8> {
    (hi.is_ascii_digit() && lo.is_ascii_digit()).then(|| (hi - b'0') * 10 + (lo - b'0'))
}

fn out_of_range() -> Error {
    Error::new(ErrorKind::OutOfRange, "timestamp")
}

fn write_2(buf: &mut [u8], at: usize, value: u8) {
    debug_assert!(buf.len() >= at + 2, "write_2 past the end of its buffer");
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

    #[test]
    fn parses_and_formats_the_three_forms_round_trip() {
        for ts in [
            MIN_TIMESTAMP,
            0,
            1,
            951_782_400,
            1_573_788_615,
            1_698_315_752,
            4_102_444_799,
            MAX_TIMESTAMP,
        ] {
            let t = UtcDateTime::from_unix(ts).unwrap();
            let basic = t.to_basic_iso();
            let rfc = t.to_rfc1123();
            let mut ext = [0u8; 20];
            let mut w = Buf(&mut ext, 0);
            fmt::write(&mut w, format_args!("{t}")).unwrap();
            assert_eq!(
                UtcDateTime::parse_basic(core::str::from_utf8(&basic).unwrap())
                    .unwrap()
                    .to_unix(),
                ts
            );
            assert_eq!(
                UtcDateTime::parse_rfc1123(core::str::from_utf8(&rfc).unwrap())
                    .unwrap()
                    .to_unix(),
                ts
            );
            assert_eq!(
                UtcDateTime::parse_extended(core::str::from_utf8(&ext).unwrap())
                    .unwrap()
                    .to_unix(),
                ts
            );
            assert_eq!(t.to_unix(), ts);
        }
        // Python: email.utils.formatdate(0, usegmt=True) and formatdate(951782400, usegmt=True).
        assert_eq!(
            &UtcDateTime::from_unix(0).unwrap().to_rfc1123(),
            b"Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(
            &UtcDateTime::from_unix(951_782_400).unwrap().to_rfc1123(),
            b"Tue, 29 Feb 2000 00:00:00 GMT"
        );
        for bad in [
            "2023-02-29T00:00:00Z",
            "2023-10-26T24:00:00Z",
            "2023-10-26T10:22:60Z",
            "2023-10-26 10:22:32Z",
            "2023-10-26T10:22:32z",
        ] {
            assert!(UtcDateTime::parse_extended(bad).is_err(), "{bad}");
        }
        for bad in [
            "Thu, 26 Oct 10000 10:22:32 GMT",
            "Thu, 26 Oct 9223372036854775807 10:22:32 GMT",
            "Thu, 26 Oct 2023 10:22:32 UTC",
            "Xyz, 26 Oct 2023 10:22:32 GMT",
            "Thu, 26 Okt 2023 10:22:32 GMT",
            "Thu, 31 Nov 2023 10:22:32 GMT",
            "Thu,  6 Oct 2023 10:22:32 GMT",
        ] {
            assert!(UtcDateTime::parse_rfc1123(bad).is_err(), "{bad}");
        }
    }

    struct Buf<'a>(&'a mut [u8], usize);
    impl fmt::Write for Buf<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.1 + s.len();
            self.0
                .get_mut(self.1..end)
                .ok_or(fmt::Error)?
                .copy_from_slice(s.as_bytes());
            self.1 = end;
            Ok(())
        }
    }
}
