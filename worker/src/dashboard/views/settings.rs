//! The settings form: booking, tracking, the widget, the contact fallback
//! and an advanced webhook section. Errors sit next to their field; input is kept.
use maud::{html, Markup};

use super::{csrf_field, layout, notice, paths, Frame, NoticeKind, Section};
use handoff_core::{
    appearance::{self, palette, ratio_label, Position, Rgb, Scheme, Theme},
    i18n::Lang,
    redirect::RefParam,
    settings::RouteInput,
};

use crate::settings::{IframeCheck, SettingsForm};

pub struct SettingsView<'a> {
    pub frame: &'a Frame<'a>,
    pub form: &'a SettingsForm,
    pub errors: &'a [(&'static str, &'static str)],
    pub has_secret: bool,
    /// The stored probe result, when iframe mode is stored.
    pub stored_iframe: Option<IframeCheck>,
    /// What the last action did (saved, a test alert sent or not).
    pub notice: Option<(NoticeKind, &'static str)>,
    pub has_forward_secret: bool,
    /// A fresh `whsec_…` secret offered when none is stored (not stored until saved).
    pub suggested_forward_secret: Option<String>,
}

const PROVIDERS: [&str; 10] = [
    "Calendly",
    "Cal.com",
    "Acuity Scheduling",
    "Square Appointments",
    "Mindbody",
    "Vagaro",
    "Fresha",
    "Setmore",
    "SimplyBook.me",
    "Website checkout",
];

const WEBHOOK_PROVIDERS: [(&str, &str); 5] = [
    ("calendly", "Calendly"),
    ("calcom", "Cal.com"),
    ("acuity", "Acuity Scheduling"),
    ("square", "Square"),
    ("generic", "Generic (Handoff-Signature)"),
];

/// Empty rows offered under the routes already set.
const EMPTY_ROUTE_ROWS: usize = 3;

pub const IFRAME_WARNING: &str = "Many booking providers block being shown inside another site (with X-Frame-Options or a CSP frame-ancestors rule). When you save, we check your booking page; if it can't be framed, visitors get the normal redirect instead.";

impl SettingsView<'_> {
    fn error(&self, name: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| *m)
    }
}

