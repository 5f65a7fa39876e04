//! The lead-forwarding outbox: due deliveries, attempts and the dashboard's log.
use handoff_core::id::HandoffId;
use serde::Deserialize;
use worker::query;

use super::sql::{handoff_columns_of, Query};
use super::{all, client_id, flag, handoff_id, ClientId, HandoffRow, Millis, Repo, ReturnedId};
use crate::error::AppResult;

/// A delivery of the lead-forwarding outbox, with what sending it needs.
#[derive(Clone, Debug, Deserialize)]
pub struct DueDelivery {
    pub delivery_id: String,
    #[serde(deserialize_with = "client_id")]
    pub client_id: ClientId,
    pub event_type: String,
    pub occurred_at: Millis,
    pub attempts: u32,
    pub forward_url: Option<String>,
    pub forward_secret: Option<String>,
    #[serde(deserialize_with = "flag")]
    pub forward_enabled: bool,
    /// `forward` (the client's endpoint) or `email` (a lead alert).
    pub channel: String,
    /// An alert's address.
    pub recipient: Option<String>,
    /// The business, as an alert names it.
    pub business_name: String,
    #[serde(flatten)]
    pub handoff: HandoffRow,
}

/// A delivery as the dashboard's log shows it.
#[derive(Clone, Debug, Deserialize)]
pub struct DeliveryLogRow {
    pub id: String,
    #[serde(deserialize_with = "handoff_id")]
    pub handoff_id: HandoffId,
    pub event_type: String,
    pub occurred_at: Millis,
    pub channel: String,
    pub recipient: Option<String>,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: Millis,
    pub last_attempt_at: Option<Millis>,
    /// The receiver's HTTP status.
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub delivered_at: Option<Millis>,
}

/// How one delivery attempt went.
pub enum AttemptOutcome {
    Delivered {
        status: u16,
    },
    Retry {
        status: Option<u16>,
        error: String,
        next_at: i64,
    },
    GaveUp {
        status: Option<u16>,
        error: String,
    },
}

impl Repo {
    /// Pending deliveries due by `now`, oldest first, with the client's forwarding settings
    /// and the handoff as it is now. `client`: only that client's (the capture's immediate
    /// attempt); `None`: everyone's (the scheduled job, which acts for every client).
    pub async fn due_deliveries(
        &self,
        client: Option<&ClientId>,
        now: i64,
        limit: usize,
    ) -> AppResult<Vec<DueDelivery>> {
        let mut binds = vec![now.into(), (limit as i64).into()];
        let scope = match client {
            Some(c) => {
                binds.push(c.as_str().into());
                "AND d.client_id = ?3"
            }
            None => "",
        };
        let statement = self.prepare(&Query {
            sql: format!(
                "SELECT d.id AS delivery_id, d.client_id, d.event_type, d.occurred_at, d.attempts, \
                 d.channel, d.recipient, c.name AS business_name, \
                 s.forward_url, s.forward_secret, s.forward_enabled, {handoff} \
                 FROM forward_deliveries d \
                 JOIN client_settings s ON s.client_id = d.client_id \
                 JOIN clients c ON c.id = d.client_id \
                 JOIN booking_handoffs h ON h.id = d.handoff_id AND h.client_id = d.client_id \
                 WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 {scope} \
                 ORDER BY d.next_attempt_at LIMIT ?2",
                handoff = handoff_columns_of("h"),
            ),
            binds,
        })?;
        all(statement).await
    }

    /// Records an attempt. Conditional on the delivery still being pending with the attempt
    /// count it was read with, so two workers racing on one delivery record it once.
    pub async fn record_attempt(
        &self,
        delivery: &DueDelivery,
        outcome: &AttemptOutcome,
        now: i64,
    ) -> AppResult<bool> {
        let (status, last_status, error, next_at, delivered_at) = match outcome {
            AttemptOutcome::Delivered { status } => {
                ("delivered", Some(*status), None, None, Some(now))
            }
            AttemptOutcome::Retry {
                status,
                error,
                next_at,
            } => (
                "pending",
                *status,
                Some(error.as_str()),
                Some(*next_at),
                None,
            ),
            AttemptOutcome::GaveUp { status, error } => {
                ("failed", *status, Some(error.as_str()), None, None)
            }
        };
        let statement = query!(
&self.db,
"UPDATE forward_deliveries SET status = ?3, attempts = attempts + 1, last_attempt_at = ?4, \
                 last_status = ?5, last_error = ?6, next_attempt_at = COALESCE(?7, next_attempt_at), \
                 delivered_at = ?8 \
                 WHERE id = ?1 AND client_id = ?2 AND status = 'pending' AND attempts = ?9 RETURNING id",
delivery.delivery_id.as_str(),
delivery.client_id.as_str(),
status,
now,
last_status,
error,
next_at,
delivered_at,
delivery.attempts,
)?;
        Ok(!all::<ReturnedId>(statement).await?.is_empty())
    }

    /// The client's most recent deliveries, newest first.
    pub async fn delivery_log(
        &self,
        client: &ClientId,
        limit: usize,
    ) -> AppResult<Vec<DeliveryLogRow>> {
        let statement = query!(
            &self.db,
            "SELECT id, handoff_id, event_type, occurred_at, channel, recipient, status, attempts, next_attempt_at, \
                 last_attempt_at, last_status, last_error, delivered_at FROM forward_deliveries \
                 WHERE client_id = ?1 ORDER BY occurred_at DESC, id DESC LIMIT ?2",
            client.as_str(),
            limit as i64,
        )?;
        all(statement).await
    }

    /// Puts one of this client's failed deliveries back in the queue, due now.
    pub async fn retry_delivery(&self, client: &ClientId, id: &str, now: i64) -> AppResult<bool> {
        let statement = query!(
            &self.db,
            "UPDATE forward_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?3 \
                 WHERE id = ?1 AND client_id = ?2 AND status = 'failed' RETURNING id",
            id,
            client.as_str(),
            now,
        )?;
        Ok(!all::<ReturnedId>(statement).await?.is_empty())
    }
}
