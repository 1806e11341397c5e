//! chronicle's ledger over HTTP: a JSON API and a web page, from one binary.
//!
//! The server is a thin adapter over [`chronicle_store::Store`]: every query handler calls one
//! store method (on tokio's blocking pool, since the store is synchronous) and returns its rows
//! as JSON; ingest runs the same extraction as `chronicle ingest` ([`Extractor::extract`], then
//! [`chronicle_store::Record::prepare`] and [`Store::put`]). [`app`] builds the router from an
//! [`AppState`] without binding anything, so tests drive it with tower's `oneshot`; [`run`]
//! binds a socket and serves until Ctrl-C.
//!
//! Security model, in one place:
//! - the server binds to loopback unless told otherwise;
//! - writes (POST) need a bearer token whenever one is configured, and [`Writes::for_address`]
//!   refuses to open writes on a non-loopback address without one; `--read-only` closes them;
//! - request bodies are capped ([`AppState::max_body`]);
//! - every response carries a strict Content-Security-Policy (scripts from this origin only, no
//!   inline script), and every piece of document text is escaped: server-side by
//!   [`html::escape`], in the page's script by `textContent` (the script never assigns
//!   `innerHTML`).

pub mod api;
mod assets;
pub mod error;
pub mod html;
pub mod ingest;

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use chronicle_extract::Extractor;
use chronicle_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::ApiError;

/// The largest request body accepted by default (an upload of reports), in bytes.
pub const DEFAULT_MAX_BODY: usize = 16 << 20;

/// The Content-Security-Policy of every response: the page's script and style come from this
/// origin only, nothing inline runs, and nothing may frame the page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Who may write (ingest) through this server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Writes {
    /// Anyone who can reach the server (only allowed on a loopback address).
    Open,
    /// Requests carrying `Authorization: Bearer <token>`.
    Token(String),
    /// Nobody: the server is read-only.
    Disabled,
}

impl Writes {
    /// The write policy for a server bound to `addr`: read-only when asked, else the token
    /// when one is given, else open on loopback. A non-loopback address without a token is
    /// refused: anyone on the network could write to the ledger.
    pub fn for_address(addr: &SocketAddr, token: Option<String>, read_only: bool) -> Result<Writes, ServeError> {
        let token = token.filter(|t| !t.is_empty());
        if read_only {
            return Ok(Writes::Disabled);
        }
        match token {
            Some(t) => Ok(Writes::Token(t)),
            None if addr.ip().is_loopback() => Ok(Writes::Open),
            None => Err(ServeError::TokenRequired { addr: *addr }),
        }
    }
}

/// Everything a handler needs: the ledger, the extractor for ingest, and the limits.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub extractor: Arc<Extractor>,
    pub writes: Writes,
    /// The largest request body accepted, in bytes.
    pub max_body: usize,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, extractor: Arc<Extractor>, writes: Writes) -> AppState {
        AppState { store, extractor, writes, max_body: DEFAULT_MAX_BODY }
    }
}

/// Starting the server failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "{addr} is not a loopback address: writes would be open to the network; \
         give a token (--token or CHRONICLE_TOKEN) or serve --read-only"
    )]
    TokenRequired { addr: SocketAddr },
    #[error("cannot listen on {addr}: {err}")]
    Bind { addr: SocketAddr, err: std::io::Error },
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// The whole application: the JSON API under `/api`, the page and its assets, the document
/// view, security headers on every response.
pub fn app(state: AppState) -> Router {
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    Router::new()
        .merge(api::routes(&state))
        .merge(assets::routes())
        .merge(html::routes())
        .fallback(error::not_found)
        .with_state(state)
        .layer(set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
}

/// Serves `state` on `addr` until Ctrl-C (or SIGTERM). `ready` is called with the address
/// actually bound (port 0 picks a free port) once the socket listens.
pub fn run(addr: SocketAddr, state: AppState, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|err| ServeError::Bind { addr, err })?;
        ready(listener.local_addr()?);
        axum::serve(listener, app(state)).with_graceful_shutdown(shutdown_signal()).await?;
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_policy_follows_address_token_and_read_only() {
        let lo: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let lo6: SocketAddr = "[::1]:8080".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        // (name, address, token, read-only, expected policy or refusal)
        type Case<'a> = (&'a str, SocketAddr, Option<&'a str>, bool, Option<Writes>);
        let cases: &[Case] = &[
            ("loopback, no token", lo, None, false, Some(Writes::Open)),
            ("ipv6 loopback, no token", lo6, None, false, Some(Writes::Open)),
            ("loopback, token", lo, Some("t"), false, Some(Writes::Token("t".into()))),
            ("loopback, empty token", lo, Some(""), false, Some(Writes::Open)),
            ("network, token", any, Some("t"), false, Some(Writes::Token("t".into()))),
            ("network, no token", any, None, false, None),
            ("network, empty token", any, Some(""), false, None),
            ("network, read-only", any, None, true, Some(Writes::Disabled)),
            ("loopback, token, read-only", lo, Some("t"), true, Some(Writes::Disabled)),
        ];
        for (name, addr, token, ro, expected) in cases {
            let got = Writes::for_address(addr, token.map(str::to_string), *ro).ok();
            assert_eq!(&got, expected, "{name}");
        }
    }
}
