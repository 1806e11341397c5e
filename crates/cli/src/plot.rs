//! `series --plot FILE.svg`: a metric's series drawn as a standalone SVG chart.
//!
//! Drawn here in a few dozen lines rather than with a plotting crate: the chart needs only
//! axes, points and error bars, and the SVG must say things plotting libraries do not
//! (qualifier shapes, conflict marks, the source of each point as a tooltip). Points sit at
//! their date on a time axis; a range ("20,000 to 31,000") is a vertical bar between its
//! bounds; the marker's shape gives the qualifier (filled circle exact, hollow circle approx,
//! triangle up "more than", triangle down "less than"); conflicting points are ringed in red.
//! Every piece of document text is XML-escaped.

use chronicle_store::{Series, SeriesPoint};
use std::fmt::Write;

const W: f64 = 900.0;
const H: f64 = 480.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 90.0;

/// A value as people read it: `~60`, `>60`, `<60`, `20000-31000`.
pub fn value_label(value: f64, max: Option<f64>, qualifier: &str) -> String {
    let n = |v: f64| if v.fract() == 0.0 && v.abs() < 9e15 { format!("{}", v as i64) } else { format!("{v}") };
    let prefix = match qualifier {
        "approx" => "~",
        "more_than" => ">",
        "less_than" => "<",
        _ => "",
    };
    match max {
        Some(m) => format!("{prefix}{}-{}", n(value), n(m)),
        None => format!("{prefix}{}", n(value)),
    }
}

/// Days since 1970-01-01 of a `YYYY[-MM[-DD]]` date (the first day of a month or year).
fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next().map(|p| p.parse().ok()).unwrap_or(Some(1))?;
    let d: i64 = parts.next().map(|p| p.parse().ok()).unwrap_or(Some(1))?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A "nice" step (1, 2 or 5 times a power of ten) giving about `n` intervals over `span`.
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = (span / n).max(f64::MIN_POSITIVE);
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|s| *s >= raw).unwrap_or(10.0 * p)
}

