//! A lead as a source posts it, read through the source's mapping. Parley's
//! own shape, used for whatever the mapping leaves out:
//!
//! ```json
//! {"lead_id": "F-1042", "phone": "+91 98200 12345", "name": "Meena",
//!  "tags": ["diwali"], "fields": {"city": "Pune"}, "value_minor": 250000,
//!  "consent": ["marketing"]}
//! ```

use serde_json::Value;
use std::collections::BTreeMap;

/// The most custom fields one lead brings.
pub const MAX_FIELDS: usize = 30;

/// A lead, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    /// The source's own id for it: a second post with it is the same lead.
    pub lead_id: String,
    /// The phone number as the source wrote it.
    pub phone: String,
    /// The name, if given.
    pub name: Option<String>,
    /// Tags it brings.
    pub tags: Vec<String>,
    /// Custom fields it brings.
    pub fields: BTreeMap<String, String>,
    /// What the deal is worth, in minor units (0 when not given).
    pub value_minor: i64,
    /// What the lead agreed to receive on the source's form.
    pub consent: Vec<String>,
}

/// Why a post is not a lead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeadProblem {
    /// The body is not a JSON object.
    #[error("the body is not a JSON object")]
    NotAnObject,
    /// A field every lead needs is missing or blank.
    #[error("the lead has no {field} (looked for it at {path:?})")]
    Missing {
        /// The lead field.
        field: &'static str,
        /// Where the mapping looked.
        path: String,
    },
    /// A field has the wrong type or is out of range.
    #[error("{field} at {path:?} {why}")]
    Invalid {
        /// The lead field.
        field: String,
        /// Where it was.
        path: String,
        /// What is wrong.
        why: &'static str,
    },
}

/// The value at a dotted path (`contact.phone`, `answers.0.value`).
fn at<'a>(payload: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(payload, |value, part| match value {
        Value::Object(map) => map.get(part),
        Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// A scalar as text; `None` for null, blank or a structure.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list of words: a JSON array of scalars, or one comma-separated string.
fn words(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(|v| text(Some(v))).collect(),
        other => text(other)
            .map(|s| s.split(',').map(|w| w.trim().to_owned()).filter(|w| !w.is_empty()).collect())
            .unwrap_or_default(),
    }
}

/// Reads `payload` as a lead through `mapping` (lead field → path).
pub fn read_lead(payload: &Value, mapping: &BTreeMap<String, String>) -> Result<Lead, LeadProblem> {
    if !payload.is_object() {
        return Err(LeadProblem::NotAnObject);
    }
    let path = |field: &str| mapping.get(field).cloned().unwrap_or_else(|| field.to_owned());
    let required = |field: &'static str| {
        let path = path(field);
        text(at(payload, &path)).ok_or(LeadProblem::Missing { field, path })
    };
    let lead_id = required("lead_id")?;
    if lead_id.chars().count() > 200 {
        return Err(LeadProblem::Invalid {
            field: "lead_id".into(),
            path: path("lead_id"),
            why: "is over 200 characters",
        });
    }
    let phone = required("phone")?;
    let value_path = path("value_minor");
    let value_minor = match at(payload, &value_path) {
        None | Some(Value::Null) => 0,
        Some(v) => v.as_i64().filter(|n| *n >= 0).ok_or(LeadProblem::Invalid {
            field: "value_minor".into(),
            path: value_path,
            why: "is not a whole number of minor units, zero or more",
        })?,
    };
    let mut fields: BTreeMap<String, String> = match at(payload, "fields") {
        Some(Value::Object(own)) if !mapping.keys().any(|k| k.starts_with("fields.")) => {
            own.iter().filter_map(|(k, v)| Some((k.clone(), text(Some(v))?))).collect()
        }
        _ => BTreeMap::new(),
    };
    for (field, from) in mapping {
        if let Some(name) = field.strip_prefix("fields.") {
            if let Some(value) = text(at(payload, from)) {
                fields.insert(name.to_owned(), value);
            }
        }
    }
    if fields.len() > MAX_FIELDS {
        return Err(LeadProblem::Invalid {
            field: "fields".into(),
            path: "fields".into(),
            why: "has more than 30 entries",
        });
    }
    Ok(Lead {
        lead_id,
        phone,
        name: text(at(payload, &path("name"))),
        tags: words(at(payload, "tags")),
        fields,
        value_minor,
        consent: words(at(payload, &path("consent"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parleys_own_shape_reads_without_a_mapping() {
        let lead = read_lead(
            &json!({"lead_id": 1042, "phone": "+91 98200 12345", "name": " Meena ", "tags": ["diwali"],
                "fields": {"city": "Pune", "size": 42}, "value_minor": 250000, "consent": "marketing, utility"}),
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(lead.lead_id, "1042");
        assert_eq!(lead.name.as_deref(), Some("Meena"));
        assert_eq!(lead.fields.get("size").map(String::as_str), Some("42"));
        assert_eq!(lead.consent, vec!["marketing", "utility"]);
        assert_eq!(lead.value_minor, 250000);
    }

    #[test]
    fn a_mapping_reads_the_senders_own_names_and_nested_paths() {
        let mapping = BTreeMap::from([
            ("lead_id".to_owned(), "submission.id".to_owned()),
            ("phone".to_owned(), "answers.1.value".to_owned()),
            ("name".to_owned(), "answers.0.value".to_owned()),
            ("fields.city".to_owned(), "where".to_owned()),
        ]);
        let payload = json!({"submission": {"id": "s-9"}, "where": "Nairobi",
            "answers": [{"value": "Wanjiku"}, {"value": "0712 345678"}]});
        let lead = read_lead(&payload, &mapping).unwrap();
        assert_eq!((lead.lead_id.as_str(), lead.phone.as_str()), ("s-9", "0712 345678"));
        assert_eq!(lead.name.as_deref(), Some("Wanjiku"));
        assert_eq!(lead.fields, BTreeMap::from([("city".to_owned(), "Nairobi".to_owned())]));
    }

    #[test]
    fn a_lead_without_an_id_or_a_phone_or_with_a_bad_value_says_which() {
        let none = BTreeMap::new();
        assert_eq!(
            read_lead(&json!({"phone": "98200"}), &none),
            Err(LeadProblem::Missing { field: "lead_id", path: "lead_id".into() })
        );
        assert_eq!(
            read_lead(&json!({"lead_id": "1", "phone": "  "}), &none),
            Err(LeadProblem::Missing { field: "phone", path: "phone".into() })
        );
        assert!(matches!(
            read_lead(&json!({"lead_id": "1", "phone": "98200", "value_minor": -5}), &none),
            Err(LeadProblem::Invalid { .. })
        ));
        assert_eq!(read_lead(&json!(["not", "an", "object"]), &none), Err(LeadProblem::NotAnObject));
    }
}
