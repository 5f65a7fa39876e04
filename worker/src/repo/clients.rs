//! Clients (tenants), their admin keys and the signed-in session's client.
use handoff_core::{
    provider::Provider,
    settings::{BookingMode, EmbedMode, ServiceRoute, Settings},
};
use serde::{Deserialize, Serialize};
use worker::{query, D1PreparedStatement};

use super::{client_id, json, ClientId, Count, Repo};
use crate::error::AppResult;

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
pub(super) fn client_query(condition: &str) -> String {
    format!(
        "SELECT {CLIENT_COLUMNS} FROM clients c JOIN client_settings s ON s.client_id = c.id WHERE {condition}"
    )
}

#[derive(Deserialize)]
pub(super) struct ClientRow {
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

pub(super) fn routes_json(routes: &[ServiceRoute]) -> AppResult<String> {
    let stored: Vec<StoredRoute> = routes
        .iter()
        .map(|r| StoredRoute {
            service: r.service.clone(),
            provider_name: r.provider_name.clone(),
            booking_url: r.booking_url.to_string(),
            keywords: r.keywords.clone(),
        })
        .collect();
    json(&stored)
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
    #[serde(deserialize_with = "client_id")]
    id: ClientId,
    name: String,
    booking_mode: String,
    external_booking_url: Option<String>,
    unlinked_events: i64,
}

impl Repo {
    pub async fn client_by_slug(&self, slug: &str) -> AppResult<Option<Client>> {
        let sql = client_query("c.slug = ?1");
        let row: Option<ClientRow> = query!(&self.db, sql, slug,)?.first(None).await?;
        Ok(row.map(Client::from))
    }

    /// The client an (unrevoked) admin key belongs to.
    pub async fn client_for_admin_key(&self, key_hash: &str) -> AppResult<Option<ClientId>> {
        let id: Option<String> = query!(
            &self.db,
            "SELECT client_id FROM admin_keys WHERE key_hash = ?1 AND revoked_at IS NULL",
            key_hash,
        )?
        .first(Some("client_id"))
        .await?;
        Ok(id.map(ClientId))
    }

    pub async fn slug_exists(&self, slug: &str) -> AppResult<bool> {
        let row: Option<Count> = query!(
            &self.db,
            "SELECT COUNT(*) AS n FROM clients WHERE slug = ?1",
            slug,
        )?
        .first(None)
        .await?;
        Ok(row.is_some_and(|r| r.n > 0))
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
        let origins = json(c.allowed_origins)?;
        let services = json(&s.services)?;
        let routes = routes_json(&s.service_routes)?;
        let client = query!(
&self.db,
"INSERT INTO clients (id, slug, name, allowed_origins, contact_email, contact_phone, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
c.id,
c.slug,
c.name,
origins.as_str(),
c.contact_email,
c.contact_phone,
now,
)?;
        let settings = query!(
&self.db,
"INSERT INTO client_settings (client_id, booking_mode, external_booking_provider_name, \
                 external_booking_url, external_booking_embed_mode, external_booking_disclaimer, \
                 external_booking_utm_source, external_booking_utm_campaign, external_booking_prefill, services, updated_at, \
                 service_routes, consent_required, consent_text, retention_days) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
c.id,
s.booking_mode.as_str(),
s.external_booking_provider_name.as_deref(),
s.external_booking_url.as_ref().map(|u| u.as_str()),
s.external_booking_embed_mode.as_str(),
s.external_booking_disclaimer.as_deref(),
s.external_booking_utm_source.as_deref(),
s.external_booking_utm_campaign.as_deref(),
s.external_booking_prefill as i64,
services.as_str(),
now,
routes.as_str(),
s.consent_required as i64,
s.consent_text.as_deref(),
i64::from(s.retention_days),
)?;
        let key = self.admin_key_statement(c.id, key_hash, key_label, now)?;
        self.db.batch(vec![client, settings, key]).await?;
        Ok(ClientId(c.id.to_string()))
    }

    pub async fn client_id_by_slug(&self, slug: &str) -> AppResult<Option<ClientId>> {
        let id: Option<String> = query!(&self.db, "SELECT id FROM clients WHERE slug = ?1", slug,)?
            .first(Some("id"))
            .await?;
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
            .await?;
        Ok(())
    }

    fn admin_key_statement(
        &self,
        client_id: &str,
        key_hash: &str,
        label: &str,
        now: i64,
    ) -> AppResult<D1PreparedStatement> {
        Ok(query!(
&self.db,
"INSERT INTO admin_keys (key_hash, client_id, label, created_at) VALUES (?1, ?2, ?3, ?4)",
key_hash,
client_id,
label,
now,
)?)
    }

    /// The session's client, if the admin key it was signed in with still exists, belongs to
    /// that client and is not revoked: one primary-key lookup plus two joins on primary keys,
    /// and the count of unlinked webhook events (the client's index) for the nav badge.
    pub async fn session_client(
        &self,
        client_id: &str,
        key_hash: &str,
    ) -> AppResult<Option<SessionClient>> {
        let row: Option<SessionClientRow> = query!(
            &self.db,
            "SELECT c.id, c.name, s.booking_mode, s.external_booking_url, \
                 (SELECT COUNT(*) FROM unmatched_webhook_events u \
                  WHERE u.client_id = c.id AND u.linked_handoff_id IS NULL) AS unlinked_events \
                 FROM admin_keys k \
                 JOIN clients c ON c.id = k.client_id JOIN client_settings s ON s.client_id = c.id \
                 WHERE k.key_hash = ?1 AND k.client_id = ?2 AND k.revoked_at IS NULL",
            key_hash,
            client_id,
        )?
        .first(None)
        .await?;
        Ok(row.map(|r| SessionClient {
            booking_unavailable: BookingMode::parse(&r.booking_mode) != Some(BookingMode::Internal)
                && r.external_booking_url.as_deref().is_none_or(str::is_empty),
            id: r.id,
            name: r.name,
            unlinked_events: r.unlinked_events,
        }))
    }

    /// Revokes one of the client's admin keys; false when it has no such unrevoked key.
    /// Sessions signed in with it stop working on their next request.
    pub async fn revoke_admin_key(
        &self,
        client: &ClientId,
        key_hash: &str,
        now: i64,
    ) -> AppResult<bool> {
        let revoked: Option<String> = query!(
            &self.db,
            "UPDATE admin_keys SET revoked_at = ?3 \
                 WHERE key_hash = ?1 AND client_id = ?2 AND revoked_at IS NULL RETURNING key_hash",
            key_hash,
            client.as_str(),
            now,
        )?
        .first(Some("key_hash"))
        .await?;
        Ok(revoked.is_some())
    }
}
