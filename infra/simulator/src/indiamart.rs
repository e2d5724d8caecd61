//! IndiaMART's CRM lead API (v2) as its integration guide documents it:
//! `GET /wservce/crm/crmListing/v2/?glusr_crm_key=…&start_time=…&end_time=…`,
//! times as `DD-Mon-YYYYHH:MM:SS` in Indian time, a window of at most seven
//! days, one call per five minutes per key, and every answer a 200 whose
//! `CODE` tells success (200), no leads (204), a bad request (400), a bad
//! key (401) or too many calls (429).

use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// India Standard Time.
fn ist() -> time::UtcOffset {
    time::UtcOffset::from_hms(5, 30, 0).unwrap_or(time::UtcOffset::UTC)
}

/// Reads `01-Dec-202614:05:00` (IST) as Unix seconds.
pub fn parse_time(text: &str) -> Option<i64> {
    let format = time::macros::format_description!(
        "[day]-[month repr:short case_sensitive:false]-[year][hour]:[minute]:[second]"
    );
    let local = time::PrimitiveDateTime::parse(text.trim(), format).ok()?;
    Some(local.assume_offset(ist()).unix_timestamp())
}

/// Someone's enquiry on IndiaMART (`POST /sim/indiamart`).
#[derive(Debug, Clone, Deserialize)]
pub struct Enquiry {
    /// Their name.
    pub name: String,
    /// Their mobile number, as IndiaMART writes it (`+91-9876501234`).
    pub mobile: String,
    /// The product asked about.
    #[serde(default)]
    pub product: String,
    /// What they wrote.
    #[serde(default)]
    pub message: String,
    /// Their city.
    #[serde(default)]
    pub city: String,
}

/// The seller's lead manager: enquiries, and when the key last called.
#[derive(Debug)]
pub struct IndiaMartDesk {
    key: String,
    enquiries: Mutex<Vec<(i64, Value)>>,
    last_call: Mutex<Option<Instant>>,
    next_id: Mutex<u64>,
}

/// The query a pull sends.
#[derive(Debug, Deserialize)]
pub struct CrmQuery {
    glusr_crm_key: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
}

fn answer(code: u16, status: &str, message: &str, leads: Vec<Value>) -> Value {
    json!({"CODE": code, "STATUS": status, "MESSAGE": message, "TOTAL_RECORDS": leads.len(), "RESPONSE": leads})
}

impl IndiaMartDesk {
    /// A desk whose CRM key is `key`.
    pub fn new(key: &str) -> Self {
        IndiaMartDesk {
            key: key.to_owned(),
            enquiries: Mutex::new(Vec::new()),
            last_call: Mutex::new(None),
            next_id: Mutex::new(2_750_127_000),
        }
    }

    /// Records an enquiry received at `at_seconds`; its query id.
    pub fn receive(&self, enquiry: &Enquiry, at_seconds: i64) -> String {
        let id = self.next_id.lock().map(|mut n| {
            *n += 1;
            *n
        });
        let id = id.unwrap_or_default().to_string();
        let when = time::OffsetDateTime::from_unix_timestamp(at_seconds).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let when = when.to_offset(ist());
        let query_time = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            when.year(),
            u8::from(when.month()),
            when.day(),
            when.hour(),
            when.minute(),
            when.second()
        );
        let lead = json!({
            "UNIQUE_QUERY_ID": id, "QUERY_TYPE": "W", "QUERY_TIME": query_time,
            "SENDER_NAME": enquiry.name, "SENDER_MOBILE": enquiry.mobile, "SENDER_EMAIL": "",
            "SUBJECT": format!("Requirement for {}", enquiry.product), "SENDER_COMPANY": "",
            "SENDER_ADDRESS": "", "SENDER_CITY": enquiry.city, "SENDER_STATE": "", "SENDER_PINCODE": "",
            "SENDER_COUNTRY_ISO": "IN", "SENDER_MOBILE_ALT": "", "SENDER_PHONE": "", "SENDER_PHONE_ALT": "",
            "SENDER_EMAIL_ALT": "", "QUERY_PRODUCT_NAME": enquiry.product, "QUERY_MESSAGE": enquiry.message,
            "QUERY_MCAT_NAME": "", "CALL_DURATION": "", "RECEIVER_MOBILE": null,
        });
        if let Ok(mut all) = self.enquiries.lock() {
            all.push((at_seconds, lead));
        }
        id
    }

    /// Answers one pull; `min_interval` is IndiaMART's five minutes.
    pub fn listing(&self, query: &CrmQuery, min_interval: Duration) -> Value {
        let Some(key) = query.glusr_crm_key.as_deref().filter(|k| !k.is_empty()) else {
            return answer(400, "FAILURE", "Invalid Request: glusr_crm_key is missing", vec![]);
        };
        if key != self.key {
            return answer(401, "FAILURE", "Key is not valid or has expired; generate a new key", vec![]);
        }
        {
            let Ok(mut last) = self.last_call.lock() else {
                return answer(500, "FAILURE", "Internal Server Error", vec![]);
            };
            if last.is_some_and(|at| at.elapsed() < min_interval) {
                return answer(
                    429,
                    "FAILURE",
                    "It is advised to hit this API once in every 5 minutes, but it seems that you have crossed this limit. Please try again after 5 minutes.",
                    vec![],
                );
            }
            *last = Some(Instant::now());
        }
        let (Some(start), Some(end)) =
            (query.start_time.as_deref().and_then(parse_time), query.end_time.as_deref().and_then(parse_time))
        else {
            return answer(
                400,
                "FAILURE",
                "Invalid Request: start_time or end_time is not in DD-Mon-YYYYHH:MM:SS",
                vec![],
            );
        };
        if end < start || end - start > 7 * 24 * 3600 {
            return answer(400, "FAILURE", "The difference between start and end time should be within 7 days", vec![]);
        }
        let leads: Vec<Value> = self
            .enquiries
            .lock()
            .map(|all| all.iter().filter(|(at, _)| (start..=end).contains(at)).map(|(_, l)| l.clone()).collect())
            .unwrap_or_default();
        if leads.is_empty() {
            return answer(
                204,
                "SUCCESS",
                "There are no leads in the given time duration. Please try for a different duration.",
                vec![],
            );
        }
        answer(200, "SUCCESS", "", leads)
    }
}
