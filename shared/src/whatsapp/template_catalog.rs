//! One entry of the Business Management API's template list
//! (`GET /<WABA_ID>/message_templates`): its `components` (HEADER with a
//! `format`, BODY, FOOTER, BUTTONS) and `parameter_format`, read into a
//! [`Template`].

use crate::domain::template::{Category, Template};
use crate::domain::template_component::{placeholders, ParameterFormat, TemplateButton, TemplateHeader};
use serde_json::Value;

fn kind(value: &Value, field: &str) -> String {
    value[field].as_str().unwrap_or_default().to_ascii_uppercase()
}

fn component<'a>(components: &'a [Value], wanted: &str) -> Option<&'a Value> {
    components.iter().find(|c| kind(c, "type") == wanted)
}

fn text(value: &Value, field: &str) -> Option<String> {
    value[field].as_str().map(str::to_owned)
}

/// Reads one template; `None` when it lacks a name, language or known
/// category.
pub fn template_from(value: &Value) -> Option<Template> {
    let components = value["components"].as_array().map(Vec::as_slice).unwrap_or_default();
    let body = component(components, "BODY").and_then(|c| text(c, "text")).unwrap_or_default();
    let names = placeholders(&body);
    // Meta lists `parameter_format`; a template created before it existed
    // is positional unless its placeholders are names.
    let named = match value["parameter_format"].as_str() {
        Some(format) => format.eq_ignore_ascii_case("NAMED"),
        None => names.iter().any(|n| n.parse::<usize>().is_err()),
    };
    let (parameter_format, body_params, body_param_names) = if named {
        (ParameterFormat::Named, names.len(), names)
    } else {
        (ParameterFormat::Positional, Template::count_params(&body), Vec::new())
    };
    Some(Template {
        name: value["name"].as_str()?.to_owned(),
        language: value["language"].as_str()?.to_owned(),
        category: Category::parse(value["category"].as_str()?)?,
        status: value["status"].as_str().unwrap_or("PENDING").to_owned(),
        body_params,
        body,
        parameter_format,
        body_param_names,
        header: component(components, "HEADER").and_then(header_from),
        footer: component(components, "FOOTER").and_then(|c| text(c, "text")),
        buttons: component(components, "BUTTONS")
            .and_then(|c| c["buttons"].as_array())
            .map(|buttons| buttons.iter().map(button_from).collect())
            .unwrap_or_default(),
        // The catalog gives the status, not why: the webhook does.
        status_reason: None,
        waba_id: None,
    })
}

fn header_from(header: &Value) -> Option<TemplateHeader> {
    Some(match kind(header, "format").as_str() {
        "TEXT" => {
            let text = text(header, "text").unwrap_or_default();
            let parameter = placeholders(&text).into_iter().next();
            TemplateHeader::Text { text, parameter }
        }
        "IMAGE" => TemplateHeader::Image,
        "VIDEO" => TemplateHeader::Video,
        "DOCUMENT" => TemplateHeader::Document,
        "LOCATION" => TemplateHeader::Location,
        _ => return None,
    })
}

fn button_from(button: &Value) -> TemplateButton {
    let label = text(button, "text").unwrap_or_default();
    match kind(button, "type").as_str() {
        "QUICK_REPLY" => TemplateButton::QuickReply { text: label },
        "URL" => {
            let url = text(button, "url").unwrap_or_default();
            let dynamic = !placeholders(&url).is_empty();
            TemplateButton::Url { text: label, url, dynamic }
        }
        "COPY_CODE" => TemplateButton::CopyCode {
            example: button["example"].as_str().or_else(|| button["example"][0].as_str()).map(str::to_owned),
        },
        "PHONE_NUMBER" => {
            TemplateButton::PhoneNumber { text: label, phone_number: text(button, "phone_number").unwrap_or_default() }
        }
        other => TemplateButton::Other { kind: other.to_owned(), text: label },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_component_of_a_named_template() {
        // Shaped like Meta's documented list entries.
        let entry = json!({
            "name": "seasonal_promotion",
            "parameter_format": "NAMED",
            "components": [
                { "type": "HEADER", "format": "TEXT", "text": "{{sale_name}} is here!",
                  "example": { "header_text_named_params": [ { "param_name": "sale_name", "example": "Black Friday Sale" } ] } },
                { "type": "BODY", "text": "Save big with code {{discount_code}}. Offer ends {{end_date}}.",
                  "example": { "body_text_named_params": [
                    { "param_name": "discount_code", "example": "BF2024" },
                    { "param_name": "end_date", "example": "November 30th" } ] } },
                { "type": "FOOTER", "text": "Terms and conditions apply" },
                { "type": "BUTTONS", "buttons": [
                    { "type": "QUICK_REPLY", "text": "Unsubscribe" },
                    { "type": "URL", "text": "Shop now", "url": "https://www.example.com/shop/{{1}}",
                      "example": [ "https://www.example.com/shop/summer" ] },
                    { "type": "COPY_CODE", "example": "BF2024" },
                    { "type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+15550051310" }
                ] }
            ],
            "language": "en_US",
            "status": "APPROVED",
            "category": "MARKETING",
            "id": "1"
        });
        let t = template_from(&entry).unwrap();
        assert_eq!(t.parameter_format, ParameterFormat::Named);
        assert_eq!(t.body_param_names, ["discount_code", "end_date"]);
        assert_eq!(t.body_params, 2);
        assert_eq!(
            t.header,
            Some(TemplateHeader::Text { text: "{{sale_name}} is here!".into(), parameter: Some("sale_name".into()) })
        );
        assert_eq!(t.footer.as_deref(), Some("Terms and conditions apply"));
        assert_eq!(
            t.buttons,
            [
                TemplateButton::QuickReply { text: "Unsubscribe".into() },
                TemplateButton::Url {
                    text: "Shop now".into(),
                    url: "https://www.example.com/shop/{{1}}".into(),
                    dynamic: true
                },
                TemplateButton::CopyCode { example: Some("BF2024".into()) },
                TemplateButton::PhoneNumber { text: "Call us".into(), phone_number: "+15550051310".into() },
            ]
        );
    }

    #[test]
    fn reads_media_and_location_headers_and_positional_bodies() {
        for (format, header) in [
            ("IMAGE", TemplateHeader::Image),
            ("VIDEO", TemplateHeader::Video),
            ("DOCUMENT", TemplateHeader::Document),
            ("LOCATION", TemplateHeader::Location),
        ] {
            let entry = json!({"name": "t", "language": "en_US", "status": "APPROVED", "category": "UTILITY",
                "components": [{"type": "HEADER", "format": format, "example": {"header_handle": ["4::aW..."]}},
                               {"type": "BODY", "text": "Hi {{1}}, order {{2}}", "example": {"body_text": [["Pablo", "#1"]]}}]});
            let t = template_from(&entry).unwrap();
            assert_eq!(t.header, Some(header));
            assert_eq!((t.parameter_format, t.body_params), (ParameterFormat::Positional, 2));
            assert!(t.body_param_names.is_empty());
        }
        let plain = json!({"name": "t", "language": "en_US", "category": "UTILITY",
            "components": [{"type": "HEADER", "format": "TEXT", "text": "Our sale"}, {"type": "BODY", "text": "Hi"}]});
        let t = template_from(&plain).unwrap();
        assert_eq!(t.header, Some(TemplateHeader::Text { text: "Our sale".into(), parameter: None }));
        assert_eq!(t.status, "PENDING");
    }
}
