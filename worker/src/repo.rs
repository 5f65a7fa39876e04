//! All SQL lives here. Every query over tenant data takes the `ClientId` it is scoped to,
//! a newtype only this module can make (from a row it read), so a caller-chosen string can
//! never stand in for it. The one exception is the public redirect, where the unguessable
//! handoff id is the capability and the client is read from that handoff's own row.
//! Bound parameters only; statements that belong together go in one batch (one round trip).
use handoff_core::{
    id::HandoffId,
    provider::Provider,
    settings::{BookingMode, EmbedMode, ServiceRoute, Settings},
    status::HandoffStatus,
};
use serde::{Deserialize, Serialize};
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
    s.external_booking_completion_event_name, s.iframe_check, s.services, s.service_routes, \
    s.consent_required, s.consent_text, s.retention_days, s.forward_enabled, s.forward_url";

/// A client joined with its settings, selected by `condition` (a constant with bound parameters).
fn client_query(condition: &str) -> String {
    format!(
        "SELECT {CLIENT_COLUMNS} FROM clients c JOIN client_settings s ON s.client_id = c.id WHERE {condition}"
    )
}

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
    service_routes: String,
    consent_required: f64,
    consent_text: Option<String>,
    retention_days: f64,
    forward_enabled: f64,
    forward_url: Option<String>,
}

/// A service route as stored (JSON in `client_settings.service_routes`).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredRoute {
    service: String,
    provider_name: Option<String>,
    booking_url: String,
    #[serde(default)]
    keywords: Vec<String>,
}

fn routes_json(routes: &[ServiceRoute]) -> AppResult<String> {
    let stored: Vec<StoredRoute> = routes
        .iter()
        .map(|r| StoredRoute {
            service: r.service.clone(),
            provider_name: r.provider_name.clone(),
            booking_url: r.booking_url.to_string(),
            keywords: r.keywords.clone(),
        })
        .collect();
    serde_json::to_string(&stored).map_err(|e| AppError::Internal(e.to_string()))
}

/// Unreadable routes are left out (their services then book through the default link).
fn routes_from_json(json: &str) -> Vec<ServiceRoute> {
    serde_json::from_str::<Vec<StoredRoute>>(json)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| {
            Some(ServiceRoute {
                booking_url: url::Url::parse(&r.booking_url).ok()?,
                service: r.service,
                provider_name: r.provider_name,
                keywords: r.keywords,
            })
        })
        .collect()
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
            service_routes: routes_from_json(&r.service_routes),
            consent_required: r.consent_required != 0.0,
            consent_text: r.consent_text,
            retention_days: r.retention_days as u32,
            forward_enabled: r.forward_enabled != 0.0,
            forward_url: r
                .forward_url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok()),
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
    /// `manual` or `scheduled` (migration 0002).
    pub abandoned_by: Option<String>,
    pub external_booking_url_used: Option<String>,
    /// The provider the visitor was told about, and the routed service that chose it (0005).
    pub provider_name_used: Option<String>,
    pub route_service: Option<String>,
    pub consent_at: Option<f64>,
    pub erased_at: Option<f64>,
}

const HANDOFF_COLUMNS: &str =
    "id, created_at, source_page, industry, customer_name, customer_email, \
    customer_phone, requested_service, preferred_date_time_text, notes, status, redirected_at, \
    redirect_count, completed_at, completed_by, abandoned_at, abandoned_by, external_booking_url_used, \
    provider_name_used, route_service, consent_at, erased_at";

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

/// A row of a write's `RETURNING id`: only its presence matters.
#[derive(Deserialize)]
struct ReturnedId {
    #[allow(dead_code)]
    id: String,
}

/// Every row a statement answers.
async fn all<T: serde::de::DeserializeOwned>(
    statement: worker::D1PreparedStatement,
) -> AppResult<Vec<T>> {
    statement
        .all()
        .await
        .map_err(storage)?
        .results()
        .map_err(storage)
}

/// The results of one D1 `batch`, read statement by statement, in order.
struct BatchRows(std::vec::IntoIter<worker::D1Result>);

impl BatchRows {
    fn rows<T: serde::de::DeserializeOwned>(&mut self) -> AppResult<Vec<T>> {
        match self.0.next() {
            Some(r) => r.results().map_err(storage),
            None => Ok(Vec::new()),
        }
    }

    fn first<T: serde::de::DeserializeOwned>(&mut self) -> AppResult<Option<T>> {
        Ok(self.rows()?.into_iter().next())
    }

    /// How many rows a write changed: its `RETURNING id` rows, counted.
    fn changed(&mut self) -> AppResult<usize> {
        Ok(self.rows::<ReturnedId>()?.len())
    }
}

