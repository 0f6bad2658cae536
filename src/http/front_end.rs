//! The reference news site (`examples/news-site`), served at `/` beside the API when a
//! built copy is configured (`SERVE_SITE_DIR`; `serve --demo` uses the repository's own):
//! its files as they are, and `index.html` for any other page address, since the site
//! routes its paths (`/{category}/{slug}`, `/tag/{slug}`, ...) in the browser. The API,
//! the docs and the media keep their own routes, mounted before it.

use actix_files::{Files, NamedFile};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{Next, from_fn};
use actix_web::{HttpResponse, web};
use std::path::{Path, PathBuf};

use crate::error::ApiError;

/// Vite names the files under `assets/` by a hash of their content: each can be kept forever.
const ASSETS: &str = "/assets/";

/// Mounts the site from `dir`, or, when `dir` holds no `index.html` yet, a page at `/` that
/// says how to build it. Nothing when no site is configured.
pub fn configure(cfg: &mut web::ServiceConfig, dir: Option<&Path>) {
    let Some(dir) = dir else { return };
    let index = dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(dir = %dir.display(), "the news site is not built; / says how to build it");
        cfg.service(web::resource("/").get(not_built));
        return;
    }
    cfg.service(
        web::scope("").wrap(from_fn(cache_control)).service(
            Files::new("/", dir)
                .index_file("index.html")
                .default_handler(fn_service(move |req: ServiceRequest| {
                    page_or_not_found(req, index.clone())
                })),
        ),
    );
}

/// `index.html` for a page address (no file extension, outside `/api/`); a problem `404`
/// for anything else, such as a missing script or `/api/v2`.
async fn page_or_not_found(
    req: ServiceRequest,
    index: PathBuf,
) -> Result<ServiceResponse, actix_web::Error> {
    let (req, _) = req.into_parts();
    let path = req.path();
    let last = path.rsplit('/').next().unwrap_or_default();
    if path.starts_with("/api/") || last.contains('.') {
        let error = ApiError::NotFound(format!("no resource at {path}"));
        return Ok(ServiceResponse::from_err(error, req));
    }
    let response = NamedFile::open(&index)?.into_response(&req);
    Ok(ServiceResponse::new(req, response))
}

/// Hashed assets are immutable; everything else (`index.html` above all) is revalidated on
/// every use, so that a new build is seen at once.
async fn cache_control(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let immutable = req.path().starts_with(ASSETS);
    let mut response = next.call(req).await?;
    if response.status().is_success() || response.status().is_redirection() {
        let value = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    Ok(response)
}

async fn not_built() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(NOT_BUILT)
}

const NOT_BUILT: &str = r#"<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Newsroom: the news site is not built</title>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The news site is not built yet</h1>
<p>The API is running: see <a href="/docs/">/docs/</a> and <a href="/api/v1/pages/home">/api/v1/pages/home</a>.</p>
<p>To see the reference news site here, build it once (Node.js 20.19 or later) and restart the server:</p>
<pre>cd examples/news-site
npm ci
npm run build</pre>
<p>A production <code>serve</code> serves a built site only when <code>SERVE_SITE_DIR</code> names its folder.</p>
</body></html>
"#;
