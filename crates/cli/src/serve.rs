//! `chronicle serve`: the ledger over HTTP, a JSON API and a web page (`chronicle-server`).
//!
//! This module only turns arguments into the server's configuration: which ledger, which
//! address (loopback unless told otherwise), who may write (a token, or nobody with
//! `--read-only`), and the body size limit. The server refuses to open writes on a
//! non-loopback address without a token.

use crate::ledger::LedgerArgs;
use crate::{build_extractor, DomainArgs};
use anyhow::Context;
use chronicle_server::{AppState, Writes};
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    ledger: LedgerArgs,
    /// Address to listen on; port 0 picks a free port (the address is printed on standard output).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Token that writes (ingest) must carry as `Authorization: Bearer <token>`. Required to
    /// accept writes on a non-loopback address.
    #[arg(long, value_name = "TOKEN", env = "CHRONICLE_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Refuse every write: the ledger is only read.
    #[arg(long)]
    read_only: bool,
    /// Largest request body accepted, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 16)]
    max_body_mb: usize,
    #[command(flatten)]
    domain: DomainArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let writes = Writes::for_address(&args.addr, args.token, args.read_only)?;
    let store = args.ledger.open()?;
    let extractor = build_extractor(&args.domain)?;
    let mut state = AppState::new(Arc::from(store), Arc::new(extractor), writes.clone());
    state.max_body = args.max_body_mb.max(1).saturating_mul(1 << 20);
    let shown = args.ledger.display();
    chronicle_server::run(args.addr, state, |addr| {
        let mode = match writes {
            Writes::Open => "writes open (loopback)",
            Writes::Token(_) => "writes need the token",
            Writes::Disabled => "read-only",
        };
        println!("chronicle: serving {shown} at http://{addr}/ ({mode}); Ctrl-C stops");
        let _ = std::io::stdout().flush();
    })
    .context("chronicle serve")?;
    Ok(ExitCode::SUCCESS)
}
