//! Calendar arithmetic for normalisation: points in time at a granularity (a day, a week, a
//! month, a quarter ...), shifting them by units, and writing them as TimeML values.
//!
//! Relative expressions ("last week", "two years ago", "the fourth quarter") are a point of the
//! DCT's calendar moved by some units and kept at the unit's granularity; this module is that
//! arithmetic, separate from the grammar that recognises the words.

use crate::lexicon::Unit;
use jiff::civil::Date;

/// A calendar point at some granularity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Point {
    Day(Date),
    Week { year: i16, week: i8 },
    Month { year: i16, month: i8 },
    Quarter { year: i16, quarter: i8 },
    Half { year: i16, half: i8 },
    Season { year: i16, season: &'static str },
    Year(i16),
    Decade(i16),
    Century(i16),
}

/// Appends `v` (below 10^`width`) zero-padded to `width` digits.
fn push_digits(out: &mut String, v: u32, width: u32) {
    let mut p = 10u32.pow(width.saturating_sub(1));
    while p > 0 {
        out.push(char::from(b'0' + ((v / p) % 10) as u8));
        p /= 10;
    }
}

/// Appends `v` in decimal, as `format!("{v}")` writes it.
fn push_int(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    let v = v.unsigned_abs();
    let mut p = 1u64;
    while p <= v / 10 {
        p *= 10;
    }
    while p > 0 {
        out.push(char::from(b'0' + ((v / p) % 10) as u8));
        p /= 10;
    }
}

impl Point {
    /// The TimeML value of the point.
    pub fn value(&self) -> String {
        let mut out = String::with_capacity(10);
        self.value_into(&mut out);
        out
    }

    /// Appends the TimeML value of the point to `out` (a value with a suffix, "2014-09-23T18:58",
    /// is then written into one string).
    pub fn value_into(&self, out: &mut String) {
        use std::fmt::Write;
        // The common points, written digit by digit (the formatting machinery cost a thousand
        // instructions a value); the rest, and years outside 0-9999, through `write!`.
        let four = |y: i16| (0..=9999).contains(&y);
        match *self {
            Point::Day(d) if four(d.year()) => {
                push_digits(out, d.year() as u32, 4);
                out.push('-');
                push_digits(out, d.month() as u32, 2);
                out.push('-');
                push_digits(out, d.day() as u32, 2);
                return;
            }
            Point::Month { year, month } if four(year) && (0..=99).contains(&month) => {
                push_digits(out, year as u32, 4);
                out.push('-');
                push_digits(out, month as u32, 2);
                return;
            }
            Point::Year(y) if four(y) => {
                push_digits(out, y as u32, 4);
                return;
            }
            _ => {}
        }
        // (writing into a String cannot fail)
        let _ = match *self {
            Point::Day(d) => write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            Point::Week { year, week } => write!(out, "{year:04}-W{week:02}"),
            Point::Month { year, month } => write!(out, "{year:04}-{month:02}"),
            Point::Quarter { year, quarter } => write!(out, "{year:04}-Q{quarter}"),
            Point::Half { year, half } => write!(out, "{year:04}-H{half}"),
            Point::Season { year, season } => write!(out, "{year:04}-{season}"),
            Point::Year(y) => write!(out, "{y:04}"),
            Point::Decade(d) => write!(out, "{d:03}X"),
            Point::Century(c) => write!(out, "{c:02}"),
        };
    }

    /// The year the point lies in (its first year for decades and centuries).
    pub fn year(&self) -> i16 {
        match *self {
            Point::Day(d) => d.year(),
            Point::Week { year, .. }
            | Point::Month { year, .. }
            | Point::Quarter { year, .. }
            | Point::Half { year, .. }
            | Point::Season { year, .. }
            | Point::Year(year) => year,
            Point::Decade(d) => d * 10,
            Point::Century(c) => c * 100,
        }
    }

