//! Standard Webhooks signing (<https://www.standardwebhooks.com>): the secret's form and
//! the `webhook-signature` of a message.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::FieldError;

/// What every secret starts with, as the specification writes them.
pub const SECRET_PREFIX: &str = "whsec_";
/// The key lengths the specification allows (24 to 64 bytes); generated keys take 32.
const KEY_BYTES: std::ops::RangeInclusive<usize> = 24..=64;
const GENERATED_KEY_BYTES: usize = 32;

/// A signing secret: `whsec_` and the base64 of its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A new secret with 32 random bytes.
    pub fn generate() -> Self {
        let mut key = [0u8; GENERATED_KEY_BYTES];
        rand::fill(&mut key);
        Self(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)))
    }

    /// A secret as an admin sent it: the same form, so that any Standard Webhooks library
    /// on the receiving side takes it as it is.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let secret = Self(text.trim().to_owned());
        match secret.key() {
            Some(_) => Ok(secret),
            None => Err(FieldError::new(
                field,
                format!(
                    "must be `{SECRET_PREFIX}` followed by the base64 of 24 to 64 random bytes \
                     (omit it to have one generated)"
                ),
            )),
        }
    }

    /// The key the HMAC is computed with: the decoded base64. `None` for a malformed one.
    pub fn key(&self) -> Option<Vec<u8>> {
        let key = STANDARD.decode(self.0.strip_prefix(SECRET_PREFIX)?).ok()?;
        KEY_BYTES.contains(&key.len()).then_some(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The `webhook-signature` header of a message: `v1,` and the base64 of the HMAC-SHA256
/// of `{id}.{timestamp}.{body}`.
pub fn sign(key: &[u8], message_id: &str, timestamp: i64, body: &str) -> Option<String> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    mac.update(format!("{message_id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-id` of the message that carries event `event_id`: the same on every
/// attempt and to every endpoint, so that receivers can drop what they already had.
pub fn message_id(event_id: i64) -> String {
    format!("msg_{event_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_have_the_standard_form() {
        let secret = Secret::generate();
        assert!(secret.as_str().starts_with("whsec_"));
        assert_eq!(secret.key().map(|key| key.len()), Some(32));
        assert_eq!(Secret::parse("secret", secret.as_str()).ok(), Some(secret));
    }

    #[test]
    fn malformed_secrets_are_refused() {
        for bad in [
            "",
            "whsec_",
            "secret",
            "whsec_not base64!",
            "whsec_c2hvcnQ=",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ] {
            assert!(Secret::parse("secret", bad).is_err(), "{bad}");
        }
    }

    /// The example of the specification's reference libraries.
    #[test]
    fn signs_as_the_reference_libraries_do() {
        let secret = Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned());
        let key = secret.key().unwrap_or_default();
        let signature = sign(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }
}
