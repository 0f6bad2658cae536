//! Builds the actix application (state, middleware, routes), for `main` and the tests alike.

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::state::AuthState;
use crate::comments::state::CommentsState;
use crate::config::Config;
use crate::db::Db;
use crate::error::ApiError;
use crate::http::cache::{CacheContext, CacheMaxAge, public_cache};
use crate::http::front_end;
use crate::http::head::head_as_get;
use crate::http::json::{BodyLimit, BodyTimeout};
use crate::http::methods::{MountedPaths, method_not_allowed};
use crate::http::problems::{framework_errors_as_problems, no_route, path_error};
use crate::http::request_id::{REQUEST_ID, request_id};
use crate::media::files::serve_file;
use crate::media::state::MediaState;
use crate::openapi;
use crate::state::AppState;
use crate::stream::state::StreamState;
use crate::views::state::ViewsState;
use std::time::Duration;

/// Everything the handlers share, made once per process and handed to every worker: the
/// common state and each resource's own.
#[derive(Clone)]
pub struct Services {
    pub app: web::Data<AppState>,
    pub auth: web::Data<AuthState>,
    pub comments: web::Data<CommentsState>,
    pub views: web::Data<ViewsState>,
    pub media: web::Data<MediaState>,
    pub stream: web::Data<StreamState>,
}

impl Services {
    /// Fails when the media store cannot be opened (`MEDIA_DIR`, `MEDIA_S3_*`), or the
    /// recent events cannot be read for the live stream.
    pub fn new(db: Db, jwt_secret: &str, config: Config) -> Result<Self, String> {
        Ok(Self {
            stream: web::Data::new(StreamState::new(&db, &config.stream)?),
            media: web::Data::new(MediaState::new(&config.media)?),
            auth: web::Data::new(AuthState::new(jwt_secret, &config)),
            comments: web::Data::new(CommentsState::new(&config)),
            views: web::Data::new(ViewsState::new(&config)),
            app: web::Data::new(AppState::new(db, config)),
        })
    }
}

impl Services {
    /// Starts the work that runs beside the requests until the process ends (buffered
    /// views reaching the database, scheduled articles announced when due, webhooks
    /// delivered, the live stream's follower of the `events` table), on the current actix
    /// runtime: `serve` and the tests call it once, before serving.
    pub fn spawn_background(&self) {
        let flush_every = Duration::from_millis(self.app.config.view_flush_interval_ms);
        crate::views::buffer::spawn_flusher(self.app.clone(), self.views.clone(), flush_every);
        crate::articles::announce::spawn_sweeper(self.app.clone());
        crate::webhooks::dispatcher::spawn(self.app.clone());
        StreamState::spawn_follower(self.stream.clone(), self.app.db.clone());
    }
}

/// The whole application: `/api/v1`, the service endpoints, the spec and the docs.
pub fn build(
    services: Services,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, spec) = mount();
    let state = &services.app;
    let config = &state.config;
    let body_limit = config.max_body_bytes;
    let site_dir = config.site_dir.as_deref();
    let cors = cors(&config.cors_allowed_origins);
    let max_age = CacheMaxAge(config.cache_max_age_seconds);
    app.app_data(state.clone())
        .app_data(services.auth.clone())
        .app_data(services.comments.clone())
        .app_data(services.views.clone())
        .app_data(services.media.clone())
        .app_data(services.stream.clone())
        .app_data(BodyLimit(body_limit))
        .app_data(BodyTimeout(Duration::from_secs(
            config.request_body_timeout_seconds,
        )))
        .app_data(web::PayloadConfig::new(body_limit))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::Data::new(CacheContext {
            db: state.db.clone(),
            cache: state.responses.clone(),
            max_age,
        }))
        .app_data(web::Data::new(MountedPaths::of(&spec)))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", spec))
        // Outside the spec; actix answers another method with a `405` and its `Allow`.
        .service(web::resource("/docs").get(docs_redirect))
        // The media files, at the root as static files are; outside the spec like the docs.
        .service(web::resource("/media/{folder}/{file}").get(serve_file))
        // Last: the news site takes the paths nothing above answers (`SERVE_SITE_DIR`).
        .configure(|cfg| front_end::configure(cfg, site_dir))
        .default_service(web::to(no_route))
        // In front of the router: a `405` for a path that is mounted without this method.
        .wrap(from_fn(method_not_allowed))
        // Outside it (a HEAD is checked as the GET it becomes) and inside the rest, so that
        // the request log and CORS still see the method that was sent.
        .wrap(from_fn(head_as_get))
        .wrap(cors)
        .wrap(from_fn(framework_errors_as_problems))
        .wrap(Compress::default())
        .wrap(from_fn(request_id))
}

