//! Ingest over HTTP: `POST /api/documents` turns a request body into documents and stores each
//! one exactly as `chronicle ingest` does (extract, [`Record::prepare`], [`Store::put`](chronicle_store::Store::put): one
//! transaction per document, re-ingesting a text is a no-op).
//!
//! Accepted bodies, by `Content-Type`:
//! - `application/json`: one document in the FORMAT.md shape (`{"id", "text", "url"?,
//!   "published"?, "title"?}`) or an array of them;
//! - `application/x-ndjson` (also `application/jsonl`, `application/x-jsonlines`): JSON Lines
//!   of documents, as in a `docs.jsonl` file;
//! - `text/plain`, `text/markdown` or `text/html` (main content only): one report; `id`, `title`, `url` and `published` may be
//!   given as query parameters (the id defaults to a prefix of the text's hash);
//! - `multipart/form-data` (the page's upload form): each `file` part is a `.jsonl`/`.json`
//!   file of documents or a text, Markdown or HTML report whose id is its file name (or the `id` field).
//!
//! Every document is parsed with `chronicle_ingest`'s own line parser and text decoder, so
//! errors read as they do on the command line, and one bad document never stops the batch:
//! the answer lists each document's fate. Writing needs the token when one is configured and
//! is refused on a read-only server, both checked before the body is read.

use crate::api::blocking;
use crate::error::ApiError;
use crate::{AppState, Writes};
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use chronicle_core::Document;
use chronicle_ingest::{decode_text, parse_line, SourceError};
use chronicle_store::{Ingested, Record};
use serde::{Deserialize, Serialize};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What happened to one document of a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Stored { id: String, facts: usize, duplicate_of: Option<String> },
    AlreadyPresent { id: String },
    Rejected { source: String, message: String },
}

/// The answer to an ingest request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    pub stored: usize,
    pub already_present: usize,
    pub rejected: usize,
    pub results: Vec<Outcome>,
}

/// Metadata for a text body, from the query string or the form's fields.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TextMeta {
    pub id: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
}

/// A document parsed from the request, or why one could not be.
type Parsed = Result<(Document, String), String>;

/// `POST /api/documents`.
pub async fn post_documents(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: Request,
) -> Result<impl IntoResponse, ApiError> {
    authorize(&state.writes, &headers)?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let docs: Vec<Parsed> = match media.as_str() {
        "multipart/form-data" => {
            let multipart = Multipart::from_request(request, &state).await?;
            from_multipart(multipart).await?
        }
        "application/json" => {
            let body = Bytes::from_request(request, &state).await?;
            from_json(&body)?
        }
        "application/x-ndjson" | "application/jsonl" | "application/x-jsonlines" | "application/jsonlines" => {
            let body = Bytes::from_request(request, &state).await?;
            from_json_lines("body", &body)
        }
        "text/plain" | "text/markdown" | "text/html" => {
            let meta = request.uri().query().map(serde_urlencoded_meta).transpose()?.unwrap_or_default();
            let body = Bytes::from_request(request, &state).await?;
            vec![from_text("body", body.to_vec(), meta, None, media == "text/html")]
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send application/json, application/x-ndjson, text/plain, text/markdown or multipart/form-data",
            ))
        }
    };
    if docs.is_empty() {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", "the request holds no document"));
    }
    let extractor = state.extractor.clone();
    let report = blocking(&state, move |store| Ok(store_all(store, &extractor, docs))).await?;
    if report.stored + report.already_present == 0 {
        let first = report.results.iter().find_map(|o| match o {
            Outcome::Rejected { source, message } => Some(format!("{source}: {message}")),
            _ => None,
        });
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
            format!(
                "no document could be ingested ({} rejected; first: {})",
                report.rejected,
                first.unwrap_or_default()
            ),
        ));
    }
    let status = if report.stored > 0 { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(report)))
}

/// Checks that this request may write.
pub fn authorize(writes: &Writes, headers: &HeaderMap) -> Result<(), ApiError> {
    match writes {
        Writes::Open => Ok(()),
        Writes::Disabled => Err(ApiError::new(StatusCode::FORBIDDEN, "read_only", "this server is read-only")),
        Writes::Token(token) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim);
            match given {
                Some(g) if constant_time_eq(g.as_bytes(), token.as_bytes()) => Ok(()),
                Some(_) => Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "wrong token")),
                None => Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "writing needs the server's token: send Authorization: Bearer <token>",
                )),
            }
        }
    }
}

/// Compares two secrets in time that depends on their lengths only.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn serde_urlencoded_meta(query: &str) -> Result<TextMeta, ApiError> {
    axum::extract::Query::<TextMeta>::try_from_uri(&format!("/?{query}").parse().map_err(|_| bad_query())?)
        .map(|q| q.0)
        .map_err(|e| ApiError::bad_request(e.body_text()))
}

fn bad_query() -> ApiError {
    ApiError::bad_request("invalid query string")
}

