//! `Timestamp`: how every instant goes over the wire (RFC 3339, UTC, `Z`, whole seconds).

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// An instant in UTC, stored as a naive UTC timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub NaiveDateTime);

impl Timestamp {
    pub fn now() -> Self {
        Self(now())
    }
}

/// The current instant, truncated to whole seconds as the wire format shows it.
pub fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now.with_nanosecond_truncated()
}

trait TruncateNanos {
    fn with_nanosecond_truncated(self) -> Self;
}

impl TruncateNanos for NaiveDateTime {
    fn with_nanosecond_truncated(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap_or(self)
    }
}

impl From<NaiveDateTime> for Timestamp {
    fn from(value: NaiveDateTime) -> Self {
        Self(value)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|instant| {
                Self(
                    instant
                        .with_timezone(&Utc)
                        .naive_utc()
                        .with_nanosecond_truncated(),
                )
            })
            .map_err(|_| {
                serde::de::Error::custom(
                    "must be an RFC 3339 date-time such as 2022-10-21T14:03:00Z",
                )
            })
    }
}

impl PartialSchema for Timestamp {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .examples(["2022-10-21T14:03:00Z"])
            .into()
    }
}

impl ToSchema for Timestamp {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_utc_with_a_z_and_whole_seconds() -> Result<(), serde_json::Error> {
        let parsed: Timestamp = serde_json::from_str("\"2022-10-21T16:03:00.5+02:00\"")?;
        assert_eq!(serde_json::to_string(&parsed)?, "\"2022-10-21T14:03:00Z\"");
        Ok(())
    }

    #[test]
    fn rejects_dates_without_a_zone() {
        assert!(serde_json::from_str::<Timestamp>("\"2022-10-21 14:03:00\"").is_err());
    }
}