impl Repo {
    /// Runs statements in one round trip (and one transaction).
    async fn batch(&self, statements: Vec<worker::D1PreparedStatement>) -> AppResult<BatchRows> {
        Ok(BatchRows(
            self.db
                .batch(statements)
                .await
                .map_err(storage)?
                .into_iter(),
        ))
    }

    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Repo {
            db: env.d1("DB").map_err(storage)?,
        })
    }

    pub async fn client_by_slug(&self, slug: &str) -> AppResult<Option<Client>> {
        let sql = client_query("c.slug = ?1");
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
                 planned_url, planned_at, user_agent, ip_hash, provider_name_used, route_service, consent_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'new', ?12, ?3, ?13, ?14, ?15, ?16, ?17)",
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
                text(h.provider_name),
                text(h.route_service),
                h.consent_at.map_or(JsValue::NULL, num),
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
            from = statuses_that_may_become(HandoffStatus::Redirected)
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
            .prepare(client_query(
                "c.id = (SELECT client_id FROM booking_handoffs WHERE id = ?1)",
            ))
            .bind(&[id.as_str().into()])
            .map_err(storage)?;
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
                 external_booking_utm_source, external_booking_utm_campaign, external_booking_prefill, services, updated_at, \
                 service_routes, consent_required, consent_text, retention_days) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
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
                routes_json(&s.service_routes)?.as_str().into(),
                num(s.consent_required as i64),
                text(s.consent_text.as_deref()),
                num(i64::from(s.retention_days)),
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
    /// One trivial round trip (the benchmark's D1 floor).
    pub async fn ping(&self) -> AppResult<()> {
        let _: Option<f64> = self
            .db
            .prepare("SELECT 1 AS one")
            .first(Some("one"))
            .await
            .map_err(storage)?;
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
            .await
            .map_err(storage)?;
        Ok(())
    }
}

// ---- dashboard and admin API ----

use handoff_core::pipeline::{Cursor, HandoffFilter, PipelineQuery};

/// The signed-in client as every dashboard page needs it (header and banner).
#[derive(Clone, Debug)]
pub struct SessionClient {
    pub id: ClientId,
    pub name: String,
    /// External mode without a booking URL: visitors cannot book, the admin must be told.
    pub booking_unavailable: bool,
    /// Verified provider events that matched no handoff and are not linked yet (nav badge).
    pub unlinked_events: i64,
}

#[derive(Deserialize)]
struct SessionClientRow {
    id: String,
    name: String,
    booking_mode: String,
    external_booking_url: Option<String>,
    unlinked_events: f64,
}

/// Handoffs per status under the current filter (the status itself aside), plus how many
/// were ever redirected (the funnel's middle step: a completed handoff may have been).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub new: i64,
    pub redirected: i64,
    pub completed_external: i64,
    pub abandoned: i64,
    pub ever_redirected: i64,
}

impl StatusCounts {
    pub fn total(&self) -> i64 {
        self.new + self.redirected + self.completed_external + self.abandoned
    }

    pub fn of(&self, status: HandoffStatus) -> i64 {
        match status {
            HandoffStatus::New => self.new,
            HandoffStatus::Redirected => self.redirected,
            HandoffStatus::CompletedExternal => self.completed_external,
            HandoffStatus::Abandoned => self.abandoned,
        }
    }
}

#[derive(Deserialize)]
struct CountRow {
    status: String,
    n: f64,
    redirected: Option<f64>,
}

/// One page of the pipeline.
pub struct HandoffPage {
    pub handoffs: Vec<HandoffRow>,
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
    pub counts: StatusCounts,
    /// Industries this client's handoffs carry (for the filter's choices).
    pub industries: Vec<String>,
}

#[derive(Deserialize)]
struct IndustryRow {
    industry: String,
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

/// What the settings page shows besides the client's settings.
pub struct SettingsMeta {
    pub has_webhook_secret: bool,
    pub has_forward_secret: bool,
    pub updated_at: i64,
}

#[derive(Deserialize)]
struct SettingsMetaRow {
    has_secret: f64,
    has_forward_secret: f64,
    updated_at: f64,
}

/// A stored webhook secret changes only when the admin says so.
pub enum SecretChange {
    Keep,
    /// The sealed (encrypted) secret.
    Set(String),
    Clear,
}

/// Everything a settings save writes.
pub struct SettingsUpdate<'a> {
    pub settings: &'a Settings,
    pub allowed_origins: &'a [String],
    pub contact_email: Option<&'a str>,
    pub contact_phone: Option<&'a str>,
    pub webhook_secret: SecretChange,
    pub forward_secret: SecretChange,
    pub iframe_check: Option<&'static str>,
}

