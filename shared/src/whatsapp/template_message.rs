//! The `template` object of a Cloud API send, as Meta documents it
//! ("Template object" and its components): a header component with the
//! header's parameter, a body component with the body's parameters (each
//! with `parameter_name` for a named template), and one button component per
//! button value, with its `sub_type` and `index`.

use crate::domain::template_inputs::{ButtonInput, HeaderInput, MediaSource, TemplateInputs};
use serde_json::{json, Map, Value};

/// The `template` object for `name` in `language`. `stored_link` is the
/// link signed for a header file kept in the business's bucket.
pub fn template_object(
    name: &str,
    language: &str,
    params: &[String],
    inputs: &TemplateInputs,
    stored_link: Option<&str>,
) -> Value {
    let mut components = Vec::new();
    if let Some(header) = &inputs.header {
        components.push(json!({ "type": "header", "parameters": [header_parameter(header, stored_link)] }));
    }
    let body: Vec<Value> = if inputs.named.is_empty() {
        params.iter().map(|p| json!({ "type": "text", "text": p })).collect()
    } else {
        inputs
            .named
            .iter()
            .map(|p| json!({ "type": "text", "parameter_name": p.parameter_name, "text": p.text }))
            .collect()
    };
    if !body.is_empty() {
        components.push(json!({ "type": "body", "parameters": body }));
    }
    components.extend(inputs.buttons.iter().map(button_component));
    let mut template = json!({ "name": name, "language": { "code": language } });
    if !components.is_empty() {
        template["components"] = Value::Array(components);
    }
    template
}

fn media_object(source: &MediaSource, stored_link: Option<&str>) -> Map<String, Value> {
    let mut object = Map::new();
    match source {
        MediaSource::Link(link) => object.insert("link".into(), json!(link)),
        MediaSource::Id(id) => object.insert("id".into(), json!(id)),
        MediaSource::Stored(_) => object.insert("link".into(), json!(stored_link)),
    };
    object
}

fn header_parameter(header: &HeaderInput, stored_link: Option<&str>) -> Value {
    match header {
        HeaderInput::Text { text, parameter_name: Some(name) } => {
            json!({ "type": "text", "parameter_name": name, "text": text })
        }
        HeaderInput::Text { text, parameter_name: None } => json!({ "type": "text", "text": text }),
        HeaderInput::Image { image } => json!({ "type": "image", "image": media_object(image, stored_link) }),
        HeaderInput::Video { video } => json!({ "type": "video", "video": media_object(video, stored_link) }),
        HeaderInput::Document { document, filename } => {
            let mut object = media_object(document, stored_link);
            if let Some(filename) = filename {
                object.insert("filename".into(), json!(filename));
            }
            json!({ "type": "document", "document": object })
        }
        HeaderInput::Location { latitude, longitude, name, address } => {
            let mut location = json!({ "latitude": latitude, "longitude": longitude });
            if let Some(name) = name {
                location["name"] = json!(name);
            }
            if let Some(address) = address {
                location["address"] = json!(address);
            }
            json!({ "type": "location", "location": location })
        }
    }
}

fn button_component(button: &ButtonInput) -> Value {
    let (sub_type, parameter) = match button {
        ButtonInput::Url { text, .. } => ("url", json!({ "type": "text", "text": text })),
        ButtonInput::CopyCode { coupon_code, .. } => {
            ("copy_code", json!({ "type": "coupon_code", "coupon_code": coupon_code }))
        }
        ButtonInput::QuickReply { payload, .. } => ("quick_reply", json!({ "type": "payload", "payload": payload })),
    };
    json!({ "type": "button", "sub_type": sub_type, "index": button.index().to_string(), "parameters": [parameter] })
}

#[cfg(test)]
mod tests {
    //! Golden tests: each expected object is Meta's documented example for
    //! that component ("Send message templates", the template object
    //! reference, and the media, location, coupon-code and named-parameter
    //! guides), with the example's values.
    use super::*;
    use crate::domain::template_inputs::{NamedParam, StoredFile};

    fn named(pairs: &[(&str, &str)]) -> Vec<NamedParam> {
        pairs.iter().map(|(n, t)| NamedParam { parameter_name: (*n).into(), text: (*t).into() }).collect()
    }

    #[test]
    fn text_header_and_positional_body() {
        let inputs = TemplateInputs {
            header: Some(HeaderInput::Text { text: "#12345".into(), parameter_name: None }),
            ..TemplateInputs::default()
        };
        let got = template_object("order_shipped", "en_US", &["Pablo".into(), "860198-230332".into()], &inputs, None);
        let expected = json!({
            "name": "order_shipped",
            "language": { "code": "en_US" },
            "components": [
                { "type": "header", "parameters": [ { "type": "text", "text": "#12345" } ] },
                { "type": "body", "parameters": [
                    { "type": "text", "text": "Pablo" },
                    { "type": "text", "text": "860198-230332" }
                ] }
            ]
        });
        assert_eq!(got, expected);
    }

