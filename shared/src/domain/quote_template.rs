//! Outside the customer's 24-hour window a quotation can only go as an
//! approved template. Parley picks one by its shape rather than by a name
//! staff must configure: a utility template whose header is a document (the
//! PDF) and whose body asks only for what a quote knows. It fills the body
//! from the quote and gives its quick replies the quote's answers, so a tap
//! on "Accept" comes back exactly as the in-window button's does.

use super::outbound::OutboundContent;
use super::template::{Category, Template};
use super::template_component::{ParameterFormat, TemplateButton, TemplateHeader};
use super::template_inputs::{ButtonInput, HeaderInput, MediaSource, NamedParam, StoredFile, TemplateInputs};

/// What a quote fills a template's body with, by placeholder name; a
/// positional template takes them in this order, as many as it has.
pub const QUOTE_FIELDS: [&str; 4] = ["customer_name", "quote_number", "total", "valid_until"];

/// A quote's values for the template body, in [`QUOTE_FIELDS`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteTemplateValues {
    /// The customer as the quote names them.
    pub customer_name: String,
    /// `QT-2026-0001`.
    pub quote_number: String,
    /// The total with its currency, as printed on the PDF.
    pub total: String,
    /// The last day the quote holds.
    pub valid_until: String,
}

impl QuoteTemplateValues {
    fn in_order(&self) -> [&str; 4] {
        [&self.customer_name, &self.quote_number, &self.total, &self.valid_until]
    }

    fn named(&self, name: &str) -> Option<&str> {
        QUOTE_FIELDS.iter().position(|field| *field == name).map(|i| self.in_order()[i])
    }
}

/// The payloads a quote's reply buttons carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteAnswers {
    /// What "Accept" says back.
    pub accept: String,
    /// What any other quick reply ("Ask a question") says back.
    pub ask: String,
}

/// Labels that mean "Accept" in the languages Parley's users write
/// templates in; any other quick reply asks a question, so a mislabelled
/// button can never accept a quote.
const ACCEPT_LABELS: [&str; 6] = ["accept", "स्वीकार", "aceit", "acept", "kubali", "confirm"];

fn accepts(label: &str) -> bool {
    let label = label.to_lowercase();
    ACCEPT_LABELS.iter().any(|word| label.contains(word))
}

/// Whether a quote can go as `template`: approved, utility, a document
/// header, a body the quote can fill, and no button that needs a value the
/// quote does not have (a URL suffix, a coupon code).
pub fn fits(template: &Template) -> bool {
    let body_fillable = match template.parameter_format {
        ParameterFormat::Named => template.body_param_names.iter().all(|name| QUOTE_FIELDS.contains(&name.as_str())),
        ParameterFormat::Positional => template.body_params <= QUOTE_FIELDS.len(),
    };
    let buttons_fillable = template.buttons.iter().all(|button| match button {
        TemplateButton::Url { dynamic, .. } => !dynamic,
        TemplateButton::CopyCode { .. } => false,
        _ => true,
    });
    template.is_approved()
        && template.category == Category::Utility
        && matches!(template.header, Some(TemplateHeader::Document))
        && body_fillable
        && buttons_fillable
}

/// The template a quote goes as: one that [`fits`], in English when there
/// is one (the language most shops approve first), then by name, so the
/// choice is the same on every send.
pub fn choose(templates: &[Template]) -> Option<&Template> {
    templates
        .iter()
        .filter(|t| fits(t))
        .min_by_key(|t| (!t.language.to_ascii_lowercase().starts_with("en"), t.name.as_str(), t.language.as_str()))
}

