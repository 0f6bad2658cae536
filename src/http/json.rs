//! `Json<T>`: the JSON body extractor, with problem+json errors that name the bad field.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::error::{ApiError, FieldError};
use crate::http::strict::Strict;

/// A JSON request body. Malformed JSON or a non-JSON content type is a `400`; JSON of the
/// wrong shape (unknown field, wrong type, missing field, an array where an object belongs)
/// is a `422` naming the field; a body over the limit is a `413`; a body that has not arrived
/// whole within `REQUEST_BODY_TIMEOUT` is a `408`.
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
        let timeout = req
            .app_data::<BodyTimeout>()
            .map_or(DEFAULT_BODY_TIMEOUT, |timeout| timeout.0);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::BadRequest(
                    "the request body must be JSON, sent with `Content-Type: application/json`"
                        .to_owned(),
                ));
            }
            // The whole read is bounded, not each wait for the next bytes: a client that
            // trickles a byte a second would otherwise hold a connection (and its buffer)
            // open for as long as it likes.
            let bytes = actix_web::rt::time::timeout(timeout, bytes)
                .await
                .map_err(|_| ApiError::RequestTimeout(timeout.as_secs()))?;
            let bytes = bytes.map_err(|error| {
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

/// How long a whole request body may take to arrive (`REQUEST_BODY_TIMEOUT`).
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub Duration);

pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|error| ApiError::BadRequest(format!("malformed JSON: {error}")))?;
    integral_floats_to_integers(&mut value);
    // Through `Strict`: serde would also read a struct from an array of its fields.
    serde_path_to_error::deserialize(Strict(value)).map_err(|error| {
        let field = error.path().to_string();
        let field = if field == "." {
            "body".to_owned()
        } else {
            field
        };
        ApiError::Validation(vec![FieldError::new(field, strip_position(error.inner()))])
    })
}

/// JSON has one number type: `7.0` is the integer 7 to JSON Schema and to clients written
/// in JavaScript, so it is read as one.
fn integral_floats_to_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64()) {
                let integral = float.fract() == 0.0 && float.abs() < 9.0e15;
                if integral {
                    // Exact: |float| < 2^53, so the cast neither rounds nor saturates.
                    #[expect(clippy::cast_possible_truncation, reason = "checked just above")]
                    let int = float as i64;
                    *number = int.into();
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_to_integers),
        _ => {}
    }
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
    struct Body {
        #[expect(dead_code, reason = "only deserialized")]
        name: String,
        count: i64,
    }

    #[test]
    fn wrong_type_names_the_field() {
        match parse::<Body>(br#"{"name":"a","count":"x"}"#) {
            Err(ApiError::Validation(errors)) => assert_eq!(
                errors.first().map(|error| error.field.as_str()),
                Some("count")
            ),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn integral_floats_are_integers() {
        match parse::<Body>(br#"{"name":"a","count":7.0}"#) {
            Ok(body) => assert_eq!(body.count, 7),
            Err(error) => panic!("unexpected {error:?}"),
        }
        assert!(matches!(
            parse::<Body>(br#"{"name":"a","count":7.5}"#),
            Err(ApiError::Validation(_))
        ));
    }

    #[test]
    fn syntax_error_is_a_bad_request() {
        assert!(matches!(
            parse::<Body>(b"{\"name\":"),
            Err(ApiError::BadRequest(_))
        ));
    }
}
