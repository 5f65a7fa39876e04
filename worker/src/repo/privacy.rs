//! Right to erasure and retention: blanking a visitor's data and the count-only log.
use handoff_core::privacy::ErasureTarget;
use serde::Deserialize;
use worker::query;

use super::sql::{erase_set, visitor_condition};
use super::{all, ClientId, Count, Millis, Repo};
use crate::error::AppResult;

/// One line of the erasure log (never the data erased).
#[derive(Clone, Debug, Deserialize)]
pub struct ErasureLogRow {
    pub at: Millis,
    /// `admin` or `retention`.
    pub reason: String,
    /// `email` or `phone` for an admin's erasure: the kind of identifier, never its value.
    pub matched_by: Option<String>,
    pub handoffs: i64,
}

impl Repo {
    /// How many of this client's handoffs hold this visitor's data (not yet erased).
    pub async fn count_visitor(&self, client: &ClientId, target: &ErasureTarget) -> AppResult<i64> {
        let (condition, value) = visitor_condition(target);
        let row: Option<Count> = query!(
            &self.db,
            format!(
                "SELECT COUNT(*) AS n FROM booking_handoffs \
                 WHERE client_id = ?1 AND erased_at IS NULL AND {condition}"
            ),
            client.as_str(),
            value,
        )?
        .first(None)
        .await?;
        Ok(row.map_or(0, |r| r.n))
    }

    /// Erases one visitor's personal fields from every handoff of this client and logs how
    /// many (not who) in the same batch. Returns the number erased.
    pub async fn erase_visitor(
        &self,
        client: &ClientId,
        target: &ErasureTarget,
        log_id: &str,
        now: i64,
    ) -> AppResult<i64> {
        let (condition, value) = visitor_condition(target);
        let erase = query!(
            &self.db,
            format!(
                "UPDATE booking_handoffs SET {set}, erased_at = ?3 \
                 WHERE client_id = ?1 AND erased_at IS NULL AND {condition} RETURNING id",
                set = erase_set()
            ),
            client.as_str(),
            value,
            now,
        )?;
        let log = query!(
            &self.db,
            "INSERT INTO erasure_log (id, client_id, at, reason, matched_by, handoffs) \
                 SELECT ?1, ?2, ?3, 'admin', ?4, changes()",
            log_id,
            client.as_str(),
            now,
            target.kind(),
        )?;
        let mut results = self.batch(vec![erase, log]).await?;
        Ok(results.changed()? as i64)
    }

    /// The retention sweep for one client: erases up to `limit` handoffs created before
    /// `cutoff` and logs the count. Returns how many were erased.
    pub async fn erase_expired(
        &self,
        client: &ClientId,
        cutoff: i64,
        limit: usize,
        log_id: &str,
        now: i64,
    ) -> AppResult<i64> {
        let erase = query!(
            &self.db,
            format!(
                "UPDATE booking_handoffs SET {set}, erased_at = ?3 WHERE id IN ( \
                   SELECT id FROM booking_handoffs \
                   WHERE client_id = ?1 AND created_at < ?2 AND erased_at IS NULL LIMIT ?4) \
                 AND client_id = ?1 RETURNING id",
                set = erase_set()
            ),
            client.as_str(),
            cutoff,
            now,
            limit as i64,
        )?;
        let log = query!(
            &self.db,
            "INSERT INTO erasure_log (id, client_id, at, reason, matched_by, handoffs) \
                 SELECT ?1, ?2, ?3, 'retention', NULL, changes() WHERE changes() > 0",
            log_id,
            client.as_str(),
            now,
        )?;
        let mut results = self.batch(vec![erase, log]).await?;
        Ok(results.changed()? as i64)
    }

    pub async fn erasure_log(
        &self,
        client: &ClientId,
        limit: usize,
    ) -> AppResult<Vec<ErasureLogRow>> {
        let statement = query!(
            &self.db,
            "SELECT at, reason, matched_by, handoffs FROM erasure_log \
                 WHERE client_id = ?1 ORDER BY at DESC LIMIT ?2",
            client.as_str(),
            limit as i64,
        )?;
        all(statement).await
    }
}
