//! The document view, rendered on the server: a report's text with its extracted facts
//! highlighted, each sentence an anchor (`#s-N`), and the span a link came for marked
//! `#source` (`/doc/{id}?span=START-END#source`, character offsets).
//!
//! It is server-rendered so that a link to a source sentence works without JavaScript and can
//! be shared as it is. Every piece of text that comes from a document or a request goes
//! through [`escape`]; nothing else is ever written into the page unescaped.

use crate::api::blocking;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chronicle_store::{Fact, FactKind, StoredDocument};
use serde::Deserialize;
use std::fmt::Write;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/doc/{id}", get(document_page))
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Percent-encodes a path segment (everything but unreserved characters).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[derive(Deserialize)]
struct DocParams {
    /// `START-END`, character offsets of the span to mark as the source.
    span: Option<String>,
}

async fn document_page(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<DocParams>,
) -> Response {
    let span = q.span.as_deref().and_then(parse_span);
    let lookup = id.clone();
    match blocking(&state, move |s| Ok(s.document(&lookup)?)).await {
        Ok(Some(doc)) => Html(render_document(&doc, span)).into_response(),
        Ok(None) => error_page(StatusCode::NOT_FOUND, &format!("No document {id:?} in the ledger.")),
        Err(ApiError { status, message, .. }) => error_page(status, &message),
    }
}

fn parse_span(s: &str) -> Option<(usize, usize)> {
    let (a, b) = s.split_once('-')?;
    let (a, b) = (a.parse().ok()?, b.parse().ok()?);
    (a < b).then_some((a, b))
}

fn error_page(status: StatusCode, message: &str) -> Response {
    let mut out = head("Not found");
    let _ = write!(out, "<main><h1>{}</h1><p>{}</p></main></body></html>", status.as_u16(), escape(message));
    (status, Html(out)).into_response()
}

/// The start of every server-rendered page: the shared stylesheet and the site's navigation.
fn head(title: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"icon\" href=\"data:,\"><title>{} · chronicle</title>\
         <link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body>\
         <header class=\"top\"><a class=\"brand\" href=\"/\">chronicle</a><nav>\
         <a href=\"/#/timeline\">Timeline</a><a href=\"/#/series\">Series</a>\
         <a href=\"/#/entities\">Entities</a><a href=\"/#/search\">Search</a>\
         <a href=\"/#/documents\">Documents</a><a href=\"/#/upload\">Upload</a></nav></header>",
        escape(title)
    )
}

