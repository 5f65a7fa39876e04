//! The service's one error type: its status, stable code and the sentence a person reads.
//! Each surface renders it once (`http::json_error` for the JSON APIs, the webhook's outcome
//! word, the dashboard's and the visitor pages' HTML). Internals (D1 messages, stack traces)
//! are logged by kind, never sent, and payloads or personal data are never logged.
use handoff_core::i18n::{fill, Lang};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 404: unknown route, unknown client, or a record that is not the caller's.
    #[error("not found")]
    NotFound,
    /// 405, with the `Allow` header's value (from the surface's route table).
    #[error("method not allowed")]
    MethodNotAllowed(String),
    /// 400: a body we cannot read as the JSON object we expect.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401: missing or unknown credentials. Never says which.
    #[error("unauthorized")]
    Unauthorized,
    /// 403: a browser origin the client has not allowed.
    #[error("origin not allowed")]
    ForbiddenOrigin,
    /// 403: a state-changing request another website started (Fetch Metadata, else Origin).
    #[error("cross-site request")]
    CrossSite,
    /// 403: a dashboard form whose CSRF token doesn't match the session.
    #[error("form expired")]
    FormExpired,
    /// 409: external booking mode without a booking URL.
    #[error("booking unavailable")]
    BookingUnavailable,
    /// 409: a unique value (such as a slug) is taken.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// 413
    #[error("payload over {0} bytes")]
    PayloadTooLarge(usize),
    /// 415
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 422 with a message per field, in the API's camelCase names.
    #[error("validation failed")]
    Validation(Vec<(&'static str, &'static str)>),
    /// 429
    #[error("rate limited")]
    RateLimited,
    /// 503 on capture: the visitor still gets a direct link to the provider.
    #[error("capture failed: {cause}")]
    CaptureFailed {
        cause: String,
        fallback_url: Option<String>,
    },
    /// 503: the server lacks a secret this surface needs (the reason, for the operator).
    #[error("unconfigured: {0}")]
    Unconfigured(&'static str),
    /// 503: D1 or another binding failed.
    #[error("storage: {0}")]
    Storage(String),
    /// 500: a bug. The cause is logged, not sent.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        AppError::Storage(e.to_string())
    }
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::MethodNotAllowed(_) => 405,
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized => 401,
            AppError::ForbiddenOrigin | AppError::CrossSite | AppError::FormExpired => 403,
            AppError::BookingUnavailable | AppError::Conflict(_) => 409,
            AppError::PayloadTooLarge(_) => 413,
            AppError::UnsupportedMediaType => 415,
            AppError::Validation(_) => 422,
            AppError::RateLimited => 429,
            AppError::CaptureFailed { .. } | AppError::Unconfigured(_) | AppError::Storage(_) => {
                503
            }
            AppError::Internal(_) => 500,
        }
    }

    /// A stable machine-readable code for API clients (the widget switches on it).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed(_) => "method_not_allowed",
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::ForbiddenOrigin => "origin_not_allowed",
            AppError::CrossSite => "cross_site",
            AppError::FormExpired => "form_expired",
            AppError::BookingUnavailable => "booking_unavailable",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Validation(_) => "validation",
            AppError::RateLimited => "rate_limited",
            AppError::CaptureFailed { .. } => "capture_failed",
            AppError::Unconfigured(_) | AppError::Storage(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// The sentence a person reads, in English.
    pub fn message(&self) -> String {
        self.message_in(Lang::En)
    }

    /// The sentence a person reads: in `lang` for what a visitor can meet (the capture API and
    /// the hosted page), in English for what only developers and admins see.
    pub fn message_in(&self, lang: Lang) -> String {
        let (t, pages) = (lang.strings(), lang.pages());
        match self {
            AppError::NotFound => "We couldn't find that.".into(),
            AppError::MethodNotAllowed(allow) => format!("This address only accepts {allow}."),
            AppError::BadRequest(why) => why.clone(),
            AppError::Unauthorized => "Sign-in required: send a valid key.".into(),
            AppError::ForbiddenOrigin => {
                "This website isn't allowed to send booking requests for this business.".into()
            }
            AppError::CrossSite => "Requests started by another website are refused.".into(),
            AppError::FormExpired => "This form has expired. Reload the page and try again.".into(),
            AppError::Unconfigured(why) => (*why).into(),
            AppError::BookingUnavailable => t.booking_unavailable.into(),
            AppError::Conflict(why) => (*why).into(),
            AppError::PayloadTooLarge(limit) => fill(pages.too_large, &limit.to_string()),
            AppError::UnsupportedMediaType => "Send the request as application/json.".into(),
            AppError::Validation(_) => pages.check_fields.into(),
            AppError::RateLimited => t.rate_limited.into(),
            AppError::CaptureFailed { .. } => t.capture_failed.into(),
            AppError::Storage(_) | AppError::Internal(_) => pages.server_error.into(),
        }
    }

    /// Logs the cause of server-side failures: the error kind and the binding's message only.
    pub fn log(&self) {
        match self {
            AppError::Storage(cause) | AppError::Internal(cause) => {
                log_error(&format!("{}: {}", self.code(), cause))
            }
            AppError::CaptureFailed { cause, .. } => log_error(&format!("capture_failed: {cause}")),
            AppError::Unconfigured(reason) => log_error(&format!("unconfigured: {reason}")),
            _ => {}
        }
    }
}

