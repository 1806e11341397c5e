//! A minimal connection pool: connections are taken for one operation and given back.
//!
//! SQLite connections and PostgreSQL clients are `Send` but not `Sync`; keeping a few of them
//! behind a mutex lets one store serve several threads without a lock held across queries.

use std::sync::Mutex;

pub(crate) struct Pool<C> {
    idle: Mutex<Vec<C>>,
    connect: Box<dyn Fn() -> crate::Result<C> + Send + Sync>,
    /// Connections kept when given back; extra ones are closed.
    keep: usize,
}

impl<C> Pool<C> {
    pub(crate) fn new(first: C, keep: usize, connect: Box<dyn Fn() -> crate::Result<C> + Send + Sync>) -> Pool<C> {
        Pool { idle: Mutex::new(vec![first]), connect, keep }
    }

    /// Runs `f` with a connection: an idle one, or a new one when all are busy. A connection
    /// whose operation failed is dropped rather than given back (it may be mid-transaction).
    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut C) -> crate::Result<T>) -> crate::Result<T> {
        let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut conn = match taken {
            Some(c) => c,
            None => (self.connect)()?,
        };
        let out = f(&mut conn);
        if out.is_ok() {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < self.keep {
                idle.push(conn);
            }
        }
        out
    }
}
