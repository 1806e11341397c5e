//! `--pretty`: the extraction of one document as a report for people, not machines.

use chronicle_core::Document;
use chronicle_extract::Extraction;
use std::fmt::Write;

/// Renders one document's facts, grouped by kind, each with the text that states it.
pub fn report(doc: &Document, ex: &Extraction) -> String {
    let text = doc.text.as_str();
    let mut s = String::new();
    let published = ex.dct.date.map(|d| d.to_string()).unwrap_or_else(|| "unknown".into());
    let _ = writeln!(s, "== {}  published {} (from {:?})", doc.id, published, ex.dct.source);
    if let Some(t) = &doc.title {
        let _ = writeln!(s, "   {t}");
    }
    section(
        &mut s,
        "dates",
        ex.timexes.iter().map(|t| {
            let m = t.modifier.map(|m| format!(" {m}")).unwrap_or_default();
            format!("{:<28} {:?} {}{}", quote(t.span.of(text)), t.kind, t.value, m)
        }),
    );
    section(
        &mut s,
        "metrics",
        ex.metrics.iter().map(|m| {
            let max = m.value_max.map(|v| format!("..{v}")).unwrap_or_default();
            let scope = m.scope.as_deref().map(|c| format!(" in {c}")).unwrap_or_default();
            let as_of = m.as_of.as_deref().unwrap_or("?");
            format!(
                "{:<28} {} = {}{} ({}) as of {}{}",
                quote(m.span.of(text)),
                m.metric,
                m.value,
                max,
                m.qualifier.as_str(),
                as_of,
                scope
            )
        }),
    );
    section(
        &mut s,
        "events",
        ex.events.iter().map(|e| {
            format!("{} {} at {}", e.kind, e.date.as_deref().unwrap_or("?"), e.place.as_deref().unwrap_or("?"))
        }),
    );
    section(
        &mut s,
        "claims",
        ex.claims.iter().map(|c| {
            format!("{} ({}): {}", c.speaker.as_deref().unwrap_or("unattributed"), c.cue, quote(c.span.of(text)))
        }),
    );
    let mut actors: Vec<(&str, String)> = Vec::new();
    for m in &ex.mentions {
        let kind = format!("{:?}", m.kind);
        if !actors.iter().any(|(c, _)| *c == &*m.canonical) {
            actors.push((&m.canonical, kind));
        }
    }
    section(
        &mut s,
        "actors",
        actors.iter().map(|(c, k)| {
            let n = ex.mentions.iter().filter(|m| &*m.canonical == *c).count();
            format!("{c} ({k}, {n} mention{})", if n == 1 { "" } else { "s" })
        }),
    );
    section(
        &mut s,
        "figures",
        ex.quantities.iter().map(|q| {
            let max = q.value_max.map(|v| format!("..{v}")).unwrap_or_default();
            format!("{:<28} {}{} {} ({})", quote(q.span.of(text)), q.value, max, q.unit, q.qualifier.as_str())
        }),
    );
    s.push('\n');
    s
}

fn section(s: &mut String, title: &str, lines: impl Iterator<Item = String>) {
    let lines: Vec<String> = lines.collect();
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(s, "  {title}:");
    for l in lines {
        let _ = writeln!(s, "    {l}");
    }
}

fn quote(s: &str) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("\"{flat}\"")
}
