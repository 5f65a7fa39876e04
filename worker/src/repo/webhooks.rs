//! Provider webhooks: the sealed secret, replay receipts and events that matched no handoff.
use handoff_core::{id::HandoffId, status::HandoffStatus};
use serde::Deserialize;
use worker::query;

use super::sql::{statuses_that_may_become, Query};
use super::{changes, ClientId, Count, HandoffRow, Millis, Repo};
use crate::error::AppResult;

/// A verified provider event that matched no handoff of its client.
#[derive(Clone, Debug, Deserialize)]
pub struct UnmatchedEventRow {
    pub id: String,
    /// The webhook provider's slug (`acuity`, `square`, …).
    pub provider: String,
    pub event_type: String,
    /// The provider's dedupe key (see core `WebhookEvent::event_id`).
    pub event_id: String,
    /// JSON list of `[name, value]` pairs, non-sensitive ids only.
    identifiers: String,
    pub received_at: Millis,
    pub linked_handoff_id: Option<String>,
    pub linked_at: Option<Millis>,
    /// The linked handoff's customer name, for the admin's list (same client only).
    pub linked_customer_name: Option<String>,
}

impl UnmatchedEventRow {
    /// The ids the admin can look the booking up by in the provider's own dashboard. Our
    /// generic scheme carries none besides the sender's event id, so that one stands in.
    pub fn identifiers(&self) -> Vec<(String, String)> {
        let ids: Vec<(String, String)> =
            serde_json::from_str(&self.identifiers).unwrap_or_default();
        if ids.is_empty() {
            vec![("event_id".into(), self.event_id.clone())]
        } else {
            ids
        }
    }
}

const UNMATCHED_COLUMNS: &str = "u.id, u.provider, u.event_type, u.event_id, u.identifiers, \
    u.received_at, u.linked_handoff_id, u.linked_at, h.customer_name AS linked_customer_name";

/// The linked handoff is joined only within the event's own client.
const UNMATCHED_FROM: &str = "unmatched_webhook_events u LEFT JOIN booking_handoffs h \
    ON h.id = u.linked_handoff_id AND h.client_id = u.client_id";

/// What linking an unmatched event to a handoff did.
pub enum LinkOutcome {
    /// Linked, and the handoff became `completed_external`; the rows as they are now.
    Completed(Box<HandoffRow>, Box<UnmatchedEventRow>),
    /// Linked; the handoff was already completed, so only the link was recorded.
    AlreadyCompleted(Box<HandoffRow>, Box<UnmatchedEventRow>),
    /// The event was linked before (to this or another handoff): nothing changed.
    AlreadyLinked,
    /// The client has no such event: nothing changed.
    EventNotFound,
    /// The client has no such handoff: nothing changed.
    HandoffNotFound,
}

impl Repo {
    /// The client's sealed webhook secret, as stored (opened by `secrets::open`).
    pub async fn sealed_webhook_secret(&self, client: &ClientId) -> AppResult<Option<String>> {
        Ok(query!(
            &self.db,
            "SELECT external_booking_webhook_secret AS s FROM client_settings WHERE client_id = ?1",
            client.as_str(),
        )?
        .first::<Option<String>>(Some("s"))
        .await?
        .flatten())
    }

    /// Records a delivery; `false` when this client already received this event (a replay).
    pub async fn record_receipt(
        &self,
        client: &ClientId,
        provider: &str,
        event_id: &str,
        now: i64,
    ) -> AppResult<bool> {
        let result = query!(
            &self.db,
            "INSERT OR IGNORE INTO webhook_receipts (client_id, provider, event_id, received_at) \
                 VALUES (?1, ?2, ?3, ?4)",
            client.as_str(),
            provider,
            event_id,
            now,
        )?
        .run()
        .await?;
        Ok(changes(&result)? == 1)
    }

