//! Every dashboard URL, declared once: the route table matches these patterns, templates link
//! to them and handlers redirect to them. A pattern's `:name` segment is filled by [`at`].
use handoff_core::session::DASHBOARD_HOME;

/// The pipeline (core's `safe_next` keeps sign-in redirects inside it).
pub const HOME: &str = DASHBOARD_HOME;
/// `/dashboard/` is the pipeline too.
pub const HOME_SLASH: &str = "/dashboard/";
pub const EXPORT: &str = "/dashboard/export.csv";
pub const SIGN_IN: &str = "/dashboard/sign-in";
pub const SIGN_OUT: &str = "/dashboard/sign-out";
pub const ASSET: &str = "/dashboard/assets/:file";
pub const HANDOFF: &str = "/dashboard/handoffs/:id";
pub const HANDOFF_COMPLETE: &str = "/dashboard/handoffs/:id/complete";
pub const HANDOFF_ABANDON: &str = "/dashboard/handoffs/:id/abandon";
pub const WEBHOOK_EVENTS: &str = "/dashboard/webhook-events";
pub const WEBHOOK_EVENT_LINK: &str = "/dashboard/webhook-events/:id/link";
pub const SETTINGS: &str = "/dashboard/settings";
pub const ALERT_TEST: &str = "/dashboard/settings/alerts/test";
pub const PRIVACY: &str = "/dashboard/privacy";
pub const PRIVACY_FIND: &str = "/dashboard/privacy/find";
pub const PRIVACY_ERASE: &str = "/dashboard/privacy/erase";
pub const DELIVERIES: &str = "/dashboard/deliveries";
pub const DELIVERY_RETRY: &str = "/dashboard/deliveries/:id/retry";

/// `pattern` with its one `:name` segment replaced by `value` (an id or file name we made or
/// checked; path-safe by construction).
pub fn at(pattern: &str, value: &str) -> String {
    pattern
        .split('/')
        .map(|segment| {
            if segment.starts_with(':') {
                value
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

pub fn asset(file: &str) -> String {
    at(ASSET, file)
}

pub fn handoff(id: &str) -> String {
    at(HANDOFF, id)
}

/// A path with a query (`?` + `query` when there is one).
pub fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_the_one_named_segment() {
        assert_eq!(handoff("abc"), "/dashboard/handoffs/abc");
        assert_eq!(
            at(HANDOFF_COMPLETE, "x-_1"),
            "/dashboard/handoffs/x-_1/complete"
        );
        assert_eq!(at(DELIVERY_RETRY, "d1"), "/dashboard/deliveries/d1/retry");
        assert_eq!(asset("app.css"), "/dashboard/assets/app.css");
        assert_eq!(at(SETTINGS, "ignored"), SETTINGS);
    }

    #[test]
    fn a_query_is_added_only_when_there_is_one() {
        assert_eq!(with_query(HOME, ""), "/dashboard");
        assert_eq!(with_query(HOME, "status=new"), "/dashboard?status=new");
    }

    #[test]
    fn every_path_stays_inside_the_dashboard() {
        for path in [
            HOME,
            HOME_SLASH,
            EXPORT,
            SIGN_IN,
            SIGN_OUT,
            ASSET,
            HANDOFF,
            HANDOFF_COMPLETE,
            HANDOFF_ABANDON,
            WEBHOOK_EVENTS,
            WEBHOOK_EVENT_LINK,
            SETTINGS,
            ALERT_TEST,
            PRIVACY,
            PRIVACY_FIND,
            PRIVACY_ERASE,
            DELIVERIES,
            DELIVERY_RETRY,
        ] {
            assert!(path == HOME || path.starts_with("/dashboard/"), "{path}");
        }
    }
}
