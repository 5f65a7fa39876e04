//! Booking handoffs: the capture's insert, the redirect's click, and status moves.
use handoff_core::{attribution::Attribution, i18n::Lang, id::HandoffId, status::HandoffStatus};
use serde::Deserialize;
use worker::query;

use super::clients::{client_query, ClientRow};
use super::sql::{statuses_that_may_become, HANDOFF_COLUMNS};
use super::{handoff_id, status, Client, ClientId, Millis, Repo};
use crate::error::AppResult;

/// A stored booking handoff (the columns the API and pages show), typed as it is read.
#[derive(Clone, Debug, Deserialize)]
pub struct HandoffRow {
    #[serde(deserialize_with = "handoff_id")]
    pub id: HandoffId,
    pub created_at: Millis,
    pub source_page: Option<String>,
    pub industry: Option<String>,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub requested_service: Option<String>,
    pub preferred_date_time_text: Option<String>,
    pub notes: Option<String>,
    #[serde(deserialize_with = "status")]
    pub status: HandoffStatus,
    pub redirected_at: Option<Millis>,
    pub redirect_count: i64,
    pub completed_at: Option<Millis>,
    /// `manual` or `webhook:<provider>`.
    pub completed_by: Option<String>,
    pub abandoned_at: Option<Millis>,
    /// `manual` or `scheduled`.
    pub abandoned_by: Option<String>,
    pub external_booking_url_used: Option<String>,
    /// The provider the visitor was told about, and the routed service that chose it.
    pub provider_name_used: Option<String>,
    pub route_service: Option<String>,
    pub consent_at: Option<Millis>,
    pub erased_at: Option<Millis>,
    /// The visitor's language tag at capture (`None` before it was recorded).
    pub lang: Option<String>,
    /// Where the lead came from (core's attribution keys, as JSON).
    attribution: Option<String>,
}

impl HandoffRow {
    /// Where the lead came from; empty when nothing was recorded (or it was erased).
    pub fn attribution(&self) -> Attribution {
        let stored: serde_json::Map<String, serde_json::Value> = self
            .attribution
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        Attribution::from_pairs(
            stored
                .iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?))),
        )
        .unwrap_or_default()
    }
}

/// The JSON an attribution is stored as; `None` when there is nothing to store.
fn attribution_json(a: &Attribution) -> Option<String> {
    (!a.is_empty()).then(|| {
        let map: serde_json::Map<String, serde_json::Value> = a
            .pairs()
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(v.as_str())))
            .collect();
        serde_json::Value::Object(map).to_string()
    })
}

/// What a capture stores.
pub struct NewHandoff<'a> {
    pub id: &'a HandoffId,
    pub created_at: i64,
    pub lead: &'a handoff_core::lead::Lead,
    pub planned_url: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub ip_hash: Option<&'a str>,
    pub provider_name: Option<&'a str>,
    pub route_service: Option<&'a str>,
    pub consent_at: Option<i64>,
    /// The language the visitor spoke; the redirect's own pages answer in it.
    pub lang: Lang,
    pub attribution: &'a Attribution,
}

/// The outcome of a conditional status change.
pub enum Transition {
    /// Changed; the row as it is now.
    Done(Box<HandoffRow>),
    /// The handoff exists but its status may not move there (it was, or just became, this one).
    Refused(HandoffStatus),
    /// No such handoff for this client.
    NotFound,
}

impl Repo {
    /// One of the client's handoffs, as every reader selects it.
    pub(super) fn read_handoff(
        &self,
        client: &ClientId,
        id: &HandoffId,
    ) -> AppResult<worker::D1PreparedStatement> {
        Ok(query!(
            &self.db,
            format!(
                "SELECT {HANDOFF_COLUMNS} FROM booking_handoffs WHERE id = ?1 AND client_id = ?2"
            ),
            id.as_str(),
            client.as_str(),
        )?)
    }

    pub async fn insert_handoff(&self, client: &ClientId, h: &NewHandoff<'_>) -> AppResult<()> {
        let l = h.lead;
        query!(
&self.db,
"INSERT INTO booking_handoffs (id, client_id, created_at, source_page, industry, customer_name, \
                 customer_email, customer_phone, requested_service, preferred_date_time_text, notes, status, \
                 planned_url, planned_at, user_agent, ip_hash, provider_name_used, route_service, consent_at, lang, attribution) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'new', ?12, ?3, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
h.id.as_str(),
client.as_str(),
h.created_at,
l.source_page.as_deref(),
l.industry.as_deref(),
l.customer_name.as_str(),
l.customer_email.as_deref(),
l.customer_phone.as_deref(),
l.requested_service.as_deref(),
l.preferred_date_time_text.as_deref(),
l.notes.as_deref(),
h.planned_url,
h.user_agent,
h.ip_hash,
h.provider_name,
h.route_service,
h.consent_at,
h.lang.tag(),
attribution_json(h.attribution),
)?
            .run()
            .await
            ?;
        Ok(())
    }

    pub async fn handoff(
        &self,
        client: &ClientId,
        id: &HandoffId,
    ) -> AppResult<Option<HandoffRow>> {
        Ok(self.read_handoff(client, id)?.first(None).await?)
    }

