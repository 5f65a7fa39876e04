//! A client's stored settings: read with what the settings page shows, and saved atomically.
use handoff_core::settings::Settings;
use serde::Deserialize;
use worker::query;

use super::clients::{client_query, routes_json, ClientRow};
use super::sql::{secret_changes, Query, Value};
use super::{flag, json, Client, ClientId, Millis, Repo};
use crate::error::AppResult;

/// What the settings page shows besides the client's settings.
pub struct SettingsMeta {
    pub has_webhook_secret: bool,
    pub has_forward_secret: bool,
    pub updated_at: i64,
}

#[derive(Deserialize)]
struct SettingsMetaRow {
    #[serde(deserialize_with = "flag")]
    has_secret: bool,
    #[serde(deserialize_with = "flag")]
    has_forward_secret: bool,
    updated_at: Millis,
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

impl Repo {
    /// The client's settings as stored, and whether a webhook secret is set (never the secret).
    pub async fn client_settings(
        &self,
        client: &ClientId,
    ) -> AppResult<Option<(Client, SettingsMeta)>> {
        let settings = query!(&self.db, client_query("c.id = ?1"), client.as_str(),)?;
        let meta = query!(
            &self.db,
            "SELECT external_booking_webhook_secret IS NOT NULL AS has_secret, \
                 forward_secret IS NOT NULL AS has_forward_secret, updated_at \
                 FROM client_settings WHERE client_id = ?1",
            client.as_str(),
        )?;
        let mut results = self.batch(vec![settings, meta]).await?;
        let client: Option<ClientRow> = results.first()?;
        let meta: Option<SettingsMetaRow> = results.first()?;
        Ok(match (client, meta) {
            (Some(c), Some(m)) => Some((
                Client::from(c),
                SettingsMeta {
                    has_webhook_secret: m.has_secret,
                    has_forward_secret: m.has_forward_secret,
                    updated_at: m.updated_at.get(),
                },
            )),
            _ => None,
        })
    }

    /// Saves validated settings and the client's contact fields atomically, bumping
    /// `updated_at` strictly (the redirect's fast path compares against it).
    pub async fn save_settings<'a>(
        &self,
        client: &ClientId,
        u: &'a SettingsUpdate<'a>,
        now: i64,
    ) -> AppResult<()> {
        let s = u.settings;
        let origins = json(u.allowed_origins)?;
        let services = json(&s.services)?;
        let contact = query!(
&self.db,
"UPDATE clients SET allowed_origins = ?2, contact_email = ?3, contact_phone = ?4 WHERE id = ?1",
client.as_str(),
origins.as_str(),
u.contact_email,
u.contact_phone,
)?;
        let routes = routes_json(&s.service_routes)?;
        let change = |c: &'a SecretChange| match c {
            SecretChange::Keep => None,
            SecretChange::Set(sealed) => Some(Some(sealed.as_str())),
            SecretChange::Clear => Some(None),
        };
        let secrets = secret_changes(
            &[
                ("external_booking_webhook_secret", change(&u.webhook_secret)),
                ("forward_secret", change(&u.forward_secret)),
            ],
            22,
        );
        let mut binds: Vec<Value> = vec![
            client.as_str().into(),
            s.booking_mode.as_str().into(),
            s.external_booking_provider_name.as_deref().into(),
            s.external_booking_url.as_ref().map(|u| u.as_str()).into(),
            s.external_booking_embed_mode.as_str().into(),
            s.external_booking_disclaimer.as_deref().into(),
            s.external_booking_utm_source.as_deref().into(),
            s.external_booking_utm_campaign.as_deref().into(),
            i64::from(s.external_booking_prefill).into(),
            i64::from(s.external_booking_webhook_enabled).into(),
            s.external_booking_webhook_provider.map(|p| p.slug()).into(),
            s.external_booking_completion_event_name.as_deref().into(),
            u.iframe_check.into(),
            services.as_str().into(),
            now.into(),
            routes.as_str().into(),
            i64::from(s.consent_required).into(),
            s.consent_text.as_deref().into(),
            i64::from(s.retention_days).into(),
            i64::from(s.forward_enabled).into(),
            s.forward_url.as_ref().map(|u| u.as_str()).into(),
        ];
        binds.extend(secrets.binds);
        let settings = self.prepare(&Query {
            sql: format!(
                "UPDATE client_settings SET booking_mode = ?2, external_booking_provider_name = ?3, \
                 external_booking_url = ?4, external_booking_embed_mode = ?5, external_booking_disclaimer = ?6, \
                 external_booking_utm_source = ?7, external_booking_utm_campaign = ?8, \
                 external_booking_prefill = ?9, external_booking_webhook_enabled = ?10, \
                 external_booking_webhook_provider = ?11, external_booking_completion_event_name = ?12, \
                 iframe_check = ?13, services = ?14, updated_at = MAX(?15, updated_at + 1), \
                 service_routes = ?16, consent_required = ?17, consent_text = ?18, retention_days = ?19, \
                 forward_enabled = ?20, forward_url = ?21{} \
                 WHERE client_id = ?1",
                secrets.sql
            ),
            binds,
        })?;
        self.db.batch(vec![contact, settings]).await?;
        Ok(())
    }
}
