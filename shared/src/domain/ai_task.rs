//! What staff ask AI assist to do with a conversation, and how each
//! answer is read back.

use serde::{Deserialize, Serialize};

/// One thing AI assist does for a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AiTask {
    /// A few sentences for the next person picking up the thread.
    Summary,
    /// Sales, support, billing or spam.
    Intent,
    /// The customer's name, city and budget, where the thread says them.
    Fields,
    /// A reply drafted from the business facts, for staff to edit and send.
    Draft,
}

/// What a conversation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Wants to buy.
    Sales,
    /// Needs help with something bought.
    Support,
    /// About an invoice, a payment or a refund.
    Billing,
    /// Unwanted or automated.
    Spam,
    /// None of these.
    Other,
}

impl Intent {
    const NAMED: [(&'static str, Intent); 4] =
        [("sales", Intent::Sales), ("support", Intent::Support), ("billing", Intent::Billing), ("spam", Intent::Spam)];
}

/// Contact fields the thread states.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ExtractedFields {
    /// The customer's name.
    pub name: Option<String>,
    /// Where they are.
    pub city: Option<String>,
    /// What they mean to spend, as they said it.
    pub budget: Option<String>,
}

/// A provider's answer, read for its task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AiAnswer {
    /// The summary.
    Summary(String),
    /// The intent.
    Intent(Intent),
    /// The fields found.
    Fields(ExtractedFields),
    /// The drafted reply.
    Draft(String),
}

/// Why an answer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// Nothing but whitespace came back.
    #[error("the provider answered nothing")]
    Empty,
    /// The fields answer held no JSON object.
    #[error("the provider's answer was not the JSON object asked for")]
    NotJson,
}

/// The longest field value kept from an answer.
const MAX_FIELD: usize = 120;

impl AiTask {
    /// Reads the provider's text as this task's answer.
    pub fn read_answer(self, text: &str) -> Result<AiAnswer, AnswerError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(AnswerError::Empty);
        }
        Ok(match self {
            AiTask::Summary => AiAnswer::Summary(text.to_owned()),
            AiTask::Draft => AiAnswer::Draft(unquoted(text).to_owned()),
            AiTask::Intent => AiAnswer::Intent(intent_in(text)),
            AiTask::Fields => AiAnswer::Fields(fields_in(text)?),
        })
    }
}

/// Models sometimes wrap a reply in quotes.
fn unquoted(text: &str) -> &str {
    text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).map(str::trim).filter(|t| !t.is_empty()).unwrap_or(text)
}

/// The first intent the answer names, as a word.
fn intent_in(text: &str) -> Intent {
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .find_map(|word| Intent::NAMED.iter().find(|(name, _)| *name == word).map(|(_, intent)| *intent))
        .unwrap_or(Intent::Other)
}

/// The JSON object in the answer (models may add prose or code fences).
fn fields_in(text: &str) -> Result<ExtractedFields, AnswerError> {
    let start = text.find('{').ok_or(AnswerError::NotJson)?;
    let end = text.rfind('}').filter(|end| *end > start).ok_or(AnswerError::NotJson)?;
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text[start..=end]).map_err(|_| AnswerError::NotJson)?;
    let field = |name: &str| {
        let value = match object.get(name)? {
            serde_json::Value::String(s) => s.trim().to_owned(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return None,
        };
        let unknown = value.is_empty() || ["null", "unknown", "n/a", "none"].contains(&value.to_lowercase().as_str());
        (!unknown).then(|| value.chars().take(MAX_FIELD).collect())
    };
    Ok(ExtractedFields { name: field("name"), city: field("city"), budget: field("budget") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intent_is_the_first_known_word() {
        assert_eq!(AiTask::Intent.read_answer("Billing."), Ok(AiAnswer::Intent(Intent::Billing)));
        assert_eq!(AiTask::Intent.read_answer("intent: SALES"), Ok(AiAnswer::Intent(Intent::Sales)));
        assert_eq!(AiTask::Intent.read_answer("salesy chatter"), Ok(AiAnswer::Intent(Intent::Other)));
    }

    #[test]
    fn fields_come_from_the_json_object_in_the_answer() {
        let answer = "```json\n{\"name\": \"Asha\", \"city\": \"Pune\", \"budget\": 50000}\n```";
        let fields =
            ExtractedFields { name: Some("Asha".into()), city: Some("Pune".into()), budget: Some("50000".into()) };
        assert_eq!(AiTask::Fields.read_answer(answer), Ok(AiAnswer::Fields(fields)));
        let partial = AiTask::Fields.read_answer(r#"{"name": null, "city": "unknown", "budget": ""}"#);
        assert_eq!(partial, Ok(AiAnswer::Fields(ExtractedFields::default())));
        assert_eq!(AiTask::Fields.read_answer("Asha from Pune"), Err(AnswerError::NotJson));
        assert_eq!(AiTask::Fields.read_answer("} {"), Err(AnswerError::NotJson));
    }

    #[test]
    fn texts_are_trimmed_and_an_empty_answer_refused() {
        assert_eq!(AiTask::Draft.read_answer(" \"Hello!\" "), Ok(AiAnswer::Draft("Hello!".into())));
        assert_eq!(AiTask::Summary.read_answer(" Wants a sofa. "), Ok(AiAnswer::Summary("Wants a sofa.".into())));
        assert_eq!(AiTask::Summary.read_answer(" \n"), Err(AnswerError::Empty));
    }
}
