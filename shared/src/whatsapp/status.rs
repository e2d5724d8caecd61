//! One `statuses[]` object → [`StatusUpdate`].

use super::inbound::text;
use crate::domain::{DeliveryError, DeliveryStatus, Millis, Pricing, StatusUpdate};
use serde_json::Value;

/// Why a status could not be applied.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StatusError {
    /// No message id.
    #[error("status names no message")]
    NoMessage,
    /// A status name Parley does not know (kept in the logs, never applied).
    #[error("unknown status {0:?}")]
    Unknown(String),
}

/// Reads one status.
pub fn parse_status(value: &Value, phone_number_id: &str, received_at: Millis) -> Result<StatusUpdate, StatusError> {
    let wamid = text(value, "id").ok_or(StatusError::NoMessage)?;
    let name = text(value, "status").unwrap_or_default();
    let status = match DeliveryStatus::parse(&name) {
        Some(
            s @ (DeliveryStatus::Sent | DeliveryStatus::Delivered | DeliveryStatus::Read | DeliveryStatus::Failed),
        ) => s,
        _ => return Err(StatusError::Unknown(name)),
    };
    let pricing = value.get("pricing").map(|p| Pricing {
        billable: p.get("billable").and_then(Value::as_bool).unwrap_or(false),
        category: text(p, "category"),
        pricing_model: text(p, "pricing_model"),
        pricing_type: text(p, "type"),
    });
    let errors = value
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| errors.iter().map(delivery_error).collect())
        .unwrap_or_default();
    Ok(StatusUpdate {
        wamid,
        status,
        at: text(value, "timestamp").and_then(|t| Millis::parse_unix_seconds(&t)).unwrap_or(received_at),
        phone_number_id: phone_number_id.to_owned(),
        recipient_id: text(value, "recipient_id"),
        pricing,
        errors,
        callback_data: text(value, "biz_opaque_callback_data"),
        raw: value.to_string(),
    })
}

/// Reads one of Meta's error objects (webhook or Graph API response).
pub fn delivery_error(e: &Value) -> DeliveryError {
    DeliveryError {
        code: e.get("code").and_then(Value::as_i64).unwrap_or(0),
        title: text(e, "title").or_else(|| text(e, "message")).unwrap_or_else(|| "Unknown error".to_owned()),
        details: e.get("error_data").and_then(|d| text(d, "details")).or_else(|| text(e, "details")),
    }
}
