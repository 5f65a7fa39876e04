//! All SQL lives here. Every query over tenant data takes the `ClientId` it is scoped to,
//! a newtype only this module can make (from a row it read), so a caller-chosen string can
//! never stand in for it. The one exception is the public redirect, where the unguessable
//! handoff id is the capability and the client is read from that handoff's own row.
//! Bound parameters only; statements that belong together go in one batch (one round trip).
//! SQL that is assembled from parts (filters, status sets, erasure columns) is built by the
//! pure, natively tested functions of [`sql`]; rows become domain types as they are read.
//!
//! One file per part of the data: clients and their keys, settings, handoffs and their
//! status moves, the pipeline's pages, the scheduled sweep, provider webhooks, privacy
//! (erasure and retention) and the lead-forwarding outbox.
mod clients;
mod forwarding;
mod handoffs;
mod pipeline;
mod privacy;
mod settings;
pub mod sql;
mod sweep;
mod webhooks;

pub use clients::{Client, NewClient, SessionClient};
pub use forwarding::{AttemptOutcome, DeliveryLogRow, DueDelivery};
pub use handoffs::{HandoffRow, NewHandoff, Transition};
pub use pipeline::{HandoffPage, StatusCounts};
pub use privacy::ErasureLogRow;
pub use settings::{SecretChange, SettingsMeta, SettingsUpdate};
pub use webhooks::{LinkOutcome, UnmatchedEventRow};

use handoff_core::{id::HandoffId, status::HandoffStatus, time::iso8601_from_millis};
use serde::{de::DeserializeOwned, Deserialize, Deserializer};
use worker::{wasm_bindgen::JsValue, D1Database, D1PreparedStatement, D1Result, Env};

use crate::error::{AppError, AppResult};
use sql::{Query, Value};

/// The effective client id of a request: only ever read from the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientId(String);

impl ClientId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A moment as D1 stores it: milliseconds since the Unix epoch (an INTEGER column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(transparent)]
pub struct Millis(pub i64);

impl Millis {
    pub fn get(self) -> i64 {
        self.0
    }

    /// RFC 3339 in UTC, as the APIs and `<time datetime>` show it.
    pub fn iso8601(self) -> String {
        iso8601_from_millis(self.0)
    }
}

// Row decoders: a stored value was validated on the way in, so one that no longer reads is
// a corrupt row, reported as a storage error rather than guessed at.

fn client_id<'de, D: Deserializer<'de>>(d: D) -> Result<ClientId, D::Error> {
    String::deserialize(d).map(ClientId)
}

fn handoff_id<'de, D: Deserializer<'de>>(d: D) -> Result<HandoffId, D::Error> {
    let s = String::deserialize(d)?;
    HandoffId::parse(&s).ok_or_else(|| serde::de::Error::custom("stored handoff id unreadable"))
}

fn status<'de, D: Deserializer<'de>>(d: D) -> Result<HandoffStatus, D::Error> {
    let s = String::deserialize(d)?;
    HandoffStatus::parse(&s).ok_or_else(|| serde::de::Error::custom("stored status unreadable"))
}

/// SQLite has no boolean: 0 is false, anything else true.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    f64::deserialize(d).map(|n| n != 0.0)
}

pub struct Repo {
    db: D1Database,
}

/// A row of a write's `RETURNING id`: only its presence matters.
#[derive(Deserialize)]
struct ReturnedId {
    #[allow(dead_code)]
    id: String,
}

/// A `COUNT(*) AS n` row.
#[derive(Deserialize)]
struct Count {
    n: i64,
}

/// Every row a statement answers.
async fn all<T: DeserializeOwned>(statement: D1PreparedStatement) -> AppResult<Vec<T>> {
    Ok(statement.all().await?.results()?)
}

/// How many rows a write changed, from D1's metadata.
fn changes(result: &D1Result) -> AppResult<usize> {
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0))
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.to_string()))
}

/// The results of one D1 `batch`, read statement by statement, in order.
struct BatchRows(std::vec::IntoIter<D1Result>);

impl BatchRows {
    fn rows<T: DeserializeOwned>(&mut self) -> AppResult<Vec<T>> {
        match self.0.next() {
            Some(r) => Ok(r.results()?),
            None => Ok(Vec::new()),
        }
    }

    fn first<T: DeserializeOwned>(&mut self) -> AppResult<Option<T>> {
        Ok(self.rows()?.into_iter().next())
    }

    /// How many rows a write changed: its `RETURNING id` rows, counted.
    fn changed(&mut self) -> AppResult<usize> {
        Ok(self.rows::<ReturnedId>()?.len())
    }
}

impl Repo {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Repo { db: env.d1("DB")? })
    }

    /// Runs statements in one round trip (and one transaction).
    async fn batch(&self, statements: Vec<D1PreparedStatement>) -> AppResult<BatchRows> {
        Ok(BatchRows(self.db.batch(statements).await?.into_iter()))
    }

    /// An assembled query, its values bound in order.
    fn prepare(&self, query: &Query) -> AppResult<D1PreparedStatement> {
        let binds: Vec<JsValue> = query
            .binds
            .iter()
            .map(|v| match v {
                Value::Text(s) => JsValue::from_str(s),
                Value::Int(n) => JsValue::from_f64(*n as f64),
                Value::Null => JsValue::NULL,
            })
            .collect();
        Ok(self.db.prepare(&query.sql).bind(&binds)?)
    }

    /// One trivial round trip (the benchmark's D1 floor).
    pub async fn ping(&self) -> AppResult<()> {
        let _: Option<f64> = self
            .db
            .prepare("SELECT 1 AS one")
            .first(Some("one"))
            .await?;
        Ok(())
    }

    /// The health check: D1 answers *and* holds our schema (a database that answers but lost
    /// its tables serves nobody). One primary-key probe of each table a visitor's path reads.
    pub async fn health(&self) -> AppResult<()> {
        let _: Option<f64> = self
            .db
            .prepare(
                "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM clients LIMIT 1)) \
                 + (SELECT COUNT(*) FROM (SELECT 1 FROM client_settings LIMIT 1)) \
                 + (SELECT COUNT(*) FROM (SELECT 1 FROM booking_handoffs LIMIT 1)) AS n",
            )
            .first(Some("n"))
            .await?;
        Ok(())
    }
}
