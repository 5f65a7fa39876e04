//! Lead alerts by email: a delivery of the outbox on the `email` channel becomes one message
//! through Cloudflare's Email Service (`ALERT_EMAIL` binding, sender `ALERT_FROM`), worded by
//! core's `alert` module. Like forwarding it never runs in a visitor's request path, and a
//! failure is recorded and retried on the same schedule, never lost.
use handoff_core::{
    alert::{lead_email, test_email, AlertLead, Email},
    forward::{next_attempt_at, ERROR_TEXT_MAX},
};
use worker::{Env, SendEmail, SendEmailBuilder};

use crate::{
    dashboard::paths,
    repo::{AttemptOutcome, DueDelivery},
};

/// The binding and the sender address, as `wrangler.toml` declares them.
pub const BINDING: &str = "ALERT_EMAIL";
pub const FROM_VAR: &str = "ALERT_FROM";

/// The sender and the binding, or why alerts cannot be sent from this server.
fn mailer(env: &Env) -> Result<(String, SendEmail), &'static str> {
    let from = env
        .var(FROM_VAR)
        .ok()
        .map(|v| v.to_string())
        .filter(|v| !v.is_empty())
        .ok_or("Email alerts are not set up on this server (no ALERT_FROM sender).")?;
    let binding = env
        .send_email(BINDING)
        .map_err(|_| "Email alerts are not set up on this server (no ALERT_EMAIL binding).")?;
    Ok((from, binding))
}

async fn deliver(from: &str, binding: &SendEmail, to: &str, email: &Email) -> Result<(), String> {
    let message = SendEmailBuilder::new(from, to, &email.subject);
    message.set_text(&email.text);
    message.set_html(&email.html);
    binding
        .send_with_builder(&message)
        .await
        .map(|_| ())
        .map_err(|e| {
            format!("The email service refused it: {e:?}")
                .chars()
                .take(ERROR_TEXT_MAX)
                .collect()
        })
}

/// "Send test alert": a marked test message to each address, at once; the first failure's
/// reason, if any.
pub async fn send_test(
    env: &Env,
    to: &[String],
    business: &str,
    edge: &url::Url,
) -> Result<(), String> {
    let (from, binding) = mailer(env).map_err(str::to_string)?;
    let home = edge.join(paths::HOME).ok();
    let email = test_email(business, home.as_ref().map(|u| u.as_str()));
    for address in to {
        deliver(&from, &binding, address, &email).await?;
    }
    Ok(())
}

pub async fn send(env: &Env, d: &DueDelivery, edge: Option<&url::Url>, now: i64) -> AttemptOutcome {
    let gave_up = |error: &str| AttemptOutcome::GaveUp {
        status: None,
        error: error.into(),
    };
    let Some(to) = d.recipient.as_deref() else {
        return gave_up("The alert has no recipient.");
    };
    let (from, binding) = match mailer(env) {
        Ok(m) => m,
        Err(why) => return gave_up(why),
    };
    let h = &d.handoff;
    let attribution = h.attribution();
    let campaign = attribution.campaign();
    let mut source: Vec<(&'static str, &str)> = Vec::new();
    if let Some(campaign) = campaign.as_deref() {
        source.push(("Campaign", campaign));
    }
    for (key, label) in [("landingPage", "Landing page"), ("referrer", "Came from")] {
        if let Some(value) = attribution.get(key) {
            source.push((label, value));
        }
    }
    let link = edge.and_then(|e| e.join(&paths::handoff(h.id.as_str())).ok());
    let email = lead_email(&AlertLead {
        business: &d.business_name,
        customer_name: &h.customer_name,
        customer_email: h.customer_email.as_deref(),
        customer_phone: h.customer_phone.as_deref(),
        service: h.requested_service.as_deref(),
        time: h.preferred_date_time_text.as_deref(),
        notes: h.notes.as_deref(),
        provider: h.provider_name_used.as_deref(),
        source,
        dashboard_url: link.as_ref().map(|u| u.as_str()),
    });
    match deliver(&from, &binding, to, &email).await {
        Ok(()) => AttemptOutcome::Delivered { status: 250 },
        Err(error) => match next_attempt_at(now, d.attempts + 1) {
            Some(next_at) => AttemptOutcome::Retry {
                status: None,
                error,
                next_at,
            },
            None => AttemptOutcome::GaveUp {
                status: None,
                error,
            },
        },
    }
}
