//! Facebook Lead Ads as Meta plays them: a form submitted becomes a lead
//! readable at `GET /<version>/<LEADGEN_ID>` (with `field_data`, `ad_id`,
//! `form_id`), announced by a signed `leadgen` change of the Page object
//! posted to the app's webhook.

use rand::Rng;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;

/// The Facebook Page the simulator plays.
pub const PAGE_ID: &str = "516540199134611";

/// A lead form someone fills in (`POST /sim/lead_ad`).
#[derive(Debug, Clone, Deserialize)]
pub struct LeadForm {
    /// Their phone number as typed into the form.
    pub phone: String,
    /// Their name.
    pub name: String,
    /// Other answers: question → answer.
    #[serde(default)]
    pub answers: HashMap<String, String>,
    /// The form.
    #[serde(default = "default_form")]
    pub form_id: String,
    /// The ad it came through.
    #[serde(default = "default_ad")]
    pub ad_id: String,
}

fn default_form() -> String {
    "129595594131704".to_owned()
}

fn default_ad() -> String {
    "6011245987123".to_owned()
}

/// The leads submitted so far, by leadgen id.
#[derive(Debug, Default)]
pub struct LeadAdsBook {
    leads: Mutex<HashMap<String, Value>>,
}

impl LeadAdsBook {
    /// Stores a submitted form as Meta would; its leadgen id.
    pub fn submit(&self, form: &LeadForm, at_seconds: u64) -> String {
        let id = format!("{}", rand::thread_rng().gen_range(100_000_000_000_000u64..999_999_999_999_999));
        let mut field_data = vec![
            json!({"name": "full_name", "values": [form.name]}),
            json!({"name": "phone_number", "values": [form.phone]}),
        ];
        let mut answers: Vec<_> = form.answers.iter().collect();
        answers.sort();
        field_data.extend(answers.into_iter().map(|(q, a)| json!({"name": q, "values": [a]})));
        let created = time::OffsetDateTime::from_unix_timestamp(at_seconds as i64)
            .ok()
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
            .unwrap_or_default();
        let lead = json!({
            "id": id, "created_time": created, "ad_id": form.ad_id, "form_id": form.form_id,
            "field_data": field_data,
        });
        if let Ok(mut leads) = self.leads.lock() {
            leads.insert(id.clone(), lead);
        }
        id
    }

    /// The lead, as `GET /<LEADGEN_ID>` answers it.
    pub fn lead(&self, id: &str) -> Option<Value> {
        self.leads.lock().ok()?.get(id).cloned()
    }
}

/// The webhook Meta posts for a submitted form.
pub fn leadgen_webhook(leadgen_id: &str, form: &LeadForm, at_seconds: u64) -> Value {
    json!({
        "object": "page",
        "entry": [{
            "id": PAGE_ID,
            "time": at_seconds,
            "changes": [{
                "field": "leadgen",
                "value": {
                    "ad_id": form.ad_id, "form_id": form.form_id, "leadgen_id": leadgen_id,
                    "created_time": at_seconds, "page_id": PAGE_ID, "adgroup_id": form.ad_id,
                },
            }],
        }],
    })
}
