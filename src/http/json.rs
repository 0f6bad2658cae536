//! `Json<T>`: the JSON body extractor, with problem+json errors that name the bad field.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

use crate::error::{ApiError, FieldError};

/// A JSON request body. Malformed JSON or a non-JSON content type is a `400`; JSON of the
/// wrong shape (unknown field, wrong type, missing field) is a `422` naming the field; a body
/// over the limit is a `413`.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<mime::Mime>().ok())
            .is_some_and(|mime| {
                mime.type_() == mime::APPLICATION
                    && (mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON))
            });
        let limit = req
            .app_data::<BodyLimit>()
            .map_or(DEFAULT_BODY_LIMIT, |limit| limit.0);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::BadRequest(
                    "the request body must be JSON, sent with `Content-Type: application/json`"
                        .to_owned(),
                ));
            }
            let bytes = bytes.await.map_err(|error| {
                if error.as_response_error().status_code().as_u16() == 413 {
                    ApiError::PayloadTooLarge(limit)
                } else {
                    ApiError::BadRequest(format!("could not read the request body: {error}"))
                }
            })?;
            parse(&bytes).map(Json)
        })
    }
}

/// The body limit in bytes, shared with the payload extractors.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if field == "." {
                    "body".to_owned()
                } else {
                    field
                };
                ApiError::Validation(vec![FieldError::new(field, strip_position(&inner))])
            }
            _ => ApiError::BadRequest(format!("malformed JSON: {inner}")),
        }
    })
}

/// serde_json appends "at line 1 column 9" to its messages; the field name says more.
fn strip_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only deserialized")]
    struct Body {
        name: String,
        count: i64,
    }

    #[test]
    fn wrong_type_names_the_field() {
        match parse::<Body>(br#"{"name":"a","count":"x"}"#) {
            Err(ApiError::Validation(errors)) => assert_eq!(errors[0].field, "count"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn syntax_error_is_a_bad_request() {
        assert!(matches!(
            parse::<Body>(b"{\"name\":"),
            Err(ApiError::BadRequest(_))
        ));
    }
}
