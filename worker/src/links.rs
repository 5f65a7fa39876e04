//! The links a visitor is sent to, built from a client's current settings through core's
//! redirect rules. The target always comes from settings, never from the request.
use handoff_core::{
    attribution::Attribution,
    redirect::{build_redirect_url, Prefill, RedirectParams},
    settings::BookingTarget,
};

use crate::{
    app::App,
    repo::{Client, HandoffRow},
};

/// An absolute URL on this edge for a local path (with its query).
pub fn local_url(app: &App, path_and_query: &str) -> url::Url {
    app.edge
        .join(path_and_query)
        .unwrap_or_else(|_| app.edge.clone())
}

/// Where a visitor's request books: the route its service (or a keyword in what they wrote)
/// picks, else the default link. `None` when the client has no external booking link.
pub fn booking_for<'a>(
    client: &'a Client,
    service: Option<&str>,
    texts: &[&str],
) -> Option<BookingTarget<'a>> {
    let s = &client.settings;
    s.booking_target(s.route_for(service, texts))
}

/// The booking target of a stored handoff: the route recorded at capture while it still
/// exists, else whatever its request matches under the current settings.
pub fn booking_of<'a>(client: &'a Client, h: &HandoffRow) -> Option<BookingTarget<'a>> {
    let texts = [
        h.notes.as_deref().unwrap_or(""),
        h.preferred_date_time_text.as_deref().unwrap_or(""),
    ];
    booking_for(
        client,
        h.route_service
            .as_deref()
            .or(h.requested_service.as_deref()),
        &texts,
    )
}

/// The provider URL for a captured handoff: UTMs (the visitor's own, when the business
/// passes them on), `tca_ref` and (when enabled) prefill.
pub fn handoff_target(
    client: &Client,
    target: &BookingTarget<'_>,
    handoff_id: &str,
    visitor: Prefill<'_>,
    attribution: &Attribution,
) -> url::Url {
    let s = &client.settings;
    let prefill = s.external_booking_prefill.then_some(visitor);
    let first_touch: &[(&'static str, String)] = if s.external_booking_pass_visitor_utms {
        attribution.pairs()
    } else {
        &[]
    };
    build(client, target, Some(handoff_id), prefill, first_touch)
}

/// The visitor details a stored handoff can prefill on the provider's page.
pub fn prefill_of(handoff: &HandoffRow) -> Prefill<'_> {
    Prefill {
        name: &handoff.customer_name,
        email: handoff.customer_email.as_deref(),
        phone: handoff.customer_phone.as_deref(),
        notes: handoff.notes.as_deref(),
    }
}

/// The direct provider link with UTMs but no `tca_ref`: what a visitor gets when we could
/// not store their request, so they can still book. `target`: the request's route, else the
/// default link.
pub fn direct_target(client: &Client, target: Option<&BookingTarget<'_>>) -> Option<url::Url> {
    let default = client.settings.booking_target(None);
    let target = target.or(default.as_ref())?;
    Some(build(client, target, None, None, &[]))
}

fn build(
    client: &Client,
    target: &BookingTarget<'_>,
    tca_ref: Option<&str>,
    prefill: Option<Prefill<'_>>,
    visitor: &[(&'static str, String)],
) -> url::Url {
    let s = &client.settings;
    build_redirect_url(
        target.url,
        &RedirectParams {
            provider: target.provider,
            utm_source: s.external_booking_utm_source.as_deref(),
            utm_campaign: s.external_booking_utm_campaign.as_deref(),
            tca_ref,
            prefill,
            ref_param: s.external_booking_ref_param,
            visitor,
        },
    )
}

/// The public tracking link for a handoff on this edge.
pub fn continue_url(edge: &url::Url, handoff_id: &str) -> String {
    let mut url = edge.clone();
    url.set_path(&format!("/r/{handoff_id}"));
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

pub fn hosted_page_url(edge: &url::Url, slug: &str) -> String {
    let mut url = edge.clone();
    url.set_path("/b/");
    url.path_segments_mut()
        .map(|mut p| {
            p.pop_if_empty().push(slug);
        })
        .ok();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}