    /// The first day of the point.
    pub fn first_day(&self) -> Option<Date> {
        match *self {
            Point::Day(d) => Some(d),
            Point::Week { year, week } => {
                jiff::civil::ISOWeekDate::new(year, week, jiff::civil::Weekday::Monday).ok().map(|w| w.date())
            }
            Point::Month { year, month } => Date::new(year, month, 1).ok(),
            Point::Quarter { year, quarter } => Date::new(year, (quarter - 1) * 3 + 1, 1).ok(),
            Point::Half { year, half } => Date::new(year, (half - 1) * 6 + 1, 1).ok(),
            Point::Season { year, season } => {
                let m = match season {
                    "SP" => 3,
                    "SU" => 6,
                    "FA" => 9,
                    _ => 12,
                };
                Date::new(year, m, 1).ok()
            }
            Point::Year(y) => Date::new(y, 1, 1).ok(),
            Point::Decade(d) => Date::new(d.checked_mul(10)?, 1, 1).ok(),
            Point::Century(c) => Date::new(c.checked_mul(100)?, 1, 1).ok(),
        }
    }
}

/// The point of `unit` granularity that contains `date` ("this week", "this month" ...).
pub fn containing(date: Date, unit: Unit) -> Point {
    match unit {
        Unit::Second | Unit::Minute | Unit::Hour | Unit::Day => Point::Day(date),
        Unit::Week | Unit::Fortnight | Unit::Weekend => {
            let w = date.iso_week_date();
            Point::Week { year: w.year(), week: w.week() }
        }
        Unit::Month => Point::Month { year: date.year(), month: date.month() },
        Unit::Quarter => Point::Quarter { year: date.year(), quarter: (date.month() - 1) / 3 + 1 },
        Unit::Year => Point::Year(date.year()),
        Unit::Decade => Point::Decade(date.year() / 10),
        Unit::Century => Point::Century(date.year() / 100),
    }
}

/// Moves `date` by `n` units (days, weeks, months ...); `None` out of range.
pub fn shift_date(date: Date, unit: Unit, n: i64) -> Option<Date> {
    let span = match unit {
        Unit::Second | Unit::Minute | Unit::Hour => return Some(date),
        Unit::Day => jiff::Span::new().try_days(n).ok()?,
        Unit::Week | Unit::Weekend => jiff::Span::new().try_weeks(n).ok()?,
        Unit::Fortnight => jiff::Span::new().try_weeks(n.checked_mul(2)?).ok()?,
        Unit::Month => jiff::Span::new().try_months(n).ok()?,
        Unit::Quarter => jiff::Span::new().try_months(n.checked_mul(3)?).ok()?,
        Unit::Year => jiff::Span::new().try_years(n).ok()?,
        Unit::Decade => jiff::Span::new().try_years(n.checked_mul(10)?).ok()?,
        Unit::Century => jiff::Span::new().try_years(n.checked_mul(100)?).ok()?,
    };
    date.checked_add(span).ok()
}

/// The point `n` units of `unit` away from the one containing `date` ("last week": -1).
pub fn shifted(date: Date, unit: Unit, n: i64) -> Option<Point> {
    Some(containing(shift_date(date, unit, n)?, unit))
}

/// Moves a point by `n` of its own granularity (used for "a year earlier" after a quarter: the
/// same quarter a year before), keeping its granularity.
pub fn shift_point(p: Point, unit: Unit, n: i64) -> Option<Point> {
    let first = p.first_day()?;
    let moved = shift_date(first, unit, n)?;
    Some(match p {
        Point::Day(d) => Point::Day(shift_date(d, unit, n)?),
        Point::Week { .. } => containing(moved, Unit::Week),
        Point::Month { .. } => containing(moved, Unit::Month),
        Point::Quarter { .. } => containing(moved, Unit::Quarter),
        Point::Half { half, .. } => Point::Half { year: moved.year(), half },
        Point::Season { season, .. } => Point::Season { year: moved.year(), season },
        Point::Year(_) => Point::Year(moved.year()),
        Point::Decade(_) => Point::Decade(moved.year() / 10),
        Point::Century(_) => Point::Century(moved.year() / 100),
    })
}

/// Coarsens a point to the granularity of `unit` when the unit is coarser ("a month later"
/// after a day stays a day; "a year later" after a month is a year only if the anchor is a
/// year). Used for "N units ago": the result has the unit's granularity.
pub fn at_granularity(date: Date, unit: Unit) -> Point {
    containing(date, unit)
}

/// The direction a sentence's tense gives to an underspecified date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tense {
    Past,
    Future,
    Neutral,
}