    #[test]
    fn named_parameters_carry_their_names() {
        let inputs = TemplateInputs {
            header: Some(HeaderInput::Text { text: "Summer".into(), parameter_name: Some("sale_name".into()) }),
            named: named(&[("first_name", "Jessica"), ("order_number", "SKBUP2-4CPIG9")]),
            ..TemplateInputs::default()
        };
        let got = template_object("order_confirmation", "en_US", &[], &inputs, None);
        let expected = json!({
            "name": "order_confirmation",
            "language": { "code": "en_US" },
            "components": [
                { "type": "header", "parameters": [
                    { "type": "text", "parameter_name": "sale_name", "text": "Summer" }
                ] },
                { "type": "body", "parameters": [
                    { "type": "text", "parameter_name": "first_name", "text": "Jessica" },
                    { "type": "text", "parameter_name": "order_number", "text": "SKBUP2-4CPIG9" }
                ] }
            ]
        });
        assert_eq!(got, expected);
    }

    #[test]
    fn image_video_and_document_headers_by_link_or_id() {
        let image = TemplateInputs {
            header: Some(HeaderInput::Image {
                image: MediaSource::Link("https://www.luckyshrub.com/assets/lucky-shrub-banner-logo-v1.png".into()),
            }),
            ..TemplateInputs::default()
        };
        assert_eq!(
            template_object("t", "en_US", &[], &image, None)["components"][0],
            json!({ "type": "header", "parameters": [
                { "type": "image", "image": { "link": "https://www.luckyshrub.com/assets/lucky-shrub-banner-logo-v1.png" } }
            ] })
        );
        let video = TemplateInputs {
            header: Some(HeaderInput::Video { video: MediaSource::Id("1166846181421424".into()) }),
            ..TemplateInputs::default()
        };
        assert_eq!(
            template_object("t", "en_US", &[], &video, None)["components"][0],
            json!({ "type": "header", "parameters": [ { "type": "video", "video": { "id": "1166846181421424" } } ] })
        );
        let document = TemplateInputs {
            header: Some(HeaderInput::Document {
                document: MediaSource::Link("https://www.example.com/receipts/5521.pdf".into()),
                filename: Some("receipt.pdf".into()),
            }),
            ..TemplateInputs::default()
        };
        assert_eq!(
            template_object("t", "en_US", &[], &document, None)["components"][0],
            json!({ "type": "header", "parameters": [ { "type": "document", "document": {
                "link": "https://www.example.com/receipts/5521.pdf", "filename": "receipt.pdf"
            } } ] })
        );
    }

    #[test]
    fn a_stored_header_file_goes_by_the_link_signed_for_this_attempt() {
        let inputs = TemplateInputs {
            header: Some(HeaderInput::Document {
                document: MediaSource::Stored(StoredFile {
                    key: "media/c1/out-q1".into(),
                    mime_type: "application/pdf".into(),
                }),
                filename: Some("QT-2026-0001.pdf".into()),
            }),
            ..TemplateInputs::default()
        };
        assert_eq!(inputs.stored_header().map(|f| f.key.as_str()), Some("media/c1/out-q1"));
        assert_eq!(
            template_object("quote_ready", "en_US", &[], &inputs, Some("https://bucket.test/q?sig"))["components"][0],
            json!({ "type": "header", "parameters": [ { "type": "document", "document": {
                "link": "https://bucket.test/q?sig", "filename": "QT-2026-0001.pdf"
            } } ] }),
            "the bucket key itself never reaches Meta"
        );
    }

    #[test]
    fn location_header() {
        let inputs = TemplateInputs {
            header: Some(HeaderInput::Location {
                latitude: "37.483307".into(),
                longitude: "-122.148981".into(),
                name: Some("Pablo Morales".into()),
                address: Some("1 Hacker Way, Menlo Park, CA 94025".into()),
            }),
            ..TemplateInputs::default()
        };
        assert_eq!(
            template_object("t", "en_US", &[], &inputs, None)["components"][0],
            json!({ "type": "header", "parameters": [ { "type": "location", "location": {
                "latitude": "37.483307",
                "longitude": "-122.148981",
                "name": "Pablo Morales",
                "address": "1 Hacker Way, Menlo Park, CA 94025"
            } } ] })
        );
    }

    #[test]
    fn buttons_carry_sub_type_index_and_parameter() {
        let inputs = TemplateInputs {
            buttons: vec![
                ButtonInput::Url { index: 0, text: "summer2023".into() },
                ButtonInput::QuickReply { index: 1, payload: "PAYLOAD".into() },
                ButtonInput::CopyCode { index: 2, coupon_code: "25OFF".into() },
            ],
            ..TemplateInputs::default()
        };
        let got = template_object("t", "en_US", &[], &inputs, None)["components"].clone();
        let expected = json!([
            { "type": "button", "sub_type": "url", "index": "0",
              "parameters": [ { "type": "text", "text": "summer2023" } ] },
            { "type": "button", "sub_type": "quick_reply", "index": "1",
              "parameters": [ { "type": "payload", "payload": "PAYLOAD" } ] },
            { "type": "button", "sub_type": "copy_code", "index": "2",
              "parameters": [ { "type": "coupon_code", "coupon_code": "25OFF" } ] }
        ]);
        assert_eq!(got, expected);
    }

    #[test]
    fn a_template_without_values_has_no_components() {
        assert_eq!(
            template_object("hello_world", "en_US", &[], &TemplateInputs::default(), None),
            json!({ "name": "hello_world", "language": { "code": "en_US" } })
        );
    }
}
