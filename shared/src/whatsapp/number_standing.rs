//! Meta's `phone_number_quality_update` and `account_update` changes (see
//! [`crate::domain::number_standing`]), as their webhook reference shows
//! them: `display_phone_number`, `event` and `current_limit` for quality;
//! the account, with a `phone_number` when one number is meant (Meta's
//! account examples name none: the whole account is meant) and a
//! `violation_info`, `restriction_info` or `ban_info`.

use crate::domain::number_standing::{StandingChange, StandingKind};
use crate::domain::volume_tier::VolumeTierReached;
use crate::domain::Millis;
use serde_json::Value;

/// The `account_update` event that reports a volume tier, not a standing.
const VOLUME_TIER_EVENT: &str = "VOLUME_BASED_PRICING_TIER_UPDATE";

/// Reads one change of either field of account `waba_id`; `None` without
/// an event, for a quality change without a number, and for a volume tier.
pub fn read_standing(field: &str, value: &Value, waba_id: &str, at: Millis) -> Option<StandingChange> {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned).filter(|s| !s.is_empty());
    let kind = match field {
        "phone_number_quality_update" => StandingKind::Quality,
        "account_update" => StandingKind::Account,
        _ => return None,
    };
    let event = text(value, "event").filter(|e| e != VOLUME_TIER_EVENT)?;
    let number = text(value, "display_phone_number").or_else(|| text(value, "phone_number"));
    let account_wide = number.is_none() && kind == StandingKind::Account && !waba_id.is_empty();
    let number = number.or_else(|| account_wide.then(|| waba_id.to_owned()))?;
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
    Some(StandingChange { number, account_wide, kind, event, limit: text(value, "current_limit"), detail, at })
}

/// Reads an `account_update` that reports a volume tier; `None` for any
/// other change.
pub fn read_volume_tier(
    field: &str,
    value: &Value,
    waba_id: &str,
    at: Millis,
) -> Option<Result<VolumeTierReached, String>> {
    if field != "account_update" || value.get("event").and_then(Value::as_str) != Some(VOLUME_TIER_EVENT) {
        return None;
    }
    let info = value.get("volume_tier_info").unwrap_or(&Value::Null);
    let text = |key: &str| info.get(key).and_then(Value::as_str).unwrap_or_default();
    let at = info.get("tier_update_time").and_then(Value::as_i64).map_or(at, |s| Millis(s.saturating_mul(1000)));
    Some(
        VolumeTierReached::new(
            waba_id,
            text("pricing_category"),
            text("region"),
            text("tier"),
            text("effective_month"),
            at,
        )
        .ok_or_else(|| format!("{VOLUME_TIER_EVENT} without a tier Meta documents")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quality_and_account_changes_are_read_as_meta_sends_them() {
        let quality = json!({"display_phone_number": "15550783881", "event": "FLAGGED", "current_limit": "TIER_1K"});
        let read = read_standing("phone_number_quality_update", &quality, "102290129340398", Millis(5)).unwrap();
        assert_eq!(
            (read.kind, read.event.as_str(), read.limit.as_deref()),
            (StandingKind::Quality, "FLAGGED", Some("TIER_1K"))
        );
        let account = json!({"phone_number": "15550783881", "event": "ACCOUNT_VIOLATION",
            "violation_info": {"violation_type": "SCAM"}});
        let read = read_standing("account_update", &account, "102290129340398", Millis(5)).unwrap();
        assert_eq!(
            (read.number.as_str(), read.account_wide, read.detail.as_deref()),
            ("15550783881", false, Some("SCAM"))
        );
        assert_eq!(read_standing("account_update", &json!({}), "102290129340398", Millis(5)), None);
    }

    #[test]
    fn metas_account_examples_name_no_number_and_are_about_the_whole_account() {
        let violation = json!({"event": "ACCOUNT_VIOLATION", "violation_info": {"violation_type": "ADULT"}});
        let read = read_standing("account_update", &violation, "102290129340398", Millis(5)).unwrap();
        assert_eq!(
            (read.number.as_str(), read.account_wide, read.detail.as_deref()),
            ("102290129340398", true, Some("ADULT"))
        );
        let disabled = json!({"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "REINSTATE", "waba_ban_date": "April 17, 2025"}});
        let read = read_standing("account_update", &disabled, "102290129340398", Millis(5)).unwrap();
        assert_eq!(read.detail.as_deref(), Some("REINSTATE"));
        let quality = json!({"event": "FLAGGED", "current_limit": "TIER_1K"});
        assert_eq!(
            read_standing("phone_number_quality_update", &quality, "102290129340398", Millis(5)),
            None,
            "quality is per number"
        );
    }

    #[test]
    fn metas_volume_tier_example_is_a_tier_not_a_standing() {
        let value = json!({"volume_tier_info": {"tier_update_time": 1_743_451_903, "pricing_category": "UTILITY",
            "tier": "25000001:50000000", "effective_month": "2025-11", "region": "India"},
            "event": "VOLUME_BASED_PRICING_TIER_UPDATE"});
        assert_eq!(read_standing("account_update", &value, "102290129340398", Millis(5)), None);
        let tier = read_volume_tier("account_update", &value, "102290129340398", Millis(5)).unwrap().unwrap();
        assert_eq!((tier.from, tier.month.as_str(), tier.at), (25_000_001, "2025-11", Millis(1_743_451_903_000)));
        let torn = json!({"event": "VOLUME_BASED_PRICING_TIER_UPDATE", "volume_tier_info": {"tier": "x"}});
        assert!(read_volume_tier("account_update", &torn, "1", Millis(5)).unwrap().is_err());
        assert!(read_volume_tier("account_update", &json!({"event": "ACCOUNT_DELETED"}), "1", Millis(5)).is_none());
    }
}