fn fmt_num(v: f64) -> String {
    if v.abs() >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// The chart of a series as an SVG document.
pub fn svg(series: &Series) -> String {
    let dated: Vec<(&SeriesPoint, i64)> =
        series.points.iter().filter_map(|p| Some((p, day_number(p.date.as_deref()?)?))).collect();
    let undated = series.points.len() - dated.len();
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let title = format!(
        "{}{}{}{}",
        series.metric,
        if series.cumulative { " (cumulative)" } else { "" },
        series.scope.as_deref().map(|x| format!(", scope {x}")).unwrap_or_default(),
        series.known_on.as_deref().map(|d| format!(", as known on {d}")).unwrap_or_default()
    );
    let _ = writeln!(s, r#"<text x="{LEFT}" y="28" font-size="16" font-weight="bold">{}</text>"#, esc(&title));
    if dated.is_empty() {
        let _ = writeln!(s, r#"<text x="{LEFT}" y="{}">no dated points</text>"#, H / 2.0);
        s.push_str("</svg>\n");
        return s;
    }
    let (mut d0, mut d1) = (dated.iter().map(|d| d.1).min().unwrap_or(0), dated.iter().map(|d| d.1).max().unwrap_or(0));
    if d0 == d1 {
        d0 -= 15;
        d1 += 15;
    }
    let pad = ((d1 - d0) as f64 * 0.04).ceil() as i64;
    let (d0, d1) = (d0 - pad, d1 + pad);
    let vmax = dated.iter().map(|(p, _)| p.value_max.unwrap_or(p.value).max(p.value)).fold(f64::MIN, f64::max);
    let vmin = dated.iter().map(|(p, _)| p.value).fold(f64::MAX, f64::min).min(0.0);
    let step = nice_step((vmax - vmin).max(1.0), 5.0);
    let (y0, y1) = ((vmin / step).floor() * step, ((vmax / step).ceil() * step).max(step));
    let px = |d: i64| LEFT + (d - d0) as f64 / (d1 - d0) as f64 * (W - LEFT - RIGHT);
    let py = |v: f64| TOP + (1.0 - (v - y0) / (y1 - y0)) * (H - TOP - BOTTOM);

    // Axes and grid.
    let mut v = y0;
    while v <= y1 + step / 2.0 {
        let y = py(v);
        let _ = writeln!(s, r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e5e5e5"/>"##, W - RIGHT);
        let _ =
            writeln!(s, r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#, LEFT - 8.0, y + 4.0, fmt_num(v));
        v += step;
    }
    let (ya, yb) = (py(y0), TOP);
    let _ = writeln!(s, r##"<line x1="{LEFT}" y1="{ya:.1}" x2="{:.1}" y2="{ya:.1}" stroke="#333"/>"##, W - RIGHT);
    let _ = writeln!(s, r##"<line x1="{LEFT}" y1="{ya:.1}" x2="{LEFT}" y2="{yb:.1}" stroke="#333"/>"##);
    let span_days = d1 - d0;
    let (first_year, _, _) = civil_from_days(d0);
    let (last_year, _, _) = civil_from_days(d1);
    let months_step = if span_days > 365 * 6 {
        12 * ((last_year - first_year) / 6).max(1)
    } else if span_days > 365 * 2 {
        6
    } else if span_days > 240 {
        3
    } else {
        1
    };
    let mut m = 0;
    loop {
        let (y, mo) = (first_year + (m / 12), (m % 12) + 1);
        let Some(d) = day_number(&format!("{y:04}-{mo:02}-01")) else { break };
        if d > d1 {
            break;
        }
        if d >= d0 {
            let x = px(d);
            let _ = writeln!(s, r##"<line x1="{x:.1}" y1="{ya:.1}" x2="{x:.1}" y2="{:.1}" stroke="#333"/>"##, ya + 5.0);
            let label = if months_step >= 12 { format!("{y}") } else { format!("{y}-{mo:02}") };
            let _ = writeln!(s, r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{label}</text>"#, ya + 18.0);
        }
        m += months_step;
    }

    // A thin line through the points in date order, then the points.
    let path: Vec<String> = dated.iter().map(|(p, d)| format!("{:.1},{:.1}", px(*d), py(p.value))).collect();
    let _ = writeln!(s, r##"<polyline points="{}" fill="none" stroke="#9bb7d4" stroke-width="1"/>"##, path.join(" "));
    for (p, d) in &dated {
        let (x, y) = (px(*d), py(p.value));
        let conflict = !p.conflicts.is_empty();
        let color = if conflict { "#c0392b" } else { "#1f5f99" };
        let tip = format!(
            "{} on {}: {}{}\n{}\n{}{}",
            series.metric,
            p.date.as_deref().unwrap_or("?"),
            value_label(p.value, p.value_max, &p.qualifier),
            p.scope.as_deref().map(|x| format!(" ({x})")).unwrap_or_default(),
            p.doc,
            p.sentence,
            if conflict { format!("\nCONFLICT: {}", p.conflicts.join("; ")) } else { String::new() }
        );
        let _ =
            writeln!(s, r#"<g class="point{}"><title>{}</title>"#, if conflict { " conflict" } else { "" }, esc(&tip));
        if let Some(max) = p.value_max {
            let ym = py(max);
            let _ = writeln!(
                s,
                r#"<line x1="{x:.1}" y1="{y:.1}" x2="{x:.1}" y2="{ym:.1}" stroke="{color}" stroke-width="2"/>"#
            );
            for yy in [y, ym] {
                let _ = writeln!(
                    s,
                    r#"<line x1="{:.1}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="{color}" stroke-width="2"/>"#,
                    x - 5.0,
                    x + 5.0
                );
            }
        }
        match p.qualifier.as_str() {
            "more_than" => {
                let _ = writeln!(
                    s,
                    r#"<path d="M{x:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z" fill="{color}"/>"#,
                    y - 7.0,
                    x - 6.0,
                    y + 4.0,
                    x + 6.0,
                    y + 4.0
                );
            }
            "less_than" => {
                let _ = writeln!(
                    s,
                    r#"<path d="M{x:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z" fill="{color}"/>"#,
                    y + 7.0,
                    x - 6.0,
                    y - 4.0,
                    x + 6.0,
                    y - 4.0
                );
            }
            "approx" => {
                let _ = writeln!(
                    s,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="white" stroke="{color}" stroke-width="2"/>"#
                );
            }
            _ => {
                let _ = writeln!(s, r#"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{color}"/>"#);
            }
        }
        if conflict {
            let _ = writeln!(
                s,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="10" fill="none" stroke="#c0392b" stroke-width="2"/>"##
            );
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}" fill="#c0392b" font-weight="bold">!</text>"##,
                x + 11.0,
                y - 8.0
            );
        }
        s.push_str("</g>\n");
    }

    // Legend.
    let ly = H - 30.0;
    let items = [
        ("circle-fill", "exact"),
        ("circle-open", "approximate"),
        ("up", "more than"),
        ("down", "less than"),
        ("bar", "range (bounds)"),
        ("ring", "conflict"),
    ];
    let mut lx = LEFT;
    for (shape, label) in items {
        let (x, y) = (lx + 6.0, ly);
        match shape {
            "circle-fill" => {
                let _ = writeln!(s, r##"<circle cx="{x}" cy="{y}" r="5" fill="#1f5f99"/>"##);
            }
            "circle-open" => {
                let _ = writeln!(
                    s,
                    r##"<circle cx="{x}" cy="{y}" r="5" fill="white" stroke="#1f5f99" stroke-width="2"/>"##
                );
            }
            "up" => {
                let _ = writeln!(
                    s,
                    r##"<path d="M{x},{} L{},{} L{},{} Z" fill="#1f5f99"/>"##,
                    y - 7.0,
                    x - 6.0,
                    y + 4.0,
                    x + 6.0,
                    y + 4.0
                );
            }
            "down" => {
                let _ = writeln!(
                    s,
                    r##"<path d="M{x},{} L{},{} L{},{} Z" fill="#1f5f99"/>"##,
                    y + 7.0,
                    x - 6.0,
                    y - 4.0,
                    x + 6.0,
                    y - 4.0
                );
            }
            "bar" => {
                let _ = writeln!(
                    s,
                    r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#1f5f99" stroke-width="2"/>"##,
                    y - 7.0,
                    y + 7.0
                );
            }
            _ => {
                let _ =
                    writeln!(s, r##"<circle cx="{x}" cy="{y}" r="8" fill="none" stroke="#c0392b" stroke-width="2"/>"##);
            }
        }
        let _ = writeln!(s, r#"<text x="{:.1}" y="{:.1}">{label}</text>"#, x + 12.0, y + 4.0);
        lx += 30.0 + label.len() as f64 * 7.0;
    }
    if undated > 0 {
        let _ = writeln!(s, r#"<text x="{LEFT}" y="{:.1}">{undated} undated point(s) not drawn</text>"#, H - 8.0);
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(date: &str, value: f64, max: Option<f64>, qualifier: &str, conflict: bool) -> SeriesPoint {
        SeriesPoint {
            date: Some(date.into()),
            as_of: None,
            value,
            value_max: max,
            qualifier: qualifier.into(),
            scope: None,
            text: String::new(),
            doc: "<doc & co>".into(),
            published: None,
            sentence: "He said \"<script>alert(1)</script>\".".into(),
            start: 0,
            end: 0,
            rule: String::new(),
            conflicts: if conflict { vec!["differs".into()] } else { vec![] },
        }
    }

    #[test]
    fn the_chart_shows_bounds_qualifiers_and_conflicts_and_escapes_text() {
        let series = Series {
            metric: "enemy_fighters".into(),
            scope: None,
            known_on: None,
            cumulative: false,
            points: vec![
                point("2014-09-11", 20000.0, Some(31000.0), "exact", false),
                point("2015-01-10", 30000.0, None, "more_than", true),
                point("2015-01-10", 25000.0, None, "approx", true),
                point("2015-06", 15000.0, None, "less_than", false),
            ],
        };
        let svg = svg(&series);
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("<g class=\"point").count(), 4);
        assert_eq!(svg.matches("class=\"point conflict\"").count(), 2);
        assert!(svg.contains("&lt;script&gt;"), "text is escaped");
        assert!(!svg.contains("<script"), "no raw markup from documents");
        assert!(svg.contains("&lt;doc &amp; co&gt;"));
        assert!(svg.contains(">2015-01<") || svg.contains(">2015<"), "time axis labelled");
    }

    #[test]
    fn dates_convert_both_ways() {
        let cases = [("1970-01-01", 0), ("2015-03-22", 16_516), ("2000-02-29", 11_016), ("2015", 16_436)];
        for (date, days) in cases {
            assert_eq!(day_number(date), Some(days), "{date}");
        }
        assert_eq!(civil_from_days(16_516), (2015, 3, 22));
        assert_eq!(day_number("2015-13-01"), None);
        assert_eq!(day_number("P5Y"), None);
    }

    #[test]
    fn values_read_as_people_write_them() {
        let cases = [
            (60.0, None, "exact", "60"),
            (60.0, None, "approx", "~60"),
            (60.0, None, "more_than", ">60"),
            (20000.0, Some(31000.0), "exact", "20000-31000"),
            (7.5, None, "less_than", "<7.5"),
        ];
        for (v, max, q, expected) in cases {
            assert_eq!(value_label(v, max, q), expected);
        }
    }

    #[test]
    fn an_empty_series_still_draws() {
        let series = Series { metric: "m".into(), scope: None, known_on: None, cumulative: false, points: vec![] };
        assert!(svg(&series).contains("no dated points"));
    }
}
