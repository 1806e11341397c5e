//! Time: the creation date of each report and the TIMEX3 expressions in its text.
//!
//! Every fact in the ledger needs a date, and most dates in reports are partial or relative
//! ("January 22", "last week"); they mean something only against the report's creation date
//! (DCT). This crate finds the DCT ([`Dct`]) and tags and normalises temporal expressions
//! ([`Timex`]) against it. It does no I/O.
//!
//! The work is in three steps: the grammar (`tag.rs`) finds expressions and what they mean
//! before any DCT is known; the DCT is chosen (`dct.rs`: metadata, URL, dateline, inferred);
//! then each meaning is resolved against the DCT (here), with the calendar arithmetic of
//! `norm.rs`. Word lists live in `data/lexicon.toml` (`lexicon.rs`).

pub mod dct;
pub mod lexicon;
pub mod norm;
pub mod tag;

#[cfg(test)]
mod tests;

use chronicle_core::{Document, Span, Text};
use jiff::civil::Date;
use lexicon::{Lexicon, Unit};
use norm::{Point, Tense};
use serde::Serialize;
use tag::{Grammar, Mention, Sem};

/// TimeML's four timex types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    Date,
    Time,
    Duration,
    Set,
}

/// One temporal expression: its extent, type and TimeML value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Timex {
    #[serde(skip)]
    pub span: Span,
    #[serde(rename = "type")]
    pub kind: TimexType,
    /// TimeML value: `2015-01-22`, `2015-W04`, `P5Y`, `PRESENT_REF`, `XXXX-01-22` ...
    pub value: String,
    /// TimeML `mod` (START, MID, END, APPROX, MORE_THAN ...), when the text hedges.
    #[serde(rename = "mod", skip_serializing_if = "Option::is_none")]
    pub modifier: Option<&'static str>,
    /// The rule that produced it (for `chronicle explain`).
    pub rule: &'static str,
}

impl Timex {
    /// The complete calendar date of this timex, when its value names one day.
    pub fn date(&self) -> Option<Date> {
        complete_date(&self.value)
    }
}

/// The day a TimeML value names, when it names exactly one (`2015-01-22`, also the date of
/// `2014-09-23T18:58`); `None` for months, years, weeks, durations, references and `XXXX`.
pub fn complete_date(value: &str) -> Option<Date> {
    let v = value.get(..10)?;
    if !value.get(10..)?.is_empty() && !value.get(10..)?.starts_with('T') {
        return None;
    }
    let b = v.as_bytes();
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    Date::new(v[..4].parse().ok()?, v[5..7].parse().ok()?, v[8..10].parse().ok()?).ok()
}

/// The coarsest useful reading of a DATE value as (year, month): `2015-01-22` and `2015-01`
/// give month precision, `2015`, `2015-Q1`, `2015-W04` the year only; `None` for REF and X
/// values. For stages that date facts "as precisely as the text allows".
pub fn value_year_month(value: &str) -> Option<(i16, Option<i8>)> {
    let y: i16 = value.get(..4)?.parse().ok()?;
    let m = value.get(5..7).filter(|_| value.as_bytes().get(4) == Some(&b'-')).and_then(|m| m.parse::<i8>().ok());
    Some((y, m.filter(|m| (1..=12).contains(m))))
}

/// The value of `p` followed by `a` and `b` ("2014-09-23" "T" "18:58"), written into one
/// string (no formatting machinery, one allocation).
fn joined(p: Point, a: &str, b: &str) -> String {
    let mut out = String::with_capacity(16 + b.len());
    p.value_into(&mut out);
    out.push_str(a);
    out.push_str(b);
    out
}

/// Whether quarter `p` ended on or before `dct` (always, with no DCT).
fn ended_by(p: Point, dct: Option<Date>) -> bool {
    let Some(d) = dct else { return true };
    norm::shift_point(p, Unit::Quarter, 1).and_then(|next| next.first_day()).is_some_and(|end| end <= d)
}

/// Whether a mention is a stretch of the year a report covers: "the nine months", "the first
/// six months" (a duration of two to eleven months with its article). After one, "a year
/// earlier" and "the year-ago period" compare with the same stretch a year back, which TimeML
/// writes as the year.
fn stretch_of_year(m: &Mention) -> bool {
    if m.kind != TimexType::Duration || m.rule != "duration.the_units" {
        return false;
    }
    match &m.sem {
        Sem::Value(v) => v
            .strip_prefix('P')
            .and_then(|x| x.strip_suffix('M'))
            .and_then(|n| n.parse::<u8>().ok())
            .is_some_and(|n| (2..=11).contains(&n)),
        _ => false,
    }
}

