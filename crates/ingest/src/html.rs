//! HTML pages: the report's main content, without navigation, menus, footers and ads.
//!
//! Reports are often saved as web pages; the boilerplate around them (site menus, "related
//! stories", cookie banners) would otherwise be extracted as if the report said it. The main
//! content is found by `dom_smoothie`, a maintained Rust port of Mozilla's Readability (the
//! algorithm behind Firefox's reader view), and rendered as formatted text (paragraphs on
//! lines of their own, which the sentence splitter relies on). The title and the publication
//! date come from the page's metadata (`<title>`, Open Graph and `article:published_time`
//! meta tags, JSON-LD `datePublished`) where the page has them.

use chronicle_core::Document;
use dom_smoothie::{Config, Readability, TextMode};

/// The most elements a page may have before it is refused (bounds the time spent on it).
const MAX_ELEMENTS: usize = 200_000;

/// The readable part of a page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    pub title: Option<String>,
    /// `YYYY-MM-DD` from the page's metadata.
    pub published: Option<String>,
    pub url: Option<String>,
    /// The main content as text; its first line is the title when the page has one.
    pub text: String,
}

impl Page {
    /// The page as a document with the given id.
    pub fn into_document(self, id: String) -> Document {
        Document { id, url: self.url, published: self.published, title: self.title, text: self.text }
    }
}

/// Extracts the main content of an HTML page; the error says why there is none.
pub fn main_content(html: &str) -> Result<Page, String> {
    if !has_body_text(html) {
        return Err("no <body> content".into());
    }
    let cfg = Config { max_elements_to_parse: MAX_ELEMENTS, text_mode: TextMode::Formatted, ..Config::default() };
    let mut reader = Readability::new(html, None, Some(cfg)).map_err(|e| e.to_string())?;
    let article = reader.parse().map_err(|e| e.to_string())?;
    let body = article.text_content.trim();
    if body.is_empty() {
        return Err("the main content is empty".into());
    }
    let title = Some(article.title.trim().to_string()).filter(|t| !t.is_empty());
    let text = match &title {
        Some(t) if !body.starts_with(t.as_str()) => format!("{t}\n\n{body}"),
        _ => body.to_string(),
    };
    Ok(Page {
        title,
        published: article.published_time.as_deref().and_then(iso_date),
        url: article.url.filter(|u| u.starts_with("http")),
        text,
    })
}

/// Whether the page has any text outside `<head>`, scripts and styles (a quick check before
/// the full parse, so a page with no body gets a clear message).
fn has_body_text(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    let start = match lower.find("<body") {
        Some(i) => i,
        None => lower.find("</head>").map(|i| i + 7).unwrap_or(0),
    };
    let mut in_tag = false;
    let mut skip_until: Option<&str> = None;
    let bytes = lower.as_bytes();
    let mut i = start;
    while i < bytes.len() {
        if let Some(end) = skip_until {
            match lower[i..].find(end) {
                Some(j) => {
                    i += j + end.len();
                    skip_until = None;
                    continue;
                }
                None => return false,
            }
        }
        let c = bytes[i];
        if c == b'<' {
            if lower[i..].starts_with("<script") {
                skip_until = Some("</script>");
            } else if lower[i..].starts_with("<style") {
                skip_until = Some("</style>");
            } else if lower[i..].starts_with("<!--") {
                skip_until = Some("-->");
            }
            in_tag = true;
        } else if c == b'>' {
            in_tag = false;
        } else if !in_tag && !c.is_ascii_whitespace() {
            return true;
        }
        i += 1;
    }
    false
}

/// The `YYYY-MM-DD` at the start of a metadata date (`2015-03-22T10:00:00Z` and the like).
fn iso_date(value: &str) -> Option<String> {
    let v = value.trim();
    let b = v.as_bytes();
    let ok = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    ok.then(|| v[..10].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = r#"<!doctype html><html><head>
        <title>Partners agree on stabilisation funds</title>
        <meta property="article:published_time" content="2016-07-21T09:30:00Z">
        </head><body>
        <nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/about">About us</a></nav>
        <div class="sidebar">Subscribe to our newsletter for weekly updates.</div>
        <article><h1>Partners agree on stabilisation funds</h1>
        <p>Ministers of the partner nations met in Washington on Thursday and pledged new money for
        demining, water and electricity in towns retaken from the militants, officials said.</p>
        <p>The pledges add up to more than two billion dollars, according to the joint statement issued
        after the meeting, and will be disbursed through the stabilisation fund over two years.</p>
        <p>Officials said the police training programme would also be extended to three more provinces,
        with the first courses starting before the end of the summer.</p>
        </article>
        <footer>Copyright 2016 Example Press. All rights reserved. Privacy policy.</footer>
        </body></html>"#;

    #[test]
    fn main_content_keeps_the_report_and_drops_boilerplate() {
        let page = main_content(ARTICLE).unwrap();
        assert_eq!(page.title.as_deref(), Some("Partners agree on stabilisation funds"));
        assert_eq!(page.published.as_deref(), Some("2016-07-21"));
        assert!(page.text.starts_with("Partners agree on stabilisation funds"), "{}", page.text);
        assert!(page.text.contains("pledged new money for"), "{}", page.text);
        assert!(page.text.contains("three more provinces"), "{}", page.text);
        for boilerplate in ["Subscribe", "Copyright", "About us"] {
            assert!(!page.text.contains(boilerplate), "{boilerplate} kept: {}", page.text);
        }
        // Paragraphs stay apart, so sentences do not run into each other.
        assert!(page.text.contains("officials said.\n"), "{}", page.text);
    }

    #[test]
    fn pages_without_a_body_are_refused_with_a_reason() {
        let cases = [
            ("head only", "<html><head><title>T</title></head></html>"),
            ("empty body", "<html><head><title>T</title></head><body>  </body></html>"),
            ("scripts only", "<html><body><script>var a = 1;</script><style>p{}</style></body></html>"),
            ("comment only", "<html><body><!-- nothing here --></body></html>"),
        ];
        for (name, html) in cases {
            assert!(main_content(html).is_err(), "{name}");
        }
    }

    #[test]
    fn metadata_dates_are_read_as_iso_days() {
        let cases = [
            ("2015-03-22T10:00:00Z", Some("2015-03-22")),
            ("2015-03-22", Some("2015-03-22")),
            (" 2015-03-22 ", Some("2015-03-22")),
            ("March 22, 2015", None),
            ("2015-3-22", None),
            ("", None),
        ];
        for (value, expected) in cases {
            assert_eq!(iso_date(value).as_deref(), expected, "{value}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn main_content_never_panics(body in "\\PC{0,300}", tag in proptest::sample::select(vec!["p", "div", "script", "article", "b"])) {
            let html = format!("<html><body><{tag}>{body}</{tag}></body></html>");
            let _ = main_content(&html);
            let _ = main_content(&body);
        }
    }
}
