//! Message templates: the only thing that may be sent once the service window
//! has closed, each approved by Meta and billed by category.

use super::template_component::{ParameterFormat, TemplateButton, TemplateHeader};
use serde::{Deserialize, Serialize};

/// How Meta bills a template.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Promotions; needs the customer's consent and respects opt-outs.
    Marketing,
    /// Updates about an order or account.
    Utility,
    /// One-time passwords.
    Authentication,
    /// Free-form replies inside the service window.
    Service,
}

impl Category {
    /// Meta's name (lower case).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Marketing => "marketing",
            Category::Utility => "utility",
            Category::Authentication => "authentication",
            Category::Service => "service",
        }
    }

    /// Parses Meta's name, in either case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "marketing" => Some(Category::Marketing),
            "utility" => Some(Category::Utility),
            "authentication" => Some(Category::Authentication),
            "service" => Some(Category::Service),
            _ => None,
        }
    }
}

/// One approved (or pending, or rejected) template in one language.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// Template name.
    pub name: String,
    /// Language code, e.g. `en_US`.
    pub language: String,
    /// Billing category.
    pub category: Category,
    /// Meta's review status: `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`…
    pub status: String,
    /// How many parameters the body takes (`{{n}}` or named).
    pub body_params: usize,
    /// The body text, for showing staff what will be sent.
    pub body: String,
    /// `{{1}}`-style or `{{name}}`-style placeholders.
    #[serde(default)]
    pub parameter_format: ParameterFormat,
    /// A named template's body placeholders, in order of appearance.
    #[serde(default)]
    #[cfg_attr(feature = "schemars", schemars(required))]
    pub body_param_names: Vec<String>,
    /// The header, if the template has one.
    #[serde(default)]
    #[cfg_attr(feature = "schemars", schemars(required))]
    pub header: Option<TemplateHeader>,
    /// The small print under the body.
    #[serde(default)]
    #[cfg_attr(feature = "schemars", schemars(required))]
    pub footer: Option<String>,
    /// The buttons, in Meta's order (their `index`).
    #[serde(default)]
    #[cfg_attr(feature = "schemars", schemars(required))]
    pub buttons: Vec<TemplateButton>,
    /// Why Meta last changed its status, as its `message_template_status_update`
    /// webhook said (a pause's description, a rejection's reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// The WhatsApp Business Account whose catalog holds it, when that is not
    /// the deployment's own (`WHATSAPP_WABA_ID`). Each account has its own
    /// catalog: one name may be two different templates in two accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waba_id: Option<String>,
}

impl Template {
    /// A positional template with only a body (no header, footer or buttons).
    pub fn body_only(name: &str, language: &str, category: Category, status: &str, body: &str) -> Self {
        Template {
            name: name.to_owned(),
            language: language.to_owned(),
            category,
            status: status.to_owned(),
            body_params: Template::count_params(body),
            body: body.to_owned(),
            parameter_format: ParameterFormat::Positional,
            body_param_names: Vec::new(),
            header: None,
            footer: None,
            buttons: Vec::new(),
            status_reason: None,
            waba_id: None,
        }
    }

    /// The same template, held in account `waba_id` (`None`: the
    /// deployment's own).
    pub fn in_account(mut self, waba_id: Option<&str>) -> Self {
        self.waba_id = waba_id.map(str::to_owned);
        self
    }

    /// Whether it is in the catalog of account `waba_id` (`None`: the
    /// deployment's own), the only one a number of that account may send.
    pub fn is_in_account(&self, waba_id: Option<&str>) -> bool {
        self.waba_id.as_deref() == waba_id
    }

    /// Counts the distinct `{{1}}`, `{{2}}`… placeholders in a body text.
    pub fn count_params(body: &str) -> usize {
        let mut highest = 0;
        let mut rest = body;
        while let Some(start) = rest.find("{{") {
            rest = &rest[start + 2..];
            let Some(end) = rest.find("}}") else { break };
            if let Ok(n) = rest[..end].trim().parse::<usize>() {
                highest = highest.max(n);
            }
            rest = &rest[end + 2..];
        }
        highest
    }

    /// Whether Meta will send it.
    pub fn is_approved(&self) -> bool {
        self.status.eq_ignore_ascii_case("APPROVED")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_placeholders() {
        assert_eq!(Template::count_params("Hi {{1}}, order {{2}} ships {{2}}"), 2);
        assert_eq!(Template::count_params("No params"), 0);
        assert_eq!(Template::count_params("{{ 3 }} broken {{"), 3);
    }
}
