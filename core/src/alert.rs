//! The alert a business gets when a lead arrives: one email with the lead's details, where it
//! came from, a link to its dashboard page and the honest status (sent to the provider, not
//! confirmed). Plain text and HTML carry the same facts; every value is escaped in the HTML
//! and kept to one line in the subject, so a visitor's words can never add a header or markup.
use crate::text::strip_controls;

pub const ALERT_ON_INVALID: &str = "Choose each_lead or off.";
pub const TOO_MANY_ALERT_EMAILS: &str = "Please list at most 5 addresses.";
pub const ALERT_EMAILS_MAX: usize = 5;

/// When the business is told about a lead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AlertOn {
    /// One email per lead, as it arrives.
    EachLead,
    #[default]
    Off,
}

impl AlertOn {
    pub const ALL: [AlertOn; 2] = [AlertOn::EachLead, AlertOn::Off];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertOn::EachLead => "each_lead",
            AlertOn::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<AlertOn> {
        AlertOn::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// What an alert says about one lead (all of it already validated and redacted at capture).
pub struct AlertLead<'a> {
    pub business: &'a str,
    pub customer_name: &'a str,
    pub customer_email: Option<&'a str>,
    pub customer_phone: Option<&'a str>,
    pub service: Option<&'a str>,
    pub time: Option<&'a str>,
    pub notes: Option<&'a str>,
    /// The provider the visitor was sent to book on; `None` in request-only mode.
    pub provider: Option<&'a str>,
    /// "source / medium / campaign", the landing page and the referrer, when recorded.
    pub source: Vec<(&'static str, &'a str)>,
    /// The handoff's page in the dashboard, when the server knows its public origin.
    pub dashboard_url: Option<&'a str>,
}

pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn one_line(s: &str) -> String {
    strip_controls(s, false)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn lead_email(l: &AlertLead) -> Email {
    let name = one_line(l.customer_name);
    let subject = match l.service.map(one_line).filter(|s| !s.is_empty()) {
        Some(service) => format!("New booking request: {service} — {name}"),
        None => format!("New booking request — {name}"),
    };
    let status = match l.provider {
        Some(provider) => format!(
            "Sent to {provider} to book; not confirmed. The booking and any payment happen on {provider}."
        ),
        None => "A request only: nothing is booked yet. Reply to the visitor to arrange a time."
            .to_string(),
    };
    let mut rows: Vec<(&str, String)> = vec![("Name", name.clone())];
    for (label, value) in [
        ("Email", l.customer_email),
        ("Phone", l.customer_phone),
        ("Service", l.service),
        ("Preferred time", l.time),
        ("Notes", l.notes),
    ] {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            rows.push((label, value.to_string()));
        }
    }
    for (label, value) in &l.source {
        rows.push((label, value.to_string()));
    }
    rows.push(("Status", status));

    let mut text = format!("A visitor asked to book with {}.\n\n", one_line(l.business));
    for (label, value) in &rows {
        text.push_str(&format!("{label}: {value}\n"));
    }
    match l.dashboard_url {
        Some(url) => text.push_str(&format!("\nOpen it in your dashboard: {url}\n")),
        None => text.push_str("\nYou'll find it in your Handoff dashboard.\n"),
    }

    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#1f2937\">\
         <p>A visitor asked to book with {}.</p><table cellpadding=\"4\">",
        escape(&one_line(l.business))
    );
    for (label, value) in &rows {
        html.push_str(&format!(
            "<tr><th align=\"left\" valign=\"top\">{}</th><td style=\"white-space:pre-wrap\">{}</td></tr>",
            escape(label),
            escape(value)
        ));
    }
    html.push_str("</table>");
    match l.dashboard_url {
        Some(url) => html.push_str(&format!(
            "<p><a href=\"{}\">Open it in your dashboard</a></p>",
            escape(url)
        )),
        None => html.push_str("<p>You'll find it in your Handoff dashboard.</p>"),
    }
    html.push_str("</body></html>");
    Email {
        subject,
        text,
        html,
    }
}

