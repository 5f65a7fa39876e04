//! The operator API (us, not the businesses): create clients and issue admin keys.
//! Authenticated with the `OPERATOR_TOKEN` secret, compared in constant time; without that
//! secret the API does not exist (404). Admin keys are returned once and stored hashed.
use handoff_core::{
    crypto::{constant_time_eq, hash_admin_key},
    id::{base64url_encode, new_admin_key},
    lead::{clean_field, Field},
    settings::{validate_origin, validate_settings, validate_slug, SettingsInput, Strictness},
};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use crate::{
    app::App,
    error::{AppError, AppResult},
    http, random,
    repo::NewClient,
    router::{find, Handler, Route, Verb, POST},
};

const BODY_LIMIT: usize = 16 * 1024;

fn authorize(app: &App, req: &Request) -> AppResult<()> {
    let Some(expected) = app.operator_token() else {
        return Err(AppError::NotFound);
    };
    let given = http::header(req, "Authorization")
        .and_then(|v| v.strip_prefix("Bearer ").map(|t| t.trim().to_string()))
        .unwrap_or_default();
    if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(AppError::Unauthorized)
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct CreateClient {
    slug: String,
    name: String,
    allowed_origins: Vec<String>,
    contact_email: String,
    contact_phone: String,
    booking_mode: String,
    external_booking_provider_name: String,
    external_booking_url: String,
    external_booking_embed_mode: String,
    external_booking_disclaimer: String,
    external_booking_utm_source: String,
    external_booking_utm_campaign: String,
    external_booking_prefill: Option<bool>,
    services: Vec<String>,
    admin_key_label: String,
}

fn field_error(field: &'static str, message: &'static str) -> (&'static str, &'static str) {
    (field, message)
}

async fn create_client(app: &App, mut req: Request) -> AppResult<Response> {
    http::require_json(&req)?;
    let body = http::read_body(&mut req, BODY_LIMIT).await?;
    let input: CreateClient = http::parse_json(&body)?;

    let mut errors = Vec::new();
    let slug = validate_slug(&input.slug)
        .map_err(|m| errors.push(field_error("slug", m)))
        .ok();
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(field_error(
            "name",
            "Give the business a name (up to 100 characters).",
        ));
    }
    let origins: Vec<String> = input
        .allowed_origins
        .iter()
        .filter_map(|o| {
            validate_origin(o)
                .map_err(|m| errors.push(field_error("allowedOrigins", m)))
                .ok()
        })
        .collect();
    let contact_email = clean_field(Field::CustomerEmail, &input.contact_email)
        .map_err(|m| errors.push(field_error("contactEmail", m)))
        .ok()
        .flatten();
    let contact_phone = clean_field(Field::CustomerPhone, &input.contact_phone)
        .map_err(|m| errors.push(field_error("contactPhone", m)))
        .ok()
        .flatten();
    let settings_input = SettingsInput {
        booking_mode: input.booking_mode,
        external_booking_provider_name: input.external_booking_provider_name,
        external_booking_url: input.external_booking_url,
        external_booking_embed_mode: input.external_booking_embed_mode,
        external_booking_disclaimer: input.external_booking_disclaimer,
        external_booking_utm_source: input.external_booking_utm_source,
        external_booking_utm_campaign: input.external_booking_utm_campaign,
        external_booking_prefill: input.external_booking_prefill.unwrap_or(true),
        services: input.services,
        ..SettingsInput::default()
    };
    // Draft: an operator may create a client before its booking URL is known; the
    // dashboard and widget then say so instead of breaking.
    let settings = validate_settings(&settings_input, Strictness::Draft)
        .map_err(|errs| errors.extend(errs.iter().map(|e| (e.field.json_name(), e.message))))
        .ok();
    let (Some(slug), Some(settings), true) = (slug, settings, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    if app.repo.slug_exists(&slug).await? {
        return Err(AppError::Conflict("That slug is taken."));
    }

    let client_id = format!("cl_{}", base64url_encode(&random::bytes16()?));
    let admin_key = new_admin_key(&random::bytes32()?);
    let label = if input.admin_key_label.trim().is_empty() {
        "initial"
    } else {
        input.admin_key_label.trim()
    };
    let new = NewClient {
        id: &client_id,
        slug: &slug,
        name: &name,
        allowed_origins: &origins,
        contact_email: contact_email.as_deref(),
        contact_phone: contact_phone.as_deref(),
        settings: &settings,
    };
    app.repo
        .create_client(&new, &hash_admin_key(&admin_key), label, app.now)
        .await?;
    Ok(http::json(
        201,
        &json!({ "clientId": client_id, "slug": slug, "adminKey": admin_key }),
    ))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct IssueKey {
    label: String,
}

/// Issues another admin key for an existing client (e.g. the demo seed on every start).
async fn issue_admin_key(app: &App, mut req: Request, slug: &str) -> AppResult<Response> {
    let body = http::read_body(&mut req, BODY_LIMIT).await?;
    let input: IssueKey = if body.is_empty() {
        IssueKey::default()
    } else {
        http::parse_json(&body)?
    };
    let client = app
        .repo
        .client_id_by_slug(slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let admin_key = new_admin_key(&random::bytes32()?);
    let label = if input.label.trim().is_empty() {
        "operator"
    } else {
        input.label.trim()
    };
    app.repo
        .add_admin_key(&client, &hash_admin_key(&admin_key), label, app.now)
        .await?;
    Ok(http::json(
        201,
        &json!({ "slug": slug, "adminKey": admin_key }),
    ))
}

pub(crate) const ROUTES: &[Route<Handler>] = &[
    Route {
        methods: POST,
        pattern: "/api/v1/operator/clients",
        handler: |app, req, _| Box::pin(create_client(app, req)),
    },
    Route {
        methods: POST,
        pattern: "/api/v1/operator/clients/:slug/admin-keys",
        handler: |app, req, p| {
            Box::pin(async move { issue_admin_key(app, req, p.get("slug")).await })
        },
    },
    Route {
        methods: POST,
        pattern: "/api/v1/operator/clients/:slug/admin-keys/revoke",
        handler: |app, req, p| {
            Box::pin(async move { revoke_admin_key(app, req, p.get("slug")).await })
        },
    },
];

/// `/api/v1/operator/…`: the route, then the operator token (without `OPERATOR_TOKEN` the
/// API does not exist). Errors are JSON.
pub async fn route(app: &App, req: Request, verb: Verb, path: &str) -> Response {
    let result = match find(ROUTES, verb, path).route() {
        Ok((route, params)) => match authorize(app, &req) {
            Ok(()) => (route.handler)(app, req, params).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    result.unwrap_or_else(|e| http::json_error(&e, Default::default()))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct RevokeKey {
    admin_key: String,
    key_hash: String,
}

/// Revokes one admin key of a client, named by the key itself or by its SHA-256 hex (what
/// is stored). The API and the dashboard stop accepting it at once: dashboard sessions
/// carry the key's hash and check it on every request.
async fn revoke_admin_key(app: &App, mut req: Request, slug: &str) -> AppResult<Response> {
    http::require_json(&req)?;
    let body = http::read_body(&mut req, BODY_LIMIT).await?;
    let input: RevokeKey = http::parse_json(&body)?;
    let key_hash = match (input.admin_key.trim(), input.key_hash.trim()) {
        (key, "") if !key.is_empty() => hash_admin_key(key),
        ("", hash) if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            hash.to_ascii_lowercase()
        }
        _ => {
            return Err(AppError::BadRequest(
                "Name the key to revoke: send either adminKey or keyHash (64 hex characters)."
                    .into(),
            ))
        }
    };
    let client = app
        .repo
        .client_id_by_slug(slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if !app
        .repo
        .revoke_admin_key(&client, &key_hash, app.now)
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(http::json(
        200,
        &json!({ "slug": slug, "keyHash": key_hash, "revoked": true }),
    ))
}