    /// The redirect's fast path, one statement: counts the click, moves the status on and
    /// records the URL used — but only while the URL planned at capture is still what the
    /// client's current settings would build (no settings change since). Returns that URL,
    /// or `None` when the slow path must decide (unknown id, settings changed, nothing planned).
    pub async fn record_click_planned(
        &self,
        id: &HandoffId,
        now: i64,
    ) -> AppResult<Option<String>> {
        let sql = format!(
            "UPDATE booking_handoffs SET redirect_count = redirect_count + 1, \
             status = CASE WHEN status IN ({from}) THEN 'redirected' ELSE status END, \
             redirected_at = COALESCE(redirected_at, ?2), \
             external_booking_url_used = COALESCE(external_booking_url_used, planned_url) \
             WHERE id = ?1 AND planned_url IS NOT NULL \
             AND planned_at > (SELECT s.updated_at FROM client_settings s WHERE s.client_id = booking_handoffs.client_id) \
             RETURNING planned_url",
            from = statuses_that_may_become(HandoffStatus::Redirected)
        );
        Ok(query!(&self.db, sql, id.as_str(), now)?
            .first(Some("planned_url"))
            .await?)
    }

    /// The handoff behind a public redirect link and its client, in one round trip.
    pub async fn redirect_context(
        &self,
        id: &HandoffId,
    ) -> AppResult<Option<(Client, HandoffRow)>> {
        let handoff = query!(
            &self.db,
            format!("SELECT {HANDOFF_COLUMNS} FROM booking_handoffs WHERE id = ?1"),
            id.as_str(),
        )?;
        let client = query!(
            &self.db,
            client_query("c.id = (SELECT client_id FROM booking_handoffs WHERE id = ?1)",),
            id.as_str(),
        )?;
        let mut results = self.batch(vec![handoff, client]).await?;
        let h: Option<HandoffRow> = results.first()?;
        let c: Option<ClientRow> = results.first()?;
        Ok(match (h, c) {
            (Some(h), Some(c)) => Some((Client::from(c), h)),
            _ => None,
        })
    }

    /// The redirect's slow path write: the URL was built from the current settings.
    pub async fn record_click(
        &self,
        client: &ClientId,
        id: &HandoffId,
        url: &str,
        now: i64,
    ) -> AppResult<()> {
        let sql = format!(
            "UPDATE booking_handoffs SET redirect_count = redirect_count + 1, \
             status = CASE WHEN status IN ({from}) THEN 'redirected' ELSE status END, \
             redirected_at = COALESCE(redirected_at, ?3), \
             external_booking_url_used = COALESCE(external_booking_url_used, ?4), \
             planned_url = ?4, planned_at = ?3 \
             WHERE id = ?1 AND client_id = ?2",
            from = statuses_that_may_become(HandoffStatus::Redirected)
        );
        query!(&self.db, sql, id.as_str(), client.as_str(), now, url,)?
            .run()
            .await?;
        Ok(())
    }

    /// Moves a handoff to `target` only from a status core allows to move there, in one
    /// conditional UPDATE scoped by client (so racing requests cannot regress a status), and
    /// reads the row back in the same batch to tell "refused" from "not found".
    async fn transition(
        &self,
        client: &ClientId,
        id: &HandoffId,
        target: HandoffStatus,
        set: &str,
        now: i64,
        by: &str,
    ) -> AppResult<Transition> {
        let update = query!(
            &self.db,
            format!(
                "UPDATE booking_handoffs SET status = '{to}', {set} \
                 WHERE id = ?1 AND client_id = ?2 AND status IN ({from}) RETURNING id",
                to = target.as_str(),
                from = statuses_that_may_become(target),
            ),
            id.as_str(),
            client.as_str(),
            now,
            by,
        )?;
        let read = self.read_handoff(client, id)?;
        let mut results = self.batch(vec![update, read]).await?;
        let changed = results.changed()?;
        let row: Option<HandoffRow> = results.first()?;
        Ok(match (changed == 0, row) {
            (_, None) => Transition::NotFound,
            (false, Some(row)) => Transition::Done(Box::new(row)),
            (true, Some(row)) => Transition::Refused(row.status),
        })
    }

    /// `by`: `manual` or `webhook:<provider>`.
    pub async fn complete_handoff(
        &self,
        client: &ClientId,
        id: &HandoffId,
        now: i64,
        by: &str,
    ) -> AppResult<Transition> {
        self.transition(
            client,
            id,
            HandoffStatus::CompletedExternal,
            "completed_at = ?3, completed_by = ?4",
            now,
            by,
        )
        .await
    }

    /// `by`: `manual` or `scheduled`.
    pub async fn abandon_handoff(
        &self,
        client: &ClientId,
        id: &HandoffId,
        now: i64,
        by: &str,
    ) -> AppResult<Transition> {
        self.transition(
            client,
            id,
            HandoffStatus::Abandoned,
            "abandoned_at = ?3, abandoned_by = ?4",
            now,
            by,
        )
        .await
    }
}