/// One document or an array of documents.
pub fn from_json(body: &[u8]) -> Result<Vec<Parsed>, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("body: invalid JSON: {e}")))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        other => vec![other],
    };
    Ok(items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let bytes = serde_json::to_vec(item).unwrap_or_default();
            parsed(parse_line("body", i + 1, &bytes))
        })
        .collect())
}

/// JSON Lines of documents; blank lines are skipped.
pub fn from_json_lines(name: &str, body: &[u8]) -> Vec<Parsed> {
    body.split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .map(|(i, line)| parsed(parse_line(name, i + 1, line)))
        .collect()
}

fn parsed(item: chronicle_ingest::Item) -> Parsed {
    item.map(|(doc, origin)| {
        let source = match origin.line {
            Some(l) => format!("http:{}:{l}", origin.path),
            None => format!("http:{}", origin.path),
        };
        (doc, source)
    })
    .map_err(|e: SourceError| e.to_string())
}

/// One report, text or an HTML page (reduced to its main content, title, date and URL from
/// its metadata, by `chronicle_ingest::html` as on the command line). Its id is the given one,
/// else the file name, else `upload-` and the first 12 hex digits of the text's hash (so
/// posting the same text twice names it the same way). Given metadata overrides the page's.
pub fn from_text(name: &str, bytes: Vec<u8>, meta: TextMeta, file_name: Option<&str>, is_html: bool) -> Parsed {
    let text = decode_text(name, bytes).map_err(|e| e.to_string())?;
    if text.trim().is_empty() {
        return Err(format!("{name}: empty document"));
    }
    let page = if is_html {
        chronicle_ingest::html::main_content(&text).map_err(|reason| format!("{name}: {reason}"))?
    } else {
        chronicle_ingest::html::Page { text, ..Default::default() }
    };
    let id = meta
        .id
        .filter(|i| !i.trim().is_empty())
        .or_else(|| file_name.filter(|f| !f.is_empty()).map(str::to_string))
        .unwrap_or_else(|| format!("upload-{}", &chronicle_store::record::content_hash(&page.text)[..12]));
    let keep = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let doc = Document {
        id,
        url: keep(meta.url).or(page.url),
        published: keep(meta.published).or(page.published),
        title: keep(meta.title).or(page.title),
        text: page.text,
    };
    Ok((doc, format!("http:{name}")))
}

/// The upload form: `file` parts (one or more), with optional `id`, `title`, `url` and
/// `published` fields that apply to a single text file.
async fn from_multipart(mut multipart: Multipart) -> Result<Vec<Parsed>, ApiError> {
    let mut meta = TextMeta::default();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "file" | "files" => {
                let file_name = field.file_name().map(base_name).unwrap_or_default();
                let bytes = field.bytes().await?;
                if !(file_name.is_empty() && bytes.is_empty()) {
                    files.push((file_name, bytes.to_vec()));
                }
            }
            "id" | "title" | "url" | "published" => {
                let value = field.text().await?;
                let slot = match name.as_str() {
                    "id" => &mut meta.id,
                    "title" => &mut meta.title,
                    "url" => &mut meta.url,
                    _ => &mut meta.published,
                };
                *slot = Some(value);
            }
            _ => {}
        }
    }
    if files.is_empty() {
        return Err(ApiError::bad_request("the form holds no file (field \"file\")"));
    }
    let single = files.len() == 1;
    let mut docs = Vec::new();
    for (file_name, bytes) in files {
        let label = if file_name.is_empty() { "upload".to_string() } else { file_name.clone() };
        let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        match ext.as_str() {
            "jsonl" | "ndjson" | "json" => {
                let trimmed = bytes.iter().position(|b| !b.is_ascii_whitespace()).map(|i| bytes[i]);
                if ext == "json" && trimmed == Some(b'[') {
                    docs.extend(from_json(&bytes)?);
                } else {
                    docs.extend(from_json_lines(&label, &bytes));
                }
            }
            "txt" | "text" | "md" | "markdown" | "" | "html" | "htm" | "xhtml" => {
                let m = if single { meta.clone() } else { TextMeta::default() };
                let name = Some(file_name.as_str()).filter(|f| !f.is_empty());
                docs.push(from_text(&label, bytes, m, name, ext.contains("htm")));
            }
            _ => docs.push(Err(format!("{label}: unsupported file type (expected .txt, .md, .html, .jsonl or .json)"))),
        }
    }
    Ok(docs)
}

/// The last component of a client-supplied file name (browsers may send a path).
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or("").trim().to_string()
}

