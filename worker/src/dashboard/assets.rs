//! The dashboard's stylesheet and progressive-enhancement script, served from this origin
//! so the CSP can forbid everything inline.
use worker::Response;

use crate::{error::AppResult, http, pages};

const CSS: &str = include_str!("assets/app.css");
const JS: &str = include_str!("assets/app.js");

pub fn serve(file: &str) -> AppResult<Response> {
    let (content_type, body) = match file {
        "app.css" => ("text/css; charset=utf-8", CSS),
        "app.js" => ("text/javascript; charset=utf-8", JS),
        // As for any other unknown dashboard path.
        _ => return Ok(pages::not_found_page()),
    };
    let resp = http::bytes(content_type, body.as_bytes().to_vec());
    Ok(http::with_header(
        resp,
        "Cache-Control",
        "public, max-age=300",
    ))
}
