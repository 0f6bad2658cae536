//! `Query<T>`: the query string extractor. A value of the wrong type or outside an enum is
//! a `422` naming the parameter, like any other well-formed but invalid value.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use std::future::{Ready, ready};

use crate::error::{ApiError, FieldError};

pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Query))
    }
}

pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = error.path().to_string();
        let field = if field == "." {
            "query".to_owned()
        } else {
            field
        };
        ApiError::Validation(vec![FieldError::new(
            field,
            format!("is not a valid value: {}", error.into_inner()),
        )])
    })
}

/// Every value of a parameter that may repeat (`?tag=a&tag=b`), in order: serde_urlencoded
/// reads one value per field, so a struct cannot hold them.
pub fn repeated(query: &str, name: &str) -> Vec<String> {
    form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Params {
        page: Option<i64>,
    }

    #[test]
    fn a_value_of_the_wrong_type_names_its_parameter() {
        match parse::<Params>("page=abc") {
            Err(ApiError::Validation(errors)) => assert_eq!(
                errors.first().map(|error| error.field.as_str()),
                Some("page")
            ),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            parse::<Params>("page=2&other=x"),
            Ok(Params { page: Some(2) })
        ));
    }

    #[test]
    fn a_repeated_parameter_keeps_every_value_in_order() {
        assert_eq!(
            repeated("tag=b&page=2&tag=a%20b&tag=", "tag"),
            ["b", "a b", ""]
        );
        assert!(repeated("page=2", "tag").is_empty());
    }
}
