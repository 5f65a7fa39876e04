//! `/b/:slug` — the hosted booking page: a plain server-rendered form that works with
//! JavaScript disabled. Businesses link to it directly (social bios, emails) and the widget's
//! loader falls back to it when wasm cannot run. Same core validation, same honest copy,
//! same tracking link as the widget, in the same languages: `?lang=` (the widget's links carry
//! it), else the browser's `Accept-Language`, else English. The form posts back to its own URL,
//! so the answer keeps the language.
use handoff_core::{
    attribution::Attribution,
    copy,
    i18n::{fill, Lang},
    lead::{Field, LeadInput},
    settings::BookingMode,
};
use maud::{html, Markup};
use worker::{Request, Response};

use crate::{
    app::App,
    capture::capture_lead,
    error::{AppError, AppResult},
    http,
    pages::{self, contact_cta, layout_for},
    repo::Client,
    router::{find, Handler, Route, Verb},
};

const FORM_BODY_LIMIT: usize = 8 * 1024;

/// The visitor's answers and the messages to show next to them.
#[derive(Default)]
struct FormState {
    input: LeadInput,
    errors: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
    /// The page that sent the visitor here (origin and path), carried through the form so
    /// the capture can say where the lead came from.
    referrer: Option<String>,
}

impl FormState {
    fn error(&self, field: Field) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(name, _)| *name == field.json_name())
            .map(|(_, msg)| *msg)
    }
}

pub(crate) const ROUTES: &[Route<Handler>] = &[Route {
    methods: &[Verb::Get, Verb::Head, Verb::Post],
    pattern: "/b/:slug",
    handler: |app, req, p| Box::pin(async move { page(app, req, p.get("slug")).await }),
}];

/// `/b/…`, in the visitor's language: a mangled link or an unknown business is the friendly
/// "not found" page, a database failure the "temporarily unavailable" one; a method no form
/// sends gets the JSON 405. What the visitor typed wrong is shown in the form itself.
pub async fn route(app: &App, req: Request, verb: Verb, path: &str) -> Response {
    let lang = http::visitor_lang(&req, http::query_param(&req, "lang").as_deref());
    let result = match find(ROUTES, verb, path).route() {
        Ok((route, params)) => (route.handler)(app, req, params).await,
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => return http::json_error(&e, Lang::default()),
    };
    result.unwrap_or_else(|e| match e {
        AppError::NotFound => pages::not_found_page_in(lang),
        e => {
            e.log();
            pages::link_temporarily_unavailable(lang)
        }
    })
}

