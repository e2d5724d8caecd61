//! The approved template a follow-up sends to the customer when it falls
//! due, with parameters that name contact and deal fields: they are filled
//! at firing time, so the message carries the values of that moment.

use super::pipeline::Deal;
use super::Contact;
use serde::{Deserialize, Serialize};

/// A template chosen at task creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpTemplate {
    /// Template name.
    pub name: String,
    /// Language code.
    pub language: String,
    /// Body parameters in order: a literal, or a placeholder such as
    /// `{{contact.name}}`, `{{contact.<field>}}`, `{{deal.title}}`,
    /// `{{deal.value}}` or `{{deal.<custom field>}}`.
    pub params: Vec<String>,
}

/// Why a parameter cannot be filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FillError {
    /// A placeholder names something other than a contact or deal field.
    #[error("unknown placeholder {0}; use {{{{contact.…}}}} or {{{{deal.…}}}}")]
    UnknownPlaceholder(String),
    /// A deal placeholder on a task without a deal.
    #[error("{0} needs the task to be about a deal")]
    NoDeal(String),
    /// The field is empty for this contact or deal: WhatsApp refuses empty parameters.
    #[error("{0} is empty")]
    Empty(String),
}

/// One parameter as written: a placeholder is `{{source.field}}` exactly.
fn placeholder(param: &str) -> Option<(&str, &str)> {
    let inner = param.trim().strip_prefix("{{")?.strip_suffix("}}")?.trim();
    inner.split_once('.')
}

impl FollowUpTemplate {
    /// Checks the placeholders without any data: the source is `contact` or
    /// `deal`, and deal placeholders need a deal.
    pub fn check(&self, has_deal: bool) -> Result<(), FillError> {
        for param in &self.params {
            match placeholder(param) {
                None => {}
                Some(("contact", field)) if !field.is_empty() => {}
                Some(("deal", field)) if !field.is_empty() && !has_deal => {
                    return Err(FillError::NoDeal(param.clone()));
                }
                Some(("deal", field)) if !field.is_empty() => {}
                Some(_) => return Err(FillError::UnknownPlaceholder(param.clone())),
            }
        }
        Ok(())
    }

    /// The parameters with every placeholder replaced by today's value.
    pub fn fill(&self, contact: &Contact, deal: Option<&Deal>) -> Result<Vec<String>, FillError> {
        self.params
            .iter()
            .map(|param| {
                let value = match placeholder(param) {
                    None => return Ok(param.clone()),
                    Some(("contact", "name")) => contact.shown_name().map(str::to_owned),
                    Some(("contact", field)) => contact.fields.get(field).cloned(),
                    Some(("deal", field)) => {
                        let deal = deal.ok_or_else(|| FillError::NoDeal(param.clone()))?;
                        match field {
                            "title" => Some(deal.title.clone()),
                            "value" => Some(format!("{} {}", deal.currency, money(deal.value_minor))),
                            other => deal.custom_fields.get(other).cloned(),
                        }
                    }
                    Some(_) => return Err(FillError::UnknownPlaceholder(param.clone())),
                };
                value.filter(|v| !v.trim().is_empty()).ok_or_else(|| FillError::Empty(param.clone()))
            })
            .collect()
    }
}

/// Minor units as a decimal amount with two places.
fn money(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let minor = minor.unsigned_abs();
    format!("{sign}{}.{:02}", minor / 100, minor % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(params: &[&str]) -> FollowUpTemplate {
        FollowUpTemplate {
            name: "follow_up".into(),
            language: "en".into(),
            params: params.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn placeholders_are_checked_before_any_data_exists() {
        assert_eq!(template(&["{{contact.name}}", "hello"]).check(false), Ok(()));
        assert!(matches!(template(&["{{deal.value}}"]).check(false), Err(FillError::NoDeal(_))));
        assert_eq!(template(&["{{deal.value}}"]).check(true), Ok(()));
        assert!(matches!(template(&["{{order.id}}"]).check(true), Err(FillError::UnknownPlaceholder(_))));
    }

    #[test]
    fn money_keeps_two_places() {
        assert_eq!(money(150_000), "1500.00");
        assert_eq!(money(5), "0.05");
        assert_eq!(money(-250), "-2.50");
    }
}
