//! The scheduled job's reads and writes: every client's sweep settings, stale handoffs.
use handoff_core::status::HandoffStatus;
use serde::Deserialize;
use worker::query;

use super::{all, changes, client_id, flag, ClientId, Repo};
use crate::error::AppResult;

/// What the scheduled job needs to know about each client.
pub struct SweepClient {
    pub id: ClientId,
    pub webhook_enabled: bool,
    pub retention_days: u32,
}

impl Repo {
    /// Every client, with whether its webhook is enabled (the sweep decides per client).
    pub async fn clients_for_sweep(&self) -> AppResult<Vec<SweepClient>> {
        #[derive(Deserialize)]
        struct Row {
            #[serde(deserialize_with = "client_id")]
            client_id: ClientId,
            #[serde(deserialize_with = "flag")]
            webhook_enabled: bool,
            retention_days: u32,
        }
        let rows: Vec<Row> = all(self.db.prepare(
            "SELECT client_id, external_booking_webhook_enabled AS webhook_enabled, retention_days \
             FROM client_settings",
        ))
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| SweepClient {
                id: r.client_id,
                webhook_enabled: r.webhook_enabled,
                retention_days: r.retention_days,
            })
            .collect())
    }

    /// Marks one client's stale handoffs abandoned by the scheduled job: `new` ones created
    /// before `new_before`, and — when `redirected_before` is given — `redirected` ones whose
    /// first click was before it. Conditional on the status at the moment of the write, so a
    /// handoff completed in the meantime is never touched. Returns how many changed.
    pub async fn abandon_stale(
        &self,
        client: &ClientId,
        new_before: i64,
        redirected_before: Option<i64>,
        now: i64,
    ) -> AppResult<usize> {
        debug_assert!(HandoffStatus::New.can_transition_to(HandoffStatus::Abandoned));
        debug_assert!(HandoffStatus::Redirected.can_transition_to(HandoffStatus::Abandoned));
        // (the status that went stale, the time it is stale by, and its cutoff)
        let stale = [
            Some(("new", "created_at", new_before)),
            redirected_before.map(|before| ("redirected", "redirected_at", before)),
        ];
        let statements = stale
            .into_iter()
            .flatten()
            .map(|(status, since, before)| {
                Ok(query!(
                    &self.db,
                    format!(
                        "UPDATE booking_handoffs SET status = 'abandoned', abandoned_at = ?3, \
                         abandoned_by = 'scheduled' \
                         WHERE client_id = ?1 AND status = '{status}' AND {since} < ?2"
                    ),
                    client.as_str(),
                    before,
                    now,
                )?)
            })
            .collect::<AppResult<Vec<_>>>()?;
        let results = self.db.batch(statements).await?;
        let mut changed = 0;
        for r in &results {
            changed += changes(r)?;
        }
        Ok(changed)
    }
}
