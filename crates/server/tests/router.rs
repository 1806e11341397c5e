//! Router tests without a socket: each request goes through the whole application (routing,
//! extractors, limits, security headers, the store) with tower's `oneshot`, over a SQLite
//! ledger in a temporary folder filled with reports written for these tests.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use chronicle_extract::Extractor;
use chronicle_server::{app, AppState, Writes};
use chronicle_store::sqlite::SqliteStore;
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

/// Reports written for these tests: two sources that disagree on the coalition's size on the
/// same day, a strike report, and one whose text is full of markup.
const REPORTS: &[(&str, &str, &str)] = &[
    (
        "london-1",
        "2015-01-22",
        "LONDON, January 22, 2015 - Foreign ministers of the 60-member coalition against Daesh met in London \
         on Thursday. They agreed that the coalition had halted the group's advance in Iraq.",
    ),
    (
        "london-2",
        "2015-01-22",
        "Ministers of the 62-member international coalition against ISIS gathered in London on January 22, 2015, \
         where the Secretary of State said the campaign would take years.",
    ),
    (
        "strikes-1",
        "2015-03-10",
        "Coalition aircraft have conducted more than 2,000 airstrikes against ISIL targets in Iraq and Syria \
         since August, officials said on March 10, 2015.",
    ),
    (
        "markup-1",
        "2016-05-01",
        "<script>window.__xss = 1</script> The coalition <img src=x onerror=\"window.__xss = 2\"> met in \
         Paris on May 1, 2016, with \"quotes\" & 'apostrophes'.",
    ),
];

