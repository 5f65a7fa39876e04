//! Clients (tenants), their admin keys and the signed-in session's client.
use handoff_core::settings::{BookingMode, ServiceRoute, Settings, FIELDS};
use serde::{Deserialize, Serialize};
use worker::{query, D1PreparedStatement};

use super::{client_id, json, sql, ClientId, Count, Repo};
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

/// A client joined with its settings, selected by `condition` (a constant with bound parameters).
pub(super) fn client_query(condition: &str) -> String {
    // The column list follows core's field table; built once per isolate, not per request.
    static SETTINGS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    format!(
        "SELECT c.id, c.slug, c.name, c.allowed_origins, c.contact_email, c.contact_phone, \
         s.iframe_check, s.service_routes, {settings} \
         FROM clients c JOIN client_settings s ON s.client_id = c.id WHERE {condition}",
        settings = SETTINGS.get_or_init(|| sql::settings_columns("s")),
    )
}

#[derive(Deserialize)]
pub(super) struct ClientRow {
    #[serde(deserialize_with = "client_id")]
    id: ClientId,
    slug: String,
    name: String,
    allowed_origins: String,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    iframe_check: Option<String>,
    service_routes: String,
    /// Every column of core's settings table, by column name.
    #[serde(flatten)]
    settings: serde_json::Map<String, serde_json::Value>,
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
    /// Rows were validated on the way in; anything unreadable degrades to its default (the
    /// visitor then gets the contact CTA) instead of failing the request.
    fn from(r: ClientRow) -> Self {
        let mut settings = Settings::default();
        for f in FIELDS {
            (f.load)(
                &mut settings,
                sql::stored_of(f.kind, r.settings.get(f.column)),
            );
        }
        settings.service_routes = routes_from_json(&r.service_routes);
        Client {
            id: r.id,
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

/// Every stored settings column with its value: core's table, then the routes.
pub(super) fn settings_values(s: &Settings) -> AppResult<Vec<(&'static str, sql::Value)>> {
    let mut columns: Vec<(&'static str, sql::Value)> = FIELDS
        .iter()
        .map(|f| (f.column, sql::Value::from(&(f.stored)(s))))
        .collect();
    columns.push((
        "service_routes",
        routes_json(&s.service_routes)?.as_str().into(),
    ));
    Ok(columns)
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
        let origins = json(c.allowed_origins)?;
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
        let mut columns = settings_values(c.settings)?;
        columns.push(("updated_at", now.into()));
        let settings = self.prepare(&sql::insert_settings(c.id, columns))?;
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