/// Where a document's creation date came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DctSource {
    Metadata,
    Url,
    Dateline,
    Inferred,
    None,
}

/// A document's creation date and its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dct {
    pub date: Option<Date>,
    pub source: DctSource,
}

/// The time layer of one document.
pub struct TimeAnalysis {
    pub dct: Dct,
    pub timexes: Vec<Timex>,
}

/// The temporal tagger; build once, share across threads.
pub struct Tagger {
    lexicon: Lexicon,
    dct: dct::DctFinder,
}

impl Default for Tagger {
    fn default() -> Self {
        Self::new()
    }
}

impl Tagger {
    pub fn new() -> Tagger {
        Tagger { lexicon: Lexicon::builtin(), dct: dct::DctFinder::new() }
    }

    /// Finds the DCT of `doc` and tags the timexes of its text.
    pub fn analyse(&self, doc: &Document, text: &Text) -> TimeAnalysis {
        let grammar = Grammar::new(&self.lexicon);
        let mentions = grammar.mentions(text);
        let mut dct = self.dct.find(doc, text, &mentions);
        // A title that states a complete date ("Sanctuary Map: May 25, 2016") dates the report
        // when the text has no dateline.
        if matches!(dct.source, DctSource::Inferred | DctSource::None) {
            if let Some(title) = doc.title.as_deref().filter(|t| !t.is_empty()) {
                let t = Text::new(title);
                if let Some(d) = grammar.mentions(&t).iter().find_map(dct::complete) {
                    dct = Dct { date: Some(d), source: DctSource::Dateline };
                }
            }
        }
        let timexes = self.resolve_all(mentions, dct.date);
        TimeAnalysis { dct, timexes }
    }

    /// Tags `text` against a given DCT (tests, tools).
    pub fn tag_with_dct(&self, text: &str, dct: Option<Date>) -> Vec<Timex> {
        let t = Text::new(text);
        let mentions = Grammar::new(&self.lexicon).mentions(&t);
        self.resolve_all(mentions, dct)
    }

    fn resolve_all(&self, mentions: Vec<Mention>, dct: Option<Date>) -> Vec<Timex> {
        let mut out = Vec::with_capacity(mentions.len());
        // The last calendar point named, anchor of "a day later" and of a lone clock time.
        let mut anchor: Option<Point> = None;
        let mut last_quarter: Option<Point> = None;
        // The period the report's figures cover, which "a year earlier" compares with: the
        // quarter reported on, or the year so far after "the nine months" (`stretch_of_year`).
        let mut period: Option<Point> = None;
        for mut m in mentions {
            if stretch_of_year(&m) {
                let year = last_quarter.map(|q| q.year()).or(dct.map(|d| d.year()));
                period = year.map(Point::Year);
            }
            let r = self.resolve(&mut m, dct, anchor, last_quarter, period);
            let Some((value, point)) = r else { continue };
            // Points counted from another ("a day later", "the year-ago quarter") do not
            // become anchors themselves.
            let derived = matches!(
                m.sem,
                Sem::After { .. }
                    | Sem::Ago { .. }
                    | Sem::YearAgoQuarter
                    | Sem::ThatUnit(_)
                    | Sem::QuarterOfYear(_)
                    | Sem::NextUnit { .. }
            );
            if let Some(p) = point.filter(|_| !derived) {
                // only a quarter that has ended can be the one a report is about
                if matches!(p, Point::Quarter { .. }) && ended_by(p, dct) {
                    last_quarter = Some(p);
                    period = Some(p);
                }
                // a day named after the stretch ("the six months ended Aug. 12") is what
                // "a year earlier" then counts from
                if matches!(p, Point::Day(_)) && matches!(period, Some(Point::Year(_))) {
                    period = None;
                }
                anchor = Some(p);
            }
            let clock = !value.starts_with('P') && !value.ends_with("_REF") && value.contains('T');
            let kind = if m.kind == TimexType::Date && clock { TimexType::Time } else { m.kind };
            out.push(Timex { span: Span::new(m.start, m.end), kind, value, modifier: m.modifier, rule: m.rule });
        }
        out
    }

