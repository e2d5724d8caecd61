//! IndiaMART's CRM lead API (v2), as its integration guide documents it:
//! `GET …/wservce/crm/crmListing/v2/?glusr_crm_key=KEY&start_time=…&end_time=…`
//! with times as `DD-Mon-YYYYHH:MM:SS` in Indian time, a window of at most
//! seven days, and one call per five minutes. Every answer is a JSON object
//! with `CODE`, `STATUS`, `MESSAGE`, `TOTAL_RECORDS` and `RESPONSE` (the
//! leads); errors come as 200 with an error `CODE`.

use super::Millis;
use serde_json::{json, Map, Value};

/// The longest window one call may ask for.
pub const MAX_WINDOW_MS: i64 = 7 * 24 * 3_600_000;
/// The shortest wait between two calls IndiaMART allows.
pub const MIN_INTERVAL_MS: i64 = 5 * 60_000;

/// India Standard Time's offset from UTC, in seconds.
const IST_OFFSET_SECONDS: i64 = 5 * 3600 + 1800;

/// An instant as IndiaMART writes it: `01-Dec-202614:05:00`, in IST.
pub fn format_time(at: Millis) -> String {
    let seconds = at.0.div_euclid(1000) + IST_OFFSET_SECONDS;
    let Ok(moment) = time::OffsetDateTime::from_unix_timestamp(seconds) else { return String::new() };
    let month: String = moment.month().to_string().chars().take(3).collect();
    format!(
        "{:02}-{month}-{:04}{:02}:{:02}:{:02}",
        moment.day(),
        moment.year(),
        moment.hour(),
        moment.minute(),
        moment.second()
    )
}

/// What one call answered.
#[derive(Debug, Clone, PartialEq)]
pub enum IndiaMartAnswer {
    /// Leads, each in Parley's lead shape (see [`super::lead`]).
    Leads(Vec<Value>),
    /// No leads in the window (`CODE` 204).
    NoLeads,
    /// Called within five minutes of the last call (`CODE` 429).
    RateLimited,
    /// The key is wrong or expired (`CODE` 401 or 403): a new key is needed.
    KeyRejected(String),
    /// Anything else (`CODE` 400, 500, a body that is not IndiaMART's).
    Failed(String),
}

/// Reads an answer's body.
pub fn read_answer(body: &[u8]) -> IndiaMartAnswer {
    let Ok(answer) = serde_json::from_slice::<Value>(body) else {
        return IndiaMartAnswer::Failed("the answer is not JSON".into());
    };
    let code = match answer.get("CODE") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let message = answer.get("MESSAGE").and_then(Value::as_str).unwrap_or_default().chars().take(200).collect();
    match code {
        Some(200) => IndiaMartAnswer::Leads(
            answer.get("RESPONSE").and_then(Value::as_array).into_iter().flatten().filter_map(lead_payload).collect(),
        ),
        Some(204) => IndiaMartAnswer::NoLeads,
        Some(429) => IndiaMartAnswer::RateLimited,
        Some(401 | 403) => IndiaMartAnswer::KeyRejected(message),
        Some(other) => IndiaMartAnswer::Failed(format!("code {other}: {message}")),
        None => IndiaMartAnswer::Failed("the answer has no CODE".into()),
    }
}

/// The IndiaMART columns kept as contact fields, under these names.
const FIELDS: [(&str, &str); 8] = [
    ("SENDER_EMAIL", "email"),
    ("SENDER_COMPANY", "company"),
    ("SENDER_CITY", "city"),
    ("SENDER_STATE", "state"),
    ("SENDER_PINCODE", "pincode"),
    ("QUERY_PRODUCT_NAME", "product"),
    ("SUBJECT", "enquiry_subject"),
    ("QUERY_TYPE", "indiamart_query_type"),
];

