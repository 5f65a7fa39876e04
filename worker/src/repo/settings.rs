//! A client's stored settings: read with what the settings page shows, and saved atomically.
use handoff_core::settings::Settings;
use serde::Deserialize;
use worker::query;

use super::clients::{client_query, settings_values, ClientRow};
use super::sql::update_settings;
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
        let origins = json(u.allowed_origins)?;
        let contact = query!(
            &self.db,
            "UPDATE clients SET allowed_origins = ?2, contact_email = ?3, contact_phone = ?4 WHERE id = ?1",
            client.as_str(),
            origins.as_str(),
            u.contact_email,
            u.contact_phone,
        )?;
        let change = |c: &'a SecretChange| match c {
            SecretChange::Keep => None,
            SecretChange::Set(sealed) => Some(Some(sealed.as_str())),
            SecretChange::Clear => Some(None),
        };
        let mut columns = settings_values(u.settings)?;
        columns.push(("iframe_check", u.iframe_check.into()));
        let settings = self.prepare(&update_settings(
            client.as_str(),
            columns,
            now,
            &[
                ("external_booking_webhook_secret", change(&u.webhook_secret)),
                ("forward_secret", change(&u.forward_secret)),
            ],
        ))?;
        self.db.batch(vec![contact, settings]).await?;
        Ok(())
    }
}