/// The year of a month-and-day without one, seen from `dct` in a sentence of `tense`.
/// Dates within a month of the DCT take the nearest year whatever the tense (reports name
/// recent and coming days alike); further ones follow the tense, and with no tense the nearest.
pub fn year_for_month_day(dct: Date, month: i8, day: i8, tense: Tense) -> Option<Date> {
    // (the candidates in an array and their distance by day numbers: a vector and a span per
    // distance cost most of a tagged date's normalisation)
    let cands = [-1, 0, 1].map(|dy| Date::new(dct.year() + dy, month, day).ok());
    let cands = cands.iter().flatten();
    let from = day_number(dct);
    let dist = |d: &Date| (day_number(*d) - from).abs();
    let nearest = cands.clone().copied().min_by_key(|d| (dist(d), *d > dct))?;
    if dist(&nearest) <= 31 {
        return Some(nearest);
    }
    match tense {
        Tense::Past => cands.copied().filter(|d| *d <= dct).max(),
        Tense::Future => cands.copied().filter(|d| *d >= dct).min(),
        Tense::Neutral => {
            // With no tense, news looks back: the past date unless the coming one is less than
            // half as far.
            let past = cands.clone().copied().filter(|d| *d <= dct).max();
            let future = cands.copied().filter(|d| *d >= dct).min();
            match (past, future) {
                (Some(p), Some(f)) => Some(if dist(&p) <= 2 * dist(&f) { p } else { f }),
                _ => Some(nearest),
            }
        }
    }
}

