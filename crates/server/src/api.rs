//! The JSON API: one handler per ledger query, each a thin call to a [`Store`] method.
//!
//! Lists are paginated with `limit` and `offset` and answered as a [`Listing`] whose
//! `next_offset` is the offset of the next page, or `null` on the last one (each handler asks
//! the store for one row more than the page to know). The routes, their parameters and their
//! answers are described for machines in `/api/openapi.json` (`assets/openapi.json`).

use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::{ingest, AppState};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use chronicle_store::{FactKind, Page, SearchQuery, SeriesQuery, Store, TimelineQuery};
use serde::{Deserialize, Serialize};

/// The OpenAPI 3 description of this API (hand-written; a test checks it names every route).
pub const OPENAPI: &str = include_str!("../assets/openapi.json");

/// Default and largest page sizes for lists.
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;
/// Default and largest number of points of a series in one answer.
pub const DEFAULT_POINTS: usize = 1000;
pub const MAX_POINTS: usize = 10_000;

pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/stats", get(stats))
        .route(
            "/api/documents",
            get(documents).post(ingest::post_documents).layer(DefaultBodyLimit::max(state.max_body)),
        )
        .route("/api/documents/{id}", get(document))
        .route("/api/documents/{id}/facts", get(facts))
        .route("/api/timeline", get(timeline))
        .route("/api/metrics", get(metrics))
        .route("/api/series/{metric}", get(series))
        .route("/api/entities", get(entities))
        .route("/api/entities/{name}", get(entity))
        .route("/api/search", get(search))
        .method_not_allowed_fallback(crate::error::method_not_allowed)
}

/// A page of a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub limit: usize,
    pub offset: usize,
    /// The offset of the next page, `null` when this is the last.
    pub next_offset: Option<usize>,
}

impl<T> Listing<T> {
    /// Builds a listing from rows fetched with [`fetch_page`] (one more than the page).
    fn from_rows(mut rows: Vec<T>, page: Page) -> Listing<T> {
        let more = rows.len() > page.limit;
        rows.truncate(page.limit);
        Listing {
            items: rows,
            limit: page.limit,
            offset: page.offset,
            next_offset: more.then_some(page.offset + page.limit),
        }
    }
}

/// The page asked for, checked: `limit` in 1..=`max` (default `default`).
fn page(limit: Option<usize>, offset: Option<usize>, default: usize, max: usize) -> Result<Page, ApiError> {
    let limit = limit.unwrap_or(default);
    if limit == 0 || limit > max {
        return Err(ApiError::bad_request(format!("limit must be between 1 and {max}")));
    }
    let offset = offset.unwrap_or(0);
    if offset > i64::MAX as usize / 2 {
        return Err(ApiError::bad_request("offset is too large"));
    }
    Ok(Page { limit, offset })
}

/// The page to ask the store for: one row more than `page`, to know whether another follows.
fn fetch_page(page: Page) -> Page {
    Page { limit: page.limit + 1, offset: page.offset }
}

/// Checks a date parameter: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn date_param(name: &str, value: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(v) = value.filter(|v| !v.is_empty()) else { return Ok(None) };
    let b = v.as_bytes();
    let ok = matches!(b.len(), 4 | 7 | 10)
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if ok {
        Ok(Some(v))
    } else {
        Err(ApiError::bad_request(format!("{name} must be a date: YYYY, YYYY-MM or YYYY-MM-DD")))
    }
}

/// Runs a store call on the blocking pool.
pub(crate) async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&dyn Store) -> Result<T, ApiError> + Send + 'static,
{
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || f(&*store))
        .await
        .map_err(|e| ApiError::internal(format!("the query did not complete: {e}")))?
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

#[derive(Serialize)]
struct StatsBody {
    backend: &'static str,
    #[serde(flatten)]
    stats: chronicle_store::Stats,
    writable: bool,
    token_required: bool,
}

async fn stats(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let writes = state.writes.clone();
    blocking(&state, move |s| {
        Ok(Json(StatsBody {
            backend: s.backend(),
            stats: s.stats()?,
            writable: writes != crate::Writes::Disabled,
            token_required: matches!(writes, crate::Writes::Token(_)),
        }))
    })
    .await
}