    /// The TimeML value of one mention and the calendar point it names (if any).
    fn resolve(
        &self,
        m: &mut Mention,
        dct: Option<Date>,
        anchor: Option<Point>,
        last_quarter: Option<Point>,
        period: Option<Point>,
    ) -> Option<(String, Option<Point>)> {
        // a complete value is the mention's own (no copy)
        if let Sem::Value(v) = &mut m.sem {
            return Some((std::mem::take(v), None));
        }
        let tense = m.tense;
        let pt = |p: Point| Some((p.value(), Some(p)));
        let reference = |sign: i64| {
            Some((
                match sign {
                    s if s < 0 => "PAST_REF",
                    0 => "PRESENT_REF",
                    _ => "FUTURE_REF",
                }
                .to_string(),
                None,
            ))
        };
        match &m.sem {
            Sem::Value(v) => Some((v.clone(), None)), // (taken above)
            Sem::Point(p) => pt(*p),
            Sem::DateTime(d, clock) => Some((joined(Point::Day(*d), "T", clock), Some(Point::Day(*d)))),
            Sem::MonthDay { month, day, clock } => {
                let (sep, clock) = clock.as_deref().map_or(("", ""), |c| ("T", c));
                match dct {
                    Some(d) => {
                        let date = norm::year_for_month_day(d, *month, *day, tense)?;
                        Some((joined(Point::Day(date), sep, clock), Some(Point::Day(date))))
                    }
                    None => {
                        // a year named just before ("November 12-21, 2014" style context)
                        if let Some(y) = anchor.map(|a| a.year()) {
                            if let Ok(date) = Date::new(y, *month, *day) {
                                return Some((joined(Point::Day(date), sep, clock), Some(Point::Day(date))));
                            }
                        }
                        Some((format!("XXXX-{month:02}-{day:02}{sep}{clock}"), None))
                    }
                }
            }
            Sem::Month(month) => match dct {
                Some(d) => pt(Point::Month { year: norm::year_for_month(d, *month, tense), month: *month }),
                None => Some((format!("XXXX-{month:02}"), None)),
            },
            Sem::RelativeMonth { month, shift } => match dct {
                Some(d) => {
                    let t = match shift {
                        s if *s < 0 => Tense::Past,
                        s if *s > 0 => Tense::Future,
                        _ => tense,
                    };
                    let mut y = norm::year_for_month(d, *month, t);
                    // "last October" said in October is a year back; "next March" in March ahead
                    if *month == d.month() && *shift != 0 {
                        y += *shift as i16;
                    }
                    pt(Point::Month { year: y, month: *month })
                }
                None => Some((format!("XXXX-{month:02}"), None)),
            },
            Sem::MonthOfRelativeYear { month, year_shift } => match dct {
                Some(d) => pt(Point::Month { year: d.year() + *year_shift as i16, month: *month }),
                None => Some((format!("XXXX-{month:02}"), None)),
            },
            Sem::Weekday { weekday, part, shift } => {
                let (sep, part) = part.map_or(("", ""), |p| ("T", p));
                match dct {
                    Some(d) => {
                        let date = match shift {
                            Some(s) => norm::weekday_beside(d, *weekday, *s)?,
                            None => norm::date_for_weekday(d, *weekday, tense)?,
                        };
                        Some((joined(Point::Day(date), sep, part), Some(Point::Day(date))))
                    }
                    None => Some((format!("XXXX-WXX-{weekday}{sep}{part}"), None)),
                }
            }
            Sem::WeekdayFrom { weekday, sign } => {
                let from = match (anchor, dct) {
                    (Some(Point::Day(d)), _) | (_, Some(d)) => d,
                    (_, None) => return Some((format!("XXXX-WXX-{weekday}"), None)),
                };
                pt(Point::Day(norm::weekday_beside(from, *weekday, *sign)?))
            }
            Sem::Deictic { days, part } => match dct {
                Some(d) => {
                    let date = norm::shift_date(d, Unit::Day, *days)?;
                    match part {
                        Some(p) => Some((joined(Point::Day(date), "T", p), Some(Point::Day(date)))),
                        None => pt(Point::Day(date)),
                    }
                }
                None => reference(*days),
            },
            Sem::Relative { unit, shift } => match dct {
                Some(d) => {
                    if *unit == Unit::Weekend {
                        let p = norm::shifted(d, Unit::Week, *shift)?;
                        return Some((joined(p, "-WE", ""), Some(p)));
                    }
                    pt(norm::shifted(d, *unit, *shift)?)
                }
                None => reference(*shift),
            },
            Sem::RelativeSeason { season, shift } => match dct {
                Some(d) => {
                    let start = match *season {
                        "SP" => 3,
                        "SU" => 6,
                        "FA" => 9,
                        _ => 12,
                    };
                    let cur = d.month();
                    // the season's year: this year's season if it has begun (or with the tense)
                    let begun = cur >= start;
                    let mut year = d.year();
                    match shift {
                        s if *s < 0 => {
                            if !begun || cur < start + 3 {
                                year -= 1;
                            }
                            if *season == "WI" && cur < 3 {
                                year -= 0;
                            }
                        }
                        s if *s > 0 => {
                            if begun {
                                year += 1;
                            }
                        }
                        _ => {
                            if !begun && tense == Tense::Past {
                                year -= 1;
                            }
                        }
                    }
                    pt(Point::Season { year, season })
                }
                None => Some((format!("XXXX-{season}"), None)),
            },
            Sem::PartOfYear { quarter, n } => match dct {
                Some(d) => {
                    let cur = if *quarter { (d.month() - 1) / 3 + 1 } else { (d.month() - 1) / 6 + 1 };
                    let year = if *n <= cur || tense == Tense::Future { d.year() } else { d.year() - 1 };
                    pt(if *quarter { Point::Quarter { year, quarter: *n } } else { Point::Half { year, half: *n } })
                }
                None => Some((if *quarter { format!("XXXX-Q{n}") } else { format!("XXXX-H{n}") }, None)),
            },
            Sem::PartOfRelativeYear { quarter, n, year_shift } => match dct {
                Some(d) => {
                    let year = d.year() + *year_shift as i16;
                    pt(if *quarter { Point::Quarter { year, quarter: *n } } else { Point::Half { year, half: *n } })
                }
                None => Some((if *quarter { format!("XXXX-Q{n}") } else { format!("XXXX-H{n}") }, None)),
            },
            Sem::CurrentQuarter => match (last_quarter, dct) {
                (Some(q), _) => pt(q),
                (None, Some(d)) => pt(norm::shifted(d, Unit::Quarter, -1)?),
                (None, None) => Some(("XXXX-QX".into(), None)),
            },
            Sem::Ago { n, unit, sign } => match dct {
                Some(d) => {
                    // "a year ago" beside a quarter ("up from a year ago") is that quarter a year back
                    if let (Some(q), Unit::Year, 1) = (period, unit, n) {
                        return pt(norm::shift_point(q, Unit::Year, -1)?);
                    }
                    let moved = norm::shift_date(d, *unit, n * sign)?;
                    let g = match unit {
                        Unit::Decade | Unit::Century => Unit::Year,
                        Unit::Weekend | Unit::Fortnight => Unit::Week,
                        u if u.is_clock() => Unit::Day,
                        u => *u,
                    };
                    pt(norm::at_granularity(moved, g))
                }
                None => reference(*sign),
            },
            Sem::After { n: 1, unit: Unit::Year, sign: -1 } if period.is_some() => {
                pt(norm::shift_point(period?, Unit::Year, -1)?)
            }
            Sem::ThatUnit(unit) => match anchor {
                // "that day" after a year names no day: the year is all we know
                Some(a) if !matches!(a, Point::Day(_)) && *unit == Unit::Day => pt(a),
                Some(a @ (Point::Year(_) | Point::Decade(_) | Point::Century(_))) if *unit != Unit::Year => pt(a),
                Some(a) => pt(norm::containing(a.first_day()?, *unit)),
                None => reference(-1),
            },
            Sem::QuarterOfYear(year) => {
                let q = match (period, dct) {
                    (Some(Point::Quarter { quarter, .. }), _) => quarter,
                    // "the 1988 period" after "the nine months": that year's stretch
                    (Some(Point::Year(_)), _) => return pt(Point::Year(*year)),
                    (_, Some(d)) => match norm::shifted(d, Unit::Quarter, -1)? {
                        Point::Quarter { quarter, .. } => quarter,
                        _ => return None,
                    },
                    _ => return Some((format!("{year:04}-QX"), None)),
                };
                pt(Point::Quarter { year: *year, quarter: q })
            }
            Sem::WeekOf { month, day } => match dct {
                Some(d) => {
                    let date = norm::year_for_month_day(d, *month, *day, tense)?;
                    pt(norm::containing(date, Unit::Week))
                }
                None => Some((format!("XXXX-{month:02}-{day:02}"), None)),
            },
            Sem::NextUnit { unit, shift } => match anchor {
                Some(a) => pt(norm::shifted(a.first_day()?, *unit, *shift)?),
                None => reference(*shift),
            },
            Sem::YearAgoQuarter => match (period, dct) {
                (Some(q), _) => pt(norm::shift_point(q, Unit::Year, -1)?),
                (None, Some(d)) => pt(norm::shifted(d, Unit::Quarter, -5)?),
                (None, None) => Some(("PAST_REF".into(), None)),
            },
            Sem::Weekend => match dct {
                Some(d) => {
                    let t = if tense == Tense::Future { Tense::Future } else { Tense::Past };
                    let sat = norm::date_for_weekday(d, 6, t)?;
                    let w = norm::containing(sat, Unit::Week);
                    Some((joined(w, "-WE", ""), None))
                }
                None => reference(if tense == Tense::Future { 1 } else { -1 }),
            },
            Sem::DayFrom { inner, days } => {
                let mut named = Mention { sem: (**inner).clone(), ..m.clone() };
                let (value, point) = self.resolve(&mut named, dct, anchor, last_quarter, period)?;
                match point {
                    Some(Point::Day(d)) => pt(Point::Day(norm::shift_date(d, Unit::Day, *days)?)),
                    // no DCT: the day of the month or of the week still moves ("XXXX-06-06")
                    _ => match **inner {
                        Sem::MonthDay { month, day, .. } => {
                            // (counted in a leap year, so that February 29 has its neighbours;
                            // the day next to it is February 29 only in a leap year: unknown)
                            let d = norm::shift_date(Date::new(2000, month, day).ok()?, Unit::Day, *days)?;
                            if (d.month(), d.day()) == (2, 29) {
                                return Some(("XXXX-XX-XX".into(), None));
                            }
                            Some((format!("XXXX-{:02}-{:02}", d.month(), d.day()), None))
                        }
                        Sem::Weekday { weekday, .. } => {
                            Some((format!("XXXX-WXX-{}", (weekday as i64 - 1 + days).rem_euclid(7) + 1), None))
                        }
                        _ => Some((value, None)),
                    },
                }
            }
            Sem::After { n, unit, sign } => match anchor.or(dct.map(Point::Day)) {
                Some(a) => {
                    let moved = norm::shift_point(a, *unit, n * sign)?;
                    pt(moved)
                }
                None => reference(*sign),
            },
            Sem::WeekdayClock { weekday, clock } => match dct {
                Some(d) => {
                    let date = norm::date_for_weekday(d, *weekday, tense)?;
                    Some((joined(Point::Day(date), "T", clock), Some(Point::Day(date))))
                }
                None => Some((format!("XXXX-WXX-{weekday}T{clock}"), None)),
            },
            Sem::Holiday(idx) => {
                let d = dct?;
                // the holiday's year as a month's: with the tense, else the nearer one
                let year = match tag::holiday_month(&self.lexicon, *idx, d.year()) {
                    Some((month, _)) => norm::year_for_month(d, month, tense),
                    None => d.year(),
                };
                self.holiday_value(*idx, year)
            }
            Sem::HolidayIn(idx, year) => self.holiday_value(*idx, *year),
            Sem::Clock(clock) => {
                let day = match anchor {
                    Some(Point::Day(d)) => Some(d),
                    _ => dct,
                };
                match day {
                    Some(d) => Some((joined(Point::Day(d), "T", clock), None)),
                    None => Some((format!("XXXX-XX-XXT{clock}"), None)),
                }
            }
        }
    }

    fn holiday_value(&self, idx: usize, year: i16) -> Option<(String, Option<Point>)> {
        match tag::holiday_month(&self.lexicon, idx, year) {
            Some((month, Some(day))) => {
                let d = Date::new(year, month, day).ok()?;
                Some((Point::Day(d).value(), Some(Point::Day(d))))
            }
            Some((month, None)) => {
                let p = Point::Month { year, month };
                Some((p.value(), Some(p)))
            }
            None => Some((format!("{year:04}"), Some(Point::Year(year)))),
        }
    }
}
