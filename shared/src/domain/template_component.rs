//! What a template is made of besides its body, as Meta's catalog lists it:
//! the header, the footer and the buttons, and how its parameters are named.

use serde::{Deserialize, Serialize};

/// How a template's placeholders are written: `{{1}}`, `{{2}}`… or
/// `{{first_name}}`. A named template must be sent with `parameter_name` on
/// every parameter; Meta refuses positional values for it (132012).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterFormat {
    /// `{{1}}`, `{{2}}`…
    #[default]
    Positional,
    /// `{{first_name}}`…
    Named,
}

/// The header above the body. Every kind but a text header without a
/// placeholder needs a value at send time.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum TemplateHeader {
    /// A line of text, with at most one placeholder.
    Text {
        /// The text as approved, placeholder included.
        text: String,
        /// The placeholder's name (`1` for a positional template), when the
        /// text has one.
        #[serde(default)]
        #[cfg_attr(feature = "schemars", schemars(required))]
        parameter: Option<String>,
    },
    /// A picture, chosen at send time.
    Image,
    /// A video, chosen at send time.
    Video,
    /// A file (a PDF quotation, a brochure), chosen at send time.
    Document,
    /// A map pin, chosen at send time.
    Location,
}

impl TemplateHeader {
    /// Whether a send must give it a value (a file, a place, a text's parameter).
    pub fn takes_input(&self) -> bool {
        !matches!(self, TemplateHeader::Text { parameter: None, .. })
    }

    /// Meta's format name, upper case as in the catalog.
    pub fn format_name(&self) -> &'static str {
        match self {
            TemplateHeader::Text { .. } => "TEXT",
            TemplateHeader::Image => "IMAGE",
            TemplateHeader::Video => "VIDEO",
            TemplateHeader::Document => "DOCUMENT",
            TemplateHeader::Location => "LOCATION",
        }
    }
}

/// One button under the message, at its place (Meta's `index`, from 0).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TemplateButton {
    /// A reply the customer taps; its payload comes back in a `button` message.
    QuickReply {
        /// The label.
        text: String,
    },
    /// Opens a web page; `dynamic` when the URL ends in `{{1}}`, whose value
    /// (the suffix) is given at send time.
    Url {
        /// The label.
        text: String,
        /// The URL as approved.
        url: String,
        /// Whether a suffix must be sent.
        dynamic: bool,
    },
    /// Copies a coupon code, given at send time, to the clipboard.
    CopyCode {
        /// Meta's example code, for showing staff.
        #[serde(default)]
        #[cfg_attr(feature = "schemars", schemars(required))]
        example: Option<String>,
    },
    /// Calls the business.
    PhoneNumber {
        /// The label.
        text: String,
        /// The number dialled.
        phone_number: String,
    },
    /// A kind Parley does not send values for (flows, one-time passwords,
    /// catalogs…), kept so the preview shows it.
    Other {
        /// Meta's button type.
        kind: String,
        /// The label.
        text: String,
    },
}

impl TemplateButton {
    /// Whether a send must give it a value (a URL suffix, a coupon code).
    pub fn takes_input(&self) -> bool {
        matches!(self, TemplateButton::Url { dynamic: true, .. } | TemplateButton::CopyCode { .. })
    }

    /// The label shown to the customer.
    pub fn label(&self) -> &str {
        match self {
            TemplateButton::QuickReply { text }
            | TemplateButton::Url { text, .. }
            | TemplateButton::PhoneNumber { text, .. }
            | TemplateButton::Other { text, .. } => text,
            TemplateButton::CopyCode { .. } => "Copy code",
        }
    }
}

/// The placeholders of a text in order of first appearance, without braces
/// or spaces: `["1", "2"]` or `["first_name", "order"]`.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find("}}") else { break };
        let name = rest[..end].trim();
        if !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !found.iter().any(|f| f == name)
        {
            found.push(name.to_owned());
        }
        rest = &rest[end + 2..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_come_in_order_without_repeats() {
        assert_eq!(placeholders("Hi {{first_name}}, {{ order }} for {{first_name}}"), ["first_name", "order"]);
        assert_eq!(placeholders("Hi {{1}} {{2}}"), ["1", "2"]);
        assert!(placeholders("{{not a name}} {{").is_empty());
    }
}