/// A short description of a fact for its tooltip and table row.
fn describe(f: &Fact) -> String {
    let mut d = f.kind.as_str().to_string();
    if let Some(l) = &f.label {
        let _ = write!(d, " {l}");
    }
    if let Some(n) = f.number {
        let _ = write!(d, " = {}", number(n));
        if let Some(m) = f.number_max {
            let _ = write!(d, "–{}", number(m));
        }
    }
    if let Some(v) = &f.value {
        let _ = write!(d, " ({v})");
    }
    for (name, v) in [("qualifier", &f.qualifier), ("as of", &f.date), ("scope", &f.scope), ("place", &f.place)] {
        if let Some(v) = v {
            if !(name == "qualifier" && v == "exact") {
                let _ = write!(d, ", {name} {v}");
            }
        }
    }
    if let Some(s) = &f.speaker {
        let _ = write!(d, ", said by {s}");
    }
    d
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The document page: metadata, the text with facts highlighted, and the table of facts.
pub fn render_document(doc: &StoredDocument, source: Option<(usize, usize)>) -> String {
    let s = &doc.summary;
    let title = s.title.clone().unwrap_or_else(|| s.id.clone());
    let mut out = head(&title);
    out.push_str("<main class=\"doc\">");
    let _ = write!(out, "<h1>{}</h1><dl class=\"meta\"><dt>id</dt><dd>{}</dd>", escape(&title), escape(&s.id));
    if let Some(p) = &s.published {
        let _ =
            write!(out, "<dt>published</dt><dd>{} <small>({})</small></dd>", escape(p), escape(&s.published_source));
    }
    if let Some(u) = &s.url {
        if u.starts_with("https://") || u.starts_with("http://") {
            let _ = write!(out, "<dt>url</dt><dd><a rel=\"noopener noreferrer\" href=\"{0}\">{0}</a></dd>", escape(u));
        } else {
            let _ = write!(out, "<dt>url</dt><dd>{}</dd>", escape(u));
        }
    }
    if let Some(d) = &s.duplicate_of {
        let _ = write!(
            out,
            "<dt>duplicate of</dt><dd><a href=\"/doc/{}\">{}</a> (left out of series and counts)</dd>",
            encode_segment(d),
            escape(d)
        );
    }
    let _ = write!(out, "<dt>facts</dt><dd>{}</dd></dl>", doc.facts.len());
    out.push_str("<p class=\"legend\">");
    for k in FactKind::ALL {
        let _ = write!(out, "<mark class=\"fact k-{0}\">{0}</mark> ", k.as_str());
    }
    out.push_str("</p><article class=\"text\" id=\"text\">");
    render_text(&mut out, doc, source);
    out.push_str("</article><h2>Facts</h2><div class=\"scroll\"><table class=\"facts\"><thead><tr><th>kind</th><th>text</th><th>reading</th><th>rule</th><th>sentence</th></tr></thead><tbody>");
    for f in &doc.facts {
        let _ = write!(
            out,
            "<tr class=\"k-{}\"><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><a href=\"#s-{}\">{}</a></td></tr>",
            f.kind.as_str(),
            f.kind.as_str(),
            escape(&f.text),
            escape(&describe(f)),
            escape(&f.rule),
            f.sentence,
            f.sentence + 1
        );
    }
    out.push_str("</tbody></table></div></main></body></html>");
    out
}

/// Writes the text: sentences as anchored spans, fact spans as `<mark>`s (a stretch covered by
/// several facts is one mark carrying all their kinds), the source span as `#source`.
fn render_text(out: &mut String, doc: &StoredDocument, source: Option<(usize, usize)>) {
    let text = &doc.text;
    // Byte offset of each character, plus the end.
    let bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect();
    let chars = bytes.len() - 1;
    let slice = |a: usize, b: usize| &text[bytes[a.min(chars)]..bytes[b.min(chars)]];
    let mut sentences: Vec<_> = doc.sentences.iter().filter(|s| s.start < s.end && s.end <= chars).collect();
    sentences.sort_by_key(|s| s.start);
    let mut facts: Vec<&Fact> = doc.facts.iter().filter(|f| f.start < f.end && f.end <= chars).collect();
    facts.sort_by_key(|f| (f.start, f.end));
    let mut pos = 0;
    for s in sentences {
        if s.start < pos {
            continue;
        }
        escape_into(out, slice(pos, s.start));
        let src = source.filter(|&(a, b)| s.start <= a && b <= s.end);
        let _ = write!(
            out,
            "<span class=\"sentence{}\" id=\"s-{}\">",
            if src.is_some() { " source-sentence" } else { "" },
            s.index
        );
        let inside: Vec<&Fact> = facts.iter().copied().filter(|f| f.start < s.end && s.start < f.end).collect();
        let mut cuts: Vec<usize> = vec![s.start, s.end];
        for f in &inside {
            cuts.push(f.start.max(s.start));
            cuts.push(f.end.min(s.end));
        }
        if let Some((a, b)) = src {
            cuts.extend([a, b]);
        }
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            if src.is_some_and(|(sa, _)| sa == a) {
                out.push_str("<span id=\"source\" class=\"source\">");
            }
            let active: Vec<&&Fact> = inside.iter().filter(|f| f.start <= a && b <= f.end).collect();
            if active.is_empty() {
                escape_into(out, slice(a, b));
            } else {
                let mut kinds: Vec<FactKind> = active.iter().map(|f| f.kind).collect();
                kinds.sort_by_key(|k| FactKind::ALL.iter().position(|a| a == k));
                kinds.dedup();
                let classes: Vec<String> = kinds.iter().map(|k| format!("k-{}", k.as_str())).collect();
                let tip: Vec<String> = active.iter().map(|f| describe(f)).collect();
                let _ =
                    write!(out, "<mark class=\"fact {}\" title=\"{}\">", classes.join(" "), escape(&tip.join(" · ")));
                escape_into(out, slice(a, b));
                out.push_str("</mark>");
            }
            if src.is_some_and(|(_, sb)| sb == b) {
                out.push_str("</span>");
            }
        }
        out.push_str("</span>");
        pos = s.end;
    }
    escape_into(out, slice(pos, chars));
}

#[cfg(test)]
mod tests {
    use super::*;
    use chronicle_store::{DocSummary, SentenceRow};

