//! Who a contact is: a customer's WhatsApp identity, scoped to the business
//! phone number that talks to them.

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::fmt;

/// The business phone number (Meta's `phone_number_id`) a conversation runs on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BusinessNumber(pub String);

/// The customer's identity as Meta reports it: the phone-number based `wa_id`,
/// the business-scoped user id (BSUID, `user_id`), or both.
///
/// Construction guarantees at least one of the two is present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerIdentity {
    wa_id: Option<String>,
    user_id: Option<String>,
}

impl CustomerIdentity {
    /// Builds an identity from whatever Meta sent; `None` when neither id is
    /// present (such a message cannot be attributed to anyone).
    pub fn new(wa_id: Option<String>, user_id: Option<String>) -> Option<Self> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let (wa_id, user_id) = (clean(wa_id), clean(user_id));
        if wa_id.is_none() && user_id.is_none() {
            return None;
        }
        Some(CustomerIdentity { wa_id, user_id })
    }

    /// The phone-number based WhatsApp id, when Meta shares it.
    pub fn wa_id(&self) -> Option<&str> {
        self.wa_id.as_deref()
    }

    /// The business-scoped user id (BSUID), when present.
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// The identity keys this customer can be found by, most stable first.
    pub fn keys(&self) -> Vec<IdentityKey> {
        let wa = self.wa_id.iter().map(|v| IdentityKey::WaId(v.clone()));
        let user = self.user_id.iter().map(|v| IdentityKey::UserId(v.clone()));
        wa.chain(user).collect()
    }

    /// The key a brand-new contact's id is derived from: the `wa_id` when
    /// present, else the BSUID.
    pub fn primary_key(&self) -> IdentityKey {
        match (&self.wa_id, &self.user_id) {
            (Some(wa), _) => IdentityKey::WaId(wa.clone()),
            (None, Some(user)) => IdentityKey::UserId(user.clone()),
            (None, None) => unreachable!("CustomerIdentity::new rejects an empty identity"),
        }
    }

    /// The phone in E.164 (`+16315551181`), when the `wa_id` is a phone number.
    pub fn e164(&self) -> Option<String> {
        self.wa_id.as_deref().and_then(e164)
    }
}

/// One way to find a contact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IdentityKey {
    /// A phone-number based `wa_id`.
    WaId(String),
    /// A business-scoped user id.
    UserId(String),
}

impl IdentityKey {
    /// A stable textual form, unique across both kinds.
    pub fn as_key(&self) -> String {
        match self {
            IdentityKey::WaId(v) => format!("wa:{v}"),
            IdentityKey::UserId(v) => format!("bsuid:{v}"),
        }
    }
}

/// The deployment's secret that contact ids (and other identifiers that must
/// outlive an erasure) are derived with. Phone numbers are few enough that an
/// unkeyed hash of one is reversed by trying them all; without this key the
/// id says nothing about the person.
#[derive(Clone)]
pub struct ContactIdKey(Hmac<Sha256>);

/// A key too weak to be one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the contact id key must be at least {} bytes", ContactIdKey::MIN_LEN)]
pub struct WeakContactIdKey;

impl ContactIdKey {
    /// Fewer bytes than this could be guessed.
    pub const MIN_LEN: usize = 16;

    /// Wraps the deployment's secret.
    pub fn new(secret: impl Into<Vec<u8>>) -> Result<Self, WeakContactIdKey> {
        let secret = secret.into();
        if secret.len() < Self::MIN_LEN {
            return Err(WeakContactIdKey);
        }
        <Hmac<Sha256> as KeyInit>::new_from_slice(&secret).map(ContactIdKey).map_err(|_| WeakContactIdKey)
    }

    fn mac(&self, text: &str) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(text.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// A keyed pseudonym of `text` (64 hex digits): stable for this key,
    /// meaningless without it. For keys that must survive an erasure, such
    /// as the record that a message id was seen and erased.
    pub fn pseudonym(&self, text: &str) -> String {
        hex::encode(self.mac(text))
    }
}

impl fmt::Debug for ContactIdKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ContactIdKey(<redacted>)")
    }
}

/// A contact's id. A first-time contact's id is derived from its business
/// number and primary identity, so the first message from a stranger needs no
/// lookup before it is written; it is keyed, so it does not reveal the phone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContactId(String);

impl ContactId {
    /// The id a new contact with this identity gets under `key`.
    pub fn derive(key: &ContactIdKey, number: &BusinessNumber, identity: &IdentityKey) -> Self {
        let digest = key.mac(&format!("{}|{}", number.0, identity.as_key()));
        ContactId(hex::encode(&digest[..12]))
    }

    /// Accepts an id that came back from storage or the API; rejects anything
    /// that is not one of ours so that it never reaches a key expression.
    pub fn parse(text: &str) -> Option<Self> {
        let ok = text.len() == 24 && text.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        ok.then(|| ContactId(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Formats a `wa_id` (digits with country code, no plus) as E.164.
pub fn e164(wa_id: &str) -> Option<String> {
    let digits = wa_id.strip_prefix('+').unwrap_or(wa_id);
    let valid =
        (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
    valid.then(|| format!("+{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_needs_at_least_one_id() {
        assert!(CustomerIdentity::new(None, Some("  ".into())).is_none());
        let bsuid_only = CustomerIdentity::new(None, Some("US.1".into())).unwrap();
        assert_eq!(bsuid_only.primary_key(), IdentityKey::UserId("US.1".into()));
        assert_eq!(bsuid_only.e164(), None);
    }

    fn key(secret: &str) -> ContactIdKey {
        ContactIdKey::new(secret).unwrap()
    }

    #[test]
    fn derived_ids_are_stable_scoped_and_parseable() {
        let secret = key("a deployment's secret");
        let number = BusinessNumber("123".into());
        let identity = IdentityKey::WaId("972501234567".into());
        let id = ContactId::derive(&secret, &number, &identity);
        assert_eq!(id, ContactId::derive(&secret, &number, &identity));
        assert_ne!(id, ContactId::derive(&secret, &BusinessNumber("456".into()), &identity));
        assert_eq!(ContactId::parse(id.as_str()), Some(id));
        assert_eq!(ContactId::parse("C#1' OR 1=1"), None);
    }

    #[test]
    fn an_id_cannot_be_recomputed_from_the_phone_without_the_key() {
        let number = BusinessNumber("123".into());
        let identity = IdentityKey::WaId("972501234567".into());
        let ours = ContactId::derive(&key("a deployment's secret"), &number, &identity);
        let guess = ContactId::derive(&key("someone else's guess"), &number, &identity);
        assert_ne!(ours, guess, "the same phone gives another id under another key");
        assert_ne!(key("a deployment's secret").pseudonym("wamid.1"), key("someone else's guess").pseudonym("wamid.1"));
        assert_eq!(ContactIdKey::new("short").unwrap_err(), WeakContactIdKey);
        assert!(!format!("{:?}", key("a deployment's secret")).contains("secret"), "never printed");
    }

    #[test]
    fn phones_are_e164() {
        assert_eq!(e164("972501234567").as_deref(), Some("+972501234567"));
        assert_eq!(e164("12"), None);
        assert_eq!(e164("abc1234567"), None);
    }
}