/// The runtime's console on the edge; stderr in native tests, where JS is not there.
fn log_error(line: &str) {
    #[cfg(target_arch = "wasm32")]
    worker::console_error!("{}", line);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{line}");
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_its_status_code_and_a_sentence_that_leaks_nothing() {
        let cases = [
            (AppError::NotFound, 404, "not_found"),
            (
                AppError::MethodNotAllowed("GET, HEAD".into()),
                405,
                "method_not_allowed",
            ),
            (
                AppError::BadRequest("The request body is not valid JSON.".into()),
                400,
                "bad_request",
            ),
            (AppError::Unauthorized, 401, "unauthorized"),
            (AppError::ForbiddenOrigin, 403, "origin_not_allowed"),
            (AppError::CrossSite, 403, "cross_site"),
            (AppError::FormExpired, 403, "form_expired"),
            (AppError::BookingUnavailable, 409, "booking_unavailable"),
            (AppError::Conflict("That slug is taken."), 409, "conflict"),
            (AppError::PayloadTooLarge(16384), 413, "payload_too_large"),
            (
                AppError::UnsupportedMediaType,
                415,
                "unsupported_media_type",
            ),
            (
                AppError::Validation(vec![("customerName", "x")]),
                422,
                "validation",
            ),
            (AppError::RateLimited, 429, "rate_limited"),
            (
                AppError::CaptureFailed {
                    cause: "D1_ERROR: secret detail".into(),
                    fallback_url: None,
                },
                503,
                "capture_failed",
            ),
            (
                AppError::Unconfigured("SESSION_KEY is not set"),
                503,
                "unavailable",
            ),
            (
                AppError::Storage("D1_ERROR: no such table".into()),
                503,
                "unavailable",
            ),
            (
                AppError::Internal("panicked at src/x.rs".into()),
                500,
                "internal",
            ),
        ];
        for (e, status, code) in cases {
            assert_eq!((e.status(), e.code()), (status, code), "{e:?}");
            for lang in Lang::ALL {
                let sentence = e.message_in(lang);
                assert!(!sentence.is_empty());
                // Internals stay in the log.
                assert!(
                    !sentence.contains("D1_ERROR") && !sentence.contains("src/"),
                    "{sentence}"
                );
            }
        }
        assert_eq!(
            AppError::MethodNotAllowed("POST, OPTIONS".into()).message(),
            "This address only accepts POST, OPTIONS."
        );
        assert_ne!(
            AppError::RateLimited.message_in(Lang::Es),
            AppError::RateLimited.message_in(Lang::En),
            "what a visitor meets is in their language"
        );
    }
}
