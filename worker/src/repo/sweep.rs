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
        let mut statements = vec![query!(
&self.db,
"UPDATE booking_handoffs SET status = 'abandoned', abandoned_at = ?3, abandoned_by = 'scheduled' \
                 WHERE client_id = ?1 AND status = 'new' AND created_at < ?2",
client.as_str(),
new_before,
now,
)?];
        if let Some(before) = redirected_before {
            statements.push(query!(
&self.db,
"UPDATE booking_handoffs SET status = 'abandoned', abandoned_at = ?3, abandoned_by = 'scheduled' \
                         WHERE client_id = ?1 AND status = 'redirected' AND redirected_at < ?2",
client.as_str(),
before,
now,
)?);
        }
        let results = self.db.batch(statements).await?;
        let mut changed = 0;
        for r in &results {
            changed += changes(r)?;
        }
        Ok(changed)
    }
}