    /// Undoes `record_receipt` when processing failed, so the provider's retry is processed.
    pub async fn forget_receipt(
        &self,
        client: &ClientId,
        provider: &str,
        event_id: &str,
    ) -> AppResult<()> {
        query!(
            &self.db,
            "DELETE FROM webhook_receipts WHERE client_id = ?1 AND provider = ?2 AND event_id = ?3",
            client.as_str(),
            provider,
            event_id,
        )?
        .run()
        .await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn store_unmatched(
        &self,
        client: &ClientId,
        id: &str,
        provider: &str,
        event_type: &str,
        event_id: &str,
        identifiers_json: &str,
        now: i64,
    ) -> AppResult<()> {
        query!(
&self.db,
"INSERT INTO unmatched_webhook_events (id, client_id, provider, event_type, event_id, identifiers, received_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
id,
client.as_str(),
provider,
event_type,
event_id,
identifiers_json,
now,
)?
            .run()
            .await
            ?;
        Ok(())
    }

    /// The client's unmatched events, unlinked ones first, newest first; and how many are
    /// unlinked in all. One round trip.
    pub async fn unmatched_events(
        &self,
        client: &ClientId,
        limit: u32,
    ) -> AppResult<(Vec<UnmatchedEventRow>, i64)> {
        let list = query!(
            &self.db,
            format!(
                "SELECT {UNMATCHED_COLUMNS} FROM {UNMATCHED_FROM} WHERE u.client_id = ?1 \
                 ORDER BY u.linked_handoff_id IS NOT NULL, u.received_at DESC, u.id LIMIT ?2"
            ),
            client.as_str(),
            limit as i64,
        )?;
        let count = query!(
            &self.db,
            "SELECT COUNT(*) AS n FROM unmatched_webhook_events \
                 WHERE client_id = ?1 AND linked_handoff_id IS NULL",
            client.as_str(),
        )?;
        let mut results = self.batch(vec![list, count]).await?;
        let events: Vec<UnmatchedEventRow> = results.rows()?;
        let unlinked = results.first::<Count>()?.map_or(0, |c| c.n);
        Ok((events, unlinked))
    }

    /// A handoff and the unmatched events an admin linked to it (for its timeline).
    pub async fn handoff_with_links(
        &self,
        client: &ClientId,
        id: &HandoffId,
    ) -> AppResult<Option<(HandoffRow, Vec<UnmatchedEventRow>)>> {
        let handoff = self.read_handoff(client, id)?;
        let linked = query!(
            &self.db,
            format!(
                "SELECT {UNMATCHED_COLUMNS} FROM {UNMATCHED_FROM} \
                 WHERE u.client_id = ?1 AND u.linked_handoff_id = ?2 ORDER BY u.linked_at"
            ),
            client.as_str(),
            id.as_str(),
        )?;
        let mut results = self.batch(vec![handoff, linked]).await?;
        let handoff: Option<HandoffRow> = results.first()?;
        let linked: Vec<UnmatchedEventRow> = results.rows()?;
        Ok(handoff.map(|h| (h, linked)))
    }

    /// Links one of the client's unmatched events to one of its handoffs and completes that
    /// handoff (`completed_by = webhook:<the event's provider>`), atomically, in one batch:
    /// the event is claimed only while unlinked and only if the handoff is this client's, and
    /// the handoff completes only if this very claim succeeded and core allows the move. So
    /// an event completes at most one handoff, however many admins click at once.
    pub async fn link_unmatched(
        &self,
        client: &ClientId,
        event: &str,
        handoff: &HandoffId,
        now: i64,
    ) -> AppResult<LinkOutcome> {
        let binds = vec![
            client.as_str().into(),
            event.into(),
            handoff.as_str().into(),
            now.into(),
        ];
        let claim = self.prepare(&Query {
            sql: "UPDATE unmatched_webhook_events SET linked_handoff_id = ?3, linked_at = ?4 \
                 WHERE client_id = ?1 AND id = ?2 AND linked_handoff_id IS NULL \
                 AND EXISTS (SELECT 1 FROM booking_handoffs WHERE id = ?3 AND client_id = ?1) \
                 RETURNING id"
                .into(),
            binds: binds.clone(),
        })?;
        let complete = self.prepare(&Query {
            sql: format!(
                "UPDATE booking_handoffs SET status = '{to}', completed_at = ?4, \
                 completed_by = 'webhook:' || (SELECT provider FROM unmatched_webhook_events \
                   WHERE id = ?2 AND client_id = ?1) \
                 WHERE id = ?3 AND client_id = ?1 AND status IN ({from}) \
                 AND EXISTS (SELECT 1 FROM unmatched_webhook_events WHERE id = ?2 AND client_id = ?1 \
                   AND linked_handoff_id = ?3 AND linked_at = ?4) \
                 RETURNING id",
                to = HandoffStatus::CompletedExternal.as_str(),
                from = statuses_that_may_become(HandoffStatus::CompletedExternal),
            ),
            binds,
        })?;
        let read_event = query!(
&self.db,
format!(
                "SELECT {UNMATCHED_COLUMNS} FROM {UNMATCHED_FROM} WHERE u.client_id = ?1 AND u.id = ?2"
            ),
client.as_str(),
event,
)?;
        let read_handoff = self.read_handoff(client, handoff)?;
        let mut results = self
            .batch(vec![claim, complete, read_event, read_handoff])
            .await?;
        let claimed = results.changed()? > 0;
        let completed = results.changed()? > 0;
        let event: Option<UnmatchedEventRow> = results.first()?;
        let handoff: Option<HandoffRow> = results.first()?;
        Ok(match (event, handoff) {
            (None, _) => LinkOutcome::EventNotFound,
            (Some(_), None) => LinkOutcome::HandoffNotFound,
            (Some(e), Some(h)) if claimed && completed => {
                LinkOutcome::Completed(Box::new(h), Box::new(e))
            }
            (Some(e), Some(h)) if claimed => {
                LinkOutcome::AlreadyCompleted(Box::new(h), Box::new(e))
            }
            (Some(_), Some(_)) => LinkOutcome::AlreadyLinked,
        })
    }
}
