//! Calendar dates, enough for "in force on": parse, compare, print.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A day, `YYYY-MM-DD`. Ordered chronologically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1..=days).contains(&day) && (1900..=2200).contains(&year)).then_some(Date {
            year,
            month,
            day,
        })
    }
}

impl FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Date, String> {
        let bad = || format!("`{s}` is not a date (YYYY-MM-DD)");
        let mut it = s.trim().split('-');
        let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let (y, m, d) = (
            y.parse().map_err(|_| bad())?,
            m.parse().map_err(|_| bad())?,
            d.parse().map_err(|_| bad())?,
        );
        Date::new(y, m, d).ok_or_else(bad)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// When a row is in force: both ends inclusive, open when absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Validity {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Validity {
    pub fn covers(&self, d: Date) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t)
    }

    pub fn describe(&self) -> String {
        match (self.from, self.to) {
            (None, None) => "no dates given".to_owned(),
            (Some(f), None) => format!("from {f}"),
            (None, Some(t)) => format!("until {t}"),
            (Some(f), Some(t)) => format!("{f} to {t}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_checks_and_orders() {
        let a: Date = "2026-01-01".parse().unwrap();
        let b: Date = "2025-12-31".parse().unwrap();
        assert!(b < a);
        assert_eq!(a.to_string(), "2026-01-01");
        assert!("2025-02-29".parse::<Date>().is_err());
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2026-1-1".parse::<Date>().is_err());
        assert!("yesterday".parse::<Date>().is_err());
        let v = Validity {
            from: Some(b),
            to: Some(a),
        };
        assert!(v.covers(a) && v.covers(b));
        assert!(!v.covers("2026-01-02".parse().unwrap()));
    }
}

impl Date {
    /// The civil date `days` after 1970-01-01 (H. Hinnant's days-to-civil algorithm).
    pub fn from_unix_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date::new(year, month, day)
    }
}

#[cfg(test)]
mod civil_tests {
    use super::*;

    #[test]
    fn unix_days_known_answers() {
        assert_eq!(Date::from_unix_days(0).unwrap().to_string(), "1970-01-01");
        // 2026-11-23 is day 20,780 (checked with `date -d 2026-11-23 +%s` / 86400).
        assert_eq!(
            Date::from_unix_days(20_780).unwrap().to_string(),
            "2026-11-23"
        );
        assert_eq!(
            Date::from_unix_days(11_016).unwrap().to_string(),
            "2000-02-29"
        );
    }
}
