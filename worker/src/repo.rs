//! All SQL lives here. Every query over tenant data takes the `ClientId` it is scoped to,
//! a newtype only this module can make (from a row it read), so a caller-chosen string can
//! never stand in for it. The one exception is the public redirect, where the unguessable
//! handoff id is the capability and the client is read from that handoff's own row.
//! Bound parameters only; statements that belong together go in one batch (one round trip).
use handoff_core::{
    id::HandoffId,
    provider::Provider,
    settings::{BookingMode, EmbedMode, Settings},
    status::HandoffStatus,
};
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Env};

use crate::error::{AppError, AppResult};

/// The effective client id of a request: only ever read from the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientId(String);

impl ClientId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A client with its settings, as the widget API and the redirect need them.
#[derive(Clone, Debug)]
pub struct Client {
    pub id: ClientId,
    pub slug: String,
    pub name: String,
    pub allowed_origins: Vec<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub settings: Settings,
    pub iframe_check: Option<String>,
}

impl Client {
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|o| o == origin)
    }
}

const CLIENT_COLUMNS: &str = "c.id, c.slug, c.name, c.allowed_origins, c.contact_email, c.contact_phone, \
    s.booking_mode, s.external_booking_provider_name, s.external_booking_url, s.external_booking_embed_mode, \
    s.external_booking_disclaimer, s.external_booking_utm_source, s.external_booking_utm_campaign, \
    s.external_booking_prefill, s.external_booking_webhook_enabled, s.external_booking_webhook_provider, \
    s.external_booking_completion_event_name, s.iframe_check, s.services";

#[derive(Deserialize)]
struct ClientRow {
    id: String,
    slug: String,
    name: String,
    allowed_origins: String,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    booking_mode: String,
    external_booking_provider_name: Option<String>,
    external_booking_url: Option<String>,
    external_booking_embed_mode: String,
    external_booking_disclaimer: Option<String>,
    external_booking_utm_source: Option<String>,
    external_booking_utm_campaign: Option<String>,
    external_booking_prefill: f64,
    external_booking_webhook_enabled: f64,
    external_booking_webhook_provider: Option<String>,
    external_booking_completion_event_name: Option<String>,
    iframe_check: Option<String>,
    services: String,
}

impl From<ClientRow> for Client {
    /// Rows were validated on the way in; anything unreadable degrades to "not configured"
    /// (the visitor then gets the contact CTA) instead of failing the request.
    fn from(r: ClientRow) -> Self {
        let settings = Settings {
            booking_mode: BookingMode::parse(&r.booking_mode).unwrap_or(BookingMode::External),
            external_booking_provider_name: r.external_booking_provider_name,
            external_booking_url: r
                .external_booking_url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok()),
            external_booking_embed_mode: EmbedMode::parse(&r.external_booking_embed_mode)
                .unwrap_or(EmbedMode::Redirect),
            external_booking_disclaimer: r.external_booking_disclaimer,
            external_booking_utm_source: r.external_booking_utm_source,
            external_booking_utm_campaign: r.external_booking_utm_campaign,
            external_booking_prefill: r.external_booking_prefill != 0.0,
            external_booking_webhook_enabled: r.external_booking_webhook_enabled != 0.0,
            external_booking_webhook_provider: r
                .external_booking_webhook_provider
                .as_deref()
                .and_then(Provider::from_slug),
            external_booking_completion_event_name: r.external_booking_completion_event_name,
            services: serde_json::from_str(&r.services).unwrap_or_default(),
        };
        Client {
            id: ClientId(r.id),
            slug: r.slug,
            name: r.name,
            allowed_origins: serde_json::from_str(&r.allowed_origins).unwrap_or_default(),
            contact_email: r.contact_email,
            contact_phone: r.contact_phone,
            settings,
            iframe_check: r.iframe_check,
        }
    }
}

/// A stored booking handoff (the columns the API and pages show).
#[derive(Clone, Debug, Deserialize)]
pub struct HandoffRow {
    pub id: String,
    pub created_at: f64,
    pub source_page: Option<String>,
    pub industry: Option<String>,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub requested_service: Option<String>,
    pub preferred_date_time_text: Option<String>,
    pub notes: Option<String>,
    pub status: String,
    pub redirected_at: Option<f64>,
    pub redirect_count: f64,
    pub completed_at: Option<f64>,
    pub completed_by: Option<String>,
    pub abandoned_at: Option<f64>,
    pub external_booking_url_used: Option<String>,
}

const HANDOFF_COLUMNS: &str =
    "id, created_at, source_page, industry, customer_name, customer_email, \
    customer_phone, requested_service, preferred_date_time_text, notes, status, redirected_at, \
    redirect_count, completed_at, completed_by, abandoned_at, external_booking_url_used";

