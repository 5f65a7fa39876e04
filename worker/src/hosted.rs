//! `/b/:slug` — the hosted booking page: a plain server-rendered form that works with
//! JavaScript disabled. Businesses link to it directly (social bios, emails) and the widget's
//! loader falls back to it when wasm cannot run. Same core validation, same honest copy,
//! same tracking link as the widget.
use handoff_core::{
    copy,
    lead::{Field, LeadInput},
    settings::BookingMode,
};
use maud::{html, Markup};
use worker::{Method, Request, Response};

use crate::{
    app::App,
    capture::capture_lead,
    error::AppError,
    http,
    pages::{self, contact_cta, layout},
    repo::Client,
};

const FORM_BODY_LIMIT: usize = 8 * 1024;

/// What a request that did not come from this page's form is told.
const USE_THIS_FORM: &str = "Please use the form on this page.";

/// The visitor's answers and the messages to show next to them.
#[derive(Default)]
struct FormState {
    input: LeadInput,
    errors: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
}

impl FormState {
    fn error(&self, field: Field) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(name, _)| *name == field.json_name())
            .map(|(_, msg)| *msg)
    }
}

pub async fn route(app: &App, mut req: Request, slug: &str) -> Response {
    if let Some(resp) = http::only(
        &req,
        &[Method::Get, Method::Head, Method::Post],
        "GET, HEAD, POST",
    ) {
        return resp;
    }
    let client = match app.repo.client_by_slug(slug).await {
        Ok(Some(client)) => client,
        Ok(None) => return pages::not_found_page(),
        Err(e) => {
            e.log();
            return pages::link_temporarily_unavailable();
        }
    };
    if client.settings.booking_mode == BookingMode::External && !client.settings.booking_available()
    {
        return pages::booking_unavailable(&client);
    }
    if req.method() != Method::Post {
        return form_page(200, &client, &FormState::default());
    }
    // A form posted from another site is not this visitor's request.
    if http::header(&req, "Sec-Fetch-Site").as_deref() == Some("cross-site") {
        return form_page(
            403,
            &client,
            &FormState {
                notice: Some(USE_THIS_FORM.into()),
                ..FormState::default()
            },
        );
    }
    // Only this page's form: JSON or multipart read as a form would come back as a
    // misleading "Please tell us your name".
    let form = match http::read_form(&mut req, FORM_BODY_LIMIT).await {
        Ok(form) => form,
        Err(e) => {
            let notice = match e {
                AppError::UnsupportedMediaType => USE_THIS_FORM.into(),
                _ => e.message(),
            };
            return form_page(
                e.status(),
                &client,
                &FormState {
                    notice: Some(notice),
                    ..FormState::default()
                },
            );
        }
    };
    let input = lead_from_form(form, app);
    match capture_lead(app, &req, &client, &input).await {
        Ok(captured) => done_page(&client, captured.continue_url.as_deref()),
        Err(AppError::Validation(errors)) => form_page(
            422,
            &client,
            &FormState {
                input,
                errors,
                notice: None,
            },
        ),
        Err(AppError::CaptureFailed { fallback_url, .. }) => {
            capture_failed_page(&client, fallback_url.as_deref())
        }
        Err(AppError::BookingUnavailable) => pages::booking_unavailable(&client),
        Err(e) => {
            e.log();
            form_page(
                e.status(),
                &client,
                &FormState {
                    input,
                    errors: Vec::new(),
                    notice: Some(e.message()),
                },
            )
        }
    }
}

fn lead_from_form(form: Vec<(String, String)>, app: &App) -> LeadInput {
    let mut input = LeadInput::default();
    for (key, value) in form {
        let slot = match Field::from_json_name(&key) {
            Some(Field::CustomerName) => &mut input.customer_name,
            Some(Field::CustomerEmail) => &mut input.customer_email,
            Some(Field::CustomerPhone) => &mut input.customer_phone,
            Some(Field::RequestedService) => &mut input.requested_service,
            Some(Field::PreferredDateTimeText) => &mut input.preferred_date_time_text,
            Some(Field::Notes) => &mut input.notes,
            // Where the request came from is ours to say, not the form's.
            Some(Field::SourcePage) | Some(Field::Industry) | None => continue,
        };
        *slot = value;
    }
    input.source_page = app
        .edge
        .join("b/")
        .map(|u| u.to_string())
        .unwrap_or_default();
    input.industry = "hosted-page".into();
    input
}