/// Every endpoint, each mounted once: utoipa-actix-web adds a handler's `#[utoipa::path]`
/// to the spec as it mounts it, so what is served and what the spec lists are one list.
fn mount() -> (
    App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    OpenApi,
) {
    let (app, mounted) = App::new()
        .into_utoipa_app()
        .service(
            scope("/api/v1")
                .wrap(from_fn(public_cache))
                .configure(crate::sessions::routes::configure)
                .configure(crate::users::routes::configure)
                .configure(crate::authors::routes::configure)
                .configure(crate::categories::routes::configure)
                .configure(crate::tags::routes::configure)
                .configure(crate::media::routes::configure)
                // A request goes to the first route that matches its path and method, so
                // `/articles/popular` comes before `/articles/{id}` (app::tests checks it).
                .configure(crate::views::routes::configure)
                .configure(crate::articles::routes::configure)
                .configure(crate::comments::routes::configure)
                .configure(crate::search::routes::configure)
                .configure(crate::pages::routes::configure)
                .configure(crate::feeds::routes::configure)
                .configure(crate::webhooks::routes::configure)
                .configure(crate::stream::routes::configure),
        )
        .service(health)
        .service(ready)
        .split_for_parts();
    (app, openapi::document(mounted))
}

/// The spec, as `/openapi.json` serves it: for the `openapi` command and the tests.
pub fn spec() -> OpenApi {
    mount().1
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_NONE_MATCH,
            REQUEST_ID,
            // Sent by a reconnecting `EventSource` (the live stream).
            header::HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([
            header::HeaderName::from_static("x-total-count"),
            header::LINK,
            header::ETAG,
            REQUEST_ID,
            header::RETRY_AFTER,
            header::LOCATION,
            // The server's clock, for a comment form's `form_rendered_at` on another origin.
            header::DATE,
        ])
        .max_age(3600);
    if origins.iter().any(|origin| origin == "*") {
        cors = cors.allow_any_origin().send_wildcard();
    } else {
        for origin in origins {
            cors = cors.allowed_origin(origin);
        }
    }
    cors
}

/// The state of the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatus {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness.
///
/// The process answers. It does not touch the database: use it for a liveness probe.
#[utoipa::path(
    tag = "service",
    security(()),
    responses((status = 200, description = "The process is up", body = HealthStatus))
)]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(HealthStatus { status: "ok" })
}

/// Readiness.
///
/// The database answers: use it for a readiness probe or a load balancer's health check.
#[utoipa::path(
    tag = "service",
    security(()),
    responses(
        (status = 200, description = "Ready to serve", body = HealthStatus),
        (status = 503, description = "The database does not answer", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if state.db.is_ready().await {
        Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(HealthStatus { status: "ready" }))
    } else {
        Err(ApiError::Unavailable)
    }
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::methods::operations;
    use actix_web::dev::Service;
    use actix_web::test::{TestRequest, call_service, init_service};
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Each operation of the spec, asked for with `1` for every path parameter, is routed
    /// to the handler it documents (its `operationId`, the handler's name): everything the
    /// spec lists is mounted, and no template mounted earlier takes a fixed path such as
    /// `/articles/popular`. (Everything mounted is in the spec by construction: `mount`
    /// only takes handlers that carry their `#[utoipa::path]`.)
    #[actix_web::test]
    async fn every_operation_in_the_spec_reaches_its_own_handler() {
        let (app, spec) = mount();
        let reached = Rc::new(RefCell::new(None::<String>));
        let record = reached.clone();
        // No state: handlers fail to extract it, after routing has chosen them.
        let app = init_service(app.wrap_fn(move |req, service| {
            let response = service.call(req);
            let record = record.clone();
            async move {
                let response = response.await?;
                *record.borrow_mut() = response.request().match_name().map(str::to_owned);
                Ok(response)
            }
        }))
        .await;
        let mut checked = 0;
        for (template, item) in &spec.paths.paths {
            // Every `{parameter}` becomes `1`, whole segments and parts of one alike
            // (`/sitemaps/articles-{n}.xml`).
            let mut path = String::new();
            for (n, part) in template.split(['{', '}']).enumerate() {
                path.push_str(if n % 2 == 1 { "1" } else { part });
            }
            for (method, operation) in operations(item) {
                let request = TestRequest::default().method(method.clone()).uri(&path);
                call_service(&app, request.to_request()).await;
                assert_eq!(
                    reached.take(),
                    operation.operation_id,
                    "{method} {path} is not routed to the handler of {method} {template}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 38, "only {checked} operations");
    }
}
