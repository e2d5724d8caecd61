//! JSON fields where `null` means something: absent leaves a value alone,
//! `null` clears it, a value sets it.

use serde::{Deserialize, Deserializer};

/// Use with `#[serde(default, deserialize_with = "crate::nullable::present")]`
/// on an `Option<Option<String>>`.
pub(crate) fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}