/// Extracts and stores each document in its own transaction.
pub fn store_all(
    store: &dyn chronicle_store::Store,
    extractor: &chronicle_extract::Extractor,
    docs: Vec<Parsed>,
) -> IngestReport {
    let mut report = IngestReport::default();
    for item in docs {
        let outcome = match item {
            Err(message) => Outcome::Rejected { source: "body".into(), message },
            Ok((doc, source)) => store_one(store, extractor, &doc, &source),
        };
        match &outcome {
            Outcome::Stored { .. } => report.stored += 1,
            Outcome::AlreadyPresent { .. } => report.already_present += 1,
            Outcome::Rejected { .. } => report.rejected += 1,
        }
        report.results.push(outcome);
    }
    report
}

fn store_one(
    store: &dyn chronicle_store::Store,
    extractor: &chronicle_extract::Extractor,
    doc: &Document,
    source: &str,
) -> Outcome {
    let record = catch_unwind(AssertUnwindSafe(|| Record::prepare(doc, &extractor.extract(doc), Some(source))));
    let Ok(record) = record else {
        return Outcome::Rejected {
            source: source.to_string(),
            message: format!("document {:?}: internal error during extraction", doc.id),
        };
    };
    match store.put(&record) {
        Ok(Ingested::Stored { id, facts, duplicate_of }) => Outcome::Stored { id, facts, duplicate_of },
        Ok(Ingested::AlreadyPresent { id }) => Outcome::AlreadyPresent { id },
        Err(e) => Outcome::Rejected { source: source.to_string(), message: format!("document {:?}: {e}", doc.id) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_become_documents_or_errors() {
        // (name, parsed, expected ids, expected error count)
        let cases: Vec<(&str, Vec<Parsed>, Vec<&str>, usize)> = vec![
            ("one object", from_json(br#"{"id":"a","text":"x y"}"#).unwrap(), vec!["a"], 0),
            (
                "array with a bad item",
                from_json(br#"[{"id":"a","text":"x"},{"text":"no id"},{"id":"c","text":"z"}]"#).unwrap(),
                vec!["a", "c"],
                1,
            ),
            (
                "json lines with blank and bad lines",
                from_json_lines("b", b"{\"id\":\"a\",\"text\":\"x\"}\n\n{oops\n{\"id\":\"b\",\"text\":\"y\"}\n"),
                vec!["a", "b"],
                1,
            ),
            ("text with id", vec![from_text("t", b"Some report.".to_vec(), meta("r1"), None, false)], vec!["r1"], 0),
            ("text named by file", vec![from_text("t", b"Text.".to_vec(), TextMeta::default(), Some("f.txt"), false)], vec!["f.txt"], 0),
            ("empty text", vec![from_text("t", b"  \n".to_vec(), TextMeta::default(), None, false)], vec![], 1),
            ("binary", vec![from_text("t", b"ab\0cd".to_vec(), TextMeta::default(), None, false)], vec![], 1),
            (
                "html page",
                vec![from_text(
                    "t",
                    b"<html><head><title>Talks</title></head><body><nav>Home | About</nav><article><p>Ministers of the coalition met in Kuwait on Tuesday to review the campaign and agreed to continue training.</p></article></body></html>".to_vec(),
                    TextMeta::default(),
                    Some("talks.html"),
                    true,
                )],
                vec!["talks.html"],
                0,
            ),
            ("html without body", vec![from_text("t", b"<html><head><title>T</title></head></html>".to_vec(), TextMeta::default(), None, true)], vec![], 1),
            ("invalid utf-8", vec![from_text("t", b"ab\xffcd".to_vec(), TextMeta::default(), None, false)], vec![], 1),
        ];
        for (name, parsed, ids, errors) in cases {
            let got: Vec<&str> = parsed.iter().filter_map(|p| p.as_ref().ok()).map(|(d, _)| d.id.as_str()).collect();
            assert_eq!(got, ids, "{name}");
            assert_eq!(parsed.iter().filter(|p| p.is_err()).count(), errors, "{name}");
        }
        assert!(from_json(b"{not json").is_err());
    }

    fn meta(id: &str) -> TextMeta {
        TextMeta { id: Some(id.into()), ..TextMeta::default() }
    }

    #[test]
    fn text_without_id_is_named_by_its_hash() {
        let a = from_text("t", b"The same report.".to_vec(), TextMeta::default(), None, false).unwrap().0.id;
        let b = from_text("t", b"The same report.".to_vec(), TextMeta::default(), None, false).unwrap().0.id;
        assert_eq!(a, b);
        assert!(a.starts_with("upload-") && a.len() == 19, "{a}");
    }

    #[test]
    fn file_names_lose_their_folders() {
        for (given, expected) in [("C:\\x\\r.txt", "r.txt"), ("a/b/r.md", "r.md"), ("r.txt", "r.txt"), ("", "")] {
            assert_eq!(base_name(given), expected);
        }
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"", b"x"));
    }

    proptest::proptest! {
        #[test]
        fn any_body_parses_without_panicking(body in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = from_json(&body);
            let _ = from_json_lines("p", &body);
            let _ = from_text("p", body.clone(), TextMeta::default(), None, false);
            let _ = from_text("p", body, TextMeta::default(), None, true);
        }
    }
}