#[derive(Deserialize)]
struct ListParams {
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn documents(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<impl IntoResponse, ApiError> {
    let page = page(q.limit, q.offset, DEFAULT_LIMIT, MAX_LIMIT)?;
    blocking(&state, move |s| Ok(Json(Listing::from_rows(s.documents(fetch_page(page))?, page)))).await
}

async fn document(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<impl IntoResponse, ApiError> {
    blocking(&state, move |s| match s.document(&id)? {
        Some(d) => Ok(Json(d)),
        None => Err(ApiError::not_found(format!("no document {id:?} in the ledger"))),
    })
    .await
}

#[derive(Deserialize)]
struct FactParams {
    kind: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn facts(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<FactParams>,
) -> Result<impl IntoResponse, ApiError> {
    let page = page(q.limit, q.offset, DEFAULT_LIMIT, MAX_LIMIT)?;
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(FactKind::parse(k).ok_or_else(|| {
            ApiError::bad_request(format!("kind must be one of {}", FactKind::ALL.map(FactKind::as_str).join(", ")))
        })?),
    };
    blocking(&state, move |s| {
        let doc = s.document(&id)?.ok_or_else(|| ApiError::not_found(format!("no document {id:?} in the ledger")))?;
        let rows: Vec<_> = doc
            .facts
            .into_iter()
            .filter(|f| kind.is_none_or(|k| f.kind == k))
            .skip(page.offset)
            .take(page.limit + 1)
            .collect();
        Ok(Json(Listing::from_rows(rows, page)))
    })
    .await
}

#[derive(Deserialize)]
struct TimelineParams {
    from: Option<String>,
    to: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    place: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn timeline(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<TimelineParams>,
) -> Result<impl IntoResponse, ApiError> {
    let page = page(q.limit, q.offset, DEFAULT_LIMIT, MAX_LIMIT)?;
    let query = TimelineQuery {
        from: date_param("from", q.from)?,
        to: date_param("to", q.to)?,
        kind: q.kind.filter(|k| !k.is_empty()),
        place: q.place.filter(|p| !p.is_empty()),
        page: fetch_page(page),
    };
    blocking(&state, move |s| Ok(Json(Listing::from_rows(s.timeline(&query)?, page)))).await
}

async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    blocking(&state, |s| Ok(Json(s.metrics()?))).await
}

#[derive(Deserialize)]
struct SeriesParams {
    scope: Option<String>,
    known_on: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// A series with its points paginated (conflicts are judged on the whole series first).
#[derive(Serialize)]
struct SeriesBody {
    metric: String,
    scope: Option<String>,
    known_on: Option<String>,
    cumulative: bool,
    /// Points in the whole series.
    total: usize,
    limit: usize,
    offset: usize,
    next_offset: Option<usize>,
    points: Vec<chronicle_store::SeriesPoint>,
}

async fn series(
    State(state): State<AppState>,
    ApiPath(metric): ApiPath<String>,
    ApiQuery(q): ApiQuery<SeriesParams>,
) -> Result<impl IntoResponse, ApiError> {
    let page = page(q.limit, q.offset, DEFAULT_POINTS, MAX_POINTS)?;
    let query = SeriesQuery {
        metric,
        scope: q.scope.filter(|s| !s.is_empty()),
        known_on: date_param("known_on", q.known_on)?,
        cumulative: None,
    };
    blocking(&state, move |s| {
        let series = s.series(&query)?;
        let total = series.points.len();
        let points: Vec<_> = series.points.into_iter().skip(page.offset).take(page.limit).collect();
        let end = page.offset.saturating_add(points.len());
        Ok(Json(SeriesBody {
            metric: series.metric,
            scope: series.scope,
            known_on: series.known_on,
            cumulative: series.cumulative,
            total,
            limit: page.limit,
            offset: page.offset,
            next_offset: (end < total).then_some(end),
            points,
        }))
    })
    .await
}

async fn entities(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<impl IntoResponse, ApiError> {
    let page = page(q.limit, q.offset, DEFAULT_LIMIT, MAX_LIMIT)?;
    blocking(&state, move |s| Ok(Json(Listing::from_rows(s.entities(fetch_page(page))?, page)))).await
}

async fn entity(State(state): State<AppState>, ApiPath(name): ApiPath<String>) -> Result<impl IntoResponse, ApiError> {
    blocking(&state, move |s| match s.entity(&name)? {
        Some(e) => Ok(Json(e)),
        None => Err(ApiError::not_found(format!("no entity {name:?} in the ledger"))),
    })
    .await
}

#[derive(Deserialize)]
struct SearchParams {
    q: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn search(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SearchParams>,
) -> Result<impl IntoResponse, ApiError> {
    let page = page(q.limit, q.offset, DEFAULT_LIMIT, MAX_LIMIT)?;
    let text = q.q.unwrap_or_default();
    if !text.chars().any(char::is_alphanumeric) {
        return Err(ApiError::bad_request("q must contain at least one word"));
    }
    if text.len() > 1000 {
        return Err(ApiError::bad_request("q is longer than 1000 bytes"));
    }
    let query = SearchQuery { text, page: fetch_page(page) };
    blocking(&state, move |s| Ok(Json(Listing::from_rows(s.search(&query)?, page)))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_parameters_are_checked() {
        let cases = [
            ("2015", true),
            ("2015-03", true),
            ("2015-03-22", true),
            ("", true),
            ("15", false),
            ("2015-3-22", false),
            ("2015/03/22", false),
            ("2015-03-22'--", false),
            ("abcd", false),
        ];
        for (v, ok) in cases {
            assert_eq!(date_param("from", Some(v.to_string())).is_ok(), ok, "{v}");
        }
    }

    #[test]
    fn pages_are_bounded() {
        let cases = [
            (None, None, Some(Page { limit: 50, offset: 0 })),
            (Some(10), Some(20), Some(Page { limit: 10, offset: 20 })),
            (Some(0), None, None),
            (Some(501), None, None),
            (Some(500), Some(usize::MAX), None),
        ];
        for (limit, offset, expected) in cases {
            assert_eq!(page(limit, offset, DEFAULT_LIMIT, MAX_LIMIT).ok(), expected, "{limit:?} {offset:?}");
        }
    }

    #[test]
    fn listings_know_when_another_page_follows() {
        let p = Page { limit: 2, offset: 4 };
        assert_eq!(Listing::from_rows(vec![1, 2, 3], p).next_offset, Some(6));
        assert_eq!(Listing::from_rows(vec![1, 2], p).next_offset, None);
        assert_eq!(Listing::from_rows(vec![1, 2, 3], p).items, vec![1, 2]);
    }
}
