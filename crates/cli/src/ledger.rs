//! Where the ledger is, for every command that reads or writes it.
//!
//! `--ledger L`, else the `CHRONICLE_LEDGER` environment variable, else `./chronicle.db`.
//! A `postgres://` (or `postgresql://`) URL selects the PostgreSQL backend; anything else is
//! a SQLite file, created on first use.

use anyhow::Context;
use chronicle_store::Store;

/// The `--ledger` option shared by the ledger commands.
#[derive(clap::Args, Clone, Debug)]
pub struct LedgerArgs {
    /// The ledger: a SQLite file (created if missing) or a postgres:// URL.
    /// [default: $CHRONICLE_LEDGER, else ./chronicle.db]
    #[arg(long, value_name = "LEDGER", env = "CHRONICLE_LEDGER", default_value = chronicle_store::DEFAULT_LEDGER, hide_default_value = true, hide_env_values = true)]
    pub ledger: String,
}

impl LedgerArgs {
    /// Opens the ledger (creating and migrating it as needed).
    pub fn open(&self) -> anyhow::Result<Box<dyn Store>> {
        chronicle_store::open(&self.ledger).with_context(|| "cannot use the ledger".to_string())
    }

    /// The ledger as shown to people (a URL without its password).
    pub fn display(&self) -> String {
        if chronicle_store::is_postgres_url(&self.ledger) {
            match (self.ledger.find("://"), self.ledger.rfind('@')) {
                (Some(s), Some(at)) if at > s && self.ledger[s + 3..at].contains(':') => {
                    let user = &self.ledger[s + 3..at];
                    let user = &user[..user.find(':').unwrap_or(user.len())];
                    format!("{}{}:***{}", &self.ledger[..s + 3], user, &self.ledger[at..])
                }
                _ => self.ledger.clone(),
            }
        } else {
            self.ledger.clone()
        }
    }
}