/// The template message that carries the quote's PDF (`document_key` in
/// the business's bucket, shown to the customer as `filename`).
pub fn quote_template_content(
    template: &Template,
    values: &QuoteTemplateValues,
    document_key: &str,
    filename: &str,
    answers: &QuoteAnswers,
) -> OutboundContent {
    let (params, named) = match template.parameter_format {
        ParameterFormat::Positional => {
            (values.in_order().iter().take(template.body_params).map(|v| (*v).to_owned()).collect(), Vec::new())
        }
        ParameterFormat::Named => (
            Vec::new(),
            template
                .body_param_names
                .iter()
                .filter_map(|name| {
                    values.named(name).map(|text| NamedParam { parameter_name: name.clone(), text: text.to_owned() })
                })
                .collect(),
        ),
    };
    let buttons = template
        .buttons
        .iter()
        .enumerate()
        .filter_map(|(index, button)| match button {
            TemplateButton::QuickReply { text } => Some(ButtonInput::QuickReply {
                index: u8::try_from(index).ok()?,
                payload: if accepts(text) { answers.accept.clone() } else { answers.ask.clone() },
            }),
            _ => None,
        })
        .collect();
    OutboundContent::Template {
        name: template.name.clone(),
        language: template.language.clone(),
        params,
        inputs: TemplateInputs {
            header: Some(HeaderInput::Document {
                document: MediaSource::Stored(StoredFile {
                    key: document_key.to_owned(),
                    mime_type: "application/pdf".to_owned(),
                }),
                filename: Some(filename.to_owned()),
            }),
            named,
            buttons,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote_ready(format: ParameterFormat, body: &str, names: &[&str]) -> Template {
        let mut t = Template::body_only("quote_ready", "en_US", Category::Utility, "APPROVED", body);
        t.parameter_format = format;
        t.body_param_names = names.iter().map(|n| (*n).to_owned()).collect();
        t.header = Some(TemplateHeader::Document);
        t.buttons = vec![
            TemplateButton::QuickReply { text: "Ask a question".into() },
            TemplateButton::QuickReply { text: "Accept".into() },
        ];
        t
    }

    fn values() -> QuoteTemplateValues {
        QuoteTemplateValues {
            customer_name: "आशा".into(),
            quote_number: "QT-2026-0007".into(),
            total: "₹1,180.00".into(),
            valid_until: "2026-12-31".into(),
        }
    }

    fn answers() -> QuoteAnswers {
        QuoteAnswers { accept: "quote:qt.1:accept".into(), ask: "quote:qt.1:ask".into() }
    }

    #[test]
    fn only_an_approved_utility_template_with_a_document_header_and_a_fillable_body_fits() {
        let good = quote_ready(ParameterFormat::Positional, "Hi {{1}}, quotation {{2}} is attached.", &[]);
        assert!(fits(&good));
        let mut pending = good.clone();
        pending.status = "PENDING".into();
        let mut marketing = good.clone();
        marketing.category = Category::Marketing;
        let mut image = good.clone();
        image.header = Some(TemplateHeader::Image);
        let five = quote_ready(ParameterFormat::Positional, "{{1}} {{2}} {{3}} {{4}} {{5}}", &[]);
        let unknown_name =
            quote_ready(ParameterFormat::Named, "Hi {{customer_name}}, {{gift}}", &["customer_name", "gift"]);
        let mut coupon = good.clone();
        coupon.buttons.push(TemplateButton::CopyCode { example: None });
        for (why, t) in [
            ("pending", pending),
            ("marketing", marketing),
            ("image header", image),
            ("five params", five),
            ("unknown name", unknown_name),
            ("coupon", coupon),
        ] {
            assert!(!fits(&t), "{why}");
        }
    }

    #[test]
    fn english_is_chosen_first_and_the_choice_is_stable() {
        let body = "Hi {{1}}, quotation {{2}} is attached.";
        let mut hindi = quote_ready(ParameterFormat::Positional, body, &[]);
        hindi.language = "hi".into();
        let english = quote_ready(ParameterFormat::Positional, body, &[]);
        let order = Template::body_only("order_update", "en_US", Category::Utility, "APPROVED", "Hi {{1}}");
        assert_eq!(
            choose(&[order.clone(), hindi.clone(), english.clone()]).map(|t| t.language.as_str()),
            Some("en_US")
        );
        assert_eq!(choose(&[hindi.clone()]).map(|t| t.language.as_str()), Some("hi"));
        assert_eq!(choose(&[order]), None);
    }

    #[test]
    fn a_positional_body_takes_the_quote_values_in_order_and_accept_gets_the_accept_payload() {
        let t = quote_ready(ParameterFormat::Positional, "Hi {{1}}, quotation {{2}} is attached.", &[]);
        let OutboundContent::Template { params, inputs, .. } =
            quote_template_content(&t, &values(), "media/c/out-1", "QT-2026-0007.pdf", &answers())
        else {
            panic!("a template")
        };
        assert_eq!(params, vec!["आशा".to_owned(), "QT-2026-0007".to_owned()]);
        assert_eq!(inputs.stored_header().map(|f| f.key.as_str()), Some("media/c/out-1"));
        assert_eq!(
            inputs.buttons,
            vec![
                ButtonInput::QuickReply { index: 0, payload: "quote:qt.1:ask".into() },
                ButtonInput::QuickReply { index: 1, payload: "quote:qt.1:accept".into() },
            ],
            "by label, not by place"
        );
    }

    #[test]
    fn a_named_body_takes_the_values_by_name() {
        let t = quote_ready(
            ParameterFormat::Named,
            "{{customer_name}}: {{total}} until {{valid_until}}",
            &["customer_name", "total", "valid_until"],
        );
        let OutboundContent::Template { params, inputs, .. } =
            quote_template_content(&t, &values(), "k", "f.pdf", &answers())
        else {
            panic!("a template")
        };
        assert!(params.is_empty());
        let named: Vec<(&str, &str)> =
            inputs.named.iter().map(|p| (p.parameter_name.as_str(), p.text.as_str())).collect();
        assert_eq!(named, vec![("customer_name", "आशा"), ("total", "₹1,180.00"), ("valid_until", "2026-12-31")]);
    }
}