/// What "Send test alert" sends: a real alert's layout with a made-up visitor, marked as a
/// test in the subject and the first line, so nobody mistakes it for a lead.
pub fn test_email(business: &str, dashboard_url: Option<&str>) -> Email {
    let mut e = lead_email(&AlertLead {
        business,
        customer_name: "Test Visitor",
        customer_email: Some("visitor@example.com"),
        customer_phone: None,
        service: Some("Your first service"),
        time: Some("Friday afternoon"),
        notes: None,
        provider: Some("your booking page"),
        source: Vec::new(),
        dashboard_url,
    });
    e.subject = format!("[Test] {}", e.subject);
    e.text = format!(
        "This is a test of your lead alerts: nobody asked to book. Real alerts look like this.\n\n{}",
        e.text
    );
    e.html = e.html.replacen(
        "<p>",
        "<p><strong>This is a test of your lead alerts: nobody asked to book.</strong> Real alerts look like this.</p><p>",
        1,
    );
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead<'a>() -> AlertLead<'a> {
        AlertLead {
            business: "Seaside Day Spa",
            customer_name: "Ada Lovelace",
            customer_email: Some("ada@example.com"),
            customer_phone: None,
            service: Some("Hot stone ritual"),
            time: Some("next Saturday morning"),
            notes: Some("first visit\nback pain"),
            provider: Some("Calendly"),
            source: vec![("Campaign", "newsletter / email / spring")],
            dashboard_url: Some("https://book.example/dashboard/handoffs/AAAA"),
        }
    }

    #[test]
    fn says_who_what_where_from_and_that_nothing_is_confirmed() {
        let e = lead_email(&lead());
        assert_eq!(
            e.subject,
            "New booking request: Hot stone ritual — Ada Lovelace"
        );
        for part in [
            "Name: Ada Lovelace",
            "Email: ada@example.com",
            "Preferred time: next Saturday morning",
            "Campaign: newsletter / email / spring",
            "Status: Sent to Calendly to book; not confirmed.",
            "Open it in your dashboard: https://book.example/dashboard/handoffs/AAAA",
        ] {
            assert!(e.text.contains(part), "{part}\n{}", e.text);
        }
        assert!(!e.text.contains("Phone:"), "absent fields are left out");
        assert!(e
            .html
            .contains("<a href=\"https://book.example/dashboard/handoffs/AAAA\">"));
        assert!(!e.text.to_lowercase().contains("confirmed booking"));
    }

    #[test]
    fn a_visitors_words_never_become_headers_or_markup() {
        let mut l = lead();
        l.customer_name = "Eve\r\nBcc: everyone@example.com";
        l.service = Some("<script>alert(1)</script>");
        l.notes = Some("\"><img src=x onerror=alert(1)>");
        let e = lead_email(&l);
        assert!(!e.subject.contains('\n') && !e.subject.contains('\r'));
        assert_eq!(
            e.subject,
            "New booking request: <script>alert(1)</script> — Eve Bcc: everyone@example.com"
        );
        assert!(!e.html.contains("<script>") && !e.html.contains("<img"));
        assert!(e.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(e
            .html
            .contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    }

    #[test]
    fn request_only_and_no_link() {
        let mut l = lead();
        l.provider = None;
        l.service = None;
        l.dashboard_url = None;
        let e = lead_email(&l);
        assert_eq!(e.subject, "New booking request — Ada Lovelace");
        assert!(e.text.contains("A request only: nothing is booked yet."));
        assert!(e.text.contains("You'll find it in your Handoff dashboard."));
    }

    #[test]
    fn a_test_alert_says_it_is_one() {
        let e = test_email("Seaside Day Spa", None);
        assert!(e.subject.starts_with("[Test] New booking request"));
        assert!(e.text.starts_with("This is a test of your lead alerts"));
        assert!(e
            .html
            .contains("<strong>This is a test of your lead alerts"));
    }

    #[test]
    fn alert_modes_round_trip() {
        for a in AlertOn::ALL {
            assert_eq!(AlertOn::parse(a.as_str()), Some(a));
        }
        assert_eq!(AlertOn::parse("daily"), None);
    }
}