fn state_with(writes: Writes, max_body: usize) -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("ledger.db")).unwrap();
    static EXTRACTOR: OnceLock<Arc<Extractor>> = OnceLock::new();
    let extractor = EXTRACTOR.get_or_init(|| Arc::new(Extractor::coalition())).clone();
    let mut state = AppState::new(Arc::new(store), extractor, writes);
    state.max_body = max_body;
    (state, dir)
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec();
    (status, headers, body)
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn post(uri: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

fn jsonl() -> String {
    REPORTS
        .iter()
        .map(|(id, published, text)| {
            serde_json::json!({"id": id, "published": published, "title": format!("Report {id}"), "text": text})
                .to_string()
                + "\n"
        })
        .collect()
}

/// An application over a ledger holding [`REPORTS`].
async fn loaded() -> (Router, tempfile::TempDir) {
    let (state, dir) = state_with(Writes::Open, chronicle_server::DEFAULT_MAX_BODY);
    let app = app(state);
    let (status, _, body) = send(&app, post("/api/documents", "application/x-ndjson", jsonl())).await;
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    (app, dir)
}

/// Checks the one error shape and returns its code.
fn error_code(body: &Value, status: StatusCode) -> String {
    let e = &body["error"];
    assert_eq!(e["status"], status.as_u16(), "{body}");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    e["code"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn errors_have_one_shape_and_the_right_status() {
    let (app, _dir) = loaded().await;
    let cases: &[(&str, Method, &str, StatusCode, &str)] = &[
        ("unknown document", Method::GET, "/api/documents/nope", StatusCode::NOT_FOUND, "not_found"),
        ("unknown entity", Method::GET, "/api/entities/Nobody%20At%20All", StatusCode::NOT_FOUND, "not_found"),
        ("unknown path", Method::GET, "/api/nothing-here", StatusCode::NOT_FOUND, "not_found"),
        ("bad date", Method::GET, "/api/timeline?from=yesterday", StatusCode::BAD_REQUEST, "bad_request"),
        ("bad known_on", Method::GET, "/api/series/airstrikes?known_on=2015-3", StatusCode::BAD_REQUEST, "bad_request"),
        ("limit zero", Method::GET, "/api/documents?limit=0", StatusCode::BAD_REQUEST, "bad_request"),
        ("limit too big", Method::GET, "/api/entities?limit=100000", StatusCode::BAD_REQUEST, "bad_request"),
        ("limit not a number", Method::GET, "/api/documents?limit=ten", StatusCode::BAD_REQUEST, "bad_request"),
        ("search without words", Method::GET, "/api/search?q=%20%2A", StatusCode::BAD_REQUEST, "bad_request"),
        ("search without q", Method::GET, "/api/search", StatusCode::BAD_REQUEST, "bad_request"),
        (
            "bad fact kind",
            Method::GET,
            "/api/documents/london-1/facts?kind=rumour",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        ("facts of unknown document", Method::GET, "/api/documents/nope/facts", StatusCode::NOT_FOUND, "not_found"),
        ("delete", Method::DELETE, "/api/documents", StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        ("post to a query", Method::POST, "/api/timeline", StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
    ];
    for (name, method, uri, status, code) in cases {
        let req = Request::builder().method(method.clone()).uri(*uri).body(Body::empty()).unwrap();
        let (got, headers, body) = send(&app, req).await;
        assert_eq!(got, *status, "{name}: {}", String::from_utf8_lossy(&body));
        assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{name}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error_code(&body, *status), *code, "{name}");
    }
}

#[tokio::test]
async fn queries_answer_from_the_ledger() {
    let (app, _dir) = loaded().await;
    let (status, stats) = get(&app, "/api/stats").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stats["documents"], 4, "{stats}");
    assert_eq!(stats["backend"], "sqlite");
    assert_eq!(stats["writable"], true);

    let (status, doc) = get(&app, "/api/documents/london-1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["title"], "Report london-1");
    assert!(doc["sentences"].as_array().is_some_and(|s| s.len() == 2), "{doc}");

    let (status, facts) = get(&app, "/api/documents/london-1/facts?kind=mention&limit=100").await;
    assert_eq!(status, StatusCode::OK);
    let items = facts["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|f| f["kind"] == "mention"), "{facts}");

    let (status, metrics) = get(&app, "/api/metrics").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = metrics.as_array().unwrap().iter().filter_map(|m| m["metric"].as_str()).collect();
    assert!(names.contains(&"coalition_members"), "{metrics}");

    // Two reports disagree on the coalition's size on the same day: both points are flagged.
    let (status, series) = get(&app, "/api/series/coalition_members").await;
    assert_eq!(status, StatusCode::OK);
    let points = series["points"].as_array().unwrap();
    let conflicted: Vec<&str> = points
        .iter()
        .filter(|p| p["conflicts"].as_array().is_some_and(|c| !c.is_empty()))
        .filter_map(|p| p["doc"].as_str())
        .collect();
    assert!(conflicted.contains(&"london-1") && conflicted.contains(&"london-2"), "{series}");
    assert_eq!(series["total"], points.len());

    let (status, hits) = get(&app, "/api/search?q=airstrikes").await;
    assert_eq!(status, StatusCode::OK);
    let hit = &hits["items"][0];
    assert_eq!(hit["doc"], "strikes-1", "{hits}");
    assert!(hit["highlights"].as_array().is_some_and(|h| !h.is_empty()), "{hits}");

    let (status, entity) = get(&app, "/api/entities/daesh").await;
    assert_eq!(status, StatusCode::OK, "{entity}");
    assert_eq!(entity["canonical"], "ISIS");
    assert!(entity["aliases"].as_array().is_some_and(|a| a.len() >= 2), "{entity}");

    let (status, timeline) = get(&app, "/api/timeline?type=meeting").await;
    assert_eq!(status, StatusCode::OK);
    assert!(timeline["items"].as_array().unwrap().iter().all(|e| e["kind"] == "meeting"), "{timeline}");
}

#[tokio::test]
async fn lists_are_paginated() {
    let (app, _dir) = loaded().await;
    let cases: &[(&str, usize, Option<u64>)] = &[
        ("/api/documents?limit=3", 3, Some(3)),
        ("/api/documents?limit=3&offset=3", 1, None),
        ("/api/documents?limit=4", 4, None),
        ("/api/documents?offset=10", 0, None),
    ];
    let mut seen = Vec::new();
    for (uri, len, next) in cases {
        let (status, page) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(page["items"].as_array().unwrap().len(), *len, "{uri}: {page}");
        assert_eq!(page["next_offset"].as_u64(), *next, "{uri}: {page}");
        if uri.contains("limit=3") {
            seen.extend(page["items"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()));
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 4, "pages overlap or skip: {seen:?}");

    let (_, all) = get(&app, "/api/series/coalition_members").await;
    let total = all["total"].as_u64().unwrap() as usize;
    let (_, first) = get(&app, "/api/series/coalition_members?limit=1").await;
    assert_eq!(first["points"].as_array().unwrap().len(), 1);
    assert_eq!(first["next_offset"].as_u64(), if total > 1 { Some(1) } else { None });
}

#[tokio::test]
async fn ingest_accepts_every_documented_body() {
    let (state, _dir) = state_with(Writes::Open, chronicle_server::DEFAULT_MAX_BODY);
    let app = app(state);
    let boundary = "XyZ123";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nUploaded report\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\reports\\\\mosul.txt\"\r\n\
         Content-Type: text/plain\r\n\r\nIraqi forces retook the city of Mosul in July 2017, officials said.\r\n\
         --{boundary}--\r\n"
    );
    let cases: Vec<(&str, Request<Body>, StatusCode, Vec<&str>)> = vec![
        (
            "one JSON object",
            post(
                "/api/documents",
                "application/json",
                r#"{"id":"j1","text":"Coalition ministers met in Rome on 2 February 2016."}"#,
            ),
            StatusCode::CREATED,
            vec!["j1"],
        ),
        (
            "a JSON array with one bad document",
            post(
                "/api/documents",
                "application/json; charset=utf-8",
                r#"[{"id":"j2","text":"Strikes continued near Raqqa in June 2017."},{"text":"no id"}]"#,
            ),
            StatusCode::CREATED,
            vec!["j2"],
        ),
        (
            "plain text with metadata in the query",
            post("/api/documents?id=t1&published=2016-02-02", "text/plain", "Ministers met in Rome today."),
            StatusCode::CREATED,
            vec!["t1"],
        ),
        (
            "multipart upload",
            post("/api/documents", &format!("multipart/form-data; boundary={boundary}"), multipart),
            StatusCode::CREATED,
            vec!["mosul.txt"],
        ),
        (
            "the same text again",
            post("/api/documents?id=t1-again", "text/plain", "Ministers met in Rome today."),
            StatusCode::OK,
            vec![],
        ),
    ];
    for (name, req, status, stored) in cases {
        let (got, _, body) = send(&app, req).await;
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(got, status, "{name}: {body}");
        let ids: Vec<&str> = body["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == "stored")
            .filter_map(|r| r["id"].as_str())
            .collect();
        assert_eq!(ids, stored, "{name}: {body}");
    }
    let (_, doc) = get(&app, "/api/documents/mosul.txt").await;
    assert_eq!(doc["title"], "Uploaded report", "{doc}");

    let bad: Vec<(&str, Request<Body>, StatusCode, &str)> = vec![
        (
            "unsupported type",
            post("/api/documents", "image/png", "x"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        ("invalid JSON", post("/api/documents", "application/json", "{oops"), StatusCode::BAD_REQUEST, "bad_request"),
        (
            "every line bad",
            post("/api/documents", "application/x-ndjson", "{}\n[]\n"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
        ),
        ("empty text", post("/api/documents", "text/plain", "   "), StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
        (
            "empty body",
            post("/api/documents", "application/x-ndjson", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
        ),
        (
            "form without file",
            post("/api/documents", &format!("multipart/form-data; boundary={boundary}"), format!("--{boundary}--\r\n")),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
    ];
    for (name, req, status, code) in bad {
        let (got, _, body) = send(&app, req).await;
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(got, status, "{name}: {body}");
        assert_eq!(error_code(&body, status), code, "{name}");
    }
}

#[tokio::test]
async fn writing_needs_the_token_and_read_only_refuses() {
    let doc = r#"{"id":"w1","text":"Ministers met in Rome on 2 February 2016."}"#;
    let with = |auth: Option<&str>| {
        let mut b = Request::builder()
            .method(Method::POST)
            .uri("/api/documents")
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(a) = auth {
            b = b.header(header::AUTHORIZATION, a);
        }
        b.body(Body::from(doc)).unwrap()
    };
    // (name, write policy, Authorization header, status, error code)
    type Case<'a> = (&'a str, Writes, Option<&'a str>, StatusCode, Option<&'a str>);
    let cases: &[Case] = &[
        (
            "token server, no header",
            Writes::Token("s3cret".into()),
            None,
            StatusCode::UNAUTHORIZED,
            Some("unauthorized"),
        ),
        (
            "token server, wrong token",
            Writes::Token("s3cret".into()),
            Some("Bearer nope"),
            StatusCode::UNAUTHORIZED,
            Some("unauthorized"),
        ),
        (
            "token server, other scheme",
            Writes::Token("s3cret".into()),
            Some("Basic s3cret"),
            StatusCode::UNAUTHORIZED,
            Some("unauthorized"),
        ),
        ("token server, right token", Writes::Token("s3cret".into()), Some("Bearer s3cret"), StatusCode::CREATED, None),
        ("read-only", Writes::Disabled, None, StatusCode::FORBIDDEN, Some("read_only")),
        ("read-only ignores tokens", Writes::Disabled, Some("Bearer s3cret"), StatusCode::FORBIDDEN, Some("read_only")),
        ("open loopback server", Writes::Open, None, StatusCode::CREATED, None),
    ];
    for (name, writes, auth, status, code) in cases {
        let (state, _dir) = state_with(writes.clone(), chronicle_server::DEFAULT_MAX_BODY);
        let app = app(state);
        let (got, _, body) = send(&app, with(*auth)).await;
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(got, *status, "{name}: {body}");
        if let Some(code) = code {
            assert_eq!(error_code(&body, *status), *code, "{name}");
            let (_, stats) = get(&app, "/api/stats").await;
            assert_eq!(stats["documents"], 0, "{name}: a refused write must store nothing");
        }
        // Reads never need the token.
        assert_eq!(get(&app, "/api/documents").await.0, StatusCode::OK, "{name}");
    }
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let (state, _dir) = state_with(Writes::Open, 1024);
    let app = app(state);
    let big = format!(r#"{{"id":"big","text":"{}"}}"#, "Ministers met in Rome. ".repeat(100));
    let small = r#"{"id":"small","text":"Ministers met in Rome on 2 February 2016."}"#;
    let boundary = "B0undary";
    let big_form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.txt\"\r\n\r\n{}\r\n--{boundary}--\r\n",
        "x ".repeat(1000)
    );
    let cases: Vec<(&str, Request<Body>, StatusCode)> = vec![
        ("json over the limit", post("/api/documents", "application/json", big.clone()), StatusCode::PAYLOAD_TOO_LARGE),
        (
            "text over the limit",
            post("/api/documents", "text/plain", "word ".repeat(400)),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "form over the limit",
            post("/api/documents", &format!("multipart/form-data; boundary={boundary}"), big_form),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "declared length over the limit",
            Request::builder()
                .method(Method::POST)
                .uri("/api/documents")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, big.len())
                .body(Body::from(big.clone()))
                .unwrap(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        ("under the limit", post("/api/documents", "application/json", small), StatusCode::CREATED),
    ];
    for (name, req, status) in cases {
        let (got, _, body) = send(&app, req).await;
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        assert_eq!(got, status, "{name}: {body}");
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            assert_eq!(error_code(&body, status), "payload_too_large", "{name}");
        }
    }
}

#[tokio::test]
async fn document_text_is_escaped_and_every_response_has_the_security_headers() {
    let (app, _dir) = loaded().await;
    let (status, headers, body) = send(&app, Request::get("/doc/markup-1").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    // The text reads exactly as written once tags are stripped and entities decoded...
    let article = html.split("id=\"text\">").nth(1).unwrap().split("</article>").next().unwrap();
    assert_eq!(strip_tags(article), REPORTS[3].2, "{article}");
    // ...and none of its markup became markup.
    let cases = [
        ("script tag escaped", true, "&lt;script&gt;"),
        ("event handler escaped", true, "onerror=&quot;"),
        ("no live script tag", false, "<script"),
        ("no live img tag", false, "<img"),
        ("no live handler", false, "onerror=\""),
    ];
    for (name, present, needle) in cases {
        assert_eq!(html.contains(needle), present, "{name}: {needle}");
    }
    assert_eq!(headers[header::CONTENT_SECURITY_POLICY], chronicle_server::CONTENT_SECURITY_POLICY);
    assert!(chronicle_server::CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
    assert!(!chronicle_server::CONTENT_SECURITY_POLICY.contains("unsafe-inline"));

    // The source anchor marks the span a chart point links to.
    let (_, series) = get(&app, "/api/series/coalition_members").await;
    let p = &series["points"][0];
    let uri = format!("/doc/{}?span={}-{}", p["doc"].as_str().unwrap(), p["start"], p["end"]);
    let (status, _, body) = send(&app, Request::get(uri.as_str()).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    let marked = html.split("<span id=\"source\" class=\"source\">").nth(1).expect("source span");
    let marked_text: String = strip_tags(marked.split("</span>").next().unwrap());
    assert_eq!(marked_text, p["text"].as_str().unwrap(), "{html}");

    for uri in ["/", "/assets/app.js", "/assets/app.css", "/api/stats", "/api/nope", "/doc/nope", "/api/openapi.json"] {
        let (_, headers, _) = send(&app, Request::get(uri).body(Body::empty()).unwrap()).await;
        for h in [header::CONTENT_SECURITY_POLICY, header::X_CONTENT_TYPE_OPTIONS, header::X_FRAME_OPTIONS] {
            assert!(headers.contains_key(&h), "{uri} lacks {h}");
        }
    }
    let (status, _, body) = send(&app, Request::get("/doc/%3Cscript%3Ex").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!String::from_utf8(body).unwrap().contains("<script>x"));
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

#[tokio::test]
async fn the_page_script_never_writes_markup() {
    let (app, _dir) = loaded().await;
    let (status, headers, body) = send(&app, Request::get("/assets/app.js").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
    let js = String::from_utf8(body).unwrap();
    let code: String = js.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
        assert!(!code.contains(sink), "app.js uses {sink}");
    }
    let (_, _, body) = send(&app, Request::get("/").body(Body::empty()).unwrap()).await;
    let index = String::from_utf8(body).unwrap();
    assert!(index.contains("<script src=\"/assets/app.js\""), "the page loads its script from this origin");
    assert_eq!(index.matches("<script").count(), 1, "no inline script in the page");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let (app, _dir) = loaded().await;
    let (status, spec) = get(&app, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let paths = spec["paths"].as_object().unwrap();
    // Every documented path answers (with its parameters filled in), and every route is documented.
    let routes = [
        ("/api/stats", "/api/stats", "get"),
        ("/api/documents", "/api/documents", "get"),
        ("/api/documents", "/api/documents", "post"),
        ("/api/documents/{id}", "/api/documents/london-1", "get"),
        ("/api/documents/{id}/facts", "/api/documents/london-1/facts", "get"),
        ("/api/timeline", "/api/timeline", "get"),
        ("/api/metrics", "/api/metrics", "get"),
        ("/api/series/{metric}", "/api/series/coalition_members", "get"),
        ("/api/entities", "/api/entities", "get"),
        ("/api/entities/{name}", "/api/entities/ISIS", "get"),
        ("/api/search", "/api/search?q=coalition", "get"),
        ("/api/openapi.json", "/api/openapi.json", "get"),
    ];
    assert_eq!(paths.len(), routes.iter().map(|r| r.0).collect::<std::collections::BTreeSet<_>>().len());
    for (path, uri, method) in routes {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} is not documented");
        if method == "get" {
            assert_eq!(get(&app, uri).await.0, StatusCode::OK, "{uri}");
        }
    }
    // Every $ref points at a schema that exists.
    let text = spec.to_string();
    for r in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = r.split('"').next().unwrap();
        assert!(spec["components"]["schemas"].get(name).is_some(), "missing schema {name}");
    }
}
