//! The links a visitor is sent to, built from a client's current settings through core's
//! redirect rules. The target always comes from settings, never from the request.
use handoff_core::{
    redirect::{build_redirect_url, Prefill, RedirectParams},
    settings::BookingMode,
};

use crate::repo::{Client, HandoffRow};

/// The provider URL for a captured handoff: UTMs, `tca_ref` and (when enabled) prefill.
/// `None` when the client has no external booking URL (request-only or not configured).
pub fn handoff_target(client: &Client, handoff_id: &str, visitor: Prefill<'_>) -> Option<url::Url> {
    let prefill = client.settings.external_booking_prefill.then_some(visitor);
    target(client, Some(handoff_id), prefill)
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
/// not store their request, so they can still book.
pub fn direct_target(client: &Client) -> Option<url::Url> {
    target(client, None, None)
}

fn target(
    client: &Client,
    tca_ref: Option<&str>,
    prefill: Option<Prefill<'_>>,
) -> Option<url::Url> {
    let s = &client.settings;
    if s.booking_mode != BookingMode::External {
        return None;
    }
    let base = s.external_booking_url.as_ref()?;
    Some(build_redirect_url(
        base,
        &RedirectParams {
            provider: s.provider(),
            utm_source: s.external_booking_utm_source.as_deref(),
            utm_campaign: s.external_booking_utm_campaign.as_deref(),
            tca_ref,
            prefill,
        },
    ))
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