    #[test]
    fn escape_covers_markup_and_quotes() {
        let cases = [
            ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("<img src=x onerror=\"a()\">", "&lt;img src=x onerror=&quot;a()&quot;&gt;"),
            ("Tom & 'Jerry'", "Tom &amp; &#39;Jerry&#39;"),
            ("Da\u{2019}esh", "Da\u{2019}esh"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape(input), expected);
        }
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("a/b c@d"), "a%2Fb%20c%40d");
        assert_eq!(encode_segment("r-1_x.txt"), "r-1_x.txt");
    }

    fn fact(kind: FactKind, start: usize, end: usize, text: &str) -> Fact {
        Fact {
            kind,
            start,
            end,
            sentence: 0,
            text: text.into(),
            rule: "r".into(),
            label: None,
            value: None,
            number: None,
            number_max: None,
            qualifier: None,
            date: None,
            scope: None,
            place: None,
            speaker: None,
            attrs: serde_json::Value::Null,
        }
    }

    fn doc(text: &str, sentences: &[(usize, usize)], facts: Vec<Fact>) -> StoredDocument {
        let chars: Vec<char> = text.chars().collect();
        StoredDocument {
            summary: DocSummary {
                id: "d<1>".into(),
                hash: "h".into(),
                title: Some("<b>t</b>".into()),
                url: Some("javascript:alert(1)".into()),
                published: None,
                published_source: "none".into(),
                source: None,
                bytes: text.len() as u64,
                facts: facts.len() as u64,
                duplicate_of: None,
                ingested_at: "now".into(),
            },
            text: text.into(),
            sentences: sentences
                .iter()
                .enumerate()
                .map(|(index, &(start, end))| SentenceRow {
                    index,
                    start,
                    end,
                    text: chars[start..end].iter().collect(),
                })
                .collect(),
            facts,
        }
    }

    #[test]
    fn text_is_rendered_with_facts_sentences_and_source() {
        // "Da’esh lost 60 towns. <script>x</script>" with an apostrophe of 3 bytes.
        let text = "Da\u{2019}esh lost 60 towns. <script>x</script>";
        let d = doc(
            text,
            &[(0, 21), (22, 40)],
            vec![
                fact(FactKind::Mention, 0, 6, "Da\u{2019}esh"),
                fact(FactKind::Metric, 12, 20, "60 towns"),
                fact(FactKind::Quantity, 12, 14, "60"),
            ],
        );
        let html = render_document(&d, Some((12, 20)));
        let cases = [
            ("sentence anchors", "<span class=\"sentence source-sentence\" id=\"s-0\">"),
            ("second sentence", "<span class=\"sentence\" id=\"s-1\">&lt;script&gt;x&lt;/script&gt;</span>"),
            ("mention mark", "<mark class=\"fact k-mention\" title=\"mention\">Da\u{2019}esh</mark>"),
            ("overlap is one mark with both kinds", "<mark class=\"fact k-quantity k-metric\""),
            ("source span", "<span id=\"source\" class=\"source\">"),
            ("escaped title", "<h1>&lt;b&gt;t&lt;/b&gt;</h1>"),
            ("escaped id", "<dd>d&lt;1&gt;</dd>"),
        ];
        for (name, needle) in cases {
            assert!(html.contains(needle), "{name}: {needle} not in {html}");
        }
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("href=\"javascript:"), "{html}");
    }

    #[test]
    fn out_of_range_offsets_do_not_panic() {
        let d = doc("Short.", &[(0, 6)], vec![fact(FactKind::Metric, 3, 99, "x"), fact(FactKind::Timex, 5, 2, "y")]);
        let html = render_document(&d, Some((0, 1000)));
        assert!(html.contains("Short."));
    }

    proptest::proptest! {
        #[test]
        fn rendering_never_panics_and_never_lets_markup_through(
            text in "\\PC{0,60}",
            spans in proptest::collection::vec((0usize..70, 0usize..70), 0..6),
        ) {
            let n = text.chars().count();
            let facts = spans.iter().map(|&(a, b)| fact(FactKind::Event, a, b, "f")).collect();
            let d = doc(&text, &[(0, n)], facts);
            let html = render_document(&d, spans.first().copied());
            let body = html.split("id=\"text\">").nth(1).unwrap_or("");
            proptest::prop_assert!(!body.contains("<script"));
        }
    }
}
