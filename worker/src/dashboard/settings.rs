//! The settings page: `GET /dashboard/settings` and its form's `POST`, through the settings
//! service every surface saves with.
use handoff_core::{forward, settings::EmbedMode};
use worker::{Request, Response};

use super::{auth::Signed, html_page, paths, views, Form};
use crate::{
    app::App,
    error::{AppError, AppResult},
    http, links, random,
    repo::{Client, SettingsMeta},
    settings::{save, IframeCheck, SettingsForm},
};

fn render(
    signed: &Signed,
    status: u16,
    form: &SettingsForm,
    errors: &[(&'static str, &'static str)],
    client: &Client,
    meta: &SettingsMeta,
    notice: Option<(views::NoticeKind, &'static str)>,
) -> Response {
    let stored_iframe = (client.settings.external_booking_embed_mode == EmbedMode::Iframe)
        .then(|| IframeCheck::from_stored(client.iframe_check.as_deref()));
    html_page(
        status,
        views::settings(&views::SettingsView {
            frame: &signed.frame(),
            form,
            errors,
            has_secret: meta.has_webhook_secret,
            stored_iframe,
            notice,
            has_forward_secret: meta.has_forward_secret,
            suggested_forward_secret: (!meta.has_forward_secret)
                .then(|| random::bytes32().ok().map(|b| forward::new_secret(&b)))
                .flatten(),
        }),
    )
}

/// `GET /dashboard/settings`
pub async fn page(app: &App, signed: &Signed, req: Request) -> AppResult<Response> {
    let (client, meta) = app
        .repo
        .client_settings(&signed.client.id)
        .await?
        .ok_or(AppError::NotFound)?;
    use views::NoticeKind::{Error, Success};
    // Fixed sentences per code: nothing from the query string is echoed.
    let notice = match (
        http::query_param(&req, "saved").is_some(),
        http::query_param(&req, "alert_test").as_deref(),
    ) {
        (_, Some("sent")) => Some((Success, "Test alert sent to every address. Check your inbox (and spam folder).")),
        (_, Some("failed")) => Some((Error, "The test alert could not be sent; the reason is in the server's log. Check the addresses and try again.")),
        (_, Some("none")) => Some((Error, "Add an address under Lead alerts and save before sending a test.")),
        (true, _) => Some((Success, "Settings saved. Your widget uses them from the next page load.")),
        _ => None,
    };
    let form = SettingsForm::from_client(&client);
    Ok(render(signed, 200, &form, &[], &client, &meta, notice))
}

/// `POST /dashboard/settings/alerts/test`: a marked test alert to every stored address, at
/// once, and back to the page with how it went.
pub async fn test_alert(app: &App, signed: &Signed) -> AppResult<Response> {
    let (client, _) = app
        .repo
        .client_settings(&signed.client.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let outcome = if client.settings.alert_emails.is_empty() {
        "none"
    } else {
        match crate::alerts::send_test(
            &app.env,
            &client.settings.alert_emails,
            &client.name,
            &app.edge,
        )
        .await
        {
            Ok(()) => "sent",
            Err(why) => {
                crate::error::AppError::Internal(why).log();
                "failed"
            }
        }
    };
    Ok(http::see_other(&links::local_url(
        app,
        &paths::with_query(paths::SETTINGS, &format!("alert_test={outcome}#alerts")),
    )))
}

/// `POST /dashboard/settings`: saved → back to the page (303); invalid → the form again with
/// the input kept and a message next to each field (422).
pub async fn save_page(app: &App, signed: &Signed, pairs: Form) -> AppResult<Response> {
    let form = SettingsForm::from_pairs(&pairs);
    match save(app, &signed.client.id, &form).await {
        Ok(_) => Ok(http::see_other(&links::local_url(
            app,
            &paths::with_query(paths::SETTINGS, "saved=1"),
        ))),
        Err(AppError::Validation(errors)) => {
            let (client, meta) = app
                .repo
                .client_settings(&signed.client.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let mut kept = form;
            // Secrets are never echoed back, not even the ones just typed.
            kept.external_booking_webhook_secret.clear();
            kept.forward_secret.clear();
            Ok(render(signed, 422, &kept, &errors, &client, &meta, None))
        }
        Err(e) => Err(e),
    }
}
