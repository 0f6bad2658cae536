//! The OpenAPI document's `webhooks`: one entry per event type, the request a receiver gets.

use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem, Paths, PathsBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, Ref, Required};

use crate::events::EventKind;

/// What every event type's receiver gets: a signed `POST` whose body is a `WebhookPayload`.
pub fn webhooks() -> Paths {
    EventKind::ALL
        .into_iter()
        .fold(PathsBuilder::new(), |paths, kind| {
            paths.path(
                kind.name(),
                PathItem::new(HttpMethod::Post, operation(kind)),
            )
        })
        .build()
}

fn operation(kind: EventKind) -> utoipa::openapi::path::Operation {
    let header = |name: &str, description: &str| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some(description))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build()
    };
    OperationBuilder::new()
        .tag("webhooks")
        .operation_id(Some(format!("webhook_{}", kind.name().replace('.', "_"))))
        .summary(Some(format!("`{}`", kind.name())))
        .description(Some(format!(
            "Sent to every active endpoint subscribed to `{}` (or `*`), signed as Standard \
             Webhooks says: verify `webhook-signature` against `{{webhook-id}}.{{webhook-timestamp}}.{{body}}` \
             with the endpoint's secret. `data` is {}.",
            kind.name(),
            if kind.name().starts_with("article.") {
                "the article as `GET /articles` lists it, with its `url` on the site"
            } else {
                "the comment as the public sees it, plus its `status`"
            }
        )))
        .parameter(header(
            "webhook-id",
            "`msg_<event id>`: the same on every attempt",
        ))
        .parameter(header("webhook-timestamp", "Unix seconds of this attempt"))
        .parameter(header(
            "webhook-signature",
            "`v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`",
        ))
        .request_body(Some(
            RequestBodyBuilder::new()
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("WebhookPayload")))
                        .build(),
                )
                .required(Some(Required::True))
                .build(),
        ))
        // No bearer token: the receiver checks the signature instead.
        .security(SecurityRequirement::default())
        .response(
            "2XX",
            ResponseBuilder::new().description("Received; anything else is retried"),
        )
        .build()
}