/// The number of days from 1970-01-01 to `d` (negative before): the proleptic Gregorian
/// day count of `Date::since`, by arithmetic.
fn day_number(d: Date) -> i64 {
    let (y, m, day) = (d.year() as i64, d.month() as i64, d.day() as i64);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The year of a month named alone, seen from `dct`: the DCT's own month is this year's; other
/// months follow the tense, or the nearest one with no tense.
pub fn year_for_month(dct: Date, month: i8, tense: Tense) -> i16 {
    let (y, m) = (dct.year(), dct.month());
    if m == month {
        return y;
    }
    let past = if month < m { y } else { y - 1 };
    let future = if month > m { y } else { y + 1 };
    match tense {
        Tense::Past => past,
        Tense::Future => future,
        Tense::Neutral => {
            let back = (m as i32 - month as i32).rem_euclid(12);
            let ahead = (month as i32 - m as i32).rem_euclid(12);
            if back <= 2 * ahead {
                past
            } else {
                future
            }
        }
    }
}

/// The weekday strictly before `from` (`sign` < 0: "last Friday", "the previous Friday") or
/// strictly after it ("next Friday", "the following Monday").
pub fn weekday_beside(from: Date, weekday: i8, sign: i64) -> Option<Date> {
    let tense = if sign < 0 { Tense::Past } else { Tense::Future };
    let date = date_for_weekday(from, weekday, tense)?;
    if date == from {
        shift_date(date, Unit::Week, sign.signum())
    } else {
        Some(date)
    }
}

/// The date of a weekday named alone: past tense, the last one on or before the DCT; future,
/// the next one on or after it; no tense, the past one unless the coming one is less than a third
/// as far.
pub fn date_for_weekday(dct: Date, weekday: i8, tense: Tense) -> Option<Date> {
    let today = dct.weekday().to_monday_one_offset();
    let back = (today - weekday).rem_euclid(7) as i64;
    let ahead = (weekday - today).rem_euclid(7) as i64;
    let offset = match tense {
        Tense::Past => -back,
        Tense::Future => ahead,
        Tense::Neutral => {
            // news looks back: the past day unless the coming one is less than a third as far
            if back <= 3 * ahead {
                -back
            } else {
                ahead
            }
        }
    };
    shift_date(dct, Unit::Day, offset)
}

/// The duration value of `n` units: `P5Y`, `PT3H`, `P1.5Y` -> `P18M`, vague `PXY`.
pub fn duration_value(n: Option<f64>, unit: Unit) -> String {
    let (clock, letter, scale) = match unit {
        Unit::Second => (true, "S", 1.0),
        Unit::Minute => (true, "M", 1.0),
        Unit::Hour => (true, "H", 1.0),
        Unit::Day => (false, "D", 1.0),
        Unit::Week => (false, "W", 1.0),
        Unit::Fortnight => (false, "W", 2.0),
        Unit::Weekend => (false, "WE", 1.0),
        Unit::Month => (false, "M", 1.0),
        Unit::Quarter => (false, "M", 3.0),
        Unit::Year => (false, "Y", 1.0),
        Unit::Decade => (false, "Y", 10.0),
        Unit::Century => (false, "Y", 100.0),
    };
    let t = if clock { "T" } else { "" };
    let vague_letter = match unit {
        Unit::Decade => "DE",
        Unit::Century => "CE",
        Unit::Quarter => "Q",
        _ => letter,
    };
    // (the common values, "P5Y", "PT3H", "PXY", written piece by piece: `format!` cost most of
    // a duration's normalisation)
    let joined = |parts: [&str; 3], n: Option<i64>| {
        let mut out = String::with_capacity(8);
        out.push('P');
        out.push_str(parts[0]);
        out.push_str(parts[1]);
        if let Some(n) = n {
            push_int(&mut out, n);
        }
        out.push_str(parts[2]);
        out
    };
    match n {
        None => joined([t, "X", vague_letter], None),
        Some(v) => {
            let v = v * scale;
            if v.fract() == 0.0 {
                joined([t, "", letter], Some(v as i64))
            } else if v.fract() == 0.5 {
                // Halves add half a unit in the next one down: 2.5 years = P2Y6M.
                let whole = v.trunc() as i64;
                let (half, clock_half) = match unit {
                    Unit::Year => ("6M", false),
                    Unit::Month => ("15D", false),
                    Unit::Day => ("12H", true),
                    Unit::Hour => ("30M", true),
                    Unit::Minute => ("30S", true),
                    _ => return format!("P{t}X{letter}"),
                };
                let head = if whole > 0 { format!("P{t}{whole}{letter}") } else { format!("P{t}") };
                let sep = if clock_half && t.is_empty() { "T" } else { "" };
                format!("{head}{sep}{half}")
            } else {
                // Other fractions go one unit down: 1.25 years = 15 months.
                let (down, factor) = match unit {
                    Unit::Year => ("M", 12.0),
                    Unit::Month => ("W", 4.0),
                    Unit::Day => ("H", 24.0),
                    Unit::Hour => ("M", 60.0),
                    Unit::Week => ("D", 7.0),
                    _ => return format!("P{t}X{letter}"),
                };
                let t2 = if matches!(unit, Unit::Day | Unit::Hour) { "T" } else { t };
                format!("P{t2}{}{down}", (v * factor).round() as i64)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn values_written_by_hand_match_format() {
        for y in [-50i16, -1, 0, 7, 99, 999, 1000, 1999, 2015, 9999, 10000, 32767] {
            let cases = [
                (Point::Year(y), format!("{y:04}")),
                (Point::Month { year: y, month: 3 }, format!("{y:04}-03")),
                (Point::Month { year: y, month: 12 }, format!("{y:04}-12")),
            ];
            for (p, want) in cases {
                assert_eq!(p.value(), want, "{p:?}");
            }
            if let Ok(d) = Date::new(y, 2, 9) {
                assert_eq!(Point::Day(d).value(), format!("{y:04}-02-09"));
            }
        }
    }

    #[test]
    fn points_write_timeml_values() {
        let cases = [
            (Point::Day(date(2015, 1, 22)), "2015-01-22"),
            (Point::Week { year: 2015, week: 4 }, "2015-W04"),
            (Point::Month { year: 2015, month: 1 }, "2015-01"),
            (Point::Quarter { year: 2015, quarter: 1 }, "2015-Q1"),
            (Point::Half { year: 2016, half: 1 }, "2016-H1"),
            (Point::Season { year: 2014, season: "SU" }, "2014-SU"),
            (Point::Year(2015), "2015"),
            (Point::Decade(199), "199X"),
            (Point::Century(19), "19"),
        ];
        for (p, want) in cases {
            assert_eq!(p.value(), want);
        }
    }

    #[test]
    fn shifting_keeps_granularity() {
        // Monday 15 September 2014: last week is ISO week 37.
        assert_eq!(shifted(date(2014, 9, 15), Unit::Week, -1).unwrap().value(), "2014-W37");
        assert_eq!(shifted(date(2015, 1, 22), Unit::Month, -1).unwrap().value(), "2014-12");
        assert_eq!(shifted(date(2015, 1, 22), Unit::Quarter, 1).unwrap().value(), "2015-Q2");
        let q = Point::Quarter { year: 1989, quarter: 3 };
        assert_eq!(shift_point(q, Unit::Year, -1).unwrap().value(), "1988-Q3");
    }

    #[test]
    fn month_day_years_follow_tense_beyond_a_month() {
        let dct = date(2015, 1, 22);
        let cases = [
            (11, 5, Tense::Neutral, "2014-11-05"),
            (11, 5, Tense::Past, "2014-11-05"),
            (11, 5, Tense::Future, "2015-11-05"),
            (1, 20, Tense::Future, "2015-01-20"),
            (2, 3, Tense::Past, "2015-02-03"),
            (12, 29, Tense::Neutral, "2014-12-29"),
        ];
        for (m, d, t, want) in cases {
            assert_eq!(Point::Day(year_for_month_day(dct, m, d, t).unwrap()).value(), want, "{m}-{d} {t:?}");
        }
    }

    #[test]
    fn months_and_weekdays_follow_tense() {
        let dct = date(2016, 10, 28); // a Friday
        assert_eq!(year_for_month(dct, 12, Tense::Past), 2015);
        assert_eq!(year_for_month(dct, 12, Tense::Future), 2016);
        assert_eq!(year_for_month(dct, 12, Tense::Neutral), 2016);
        assert_eq!(year_for_month(dct, 10, Tense::Past), 2016);
        assert_eq!(date_for_weekday(dct, 3, Tense::Past).unwrap(), date(2016, 10, 26));
        assert_eq!(date_for_weekday(dct, 3, Tense::Future).unwrap(), date(2016, 11, 2));
        assert_eq!(date_for_weekday(dct, 5, Tense::Past).unwrap(), dct);
        assert_eq!(date_for_weekday(dct, 1, Tense::Neutral).unwrap(), date(2016, 10, 24));
        assert_eq!(date_for_weekday(dct, 6, Tense::Neutral).unwrap(), date(2016, 10, 29));
        // five days back against two ahead: still the past one
        assert_eq!(date_for_weekday(dct, 7, Tense::Neutral).unwrap(), date(2016, 10, 23));
    }

    #[test]
    fn durations() {
        let cases = [
            (Some(5.0), Unit::Year, "P5Y"),
            (Some(3.0), Unit::Hour, "PT3H"),
            (None, Unit::Month, "PXM"),
            (Some(1.5), Unit::Year, "P1Y6M"),
            (Some(2.5), Unit::Day, "P2DT12H"),
            (Some(5.5), Unit::Hour, "PT5H30M"),
            (Some(1.0), Unit::Fortnight, "P2W"),
            (Some(2.0), Unit::Decade, "P20Y"),
            (Some(3.0), Unit::Quarter, "P9M"),
            (None, Unit::Decade, "PXDE"),
        ];
        for (n, u, want) in cases {
            assert_eq!(duration_value(n, u), want);
        }
    }

    #[test]
    fn day_numbers_count_days_as_jiff_does() {
        let epoch = date(1970, 1, 1);
        for d in [date(1970, 1, 1), date(1969, 12, 31), date(2000, 2, 29), date(2016, 3, 1), date(-9999, 1, 1)] {
            assert_eq!(day_number(d), epoch.until(d).unwrap().get_days() as i64, "{d}");
        }
    }

    proptest::proptest! {
        #[test]
        fn day_number_differences_are_spans(y in -9999i16..=9999, m in 1i8..=12, d in 1i8..=28, y2 in 1900i16..2100, m2 in 1i8..=12, d2 in 1i8..=28) {
            let (a, b) = (date(y, m, d), date(y2, m2, d2));
            proptest::prop_assert_eq!(day_number(a) - day_number(b), a.since(b).unwrap().get_days() as i64);
        }
    }

    #[test]
    fn integers_written_by_hand_match_format() {
        for v in [0i64, 1, 9, 10, 11, 99, 100, 12345, -1, -10, -987, i64::MAX, i64::MIN] {
            let mut out = String::new();
            push_int(&mut out, v);
            assert_eq!(out, format!("{v}"));
        }
    }
}
