//! Facebook Lead Ads: the `leadgen` change Meta posts when someone submits
//! a lead form, and the lead read back from the Graph API
//! (`GET /{leadgen_id}`: `id`, `created_time`, `field_data`, `ad_id`,
//! `form_id`, `campaign_id`), turned into Parley's own lead shape.

use serde_json::{json, Map, Value};

/// One `leadgen` change: a form was submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadgenNotice {
    /// The lead's id: read it with the Graph API.
    pub leadgen_id: String,
    /// The form's id.
    pub form_id: Option<String>,
    /// The ad's id, when it came through an ad.
    pub ad_id: Option<String>,
    /// The Facebook Page.
    pub page_id: Option<String>,
}

/// An id Meta sends as a number or a string.
fn id(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) if n.as_u64() != Some(0) => Some(n.to_string()),
        _ => None,
    }
}

impl LeadgenNotice {
    /// Reads a `leadgen` change's value; `None` without a lead id.
    pub fn from_change(value: &Value) -> Option<LeadgenNotice> {
        Some(LeadgenNotice {
            leadgen_id: id(value, "leadgen_id")?,
            form_id: id(value, "form_id"),
            ad_id: id(value, "ad_id"),
            page_id: id(value, "page_id"),
        })
    }
}

/// A form question's name as a contact field's key: `What city?` → `what_city`.
pub fn field_key(name: &str) -> String {
    let key: String = name
        .trim()
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    key.chars().take(40).collect()
}

/// The Graph API's lead as Parley's lead shape (see [`super::lead`]):
/// `phone_number` → phone, `full_name` (or first and last) → name, every
/// other answer and the ad and form ids → fields. Answers with several
/// values are joined with commas.
pub fn lead_payload(graph_lead: &Value, notice: &LeadgenNotice) -> Value {
    let mut answers: Vec<(String, String)> = Vec::new();
    for item in graph_lead.get("field_data").and_then(Value::as_array).into_iter().flatten() {
        let Some(name) = item.get("name").and_then(Value::as_str) else { continue };
        let values: Vec<String> = item
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned))
            .collect();
        if !values.is_empty() && !field_key(name).is_empty() {
            answers.push((field_key(name), values.join(", ")));
        }
    }
    let take = |key: &str, answers: &mut Vec<(String, String)>| {
        answers.iter().position(|(k, _)| k == key).map(|i| answers.remove(i).1)
    };
    let phone = take("phone_number", &mut answers)
        .or_else(|| answers.iter().position(|(k, _)| k.contains("phone")).map(|i| answers.remove(i).1));
    let first = take("first_name", &mut answers);
    let last = take("last_name", &mut answers);
    let name = take("full_name", &mut answers).or(match (first, last) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (first, last) => first.or(last),
    });
    let mut fields: Map<String, Value> = answers.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    let ad = id(graph_lead, "ad_id").or_else(|| notice.ad_id.clone());
    let form = id(graph_lead, "form_id").or_else(|| notice.form_id.clone());
    for (key, value) in [("fb_ad_id", ad), ("fb_form_id", form), ("fb_campaign_id", id(graph_lead, "campaign_id"))] {
        if let Some(value) = value {
            fields.insert(key.to_owned(), Value::String(value));
        }
    }
    json!({
        "lead_id": id(graph_lead, "id").unwrap_or_else(|| notice.leadgen_id.clone()),
        "phone": phone,
        "name": name,
        "fields": fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead::read_lead;
    use std::collections::BTreeMap;

    #[test]
    fn a_leadgen_change_names_its_lead_whether_ids_are_numbers_or_strings() {
        let notice = LeadgenNotice::from_change(&json!({
            "ad_id": 0, "form_id": 551111744595541_u64, "leadgen_id": "55459717045641545", "page_id": 516540199134611_u64
        }))
        .unwrap();
        assert_eq!(notice.leadgen_id, "55459717045641545");
        assert_eq!(notice.ad_id, None);
        assert_eq!(notice.form_id.as_deref(), Some("551111744595541"));
        assert_eq!(LeadgenNotice::from_change(&json!({"form_id": "1"})), None);
    }

    #[test]
    fn the_graph_lead_becomes_a_parley_lead_with_its_answers_as_fields() {
        let graph = json!({
            "id": "243870422662760", "created_time": "2026-11-02T09:29:50+0000", "ad_id": "6011", "form_id": "129595",
            "field_data": [
                {"name": "first_name", "values": ["Tom"]}, {"name": "last_name", "values": ["Cook"]},
                {"name": "phone_number_(eg.65xxxxxxxx)", "values": ["+91 98200 12345"]},
                {"name": "email", "values": ["tom@example.org"]},
                {"name": "Which products?", "values": ["Sarees", "Kurtas"]},
                {"name": "empty", "values": [" "]}
            ]
        });
        let notice = LeadgenNotice::from_change(&json!({"leadgen_id": "243870422662760"})).unwrap();
        let lead = read_lead(&lead_payload(&graph, &notice), &BTreeMap::new()).unwrap();
        assert_eq!(lead.lead_id, "243870422662760");
        assert_eq!(lead.phone, "+91 98200 12345");
        assert_eq!(lead.name.as_deref(), Some("Tom Cook"));
        assert_eq!(lead.fields.get("which_products").map(String::as_str), Some("Sarees, Kurtas"));
        assert_eq!(lead.fields.get("email").map(String::as_str), Some("tom@example.org"));
        assert_eq!(lead.fields.get("fb_ad_id").map(String::as_str), Some("6011"));
        assert!(!lead.fields.contains_key("empty"));
    }
}
