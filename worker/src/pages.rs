//! Server-rendered pages visitors can land on (maud escapes every interpolated value), in the
//! visitor's language where we know it (the hosted booking page); English otherwise.
use handoff_core::{
    appearance::{self, Theme},
    i18n::{fill, Lang},
    settings::Settings,
};
use maud::{html, Markup, DOCTYPE};
use worker::Response;

use crate::{http, repo::Client};

const STYLE: &str = "
:root{color-scheme:light;--accent:#0f766e;--on-accent:#ffffff;--accent-text:#0f766e;--ink:#1f2937;--muted:#4b5563;--page:#f3f4f6;--surface:#ffffff;--field:#ffffff;--edge:#9ca3af;--accent-edge:transparent}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:var(--page)}
main{max-width:34rem;margin:10vh auto;padding:2rem;background:var(--surface);border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.35rem;margin:0 0 .75rem}
p{margin:.5rem 0;color:var(--muted)}
a{color:var(--accent-text)}
.cta{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}
.cta a{display:inline-block;padding:.6rem 1rem;border:1px solid var(--accent-text);border-radius:8px;text-decoration:none;font-weight:600}
form{margin-top:1rem}
.field{margin:0 0 .9rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{font-weight:400;color:var(--muted);font-size:.9rem}
input,textarea{width:100%;font:inherit;padding:.55rem .65rem;border:1px solid var(--edge);border-radius:8px;background:var(--field);color:var(--ink)}
input:focus,textarea:focus,button:focus,a:focus{outline:3px solid var(--accent-text);outline-offset:2px}
.invalid input,.invalid textarea{border-color:#b91c1c}
.error{color:#b91c1c;font-size:.92rem;margin:.3rem 0 0}
button,a.primary{display:inline-block;font:inherit;font-weight:600;padding:.7rem 1.2rem;border:0;border-radius:8px;background:var(--accent);color:var(--on-accent);box-shadow:0 0 0 2px var(--accent-edge);text-decoration:none;cursor:pointer}
.small{font-size:.88rem}
.rawurl{word-break:break-all;color:var(--muted)}
.copy{color:var(--ink);font-size:1.05rem}
@media (max-width:480px){main{margin:0;min-height:100vh;border-radius:0}}
";

/// A page whose words are in `lang` (`<html lang>` says so, for screen readers and translators).
pub fn layout_in(lang: Lang, title: &str, body: Markup) -> String {
    page(lang, title, None, body)
}

/// A page of one business: in its brand colour and theme (light, dark or the visitor's).
pub fn layout_for(client: &Client, lang: Lang, title: &str, body: Markup) -> String {
    page(lang, title, Some(&brand_style(&client.settings)), body)
}

/// The business's colours over the default ones. The brand as text and the error red are
/// swapped for the theme's ink where they would not reach 4.5:1 on its surface.
fn brand_style(s: &Settings) -> String {
    let p = appearance::palette(s.widget_brand_color.unwrap_or(appearance::DEFAULT_BRAND));
    let vars = |scheme: &appearance::Scheme, dark: bool| {
        let (page, field, muted, edge) = if dark {
            ("#030712", "#1f2937", "#9ca3af", "#6b7280")
        } else {
            ("#f3f4f6", "#ffffff", "#4b5563", "#9ca3af")
        };
        format!(
            "color-scheme:{};--accent:{};--on-accent:{};--accent-text:{};--ink:{};--muted:{muted};--page:{page};--surface:{};--field:{field};--edge:{edge};--accent-edge:{}",
            if dark { "dark" } else { "light" },
            p.brand.hex(),
            p.on_brand.hex(),
            scheme.brand_text.hex(),
            scheme.ink.hex(),
            scheme.surface.hex(),
            scheme.outline.map_or("transparent".to_string(), |o| o.hex()),
        )
    };
    let (light, dark) = (vars(&p.light, false), vars(&p.dark, true));
    match s.widget_theme {
        Theme::Light => format!(":root{{{light}}}"),
        Theme::Dark => format!(":root{{{dark}}}.error{{color:#fca5a5}}.invalid input,.invalid textarea{{border-color:#fca5a5}}"),
        Theme::Auto => format!(
            ":root{{{light}}}@media (prefers-color-scheme:dark){{:root{{{dark}}}.error{{color:#fca5a5}}.invalid input,.invalid textarea{{border-color:#fca5a5}}}}"
        ),
    }
}

fn page(lang: Lang, title: &str, brand: Option<&str>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                // No icon of ours: an empty one, so browsers don't ask for /favicon.ico.
                link rel="icon" href="data:,";
                title { (title) }
                style { (maud::PreEscaped(STYLE)) }
                // Built only from validated colours (`#rrggbb`) and our own constants.
                @if let Some(brand) = brand { style { (maud::PreEscaped(brand)) } }
            }
            body { main { (body) } }
        }
    }
    .into_string()
}

/// Phone and email links for a client, only those it has.
pub fn contact_cta(client: &Client, lang: Lang) -> Markup {
    let t = lang.strings();
    html! {
        @if client.contact_phone.is_some() || client.contact_email.is_some() {
            div.cta {
                @if let Some(phone) = &client.contact_phone {
                    a href={ "tel:" (phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>()) } { (fill(t.call, phone)) }
                }
                @if let Some(email) = &client.contact_email {
                    a href={ "mailto:" (email) } { (fill(t.email, email)) }
                }
            }
        }
    }
}

pub fn link_not_found(lang: Lang) -> Response {
    let pages = lang.pages();
    http::html(
        404,
        layout_in(
            lang,
            pages.link_not_found_title,
            html! {
                h1 { (pages.link_not_found_heading) }
                p { (pages.link_not_found) }
            },
        ),
    )
}

pub fn link_temporarily_unavailable(lang: Lang) -> Response {
    let pages = lang.pages();
    http::html(
        503,
        layout_in(
            lang,
            pages.link_unavailable_title,
            html! {
                h1 { (pages.link_unavailable_heading) }
                p { (pages.link_unavailable) }
            },
        ),
    )
}

/// The answer to a browser's speculative load of a tracking link (prefetch, prerender,
/// preview): a 503 no cache keeps, which browsers discard, so the visitor's real click comes
/// to us and is counted. A person never sees it.
pub fn prefetch_declined(lang: Lang) -> Response {
    let pages = lang.pages();
    http::with_header(
        http::html(
            503,
            layout_in(
                lang,
                pages.prefetch_title,
                html! {
                    h1 { (pages.prefetch_heading) }
                    p { (pages.prefetch) }
                },
            ),
        ),
        "Retry-After",
        "0",
    )
}

pub fn booking_unavailable(client: &Client, lang: Lang) -> Response {
    let t = lang.strings();
    http::html(
        200,
        layout_for(
            client,
            lang,
            lang.pages().unavailable_title,
            html! {
                h1 { (t.booking_unavailable) }
                p { (fill(t.reach, &client.name)) }
                (contact_cta(client, lang))
            },
        ),
    )
}

pub fn not_found_page() -> Response {
    not_found_page_in(Lang::En)
}

pub fn not_found_page_in(lang: Lang) -> Response {
    let pages = lang.pages();
    http::html(
        404,
        layout_in(
            lang,
            pages.not_found_title,
            html! {
                h1 { (pages.not_found_title) }
                p { (pages.not_found) }
            },
        ),
    )
}