/// One enquiry as Parley's lead shape; `None` without its query id.
fn lead_payload(enquiry: &Value) -> Option<Value> {
    let text = |key: &str| {
        enquiry.get(key).and_then(Value::as_str).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
    };
    let lead_id = match enquiry.get("UNIQUE_QUERY_ID")? {
        Value::Number(n) => n.to_string(),
        other => other.as_str()?.trim().to_owned(),
    };
    let mut fields: Map<String, Value> =
        FIELDS.iter().filter_map(|(column, field)| Some(((*field).to_owned(), Value::String(text(column)?)))).collect();
    if let Some(message) = text("QUERY_MESSAGE") {
        fields.insert("enquiry".into(), Value::String(message.chars().take(1000).collect()));
    }
    Some(json!({
        "lead_id": lead_id,
        "phone": text("SENDER_MOBILE").or_else(|| text("SENDER_PHONE")),
        "name": text("SENDER_NAME"),
        "fields": fields,
    }))
}

/// The window the next call asks for: from a little before where the last
/// good call ended (IndiaMART lists some enquiries late; the overlap is
/// harmless, a lead being taken once by its id), or the last day on the
/// first call, never more than seven days back.
pub fn next_window(cursor: Option<Millis>, now: Millis, overlap_ms: i64) -> (Millis, Millis) {
    let start = cursor.map_or(now.0 - 24 * 3_600_000, |c| c.0 - overlap_ms);
    (Millis(start.max(now.0 - MAX_WINDOW_MS + 60_000)), now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead::read_lead;
    use std::collections::BTreeMap;

    #[test]
    fn times_are_written_in_indian_time_without_a_space() {
        // 2026-12-01T08:35:00Z is 14:05 in India.
        assert_eq!(format_time(Millis(1_796_114_100_000)), "01-Dec-202614:05:00");
    }

    #[test]
    fn an_answer_with_leads_reads_each_enquiry_as_a_lead() {
        let body = json!({"CODE": 200, "STATUS": "SUCCESS", "MESSAGE": "", "TOTAL_RECORDS": 2, "RESPONSE": [
            {"UNIQUE_QUERY_ID": "2750127045", "QUERY_TYPE": "W", "QUERY_TIME": "2026-12-01 10:15:00",
             "SENDER_NAME": "Ravi Kumar", "SENDER_MOBILE": "+91-9876501234", "SENDER_EMAIL": "ravi@example.in",
             "SENDER_COMPANY": "", "SENDER_CITY": "Surat", "QUERY_PRODUCT_NAME": "Cotton Sarees",
             "QUERY_MESSAGE": "Need 200 pieces"},
            {"QUERY_TYPE": "W"}
        ]});
        let IndiaMartAnswer::Leads(leads) = read_answer(body.to_string().as_bytes()) else { panic!() };
        assert_eq!(leads.len(), 1, "an enquiry without its id is skipped");
        let lead = read_lead(&leads[0], &BTreeMap::new()).unwrap();
        assert_eq!((lead.lead_id.as_str(), lead.phone.as_str()), ("2750127045", "+91-9876501234"));
        assert_eq!(lead.fields.get("product").map(String::as_str), Some("Cotton Sarees"));
        assert_eq!(lead.fields.get("enquiry").map(String::as_str), Some("Need 200 pieces"));
        assert!(!lead.fields.contains_key("company"), "blank columns are left out");
    }

    #[test]
    fn error_codes_are_told_apart() {
        let answer = |code: Value| read_answer(json!({"CODE": code, "MESSAGE": "m"}).to_string().as_bytes());
        assert_eq!(answer(json!(204)), IndiaMartAnswer::NoLeads);
        assert_eq!(answer(json!("429")), IndiaMartAnswer::RateLimited);
        assert_eq!(answer(json!(401)), IndiaMartAnswer::KeyRejected("m".into()));
        assert!(matches!(answer(json!(500)), IndiaMartAnswer::Failed(_)));
        assert!(matches!(read_answer(b"<html>"), IndiaMartAnswer::Failed(_)));
    }

    #[test]
    fn the_window_overlaps_the_last_and_never_reaches_past_seven_days() {
        let now = Millis(100 * 24 * 3_600_000);
        assert_eq!(next_window(None, now, 600_000).0, Millis(now.0 - 24 * 3_600_000));
        assert_eq!(next_window(Some(Millis(now.0 - 60_000)), now, 600_000).0, Millis(now.0 - 660_000));
        let (start, end) = next_window(Some(Millis(0)), now, 600_000);
        assert!(end.0 - start.0 < MAX_WINDOW_MS);
    }
}