fn field(
    state: &FormState,
    field: Field,
    kind: &str,
    hint: Option<&str>,
    list: Option<&str>,
) -> Markup {
    let name = field.json_name();
    let value = match field {
        Field::CustomerName => &state.input.customer_name,
        Field::CustomerEmail => &state.input.customer_email,
        Field::CustomerPhone => &state.input.customer_phone,
        Field::RequestedService => &state.input.requested_service,
        Field::PreferredDateTimeText => &state.input.preferred_date_time_text,
        Field::Notes => &state.input.notes,
        Field::SourcePage | Field::Industry => &state.input.industry,
    };
    let error = state.error(field);
    let error_id = format!("{name}-error");
    html! {
        div.field.invalid[error.is_some()] {
            label for=(name) { (field.label()) @if let Some(hint) = hint { " " span.hint { (hint) } } }
            @if kind == "textarea" {
                textarea id=(name) name=(name) maxlength=(field.max_chars()) rows="3"
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id.as_str())] { (value) }
            } @else {
                input id=(name) name=(name) type=(kind) value=(value) maxlength=(field.max_chars()) list=[list]
                    required[field == Field::CustomerName]
                    autocomplete=(match field { Field::CustomerName => "name", Field::CustomerEmail => "email", Field::CustomerPhone => "tel", _ => "off" })
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id.as_str())];
            }
            @if let Some(error) = error { p.error id=(error_id) { (error) } }
        }
    }
}

fn form_page(status: u16, client: &Client, state: &FormState) -> Response {
    let s = &client.settings;
    let title = format!("Book with {}", client.name);
    let body = html! {
        h1 { (title) }
        @match s.booking_mode {
            BookingMode::External => p { "Tell us what you'd like, then you'll continue to "
                (s.external_booking_provider_name.as_deref().unwrap_or("the booking page"))
                " to pick a time and complete your booking." },
            BookingMode::Internal => p { "Send a request and " (client.name) " will contact you to arrange a time." },
        }
        @if let Some(notice) = &state.notice { p.error role="alert" { (notice) } }
        @if !state.errors.is_empty() { p.error role="alert" { "Please check the highlighted fields." } }
        form method="post" novalidate {
            (field(state, Field::RequestedService, "text", Some("(what would you like?)"), (!s.services.is_empty()).then_some("services")))
            @if !s.services.is_empty() {
                datalist id="services" { @for service in &s.services { option value=(service) {} } }
            }
            (field(state, Field::PreferredDateTimeText, "text", Some("(a day or time window is fine)"), None))
            (field(state, Field::CustomerName, "text", None, None))
            (field(state, Field::CustomerEmail, "email", Some("(email or phone)"), None))
            (field(state, Field::CustomerPhone, "tel", None, None))
            (field(state, Field::Notes, "textarea", Some("(optional)"), None))
            p.small { "Please don't include card numbers or medical details." }
            button type="submit" { @if s.booking_mode == BookingMode::External { "Continue" } @else { "Send request" } }
        }
        (contact_cta(client))
    };
    http::html(status, layout(&title, body))
}

fn done_page(client: &Client, continue_url: Option<&str>) -> Response {
    let s = &client.settings;
    let body = html! {
        @if let Some(url) = continue_url {
            h1 { "One more step" }
            p.copy { (copy::handoff_copy(s.external_booking_provider_name.as_deref())) }
            @if let Some(disclaimer) = &s.external_booking_disclaimer { p.small { (disclaimer) } }
            p { a.primary href=(url) target="_top" { (copy::CONTINUE_LABEL) } }
            p.small { a.raw href=(url) target="_top" { (copy::RAW_LINK_LABEL) } br; span.rawurl { (url) } }
        } @else {
            h1 { "Request sent" }
            p.copy { (copy::request_only_copy(&client.name)) }
        }
        (contact_cta(client))
    };
    http::html(201, layout(&format!("Book with {}", client.name), body))
}

fn capture_failed_page(client: &Client, fallback_url: Option<&str>) -> Response {
    let body = html! {
        h1 { "Sorry about that" }
        p { (copy::CAPTURE_FAILED) }
        @if let Some(url) = fallback_url {
            p { a.primary href=(url) target="_top" { "Book on " (client.settings.external_booking_provider_name.as_deref().unwrap_or("the booking page")) } }
        }
        (contact_cta(client))
    };
    http::html(503, layout("Booking request not saved", body))
}
