//! Field types for partial updates: tell "absent" from "null" without `Option<Option<T>>`.

use serde::{Deserialize, Deserializer};

/// A nullable field of a `PATCH` body: absent leaves it, `null` clears it, a value sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Change<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Change<T> {
    /// The new value of a field that currently holds `current`.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Self::Keep => current,
            Self::Clear => None,
            Self::Set(value) => Some(value),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Change<U> {
        match self {
            Self::Keep => Change::Keep,
            Self::Clear => Change::Clear,
            Self::Set(value) => Change::Set(f(value)),
        }
    }

    /// Validates a sent value; one that validates to nothing (blank text) clears the field.
    pub fn try_map<U, E>(
        self,
        parse: impl FnOnce(T) -> Result<Option<U>, E>,
    ) -> Result<Change<U>, E> {
        Ok(match self {
            Self::Keep => Change::Keep,
            Self::Clear => Change::Clear,
            Self::Set(value) => match parse(value)? {
                Some(value) => Change::Set(value),
                None => Change::Clear,
            },
        })
    }

    /// The column value for diesel's changesets: `None` skips it, `Some(None)` nulls it.
    pub fn into_column(self) -> Option<Option<T>> {
        match self {
            Self::Keep => None,
            Self::Clear => Some(None),
            Self::Set(value) => Some(Some(value)),
        }
    }

    pub fn as_set(&self) -> Option<&T> {
        match self {
            Self::Set(value) => Some(value),
            _ => None,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Change<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Self::Set(value),
            None => Self::Clear,
        })
    }
}

/// For `#[serde(default, deserialize_with = "present")]` on a non-nullable optional field:
/// absent is `None`, but an explicit `null` is rejected instead of being read as "unchanged".
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[expect(dead_code, reason = "only deserialized")]
    struct Body {
        #[serde(default)]
        bio: Change<String>,
        #[serde(default, deserialize_with = "present")]
        name: Option<String>,
    }

    #[test]
    fn absent_null_and_value_are_three_things() -> Result<(), serde_json::Error> {
        assert_eq!(serde_json::from_str::<Body>("{}")?.bio, Change::Keep);
        assert_eq!(
            serde_json::from_str::<Body>(r#"{"bio":null}"#)?.bio,
            Change::Clear
        );
        let set = serde_json::from_str::<Body>(r#"{"bio":"x"}"#)?.bio;
        assert_eq!(set, Change::Set("x".to_owned()));
        Ok(())
    }

    #[test]
    fn null_is_refused_for_non_nullable_fields() {
        assert!(serde_json::from_str::<Body>(r#"{"name":null}"#).is_err());
    }
}