async fn page(app: &App, mut req: Request, slug: &str) -> AppResult<Response> {
    let lang = http::visitor_lang(&req, http::query_param(&req, "lang").as_deref());
    let client = app
        .repo
        .client_by_slug(slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if client.settings.booking_mode == BookingMode::External && !client.settings.booking_available()
    {
        return Ok(pages::booking_unavailable(&client, lang));
    }
    let page = Page {
        client: &client,
        lang,
    };
    if req.method() != worker::Method::Post {
        let referrer = http::header(&req, "Referer")
            .filter(|r| !r.starts_with(app.edge.as_str()))
            .and_then(|r| {
                Attribution::from_landing("/", [], Some(&r))
                    .get("referrer")
                    .map(str::to_string)
            });
        return Ok(page.form(
            200,
            &FormState {
                referrer,
                ..FormState::default()
            },
        ));
    }
    // A form posted from another site is not this visitor's request.
    if http::header(&req, "Sec-Fetch-Site").as_deref() == Some("cross-site") {
        return Ok(page.form(
            403,
            &FormState {
                notice: Some(lang.pages().use_this_form.into()),
                ..FormState::default()
            },
        ));
    }
    // Only this page's form: JSON or multipart read as a form would come back as a
    // misleading "Please tell us your name".
    let form = match http::read_form(&mut req, FORM_BODY_LIMIT).await {
        Ok(form) => form,
        Err(e) => {
            let notice = match e {
                AppError::UnsupportedMediaType => lang.pages().use_this_form.into(),
                _ => e.message_in(lang),
            };
            return Ok(page.form(
                e.status(),
                &FormState {
                    notice: Some(notice),
                    ..FormState::default()
                },
            ));
        }
    };
    let consent = form
        .iter()
        .any(|(k, v)| k == "consentGiven" && !v.is_empty());
    let referrer = http::form_field(&form, "firstReferrer").map(str::to_string);
    // This page's own landing URL (the form posts back to it, query and all).
    let url = req.url()?;
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let attribution = Attribution::from_landing(
        url.path(),
        query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        referrer.as_deref(),
    );
    let input = lead_from_form(form, app);
    Ok(
        match capture_lead(app, &req, &client, &input, consent, lang, &attribution).await {
            Ok(captured) => page.done(captured.continue_url.as_deref()),
            Err(AppError::Validation(errors)) => page.form(
                422,
                &FormState {
                    input: input.for_redisplay(),
                    errors,
                    notice: None,
                    referrer,
                },
            ),
            Err(AppError::CaptureFailed { fallback_url, .. }) => {
                page.capture_failed(fallback_url.as_deref())
            }
            Err(AppError::BookingUnavailable) => pages::booking_unavailable(&client, lang),
            Err(e) => {
                e.log();
                page.form(
                    e.status(),
                    &FormState {
                        input: input.for_redisplay(),
                        errors: Vec::new(),
                        notice: Some(e.message_in(lang)),
                        referrer,
                    },
                )
            }
        },
    )
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
    lang: Lang,
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
            label for=(name) { (field.label(lang.strings())) @if let Some(hint) = hint { " " span.hint { (hint) } } }
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

/// The hosted page for one client, in the visitor's language.
struct Page<'a> {
    client: &'a Client,
    lang: Lang,
}

impl Page<'_> {
    fn title(&self) -> String {
        fill(self.lang.pages().book_with, &self.client.name)
    }

    fn form(&self, status: u16, state: &FormState) -> Response {
        let (client, lang) = (self.client, self.lang);
        let (t, pages) = (lang.strings(), lang.pages());
        let s = &client.settings;
        let title = self.title();
        let services = (!s.services.is_empty()).then_some("services");
        let body = html! {
            h1 { (title) }
            @match s.booking_mode {
                BookingMode::External => p { (fill(pages.intro_external, copy::provider_or_page(lang.strings(), s.external_booking_provider_name.as_deref()))) },
                BookingMode::Internal => p { (fill(pages.intro_request_only, &client.name)) },
            }
            @if let Some(notice) = &state.notice { p.error role="alert" { (notice) } }
            @if !state.errors.is_empty() { p.error role="alert" { (pages.check_fields) } }
            form method="post" novalidate {
                @if let Some(referrer) = &state.referrer { input type="hidden" name="firstReferrer" value=(referrer); }
                (field(lang, state, Field::RequestedService, "text", Some(pages.hint_service), services))
                @if !s.services.is_empty() {
                    datalist id="services" { @for service in &s.services { option value=(service) {} } }
                }
                (field(lang, state, Field::PreferredDateTimeText, "text", Some(pages.hint_time), None))
                (field(lang, state, Field::CustomerName, "text", None, None))
                (field(lang, state, Field::CustomerEmail, "email", Some(pages.hint_contact), None))
                (field(lang, state, Field::CustomerPhone, "tel", None, None))
                (field(lang, state, Field::Notes, "textarea", Some(pages.hint_optional), None))
                p.small { (pages.no_card) }
                @if s.consent_required {
                    @let error = state.errors.iter().find(|(name, _)| *name == "consentGiven").map(|(_, m)| *m);
                    div.field.consent.invalid[error.is_some()] {
                        label {
                            input type="checkbox" name="consentGiven" value="yes" required
                                aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "consentGiven-error")];
                            " " (s.consent_text.as_deref().unwrap_or(pages.consent_default))
                        }
                        @if let Some(error) = error { p.error #consentGiven-error { (error) } }
                    }
                }
                button type="submit" { @if s.booking_mode == BookingMode::External { (pages.continue_button) } @else { (t.send_request) } }
            }
            (contact_cta(client, lang))
        };
        http::html(status, layout_for(client, lang, &title, body))
    }

    fn done(&self, continue_url: Option<&str>) -> Response {
        let (client, lang) = (self.client, self.lang);
        let (t, pages) = (lang.strings(), lang.pages());
        let s = &client.settings;
        let body = html! {
            @if let Some(url) = continue_url {
                h1 { (pages.done_title) }
                p.copy { (copy::handoff_copy(lang.strings(), s.external_booking_provider_name.as_deref())) }
                @if let Some(disclaimer) = &s.external_booking_disclaimer { p.small { (disclaimer) } }
                p { a.primary href=(url) target="_top" { (t.continue_to_booking) } }
                p.small { a.raw href=(url) target="_top" { (t.raw_link) } br; span.rawurl { (url) } }
            } @else {
                h1 { (pages.request_sent) }
                p.copy { (copy::request_only_copy(lang.strings(), &client.name)) }
            }
            (contact_cta(client, lang))
        };
        http::html(201, layout_for(client, lang, &self.title(), body))
    }

    fn capture_failed(&self, fallback_url: Option<&str>) -> Response {
        let (client, lang) = (self.client, self.lang);
        let pages = lang.pages();
        let provider = client.settings.external_booking_provider_name.as_deref();
        let body = html! {
            h1 { (pages.sorry) }
            p { (lang.strings().capture_failed) }
            @if let Some(url) = fallback_url {
                p { a.primary href=(url) target="_top" { (fill(pages.book_on, copy::provider_or_page(lang.strings(), provider))) } }
            }
            (contact_cta(client, lang))
        };
        http::html(503, layout_for(client, lang, pages.not_saved_title, body))
    }
}