/// What a capture stores.
pub struct NewHandoff<'a> {
    pub id: &'a HandoffId,
    pub created_at: i64,
    pub lead: &'a handoff_core::lead::Lead,
    pub planned_url: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub ip_hash: Option<&'a str>,
}

/// What the operator API creates.
pub struct NewClient<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
    pub allowed_origins: &'a [String],
    pub contact_email: Option<&'a str>,
    pub contact_phone: Option<&'a str>,
    pub settings: &'a Settings,
}

pub struct Repo {
    db: D1Database,
}

fn text(v: Option<&str>) -> JsValue {
    v.map(JsValue::from_str).unwrap_or(JsValue::NULL)
}

fn num(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

fn storage(e: worker::Error) -> AppError {
    AppError::Storage(e.to_string())
}

/// Statuses from which a click moves a handoff to `redirected` — taken from the core rules,
/// so the SQL can never disagree with them.
fn statuses_redirect_may_leave() -> String {
    HandoffStatus::ALL
        .iter()
        .filter(|s| s.can_transition_to(HandoffStatus::Redirected))
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Repo {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Repo {
            db: env.d1("DB").map_err(storage)?,
        })
    }

    pub async fn client_by_slug(&self, slug: &str) -> AppResult<Option<Client>> {
        let sql = format!(
            "SELECT {CLIENT_COLUMNS} FROM clients c JOIN client_settings s ON s.client_id = c.id WHERE c.slug = ?1"
        );
        let row: Option<ClientRow> = self
            .db
            .prepare(sql)
            .bind(&[slug.into()])
            .map_err(storage)?
            .first(None)
            .await
            .map_err(storage)?;
        Ok(row.map(Client::from))
    }

    /// The client an (unrevoked) admin key belongs to.
    pub async fn client_for_admin_key(&self, key_hash: &str) -> AppResult<Option<ClientId>> {
        let id: Option<String> = self
            .db
            .prepare("SELECT client_id FROM admin_keys WHERE key_hash = ?1 AND revoked_at IS NULL")
            .bind(&[key_hash.into()])
            .map_err(storage)?
            .first(Some("client_id"))
            .await
            .map_err(storage)?;
        Ok(id.map(ClientId))
    }

    pub async fn insert_handoff(&self, client: &ClientId, h: &NewHandoff<'_>) -> AppResult<()> {
        let l = h.lead;
        self.db
            .prepare(
                "INSERT INTO booking_handoffs (id, client_id, created_at, source_page, industry, customer_name, \
                 customer_email, customer_phone, requested_service, preferred_date_time_text, notes, status, \
                 planned_url, planned_at, user_agent, ip_hash) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'new', ?12, ?3, ?13, ?14)",
            )
            .bind(&[
                h.id.as_str().into(),
                client.as_str().into(),
                num(h.created_at),
                text(l.source_page.as_deref()),
                text(l.industry.as_deref()),
                l.customer_name.as_str().into(),
                text(l.customer_email.as_deref()),
                text(l.customer_phone.as_deref()),
                text(l.requested_service.as_deref()),
                text(l.preferred_date_time_text.as_deref()),
                text(l.notes.as_deref()),
                text(h.planned_url),
                text(h.user_agent),
                text(h.ip_hash),
            ])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(())
    }

    pub async fn handoff(
        &self,
        client: &ClientId,
        id: &HandoffId,
    ) -> AppResult<Option<HandoffRow>> {
        let sql = format!(
            "SELECT {HANDOFF_COLUMNS} FROM booking_handoffs WHERE id = ?1 AND client_id = ?2"
        );
        self.db
            .prepare(sql)
            .bind(&[id.as_str().into(), client.as_str().into()])
            .map_err(storage)?
            .first(None)
            .await
            .map_err(storage)
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
            from = statuses_redirect_may_leave()
        );
        self.db
            .prepare(sql)
            .bind(&[id.as_str().into(), num(now)])
            .map_err(storage)?
            .first(Some("planned_url"))
            .await
            .map_err(storage)
    }

    /// The handoff behind a public redirect link and its client, in one round trip.
    pub async fn redirect_context(
        &self,
        id: &HandoffId,
    ) -> AppResult<Option<(Client, HandoffRow)>> {
        let handoff = self
            .db
            .prepare(format!(
                "SELECT {HANDOFF_COLUMNS} FROM booking_handoffs WHERE id = ?1"
            ))
            .bind(&[id.as_str().into()])
            .map_err(storage)?;
        let client = self
            .db
            .prepare(format!(
                "SELECT {CLIENT_COLUMNS} FROM clients c JOIN client_settings s ON s.client_id = c.id \
                 WHERE c.id = (SELECT client_id FROM booking_handoffs WHERE id = ?1)"
            ))
            .bind(&[id.as_str().into()])
            .map_err(storage)?;
        let results = self
            .db
            .batch(vec![handoff, client])
            .await
            .map_err(storage)?;
        let mut results = results.into_iter();
        let (Some(h), Some(c)) = (results.next(), results.next()) else {
            return Ok(None);
        };
        let h: Option<HandoffRow> = h.results().map_err(storage)?.into_iter().next();
        let c: Option<ClientRow> = c.results().map_err(storage)?.into_iter().next();
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
            from = statuses_redirect_may_leave()
        );
        self.db
            .prepare(sql)
            .bind(&[
                id.as_str().into(),
                client.as_str().into(),
                num(now),
                url.into(),
            ])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(())
    }

    pub async fn slug_exists(&self, slug: &str) -> AppResult<bool> {
        let n: Option<f64> = self
            .db
            .prepare("SELECT COUNT(*) AS n FROM clients WHERE slug = ?1")
            .bind(&[slug.into()])
            .map_err(storage)?
            .first(Some("n"))
            .await
            .map_err(storage)?;
        Ok(n.unwrap_or(0.0) > 0.0)
    }

    /// Creates a client, its settings and its first admin key atomically (one batch).
    pub async fn create_client(
        &self,
        c: &NewClient<'_>,
        key_hash: &str,
        key_label: &str,
        now: i64,
    ) -> AppResult<ClientId> {
        let s = c.settings;
        let origins = serde_json::to_string(c.allowed_origins)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let services =
            serde_json::to_string(&s.services).map_err(|e| AppError::Internal(e.to_string()))?;
        let client = self
            .db
            .prepare(
                "INSERT INTO clients (id, slug, name, allowed_origins, contact_email, contact_phone, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .bind(&[
                c.id.into(),
                c.slug.into(),
                c.name.into(),
                origins.as_str().into(),
                text(c.contact_email),
                text(c.contact_phone),
                num(now),
            ])
            .map_err(storage)?;
        let settings = self
            .db
            .prepare(
                "INSERT INTO client_settings (client_id, booking_mode, external_booking_provider_name, \
                 external_booking_url, external_booking_embed_mode, external_booking_disclaimer, \
                 external_booking_utm_source, external_booking_utm_campaign, external_booking_prefill, services, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .bind(&[
                c.id.into(),
                s.booking_mode.as_str().into(),
                text(s.external_booking_provider_name.as_deref()),
                text(s.external_booking_url.as_ref().map(|u| u.as_str())),
                s.external_booking_embed_mode.as_str().into(),
                text(s.external_booking_disclaimer.as_deref()),
                text(s.external_booking_utm_source.as_deref()),
                text(s.external_booking_utm_campaign.as_deref()),
                num(s.external_booking_prefill as i64),
                services.as_str().into(),
                num(now),
            ])
            .map_err(storage)?;
        let key = self.admin_key_statement(c.id, key_hash, key_label, now)?;
        self.db
            .batch(vec![client, settings, key])
            .await
            .map_err(storage)?;
        Ok(ClientId(c.id.to_string()))
    }

    pub async fn client_id_by_slug(&self, slug: &str) -> AppResult<Option<ClientId>> {
        let id: Option<String> = self
            .db
            .prepare("SELECT id FROM clients WHERE slug = ?1")
            .bind(&[slug.into()])
            .map_err(storage)?
            .first(Some("id"))
            .await
            .map_err(storage)?;
        Ok(id.map(ClientId))
    }

    pub async fn add_admin_key(
        &self,
        client: &ClientId,
        key_hash: &str,
        label: &str,
        now: i64,
    ) -> AppResult<()> {
        self.admin_key_statement(client.as_str(), key_hash, label, now)?
            .run()
            .await
            .map_err(storage)?;
        Ok(())
    }

    fn admin_key_statement(
        &self,
        client_id: &str,
        key_hash: &str,
        label: &str,
        now: i64,
    ) -> AppResult<worker::D1PreparedStatement> {
        self.db
            .prepare("INSERT INTO admin_keys (key_hash, client_id, label, created_at) VALUES (?1, ?2, ?3, ?4)")
            .bind(&[key_hash.into(), client_id.into(), label.into(), num(now)])
            .map_err(storage)
    }

    /// A cheap liveness probe for /healthz.
    pub async fn ping(&self) -> AppResult<()> {
        let _: Option<f64> = self
            .db
            .prepare("SELECT 1 AS one")
            .first(Some("one"))
            .await
            .map_err(storage)?;
        Ok(())
    }
}