/// The statuses from which `target` may be reached, from core's rules, as an SQL list.
fn statuses_that_may_become(target: HandoffStatus) -> String {
    HandoffStatus::ALL
        .iter()
        .filter(|s| s.can_transition_to(target))
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `WHERE` conditions and their bound values (anonymous `?`, bound in order) for a filter.
/// The client always comes first; the status only when asked (counts group by it instead).
fn filter_conditions(
    client: &ClientId,
    filter: &HandoffFilter,
    with_status: bool,
) -> (String, Vec<JsValue>) {
    let mut sql = String::from("client_id = ?");
    let mut binds: Vec<JsValue> = vec![client.as_str().into()];
    if let (true, Some(status)) = (with_status, filter.status) {
        sql.push_str(" AND status = ?");
        binds.push(status.as_str().into());
    }
    if let Some(from) = filter.created_from() {
        sql.push_str(" AND created_at >= ?");
        binds.push(num(from));
    }
    if let Some(before) = filter.created_before() {
        sql.push_str(" AND created_at < ?");
        binds.push(num(before));
    }
    if let Some(industry) = &filter.industry {
        sql.push_str(" AND lower(industry) = lower(?)");
        binds.push(industry.as_str().into());
    }
    if let Some(source) = &filter.source {
        sql.push_str(" AND instr(lower(source_page), lower(?)) > 0");
        binds.push(source.as_str().into());
    }
    if let Some(provider) = &filter.provider {
        sql.push_str(" AND lower(provider_name_used) = lower(?)");
        binds.push(provider.as_str().into());
    }
    (sql, binds)
}

impl Repo {
    /// The session's client, if the admin key it was signed in with still exists, belongs to
    /// that client and is not revoked: one primary-key lookup plus two joins on primary keys,
    /// and the count of unlinked webhook events (the client's index) for the nav badge.
    pub async fn session_client(
        &self,
        client_id: &str,
        key_hash: &str,
    ) -> AppResult<Option<SessionClient>> {
        let row: Option<SessionClientRow> = self
            .db
            .prepare(
                "SELECT c.id, c.name, s.booking_mode, s.external_booking_url, \
                 (SELECT COUNT(*) FROM unmatched_webhook_events u \
                  WHERE u.client_id = c.id AND u.linked_handoff_id IS NULL) AS unlinked_events \
                 FROM admin_keys k \
                 JOIN clients c ON c.id = k.client_id JOIN client_settings s ON s.client_id = c.id \
                 WHERE k.key_hash = ?1 AND k.client_id = ?2 AND k.revoked_at IS NULL",
            )
            .bind(&[key_hash.into(), client_id.into()])
            .map_err(storage)?
            .first(None)
            .await
            .map_err(storage)?;
        Ok(row.map(|r| SessionClient {
            booking_unavailable: BookingMode::parse(&r.booking_mode) != Some(BookingMode::Internal)
                && r.external_booking_url.as_deref().is_none_or(str::is_empty),
            id: ClientId(r.id),
            name: r.name,
            unlinked_events: r.unlinked_events as i64,
        }))
    }

    /// A page of handoffs in keyset order: the SQL and its bound values.
    fn page_sql(
        client: &ClientId,
        filter: &HandoffFilter,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> (String, Vec<JsValue>) {
        let (mut conditions, mut binds) = filter_conditions(client, filter, true);
        if let Some(cursor) = cursor {
            // Keyset: strictly after the last row shown, in (created_at DESC, id DESC) order,
            // which is exactly the order of both handoff indexes.
            conditions.push_str(" AND (created_at, id) < (?, ?)");
            binds.push(num(cursor.created_at));
            binds.push(cursor.id.as_str().into());
        }
        binds.push(num(limit as i64));
        (
            format!(
                "SELECT {HANDOFF_COLUMNS} FROM booking_handoffs WHERE {conditions} \
                 ORDER BY created_at DESC, id DESC LIMIT ?"
            ),
            binds,
        )
    }

    /// The statements behind one pipeline page, labelled: the page (one extra row says
    /// whether there is a next one), the per-status counts and, when asked, the industries.
    /// The counts are the trigger-kept running totals unless the filter narrows beyond the
    /// status, so the common views never read more than a page of handoffs.
    fn pipeline_sql(
        client: &ClientId,
        query: &PipelineQuery,
        with_industries: bool,
    ) -> Vec<(&'static str, String, Vec<JsValue>)> {
        let (page, page_binds) = Self::page_sql(
            client,
            &query.filter,
            query.cursor.as_ref(),
            query.limit + 1,
        );
        let mut out = vec![("page", page, page_binds)];
        if query.filter.counts_are_totals() {
            out.push((
                "counts",
                "SELECT status, n, ever_redirected AS redirected FROM client_status_counts \
                 WHERE client_id = ?"
                    .into(),
                vec![client.as_str().into()],
            ));
        } else {
            let (conditions, binds) = filter_conditions(client, &query.filter, false);
            out.push((
                "counts",
                format!(
                    "SELECT status, COUNT(*) AS n, SUM(redirected_at IS NOT NULL) AS redirected \
                     FROM booking_handoffs WHERE {conditions} GROUP BY status"
                ),
                binds,
            ));
        }
        if with_industries {
            out.push((
                "industries",
                "SELECT industry FROM client_industries WHERE client_id = ? \
                 ORDER BY industry LIMIT 50"
                    .into(),
                vec![client.as_str().into()],
            ));
        }
        out
    }

    fn prepare(&self, sql: &str, binds: &[JsValue]) -> AppResult<worker::D1PreparedStatement> {
        self.db.prepare(sql).bind(binds).map_err(storage)
    }

    /// A page of handoffs (newest first), the per-status counts for the filter and, when
    /// asked, the industries to filter by: one round trip.
    pub async fn handoff_page(
        &self,
        client: &ClientId,
        query: &PipelineQuery,
        with_industries: bool,
    ) -> AppResult<HandoffPage> {
        let statements = Self::pipeline_sql(client, query, with_industries)
            .iter()
            .map(|(_, sql, binds)| self.prepare(sql, binds))
            .collect::<AppResult<Vec<_>>>()?;
        let mut results = self.batch(statements).await?;
        let mut handoffs: Vec<HandoffRow> = results.rows()?;
        let count_rows: Vec<CountRow> = results.rows()?;
        let industries: Vec<IndustryRow> = results.rows()?;
        let next = if handoffs.len() > query.limit {
            handoffs.truncate(query.limit);
            handoffs.last().and_then(|h| {
                Some(Cursor {
                    created_at: h.created_at as i64,
                    id: HandoffId::parse(&h.id)?,
                })
            })
        } else {
            None
        };
        let mut counts = StatusCounts::default();
        for row in count_rows {
            let n = row.n as i64;
            match HandoffStatus::parse(&row.status) {
                Some(HandoffStatus::New) => counts.new = n,
                Some(HandoffStatus::Redirected) => counts.redirected = n,
                Some(HandoffStatus::CompletedExternal) => counts.completed_external = n,
                Some(HandoffStatus::Abandoned) => counts.abandoned = n,
                None => {}
            }
            counts.ever_redirected += row.redirected.unwrap_or(0.0) as i64;
        }
        Ok(HandoffPage {
            handoffs,
            next,
            counts,
            industries: industries.into_iter().map(|r| r.industry).collect(),
        })
    }

    /// `EXPLAIN QUERY PLAN` of exactly the statements [`Repo::handoff_page`] runs for this
    /// query: (label, plan lines). Only the benchmark/test diagnostics route calls it.
    pub async fn explain_pipeline(
        &self,
        client: &ClientId,
        query: &PipelineQuery,
    ) -> AppResult<Vec<(&'static str, Vec<String>)>> {
        #[derive(Deserialize)]
        struct PlanRow {
            detail: String,
        }
        let labelled = Self::pipeline_sql(client, query, true);
        let statements = labelled
            .iter()
            .map(|(_, sql, binds)| self.prepare(&format!("EXPLAIN QUERY PLAN {sql}"), binds))
            .collect::<AppResult<Vec<_>>>()?;
        let mut results = self.batch(statements).await?;
        let mut out = Vec::new();
        for (label, _, _) in labelled {
            let rows: Vec<PlanRow> = results.rows()?;
            out.push((label, rows.into_iter().map(|r| r.detail).collect()));
        }
        Ok(out)
    }

    /// Handoffs for an export, newest first, keyset-paged like the pipeline.
    pub async fn handoffs_after(
        &self,
        client: &ClientId,
        filter: &HandoffFilter,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> AppResult<Vec<HandoffRow>> {
        let (sql, binds) = Self::page_sql(client, filter, cursor, limit);
        all(self.prepare(&sql, &binds)?).await
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
        let update = self
            .db
            .prepare(format!(
                "UPDATE booking_handoffs SET status = '{to}', {set} \
                 WHERE id = ?1 AND client_id = ?2 AND status IN ({from}) RETURNING id",
                to = target.as_str(),
                from = statuses_that_may_become(target),
            ))
            .bind(&[
                id.as_str().into(),
                client.as_str().into(),
                num(now),
                by.into(),
            ])
            .map_err(storage)?;
        let read = self
            .db
            .prepare(format!(
                "SELECT {HANDOFF_COLUMNS} FROM booking_handoffs WHERE id = ?1 AND client_id = ?2"
            ))
            .bind(&[id.as_str().into(), client.as_str().into()])
            .map_err(storage)?;
        let mut results = self.batch(vec![update, read]).await?;
        let changed = results.changed()?;
        let row: Option<HandoffRow> = results.first()?;
        Ok(match (changed == 0, row) {
            (_, None) => Transition::NotFound,
            (false, Some(row)) => Transition::Done(Box::new(row)),
            (true, Some(row)) => Transition::Refused(
                HandoffStatus::parse(&row.status).unwrap_or(HandoffStatus::CompletedExternal),
            ),
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

    /// The client's settings as stored, and whether a webhook secret is set (never the secret).
    pub async fn client_settings(
        &self,
        client: &ClientId,
    ) -> AppResult<Option<(Client, SettingsMeta)>> {
        let settings = self
            .db
            .prepare(client_query("c.id = ?1"))
            .bind(&[client.as_str().into()])
            .map_err(storage)?;
        let meta = self
            .db
            .prepare(
                "SELECT external_booking_webhook_secret IS NOT NULL AS has_secret, \
                 forward_secret IS NOT NULL AS has_forward_secret, updated_at \
                 FROM client_settings WHERE client_id = ?1",
            )
            .bind(&[client.as_str().into()])
            .map_err(storage)?;
        let mut results = self.batch(vec![settings, meta]).await?;
        let client: Option<ClientRow> = results.first()?;
        let meta: Option<SettingsMetaRow> = results.first()?;
        Ok(match (client, meta) {
            (Some(c), Some(m)) => Some((
                Client::from(c),
                SettingsMeta {
                    has_webhook_secret: m.has_secret != 0.0,
                    has_forward_secret: m.has_forward_secret != 0.0,
                    updated_at: m.updated_at as i64,
                },
            )),
            _ => None,
        })
    }

    /// Saves validated settings and the client's contact fields atomically, bumping
    /// `updated_at` strictly (the redirect's fast path compares against it).
    pub async fn save_settings(
        &self,
        client: &ClientId,
        u: &SettingsUpdate<'_>,
        now: i64,
    ) -> AppResult<()> {
        let s = u.settings;
        let origins = serde_json::to_string(u.allowed_origins)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let services =
            serde_json::to_string(&s.services).map_err(|e| AppError::Internal(e.to_string()))?;
        let contact = self
            .db
            .prepare(
                "UPDATE clients SET allowed_origins = ?2, contact_email = ?3, contact_phone = ?4 WHERE id = ?1",
            )
            .bind(&[
                client.as_str().into(),
                origins.as_str().into(),
                text(u.contact_email),
                text(u.contact_phone),
            ])
            .map_err(storage)?;
        // Each secret: kept (no SQL), set (bound, numbered after the fixed parameters) or cleared.
        let mut secret_sql = String::new();
        let mut secret_binds: Vec<JsValue> = Vec::new();
        for (column, change) in [
            ("external_booking_webhook_secret", &u.webhook_secret),
            ("forward_secret", &u.forward_secret),
        ] {
            match change {
                SecretChange::Keep => {}
                SecretChange::Set(sealed) => {
                    secret_binds.push(JsValue::from_str(sealed));
                    secret_sql.push_str(&format!(", {column} = ?{}", 21 + secret_binds.len()));
                }
                SecretChange::Clear => secret_sql.push_str(&format!(", {column} = NULL")),
            }
        }
        let mut binds = vec![
            client.as_str().into(),
            s.booking_mode.as_str().into(),
            text(s.external_booking_provider_name.as_deref()),
            text(s.external_booking_url.as_ref().map(|u| u.as_str())),
            s.external_booking_embed_mode.as_str().into(),
            text(s.external_booking_disclaimer.as_deref()),
            text(s.external_booking_utm_source.as_deref()),
            text(s.external_booking_utm_campaign.as_deref()),
            num(s.external_booking_prefill as i64),
            num(s.external_booking_webhook_enabled as i64),
            text(s.external_booking_webhook_provider.map(|p| p.slug())),
            text(s.external_booking_completion_event_name.as_deref()),
            text(u.iframe_check),
            services.as_str().into(),
            num(now),
            routes_json(&s.service_routes)?.as_str().into(),
            num(s.consent_required as i64),
            text(s.consent_text.as_deref()),
            num(i64::from(s.retention_days)),
            num(s.forward_enabled as i64),
            text(s.forward_url.as_ref().map(|u| u.as_str())),
        ];
        binds.extend(secret_binds);
        let settings = self
            .db
            .prepare(format!(
                "UPDATE client_settings SET booking_mode = ?2, external_booking_provider_name = ?3, \
                 external_booking_url = ?4, external_booking_embed_mode = ?5, external_booking_disclaimer = ?6, \
                 external_booking_utm_source = ?7, external_booking_utm_campaign = ?8, \
                 external_booking_prefill = ?9, external_booking_webhook_enabled = ?10, \
                 external_booking_webhook_provider = ?11, external_booking_completion_event_name = ?12, \
                 iframe_check = ?13, services = ?14, updated_at = MAX(?15, updated_at + 1), \
                 service_routes = ?16, consent_required = ?17, consent_text = ?18, retention_days = ?19, \
                 forward_enabled = ?20, forward_url = ?21{secret_sql} \
                 WHERE client_id = ?1"
            ))
            .bind(&binds)
            .map_err(storage)?;
        self.db
            .batch(vec![contact, settings])
            .await
            .map_err(storage)?;
        Ok(())
    }

    /// Revokes one of the client's admin keys; false when it has no such unrevoked key.
    /// Sessions signed in with it stop working on their next request.
    pub async fn revoke_admin_key(
        &self,
        client: &ClientId,
        key_hash: &str,
        now: i64,
    ) -> AppResult<bool> {
        let revoked: Option<String> = self
            .db
            .prepare(
                "UPDATE admin_keys SET revoked_at = ?3 \
                 WHERE key_hash = ?1 AND client_id = ?2 AND revoked_at IS NULL RETURNING key_hash",
            )
            .bind(&[key_hash.into(), client.as_str().into(), num(now)])
            .map_err(storage)?
            .first(Some("key_hash"))
            .await
            .map_err(storage)?;
        Ok(revoked.is_some())
    }
}

// ---- scheduled abandonment ----
impl Repo {
    /// Every client, with whether its webhook is enabled (the sweep decides per client).
    pub async fn clients_for_sweep(&self) -> AppResult<Vec<SweepClient>> {
        #[derive(Deserialize)]
        struct Row {
            client_id: String,
            webhook_enabled: f64,
            retention_days: f64,
        }
        let rows: Vec<Row> = all(self.db.prepare(
            "SELECT client_id, external_booking_webhook_enabled AS webhook_enabled, retention_days \
             FROM client_settings",
        ))
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| SweepClient {
                id: ClientId(r.client_id),
                webhook_enabled: r.webhook_enabled != 0.0,
                retention_days: r.retention_days as u32,
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
        let mut statements = vec![self
            .db
            .prepare(
                "UPDATE booking_handoffs SET status = 'abandoned', abandoned_at = ?3, abandoned_by = 'scheduled' \
                 WHERE client_id = ?1 AND status = 'new' AND created_at < ?2",
            )
            .bind(&[client.as_str().into(), num(new_before), num(now)])
            .map_err(storage)?];
        if let Some(before) = redirected_before {
            statements.push(
                self.db
                    .prepare(
                        "UPDATE booking_handoffs SET status = 'abandoned', abandoned_at = ?3, abandoned_by = 'scheduled' \
                         WHERE client_id = ?1 AND status = 'redirected' AND redirected_at < ?2",
                    )
                    .bind(&[client.as_str().into(), num(before), num(now)])
                    .map_err(storage)?,
            );
        }
        let results = self.db.batch(statements).await.map_err(storage)?;
        let mut changed = 0;
        for r in results {
            changed += r
                .meta()
                .map_err(storage)?
                .and_then(|m| m.changes)
                .unwrap_or(0);
        }
        Ok(changed)
    }
}

// ---- provider webhooks ----

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
    pub received_at: f64,
    pub linked_handoff_id: Option<String>,
    pub linked_at: Option<f64>,
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
        self.db
            .prepare("SELECT external_booking_webhook_secret AS s FROM client_settings WHERE client_id = ?1")
            .bind(&[client.as_str().into()])
            .map_err(storage)?
            .first::<Option<String>>(Some("s"))
            .await
            .map_err(storage)
            .map(Option::flatten)
    }

    /// Records a delivery; `false` when this client already received this event (a replay).
    pub async fn record_receipt(
        &self,
        client: &ClientId,
        provider: &str,
        event_id: &str,
        now: i64,
    ) -> AppResult<bool> {
        let result = self
            .db
            .prepare(
                "INSERT OR IGNORE INTO webhook_receipts (client_id, provider, event_id, received_at) \
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(&[client.as_str().into(), provider.into(), event_id.into(), num(now)])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(result
            .meta()
            .map_err(storage)?
            .and_then(|m| m.changes)
            .unwrap_or(0)
            == 1)
    }

    /// Undoes `record_receipt` when processing failed, so the provider's retry is processed.
    pub async fn forget_receipt(
        &self,
        client: &ClientId,
        provider: &str,
        event_id: &str,
    ) -> AppResult<()> {
        self.db
            .prepare("DELETE FROM webhook_receipts WHERE client_id = ?1 AND provider = ?2 AND event_id = ?3")
            .bind(&[client.as_str().into(), provider.into(), event_id.into()])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
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
        self.db
            .prepare(
                "INSERT INTO unmatched_webhook_events (id, client_id, provider, event_type, event_id, identifiers, received_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .bind(&[
                id.into(),
                client.as_str().into(),
                provider.into(),
                event_type.into(),
                event_id.into(),
                identifiers_json.into(),
                num(now),
            ])
            .map_err(storage)?
            .run()
            .await
            .map_err(storage)?;
        Ok(())
    }

    /// The client's unmatched events, unlinked ones first, newest first; and how many are
    /// unlinked in all. One round trip.
    pub async fn unmatched_events(
        &self,
        client: &ClientId,
        limit: u32,
    ) -> AppResult<(Vec<UnmatchedEventRow>, i64)> {
        let list = self
            .db
            .prepare(format!(
                "SELECT {UNMATCHED_COLUMNS} FROM {UNMATCHED_FROM} WHERE u.client_id = ?1 \
                 ORDER BY u.linked_handoff_id IS NOT NULL, u.received_at DESC, u.id LIMIT ?2"
            ))
            .bind(&[client.as_str().into(), num(limit as i64)])
            .map_err(storage)?;
        let count = self
            .db
            .prepare(
                "SELECT COUNT(*) AS n FROM unmatched_webhook_events \
                 WHERE client_id = ?1 AND linked_handoff_id IS NULL",
            )
            .bind(&[client.as_str().into()])
            .map_err(storage)?;
        let mut results = self.batch(vec![list, count]).await?;
        let events: Vec<UnmatchedEventRow> = results.rows()?;
        #[derive(Deserialize)]
        struct Count {
            n: f64,
        }
        let unlinked = results.first::<Count>()?.map_or(0, |c| c.n as i64);
        Ok((events, unlinked))
    }

    /// A handoff and the unmatched events an admin linked to it (for its timeline).
    pub async fn handoff_with_links(
        &self,
        client: &ClientId,
        id: &HandoffId,
    ) -> AppResult<Option<(HandoffRow, Vec<UnmatchedEventRow>)>> {
        let handoff = self
            .db
            .prepare(format!(
                "SELECT {HANDOFF_COLUMNS} FROM booking_handoffs WHERE id = ?1 AND client_id = ?2"
            ))
            .bind(&[id.as_str().into(), client.as_str().into()])
            .map_err(storage)?;
        let linked = self
            .db
            .prepare(format!(
                "SELECT {UNMATCHED_COLUMNS} FROM {UNMATCHED_FROM} \
                 WHERE u.client_id = ?1 AND u.linked_handoff_id = ?2 ORDER BY u.linked_at"
            ))
            .bind(&[client.as_str().into(), id.as_str().into()])
            .map_err(storage)?;
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
        let binds = [
            client.as_str().into(),
            event.into(),
            handoff.as_str().into(),
            num(now),
        ];
        let claim = self
            .db
            .prepare(
                "UPDATE unmatched_webhook_events SET linked_handoff_id = ?3, linked_at = ?4 \
                 WHERE client_id = ?1 AND id = ?2 AND linked_handoff_id IS NULL \
                 AND EXISTS (SELECT 1 FROM booking_handoffs WHERE id = ?3 AND client_id = ?1) \
                 RETURNING id",
            )
            .bind(&binds)
            .map_err(storage)?;
        let complete = self
            .db
            .prepare(format!(
                "UPDATE booking_handoffs SET status = '{to}', completed_at = ?4, \
                 completed_by = 'webhook:' || (SELECT provider FROM unmatched_webhook_events \
                   WHERE id = ?2 AND client_id = ?1) \
                 WHERE id = ?3 AND client_id = ?1 AND status IN ({from}) \
                 AND EXISTS (SELECT 1 FROM unmatched_webhook_events WHERE id = ?2 AND client_id = ?1 \
                   AND linked_handoff_id = ?3 AND linked_at = ?4) \
                 RETURNING id",
                to = HandoffStatus::CompletedExternal.as_str(),
                from = statuses_that_may_become(HandoffStatus::CompletedExternal),
            ))
            .bind(&binds)
            .map_err(storage)?;
        let read_event = self
            .db
            .prepare(format!(
                "SELECT {UNMATCHED_COLUMNS} FROM {UNMATCHED_FROM} WHERE u.client_id = ?1 AND u.id = ?2"
            ))
            .bind(&[client.as_str().into(), event.into()])
            .map_err(storage)?;
        let read_handoff = self
            .db
            .prepare(format!(
                "SELECT {HANDOFF_COLUMNS} FROM booking_handoffs WHERE id = ?1 AND client_id = ?2"
            ))
            .bind(&[handoff.as_str().into(), client.as_str().into()])
            .map_err(storage)?;
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

/// What the scheduled job needs to know about each client.
pub struct SweepClient {
    pub id: ClientId,
    pub webhook_enabled: bool,
    pub retention_days: u32,
}

// ---- privacy: erasure and retention ----

use handoff_core::privacy::{phone_digits_sql, ErasureTarget, ERASED_COLUMNS};

/// One line of the erasure log (never the data erased).
#[derive(Clone, Debug, Deserialize)]
pub struct ErasureLogRow {
    pub at: f64,
    pub reason: String,
    pub matched_by: Option<String>,
    pub handoffs: f64,
}

/// A delivery of the lead-forwarding outbox, with what sending it needs.
#[derive(Clone, Debug, Deserialize)]
pub struct DueDelivery {
    pub delivery_id: String,
    pub client_id: String,
    pub event_type: String,
    pub occurred_at: f64,
    pub attempts: f64,
    pub forward_url: Option<String>,
    pub forward_secret: Option<String>,
    pub forward_enabled: f64,
    #[serde(flatten)]
    pub handoff: HandoffRow,
}

/// A delivery as the dashboard's log shows it.
#[derive(Clone, Debug, Deserialize)]
pub struct DeliveryLogRow {
    pub id: String,
    pub handoff_id: String,
    pub event_type: String,
    pub occurred_at: f64,
    pub status: String,
    pub attempts: f64,
    pub next_attempt_at: f64,
    pub last_attempt_at: Option<f64>,
    pub last_status: Option<f64>,
    pub last_error: Option<String>,
    pub delivered_at: Option<f64>,
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

fn erase_set() -> String {
    ERASED_COLUMNS
        .iter()
        .map(|(column, value)| format!("{column} = {value}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The condition (after `client_id = ?1 AND erased_at IS NULL AND`) for one visitor, bound as ?2.
fn visitor_condition(target: &ErasureTarget) -> (String, JsValue) {
    match target {
        ErasureTarget::Email(email) => ("lower(customer_email) = ?2".into(), email.as_str().into()),
        ErasureTarget::PhoneDigits(digits) => (
            format!("{} = ?2", phone_digits_sql("customer_phone")),
            digits.as_str().into(),
        ),
    }
}

impl Repo {
    /// How many of this client's handoffs hold this visitor's data (not yet erased).
    pub async fn count_visitor(&self, client: &ClientId, target: &ErasureTarget) -> AppResult<i64> {
        let (condition, value) = visitor_condition(target);
        #[derive(Deserialize)]
        struct N {
            n: f64,
        }
        let row: Option<N> = self
            .db
            .prepare(format!(
                "SELECT COUNT(*) AS n FROM booking_handoffs \
                 WHERE client_id = ?1 AND erased_at IS NULL AND {condition}"
            ))
            .bind(&[client.as_str().into(), value])
            .map_err(storage)?
            .first(None)
            .await
            .map_err(storage)?;
        Ok(row.map_or(0, |r| r.n as i64))
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
        let erase = self
            .db
            .prepare(format!(
                "UPDATE booking_handoffs SET {set}, erased_at = ?3 \
                 WHERE client_id = ?1 AND erased_at IS NULL AND {condition} RETURNING id",
                set = erase_set()
            ))
            .bind(&[client.as_str().into(), value, num(now)])
            .map_err(storage)?;
        let log = self
            .db
            .prepare(
                "INSERT INTO erasure_log (id, client_id, at, reason, matched_by, handoffs) \
                 SELECT ?1, ?2, ?3, 'admin', ?4, changes()",
            )
            .bind(&[
                log_id.into(),
                client.as_str().into(),
                num(now),
                target.kind().into(),
            ])
            .map_err(storage)?;
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
        let erase = self
            .db
            .prepare(format!(
                "UPDATE booking_handoffs SET {set}, erased_at = ?3 WHERE id IN ( \
                   SELECT id FROM booking_handoffs \
                   WHERE client_id = ?1 AND created_at < ?2 AND erased_at IS NULL LIMIT ?4) \
                 AND client_id = ?1 RETURNING id",
                set = erase_set()
            ))
            .bind(&[
                client.as_str().into(),
                num(cutoff),
                num(now),
                num(limit as i64),
            ])
            .map_err(storage)?;
        let log = self
            .db
            .prepare(
                "INSERT INTO erasure_log (id, client_id, at, reason, matched_by, handoffs) \
                 SELECT ?1, ?2, ?3, 'retention', NULL, changes() WHERE changes() > 0",
            )
            .bind(&[log_id.into(), client.as_str().into(), num(now)])
            .map_err(storage)?;
        let mut results = self.batch(vec![erase, log]).await?;
        Ok(results.changed()? as i64)
    }

    pub async fn erasure_log(
        &self,
        client: &ClientId,
        limit: usize,
    ) -> AppResult<Vec<ErasureLogRow>> {
        let statement = self
            .db
            .prepare(
                "SELECT at, reason, matched_by, handoffs FROM erasure_log \
                 WHERE client_id = ?1 ORDER BY at DESC LIMIT ?2",
            )
            .bind(&[client.as_str().into(), num(limit as i64)])
            .map_err(storage)?;
        all(statement).await
    }

    // ---- lead forwarding ----

    /// Pending deliveries due by `now`, oldest first, with the client's forwarding settings
    /// and the handoff as it is now. `client`: only that client's (the capture's immediate
    /// attempt); `None`: everyone's (the scheduled job, which acts for every client).
    pub async fn due_deliveries(
        &self,
        client: Option<&ClientId>,
        now: i64,
        limit: usize,
    ) -> AppResult<Vec<DueDelivery>> {
        let handoff_columns = HANDOFF_COLUMNS
            .split(", ")
            .map(|c| format!("h.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let (scope, mut binds) = match client {
            Some(c) => ("AND d.client_id = ?3", vec![c.as_str().into()]),
            None => ("", Vec::new()),
        };
        binds.insert(0, num(limit as i64));
        binds.insert(0, num(now));
        let statement = self
            .db
            .prepare(format!(
                "SELECT d.id AS delivery_id, d.client_id, d.event_type, d.occurred_at, d.attempts, \
                 s.forward_url, s.forward_secret, s.forward_enabled, {handoff_columns} \
                 FROM forward_deliveries d \
                 JOIN client_settings s ON s.client_id = d.client_id \
                 JOIN booking_handoffs h ON h.id = d.handoff_id AND h.client_id = d.client_id \
                 WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 {scope} \
                 ORDER BY d.next_attempt_at LIMIT ?2"
            ))
            .bind(&binds)
            .map_err(storage)?;
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
        let statement = self
            .db
            .prepare(
                "UPDATE forward_deliveries SET status = ?3, attempts = attempts + 1, last_attempt_at = ?4, \
                 last_status = ?5, last_error = ?6, next_attempt_at = COALESCE(?7, next_attempt_at), \
                 delivered_at = ?8 \
                 WHERE id = ?1 AND client_id = ?2 AND status = 'pending' AND attempts = ?9 RETURNING id",
            )
            .bind(&[
                delivery.delivery_id.as_str().into(),
                delivery.client_id.as_str().into(),
                status.into(),
                num(now),
                last_status.map_or(JsValue::NULL, |s| num(i64::from(s))),
                text(error),
                next_at.map_or(JsValue::NULL, num),
                delivered_at.map_or(JsValue::NULL, num),
                num(delivery.attempts as i64),
            ])
            .map_err(storage)?;
        Ok(!all::<ReturnedId>(statement).await?.is_empty())
    }

    /// The client's most recent deliveries, newest first.
    pub async fn delivery_log(
        &self,
        client: &ClientId,
        limit: usize,
    ) -> AppResult<Vec<DeliveryLogRow>> {
        let statement = self
            .db
            .prepare(
                "SELECT id, handoff_id, event_type, occurred_at, status, attempts, next_attempt_at, \
                 last_attempt_at, last_status, last_error, delivered_at FROM forward_deliveries \
                 WHERE client_id = ?1 ORDER BY occurred_at DESC, id DESC LIMIT ?2",
            )
            .bind(&[client.as_str().into(), num(limit as i64)])
            .map_err(storage)?;
        all(statement).await
    }

    /// Puts one of this client's failed deliveries back in the queue, due now.
    pub async fn retry_delivery(&self, client: &ClientId, id: &str, now: i64) -> AppResult<bool> {
        let statement = self
            .db
            .prepare(
                "UPDATE forward_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?3 \
                 WHERE id = ?1 AND client_id = ?2 AND status = 'failed' RETURNING id",
            )
            .bind(&[id.into(), client.as_str().into(), num(now)])
            .map_err(storage)?;
        Ok(!all::<ReturnedId>(statement).await?.is_empty())
    }
}
