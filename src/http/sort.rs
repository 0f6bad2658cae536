//! `sort=field` / `sort=-field`, checked against the fields each list allows.

use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};

use crate::error::ApiError;

/// The fields a list can be sorted by. Implemented by a small enum per resource.
pub trait SortField: Sized + Copy + 'static {
    /// Every field name, as clients write it.
    const NAMES: &'static [&'static str];
    /// The sort used when none is given, as clients would write it.
    const DEFAULT: &'static str;
    fn from_name(name: &str) -> Option<Self>;
}

/// Declares the sort fields of a list: the enum, and its [`SortField`] with every name as
/// clients write it and the default order (`-` for descending).
#[macro_export]
macro_rules! sort_fields {
    ($(#[$meta:meta])* pub enum $name:ident default $default:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($variant),+
        }

        impl $crate::http::sort::SortField for $name {
            const NAMES: &'static [&'static str] = &[$($text),+];
            const DEFAULT: &'static str = $default;

            fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

/// A validated sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<F> {
    pub field: F,
    pub descending: bool,
}

impl<F: SortField> Sort<F> {
    pub fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        let value = value.unwrap_or(F::DEFAULT);
        let (name, descending) = match value.strip_prefix('-') {
            Some(name) => (name, true),
            None => (value, false),
        };
        F::from_name(name)
            .map(|field| Self { field, descending })
            .ok_or_else(|| {
                ApiError::invalid(
                    "sort",
                    format!(
                        "unknown sort field `{name}`; use one of {} (prefix `-` for descending)",
                        F::NAMES.join(", ")
                    ),
                )
            })
    }
}

/// Documents `sort` with the exact values a list accepts.
impl<F: SortField> IntoParams for Sort<F> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let values: Vec<String> = F::NAMES
            .iter()
            .flat_map(|name| [name.to_string(), format!("-{name}")])
            .collect();
        let schema = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(values))
            .default(Some(F::DEFAULT.into()));
        vec![
            ParameterBuilder::new()
                .name("sort")
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(
                    "Sort field; prefix with `-` for descending order.".to_owned(),
                ))
                .schema(Some(schema))
                .build(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::sort_fields! {
        pub enum Field default "name" {
            Name => "name",
        }
    }

    #[test]
    fn a_dash_means_descending() {
        let sort = Sort::<Field>::parse(Some("-name")).ok();
        assert_eq!(
            sort,
            Some(Sort {
                field: Field::Name,
                descending: true
            })
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        assert!(Sort::<Field>::parse(Some("email")).is_err());
        assert!(Sort::<Field>::parse(Some("--name")).is_err());
    }
}
