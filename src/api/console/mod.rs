//! The reviewer console (`/console/`): a small static bundle compiled into the binary (plain ES
//! modules, CSS and HTML under `assets/`, no build step) that works a case through the public API
//! with the reviewer's own token (docs/console.md). The server only hands out the files: every
//! response carries a strict Content-Security-Policy (no inline script or style, requests to this
//! origin only), `nosniff` and an ETag.

use std::sync::OnceLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, guard, web};
use sha2::{Digest, Sha256};

use super::ApiError;

/// Sent with every console response, files and problems alike.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";

/// The bundle: file name, content type, content. `index.html` is served at `/console/`.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_str!("assets/index.html"),
    ),
    (
        "console.css",
        "text/css; charset=utf-8",
        include_str!("assets/console.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/app.js"),
    ),
    (
        "api.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/api.js"),
    ),
    (
        "dom.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/dom.js"),
    ),
    (
        "queue.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/queue.js"),
    ),
    (
        "application.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/application.js"),
    ),
    (
        "evidence.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/evidence.js"),
    ),
    (
        "graph.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/graph.js"),
    ),
];

/// Each asset's strong ETag (a content hash), computed once.
fn etags() -> &'static [String] {
    static ETAGS: OnceLock<Vec<String>> = OnceLock::new();
    ETAGS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|(_, _, body)| {
                let digest = Sha256::digest(body.as_bytes());
                format!("\"{}\"", hex::encode(&digest[..12]))
            })
            .collect()
    })
}

/// Registers `/console`, `/console/` and `/console/{file}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let get = || web::route().guard(guard::Any(guard::Get()).or(guard::Head()));
    cfg.service(
        super::resource("/console", "GET, HEAD".into()).route(get().to(|| async {
            secured(
                HttpResponse::PermanentRedirect()
                    .insert_header((header::LOCATION, "/console/"))
                    .finish(),
            )
        })),
    )
    .service(
        super::resource("/console/", "GET, HEAD".into())
            .route(get().to(|req: HttpRequest| async move { asset(&req, "index.html") })),
    )
    .service(
        super::resource("/console/{file:.*}", "GET, HEAD".into()).route(
            get().to(|req: HttpRequest, file: web::Path<String>| async move { asset(&req, &file) }),
        ),
    );
}

fn asset(req: &HttpRequest, name: &str) -> HttpResponse {
    let Some(i) = ASSETS.iter().position(|(n, _, _)| *n == name) else {
        return secured(ApiError::NotFound.error_response());
    };
    let (_, content_type, body) = ASSETS[i];
    let etag = &etags()[i];
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == etag || t.trim() == "*" || t.trim() == format!("W/{etag}"))
        });
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, etag.as_str()))
        // Revalidate every time: a new binary serves new files under the same names.
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    let res = if fresh {
        res.finish()
    } else {
        res.content_type(content_type).body(body)
    };
    secured(res)
}

/// The console's security headers on any response.
fn secured(mut res: HttpResponse) -> HttpResponse {
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_the_bundle_imports_is_in_it() {
        for (name, _, body) in ASSETS {
            for line in body.lines() {
                let line = line.trim();
                if !(line.starts_with("import ") || line.starts_with("} from ")) {
                    continue;
                }
                if let Some(start) = line.find("\"./") {
                    let rest = &line[start + 3..];
                    let end = rest.find('"').unwrap();
                    let target = &rest[..end];
                    assert!(
                        ASSETS.iter().any(|(n, _, _)| *n == target),
                        "{name} imports {target}, which is not in the bundle"
                    );
                }
            }
        }
    }

    #[test]
    fn no_inline_script_or_style() {
        let (_, _, html) = ASSETS[0];
        assert!(!html.contains("<style"), "inline style element");
        assert!(!html.contains("style="), "inline style attribute");
        for (at, _) in html.match_indices(" on") {
            let name: String = html[at + 3..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase())
                .collect();
            assert!(
                !html[at + 3 + name.len()..].starts_with('='),
                "inline event handler on{name}"
            );
        }
        for tag in html.split("<script").skip(1) {
            let open = &tag[..tag.find('>').unwrap()];
            assert!(open.contains("src="), "inline script: <script{open}>");
        }
        for (name, _, body) in ASSETS {
            assert!(
                !body.contains("innerHTML"),
                "{name} writes HTML from strings"
            );
            assert!(!body.contains("eval("), "{name} evaluates strings");
        }
    }
}
