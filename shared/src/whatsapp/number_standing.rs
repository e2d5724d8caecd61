//! Meta's `phone_number_quality_update` and `account_update` changes (see
//! [`crate::domain::number_standing`]), as their webhook reference shows
//! them: `display_phone_number`, `event` and `current_limit` for quality;
//! `phone_number`, `event` and a `violation_info` or `restriction_info` for
//! the account.

use crate::domain::number_standing::{StandingChange, StandingKind};
use crate::domain::Millis;
use serde_json::Value;

/// Reads one change of either field; `None` without an event or a number.
pub fn read_standing(field: &str, value: &Value, at: Millis) -> Option<StandingChange> {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned).filter(|s| !s.is_empty());
    let kind = match field {
        "phone_number_quality_update" => StandingKind::Quality,
        "account_update" => StandingKind::Account,
        _ => return None,
    };
    let event = text(value, "event")?;
    let number = text(value, "display_phone_number").or_else(|| text(value, "phone_number"))?;
    let detail = value
        .get("violation_info")
        .and_then(|v| text(v, "violation_type"))
        .or_else(|| {
            value
                .get("restriction_info")
                .and_then(Value::as_array)
                .and_then(|r| r.first())
                .and_then(|r| text(r, "restriction_type"))
        })
        .or_else(|| value.get("ban_info").and_then(|b| text(b, "waba_ban_state")));
    Some(StandingChange { number, kind, event, limit: text(value, "current_limit"), detail, at })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quality_and_account_changes_are_read_as_meta_sends_them() {
        let quality = json!({"display_phone_number": "15550783881", "event": "FLAGGED", "current_limit": "TIER_1K"});
        let read = read_standing("phone_number_quality_update", &quality, Millis(5)).unwrap();
        assert_eq!(
            (read.kind, read.event.as_str(), read.limit.as_deref()),
            (StandingKind::Quality, "FLAGGED", Some("TIER_1K"))
        );
        let account = json!({"phone_number": "15550783881", "event": "ACCOUNT_VIOLATION",
            "violation_info": {"violation_type": "SCAM"}});
        let read = read_standing("account_update", &account, Millis(5)).unwrap();
        assert_eq!((read.number.as_str(), read.detail.as_deref()), ("15550783881", Some("SCAM")));
        assert_eq!(read_standing("account_update", &json!({}), Millis(5)), None);
    }
}