/// Label, control, hint and error, wired together for assistive tech.
fn field(
    v: &SettingsView<'_>,
    name: &str,
    label: &str,
    hint: Option<&str>,
    control: Markup,
) -> Markup {
    let error = v.error(name);
    html! {
        div.field.invalid[error.is_some()] {
            label for=(name) { (label) }
            (control)
            @if let Some(hint) = hint { p.hint #{ (name) "-hint" } { (hint) } }
            @if let Some(message) = error { p.field-error #{ (name) "-error" } role="alert" { (message) } }
        }
    }
}

fn described_by(v: &SettingsView<'_>, name: &str, has_hint: bool) -> Option<String> {
    let mut ids = Vec::new();
    if has_hint {
        ids.push(format!("{name}-hint"));
    }
    if v.error(name).is_some() {
        ids.push(format!("{name}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn text_input(v: &SettingsView<'_>, name: &str, value: &str, kind: &str, has_hint: bool) -> Markup {
    html! {
        input id=(name) name=(name) type=(kind) value=(value)
            aria-invalid=[v.error(name).map(|_| "true")]
            aria-describedby=[described_by(v, name, has_hint)];
    }
}

fn textarea(v: &SettingsView<'_>, name: &str, value: &str, rows: u8, has_hint: bool) -> Markup {
    html! {
        textarea id=(name) name=(name) rows=(rows)
            aria-invalid=[v.error(name).map(|_| "true")]
            aria-describedby=[described_by(v, name, has_hint)] { (value) }
    }
}

pub fn settings(v: &SettingsView<'_>) -> String {
    let f = v.form;
    let external = f.input.booking_mode != "internal";
    let iframe = f.input.external_booking_embed_mode == "iframe";
    let advanced_open = [
        "externalBookingWebhookProvider",
        "externalBookingWebhookSecret",
        "externalBookingCompletionEventName",
    ]
    .iter()
    .any(|n| v.error(n).is_some());
    let forward_open = ["forwardUrl", "forwardSecret"]
        .iter()
        .any(|n| v.error(n).is_some());
    layout(
        "Settings",
        Section::Settings,
        Some(v.frame),
        html! {
            div.page-head.narrow { h1 { "Settings" } }
            div.settings-notices {
                @if let Some((kind, text)) = v.notice { (notice(kind, text)) }
                @if !v.errors.is_empty() { (notice(NoticeKind::Error, "Some settings need attention. Nothing was saved — see the messages below.")) }
            }
            form.settings method="post" action=(paths::SETTINGS) novalidate {
                (csrf_field(v.frame))
                section.card {
                    h2 { "Booking" }
                    fieldset.field.invalid[v.error("bookingMode").is_some()] {
                        legend { "How visitors book" }
                        label.choice {
                            input type="radio" name="bookingMode" value="external" checked[external];
                            span { strong { "Send them to my booking provider" } " — they book and pay on your own booking page." }
                        }
                        label.choice {
                            input type="radio" name="bookingMode" value="internal" checked[!external];
                            span { strong { "Request only" } " — we collect the request and you follow up." }
                        }
                        @if let Some(m) = v.error("bookingMode") { p.field-error #bookingMode-error role="alert" { (m) } }
                    }
                    (field(v, "externalBookingProviderName", "Provider name", Some("Shown to visitors: “You'll complete your booking on …”."), html! {
                        input #externalBookingProviderName name="externalBookingProviderName" type="text" list="providers"
                            value=(f.input.external_booking_provider_name)
                            aria-invalid=[v.error("externalBookingProviderName").map(|_| "true")]
                            aria-describedby=[described_by(v, "externalBookingProviderName", true)];
                        datalist #providers { @for p in PROVIDERS { option value=(p) {} } }
                    }))
                    (field(v, "externalBookingUrl", "Booking page URL", Some("The page where your customers book and pay, starting with https://. Required for external booking."),
                        text_input(v, "externalBookingUrl", &f.input.external_booking_url, "url", true)))
                    (field(v, "externalBookingEmbedMode", "Show the booking page", None, html! {
                        select #externalBookingEmbedMode name="externalBookingEmbedMode"
                            aria-invalid=[v.error("externalBookingEmbedMode").map(|_| "true")] {
                            option value="redirect" selected[!iframe] { "Open it (recommended)" }
                            option value="iframe" selected[iframe] { "Inside the widget (iframe)" }
                        }
                    }))
                    div.warning #iframe-warning hidden[!iframe] role="note" {
                        p { (IFRAME_WARNING) }
                        @match v.stored_iframe {
                            Some(IframeCheck::Allowed) => p.check-ok { "Last check: your booking page allows framing." },
                            Some(IframeCheck::Blocked) => p.check-bad { strong { "Last check: your booking page blocks framing." } " Visitors are sent to it with the normal redirect." },
                            Some(IframeCheck::Unknown) => p { "Last check: we couldn't reach your booking page, so visitors get the normal redirect. Save again to re-check." },
                            None => {},
                        }
                    }
                    div.field.check {
                        label.choice {
                            input type="checkbox" name="externalBookingPrefill" checked[f.input.external_booking_prefill];
                            span { "Fill in the visitor's name and email on the booking page (where the provider supports it)" }
                        }
                    }
                    (field(v, "externalBookingDisclaimer", "Note shown next to the booking button", Some("Optional, up to 300 characters."),
                        textarea(v, "externalBookingDisclaimer", &f.input.external_booking_disclaimer, 2, true)))
                }
                section.card {
                    h2 { "Tracking" }
                    div.two {
                        (field(v, "externalBookingUtmSource", "utm_source", Some("Default: treasurecoastai"),
                            text_input(v, "externalBookingUtmSource", &f.input.external_booking_utm_source, "text", true)))
                        (field(v, "externalBookingUtmCampaign", "utm_campaign", Some("Optional, e.g. spring-offer"),
                            text_input(v, "externalBookingUtmCampaign", &f.input.external_booking_utm_campaign, "text", true)))
                    }
                    div.field.check {
                        label.choice {
                            input type="checkbox" name="externalBookingPassVisitorUtms" checked[f.input.external_booking_pass_visitor_utms];
                            span { "Pass each visitor's own campaign (their utm_* and ad click ids) to the booking page instead of ours, so your analytics there credit the real source" }
                        }
                    }
                    (field(v, "externalBookingRefParam", "Carry our booking reference in", Some("For providers that send back only their tracking parameters (Calendly returns utm_* and salesforce_uuid). Pick one your own campaigns don't use."), html! {
                        select #externalBookingRefParam name="externalBookingRefParam"
                            aria-invalid=[v.error("externalBookingRefParam").map(|_| "true")]
                            aria-describedby=[described_by(v, "externalBookingRefParam", true)] {
                            @for r in RefParam::ALL {
                                option value=(r.as_str()) selected[f.input.external_booking_ref_param == r.as_str() || (f.input.external_booking_ref_param.is_empty() && r == RefParam::default())] { (r.as_str()) }
                            }
                        }
                    }))
                }
                section.card {
                    h2 { "Widget" }
                    (field(v, "allowedOrigins", "Websites allowed to show the widget", Some("One per line, like https://www.example.com (http only for localhost)."),
                        textarea(v, "allowedOrigins", &f.allowed_origins.join("\n"), 3, true)))
                    (field(v, "services", "Services", Some("One per line; the assistant offers them as quick replies (up to 30)."),
                        textarea(v, "services", &f.input.services.join("\n"), 4, true)))
                }
                (appearance_section(v))
                section.card #routes {
                    h2 { "Booking links per service" }
                    p.muted { "Optional. Book a service through its own provider — massages on one, classes on another. A visitor who picks the service, or mentions it or one of its keywords, goes to its link; everyone else goes to the booking page above. Routed services are offered as quick replies first." }
                    @if let Some(m) = v.error("serviceRoutes") { p.field-error #serviceRoutes-error role="alert" { (m) } }
                    div.routes role="group" aria-label="Booking links per service" aria-describedby=[v.error("serviceRoutes").map(|_| "serviceRoutes-error")] {
                        @for (i, r) in f.input.service_routes.iter().chain(std::iter::repeat_n(&RouteInput::default(), EMPTY_ROUTE_ROWS)).enumerate() {
                            fieldset.route {
                                legend.visually-hidden { "Route " (i + 1) }
                                label { span { "Service" } input name="routeService" type="text" value=(r.service) maxlength="80"; }
                                label { span { "Provider" } input name="routeProvider" type="text" list="providers" value=(r.provider_name) maxlength="60"; }
                                label.wide { span { "Booking link" } input name="routeUrl" type="url" value=(r.booking_url) placeholder="https://"; }
                                label.wide { span { "Keywords (comma-separated)" } input name="routeKeywords" type="text" value=(r.keywords) placeholder="e.g. massage, masaje"; }
                            }
                        }
                    }
                }
                section.card {
                    h2 { "Contact details" }
                    p.muted { "Shown to visitors whenever online booking isn't available." }
                    div.two {
                        (field(v, "contactEmail", "Email", None, text_input(v, "contactEmail", &f.contact_email, "email", false)))
                        (field(v, "contactPhone", "Phone", None, text_input(v, "contactPhone", &f.contact_phone, "tel", false)))
                    }
                }
                section.card #alerts {
                    h2 { "Lead alerts" }
                    p.muted { "Get an email the moment a visitor asks to book: their details, where they came from and a link to the handoff. Alerts never slow your visitors down; failed ones are retried and listed under Deliveries." }
                    (field(v, "alertEmails", "Email me at", Some("Up to 5 addresses, one per line."),
                        textarea(v, "alertEmails", &f.input.alert_emails.join("\n"), 2, true)))
                    (field(v, "alertOn", "Send alerts", None, html! {
                        select #alertOn name="alertOn" aria-invalid=[v.error("alertOn").map(|_| "true")] {
                            // With no address yet, adding one should be all it takes.
                            @let on = f.input.alert_on != "off" || f.input.alert_emails.is_empty();
                            option value="each_lead" selected[on] { "For each new lead" }
                            option value="off" selected[!on] { "Off" }
                        }
                    }))
                    p.muted { "Saved addresses can get a test alert now: " button.btn.small.secondary type="submit" formaction=(paths::ALERT_TEST) formnovalidate { "Send test alert" } }
                }
                section.card #privacy {
                    h2 { "Privacy" }
                    div.field.check {
                        label.choice {
                            input type="checkbox" name="consentRequired" checked[f.input.consent_required];
                            span { "Ask visitors to agree before they send their details" }
                        }
                    }
                    (field(v, "consentText", "Consent wording", Some("Optional, up to 300 characters. Leave empty for ours: “I agree that this business may store my details and contact me about my booking.” (in the visitor's language)."),
                        textarea(v, "consentText", &f.input.consent_text, 2, true)))
                    (field(v, "retentionDays", "Keep visitors' details for (days)", Some("After this, names, contact details and notes are erased; the handoff and its status stay in your counts. 7 to 3650; default 180."),
                        text_input(v, "retentionDays", &f.input.retention_days, "number", true)))
                    p { a href=(paths::PRIVACY) { "Find and erase one visitor's data →" } }
                }
                details.card.advanced open[advanced_open || f.input.external_booking_webhook_enabled] {
                    summary { h2 { "Advanced: booking confirmation webhook" } }
                    p.muted { "Optional. When your provider confirms a booking, it can tell us, and the handoff is marked completed. Without it you can mark handoffs completed by hand." }
                    div.field.check {
                        label.choice {
                            input type="checkbox" name="externalBookingWebhookEnabled" checked[f.input.external_booking_webhook_enabled];
                            span { "Accept booking confirmations from my provider" }
                        }
                    }
                    (field(v, "externalBookingWebhookProvider", "Webhook provider", None, html! {
                        select #externalBookingWebhookProvider name="externalBookingWebhookProvider"
                            aria-invalid=[v.error("externalBookingWebhookProvider").map(|_| "true")] {
                            option value="" selected[f.input.external_booking_webhook_provider.is_empty()] { "Choose…" }
                            @for (slug, name) in WEBHOOK_PROVIDERS {
                                option value=(slug) selected[f.input.external_booking_webhook_provider == slug] { (name) }
                            }
                        }
                    }))
                    (field(v, "externalBookingWebhookSecret", "Signing secret",
                        Some(if v.has_secret { "A secret is stored (it is never shown). Leave this empty to keep it." } else { "No secret stored yet. It is encrypted and never shown again." }),
                        html! {
                            input #externalBookingWebhookSecret name="externalBookingWebhookSecret" type="password" value=""
                                autocomplete="new-password" spellcheck="false"
                                aria-invalid=[v.error("externalBookingWebhookSecret").map(|_| "true")]
                                aria-describedby=[described_by(v, "externalBookingWebhookSecret", true)];
                        }))
                    @if v.has_secret {
                        div.field.check {
                            label.choice {
                                input type="checkbox" name="clearWebhookSecret" checked[f.clear_webhook_secret];
                                span { "Remove the stored secret" }
                            }
                        }
                    }
                    (field(v, "externalBookingCompletionEventName", "Completion event name", Some("Optional: the provider event that means “booked”, e.g. invitee.created."),
                        text_input(v, "externalBookingCompletionEventName", &f.input.external_booking_completion_event_name, "text", true)))
                }
                details.card.advanced #forwarding open[forward_open || f.input.forward_enabled] {
                    summary { h2 { "Advanced: forward handoffs to your own system" } }
                    p.muted { "Optional. We POST each new handoff, its redirect and its completion to your URL as JSON, signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature). Failed deliveries are retried for about a day and a half. Visitors never wait for it." }
                    div.field.check {
                        label.choice {
                            input type="checkbox" name="forwardEnabled" checked[f.input.forward_enabled];
                            span { "Forward handoffs" }
                        }
                    }
                    (field(v, "forwardUrl", "Your endpoint", Some("A full https:// address (http only for localhost)."),
                        text_input(v, "forwardUrl", &f.input.forward_url, "url", true)))
                    (field(v, "forwardSecret", "Signing secret",
                        Some(if v.has_forward_secret { "A secret is stored (it is never shown). Leave this empty to keep it, or paste a new one." } else { "We made one for you: copy it into your receiver now — it is encrypted when you save and never shown again." }),
                        html! {
                            input #forwardSecret name="forwardSecret" type="text" value=(v.suggested_forward_secret.as_deref().unwrap_or(""))
                                autocomplete="off" spellcheck="false"
                                aria-invalid=[v.error("forwardSecret").map(|_| "true")]
                                aria-describedby=[described_by(v, "forwardSecret", true)];
                        }))
                    @if v.has_forward_secret {
                        div.field.check {
                            label.choice {
                                input type="checkbox" name="clearForwardSecret" checked[f.clear_forward_secret];
                                span { "Remove the stored secret" }
                            }
                        }
                    }
                    p { a href=(paths::DELIVERIES) { "See the delivery log →" } }
                }
                div.form-actions {
                    button.btn.primary type="submit" { "Save settings" }
                }
            }
        },
    )
}

/// How readable the chosen colour is where it is drawn, as the page explains it.
fn scheme_line(page: &str, s: &Scheme) -> Markup {
    html! {
        li {
            "Launcher on a " (page) " page: " strong { (ratio_label(s.brand_ratio)) }
            @if s.outline.is_some() {
                " — below 3:1, so the launcher gets a contrasting outline there"
            } @else { " (at least 3:1)" }
            @if s.brand_text != s.surface && s.brand_text == s.ink {
                "; links and chips use the text colour instead, which reads at 4.5:1 or more"
            }
            "."
        }
    }
}

fn appearance_section(v: &SettingsView<'_>) -> Markup {
    let f = &v.form.input;
    let shown = Rgb::parse(&f.widget_brand_color).unwrap_or(appearance::DEFAULT_BRAND);
    let p = palette(shown);
    let on = if p.on_brand == appearance::WHITE {
        "White"
    } else {
        "Black"
    };
    let theme = Theme::parse(f.widget_theme.trim()).unwrap_or_default();
    let position = Position::parse(f.widget_position.trim()).unwrap_or_default();
    let en = Lang::En.strings();
    html! {
        section.card #appearance {
            h2 { "Widget appearance" }
            p.muted { "Your hosted booking page uses these colours and this theme now; the assistant on your website keeps its standard look until it learns them. Your wording is shown as you write it; leave a field empty for ours, in each visitor's language." }
            (field(v, "widgetBrandColor", "Brand colour", Some("# and six hex digits, like #0f766e. Empty: our teal."), html! {
                div.color-row {
                    svg.swatch width="32" height="32" viewBox="0 0 32 32" aria-hidden="true" focusable="false" {
                        rect x="1" y="1" width="30" height="30" rx="6" fill=(p.brand.hex()) stroke="#4b5563" {}
                    }
                    input #widgetBrandColor name="widgetBrandColor" type="text" value=(f.widget_brand_color)
                        placeholder=(appearance::DEFAULT_BRAND.hex()) maxlength="7" spellcheck="false" autocomplete="off"
                        aria-invalid=[v.error("widgetBrandColor").map(|_| "true")]
                        aria-describedby=[described_by(v, "widgetBrandColor", true)];
                }
            }))
            div.contrast #widgetBrandColor-contrast aria-live="polite" {
                p { "With " code { (p.brand.hex()) } ":" }
                ul {
                    li { (on) " text on it: " strong { (ratio_label(p.on_brand_ratio)) } " (WCAG AA needs 4.5:1)." }
                    (scheme_line("light", &p.light))
                    (scheme_line("dark", &p.dark))
                }
            }
            div.two {
                (field(v, "widgetTheme", "Theme", None, html! {
                    select #widgetTheme name="widgetTheme" aria-invalid=[v.error("widgetTheme").map(|_| "true")] {
                        @for t in Theme::ALL {
                            option value=(t.as_str()) selected[t == theme] {
                                @match t { Theme::Light => "Light", Theme::Dark => "Dark", Theme::Auto => "Follow the visitor's device" }
                            }
                        }
                    }
                }))
                (field(v, "widgetPosition", "Launcher position", None, html! {
                    select #widgetPosition name="widgetPosition" aria-invalid=[v.error("widgetPosition").map(|_| "true")] {
                        @for pos in Position::ALL {
                            option value=(pos.as_str()) selected[pos == position] {
                                @match pos { Position::BottomRight => "Bottom right", Position::BottomLeft => "Bottom left" }
                            }
                        }
                    }
                }))
            }
            (field(v, "widgetLauncherLabel", "Launcher button text", Some(&format!("Up to 40 characters. Empty: “{}” (in the visitor's language).", en.book)), html! {
                input #widgetLauncherLabel name="widgetLauncherLabel" type="text" value=(f.widget_launcher_label) maxlength="40"
                    aria-invalid=[v.error("widgetLauncherLabel").map(|_| "true")]
                    aria-describedby=[described_by(v, "widgetLauncherLabel", true)];
            }))
            (field(v, "widgetGreeting", "Greeting", Some("Up to 200 characters: the assistant's first message. Empty: ours, which names your business and asks what they'd like to book."),
                textarea(v, "widgetGreeting", &f.widget_greeting, 2, true)))
        }
    }
}
