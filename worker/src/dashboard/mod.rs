//! The admin dashboard at `/dashboard` (server-rendered HTML).
use worker::{Request, Response};

use crate::{app::App, pages};

/// `/dashboard/…`
pub async fn route(_app: &App, _req: Request, _rest: &[&str]) -> Response {
    pages::not_found_page()
}
