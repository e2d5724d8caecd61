//! Checking what staff give a template against the template itself, before
//! anything is queued: what Meta would refuse (a missing header, positional
//! values for a named template, a URL button without its suffix) is named
//! here instead, so staff can fix it.

use super::template::Template;
use super::template_component::{ParameterFormat, TemplateButton, TemplateHeader};
use super::template_inputs::{ButtonInput, HeaderInput, MediaSource, NamedParam, TemplateInputs};

/// The longest quick-reply payload accepted.
const MAX_PAYLOAD: usize = 256;
/// The longest URL suffix accepted.
const MAX_URL_SUFFIX: usize = 2000;
/// Meta's longest coupon code.
const MAX_COUPON: usize = 20;

/// What is missing or wrong, in words staff can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplatePartProblem {
    /// The template's header needs a value that was not given.
    #[error("the {0} header needs {1}")]
    HeaderMissing(&'static str, &'static str),
    /// A header value of another kind than the template's header.
    #[error("the header is {expected}, but a {given} value was given")]
    HeaderKind {
        /// The template's header format.
        expected: &'static str,
        /// The value's kind.
        given: &'static str,
    },
    /// A header value for a template whose header takes none.
    #[error("this template's header takes no value")]
    HeaderNotExpected,
    /// A header text Meta would refuse.
    #[error("the header text is blank or has newlines, tabs or more than 4 spaces in a row")]
    HeaderText,
    /// Neither an https link nor a media id.
    #[error("the header media needs an https link or a Meta media id")]
    MediaSource,
    /// Coordinates out of range or not numbers.
    #[error("the header location needs a latitude from -90 to 90 and a longitude from -180 to 180")]
    Location,
    /// Positional values for a named template.
    #[error("this template's body parameters are named ({0}); send them by name")]
    NamedExpected(String),
    /// Named values for a positional template.
    #[error("this template's body parameters are positional ({{{{1}}}}, {{{{2}}}}…), not named")]
    PositionalExpected,
    /// A named parameter left out.
    #[error("body parameter {0:?} is missing")]
    NamedMissing(String),
    /// A name the template does not have.
    #[error("body parameter {0:?} is not in this template")]
    NamedUnknown(String),
    /// A named value Meta would refuse.
    #[error("body parameter {0:?} is blank or has newlines, tabs or more than 4 spaces in a row")]
    NamedBad(String),
    /// A button that needs a value got none.
    #[error("button {index} ({label}) needs {what}")]
    ButtonMissing {
        /// The button's place.
        index: u8,
        /// Its label.
        label: String,
        /// What it needs.
        what: &'static str,
    },
    /// A value for a button that is not there or is of another kind.
    #[error("button {index} does not take {what}")]
    ButtonMismatch {
        /// The place given.
        index: u8,
        /// What was given.
        what: &'static str,
    },
    /// Two values for one button.
    #[error("button {0} is given twice")]
    ButtonTwice(u8),
    /// A blank or overlong suffix or payload.
    #[error("button {0}'s value is blank, too long, or has newlines")]
    ButtonValue(u8),
    /// A coupon code Meta would refuse.
    #[error("the coupon code must be 1 to {MAX_COUPON} letters or digits")]
    CouponCode,
}

/// Whether Meta takes this as a text parameter: not blank, no newlines or
/// tabs, no more than four spaces in a row.
pub fn param_ok(param: &str) -> bool {
    !param.trim().is_empty() && !param.contains(['\n', '\t']) && !param.contains("     ")
}

/// Checks `inputs` (and that `positional` fits the parameter format) against
/// `template`, and returns them bound to it: the header parameter's name
/// filled in and named parameters in the template's order. Positional body
/// values are checked by the caller.
pub fn check_inputs(
    template: &Template,
    positional: &[String],
    inputs: &TemplateInputs,
) -> Result<TemplateInputs, TemplatePartProblem> {
    let named = check_named(template, positional, &inputs.named)?;
    let header = check_header(template, inputs.header.as_ref())?;
    let buttons = check_buttons(template, &inputs.buttons)?;
    Ok(TemplateInputs { header, named, buttons })
}

/// Checks the parts of a template that are the same for every recipient of
/// a campaign, its header's value and its buttons' values, and returns them
/// bound to it. A file in the business's bucket is kept under one contact,
/// so a campaign's header takes a link or a Meta media id instead.
pub fn check_fixed_parts(template: &Template, inputs: &TemplateInputs) -> Result<TemplateInputs, TemplatePartProblem> {
    let stored = |input: &HeaderInput| {
        matches!(
            input,
            HeaderInput::Image { image: MediaSource::Stored(_) }
                | HeaderInput::Video { video: MediaSource::Stored(_) }
                | HeaderInput::Document { document: MediaSource::Stored(_), .. }
        )
    };
    if inputs.header.as_ref().is_some_and(stored) {
        return Err(TemplatePartProblem::MediaSource);
    }
    let header = check_header(template, inputs.header.as_ref())?;
    let buttons = check_buttons(template, &inputs.buttons)?;
    Ok(TemplateInputs { header, named: Vec::new(), buttons })
}

fn check_named(
    template: &Template,
    positional: &[String],
    given: &[NamedParam],
) -> Result<Vec<NamedParam>, TemplatePartProblem> {
    if template.parameter_format == ParameterFormat::Positional {
        return if given.is_empty() { Ok(Vec::new()) } else { Err(TemplatePartProblem::PositionalExpected) };
    }
    if !positional.is_empty() {
        return Err(TemplatePartProblem::NamedExpected(template.body_param_names.join(", ")));
    }
    if let Some(unknown) = given.iter().find(|p| !template.body_param_names.contains(&p.parameter_name)) {
        return Err(TemplatePartProblem::NamedUnknown(unknown.parameter_name.clone()));
    }
    template
        .body_param_names
        .iter()
        .map(|name| {
            let value = given
                .iter()
                .find(|p| &p.parameter_name == name)
                .ok_or_else(|| TemplatePartProblem::NamedMissing(name.clone()))?;
            if !param_ok(&value.text) {
                return Err(TemplatePartProblem::NamedBad(name.clone()));
            }
            Ok(NamedParam { parameter_name: name.clone(), text: value.text.clone() })
        })
        .collect()
}

fn check_header(template: &Template, given: Option<&HeaderInput>) -> Result<Option<HeaderInput>, TemplatePartProblem> {
    let expected = match &template.header {
        None | Some(TemplateHeader::Text { parameter: None, .. }) => {
            return match given {
                None => Ok(None),
                Some(_) => Err(TemplatePartProblem::HeaderNotExpected),
            }
        }
        Some(header) => header,
    };
    let Some(given) = given else {
        let what = match expected {
            TemplateHeader::Text { .. } => "its text parameter",
            TemplateHeader::Location => "a latitude and longitude",
            _ => "an https link or a Meta media id",
        };
        return Err(TemplatePartProblem::HeaderMissing(expected.format_name(), what));
    };
    if given.format_name() != expected.format_name() {
        return Err(TemplatePartProblem::HeaderKind { expected: expected.format_name(), given: given.format_name() });
    }
    match (expected, given) {
        (TemplateHeader::Text { parameter, .. }, HeaderInput::Text { text, .. }) => {
            if !param_ok(text) {
                return Err(TemplatePartProblem::HeaderText);
            }
            let parameter_name = match template.parameter_format {
                ParameterFormat::Named => parameter.clone(),
                ParameterFormat::Positional => None,
            };
            Ok(Some(HeaderInput::Text { text: text.clone(), parameter_name }))
        }
        (_, HeaderInput::Image { image: media })
        | (_, HeaderInput::Video { video: media })
        | (_, HeaderInput::Document { document: media, .. }) => {
            if !media_ok(media) {
                return Err(TemplatePartProblem::MediaSource);
            }
            Ok(Some(given.clone()))
        }
        (_, HeaderInput::Location { latitude, longitude, .. }) => {
            let in_range = |text: &str, limit: f64| {
                text.trim().parse::<f64>().is_ok_and(|v| v.is_finite() && (-limit..=limit).contains(&v))
            };
            if !in_range(latitude, 90.0) || !in_range(longitude, 180.0) {
                return Err(TemplatePartProblem::Location);
            }
            Ok(Some(given.clone()))
        }
        _ => Err(TemplatePartProblem::HeaderKind { expected: expected.format_name(), given: given.format_name() }),
    }
}

fn media_ok(media: &MediaSource) -> bool {
    match media {
        MediaSource::Link(link) => {
            link.len() > "https://".len()
                && link.len() <= 2000
                && link.get(..8).is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
                && !link.contains(char::is_whitespace)
        }
        MediaSource::Id(id) => !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_digit()),
        // Whose file it is, and that it is there, is the send's to check.
        MediaSource::Stored(file) => !file.key.is_empty(),
    }
}

fn check_buttons(template: &Template, given: &[ButtonInput]) -> Result<Vec<ButtonInput>, TemplatePartProblem> {
    let mut bound: Vec<ButtonInput> = Vec::new();
    for input in given {
        let index = input.index();
        if bound.iter().any(|b| b.index() == index) {
            return Err(TemplatePartProblem::ButtonTwice(index));
        }
        let button = template.buttons.get(usize::from(index));
        match (button, input) {
            (Some(TemplateButton::Url { dynamic: true, .. }), ButtonInput::Url { text, .. }) => {
                if !param_ok(text) || text.len() > MAX_URL_SUFFIX {
                    return Err(TemplatePartProblem::ButtonValue(index));
                }
            }
            (Some(TemplateButton::CopyCode { .. }), ButtonInput::CopyCode { coupon_code, .. }) => {
                let ok = !coupon_code.is_empty()
                    && coupon_code.chars().count() <= MAX_COUPON
                    && coupon_code.chars().all(char::is_alphanumeric);
                if !ok {
                    return Err(TemplatePartProblem::CouponCode);
                }
            }
            (Some(TemplateButton::QuickReply { .. }), ButtonInput::QuickReply { payload, .. }) => {
                if payload.trim().is_empty() || payload.len() > MAX_PAYLOAD || payload.contains('\n') {
                    return Err(TemplatePartProblem::ButtonValue(index));
                }
            }
            (_, ButtonInput::Url { .. }) => {
                return Err(TemplatePartProblem::ButtonMismatch { index, what: "a URL suffix" })
            }
            (_, ButtonInput::CopyCode { .. }) => {
                return Err(TemplatePartProblem::ButtonMismatch { index, what: "a coupon code" })
            }
            (_, ButtonInput::QuickReply { .. }) => {
                return Err(TemplatePartProblem::ButtonMismatch { index, what: "a quick-reply payload" })
            }
        }
        bound.push(input.clone());
    }
    for (index, button) in template.buttons.iter().enumerate() {
        let index = u8::try_from(index).unwrap_or(u8::MAX);
        let what = match button {
            TemplateButton::Url { dynamic: true, .. } => "its URL suffix",
            TemplateButton::CopyCode { .. } => "its coupon code",
            _ => continue,
        };
        if !bound.iter().any(|b| b.index() == index) {
            return Err(TemplatePartProblem::ButtonMissing { index, label: button.label().to_owned(), what });
        }
    }
    bound.sort_by_key(ButtonInput::index);
    Ok(bound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::Category;

    fn rich() -> Template {
        Template {
            header: Some(TemplateHeader::Image),
            footer: Some("Reply STOP to opt out".into()),
            buttons: vec![
                TemplateButton::Url { text: "See it".into(), url: "https://shop.test/p/{{1}}".into(), dynamic: true },
                TemplateButton::QuickReply { text: "Interested".into() },
                TemplateButton::CopyCode { example: Some("SAVE10".into()) },
                TemplateButton::PhoneNumber { text: "Call".into(), phone_number: "+911234567890".into() },
            ],
            parameter_format: ParameterFormat::Named,
            body_param_names: vec!["customer_name".into(), "part".into()],
            body_params: 2,
            ..Template::body_only(
                "part_offer",
                "en_US",
                Category::Marketing,
                "APPROVED",
                "Hi {{customer_name}}, {{part}}",
            )
        }
    }

    fn named(pairs: &[(&str, &str)]) -> Vec<NamedParam> {
        pairs.iter().map(|(n, t)| NamedParam { parameter_name: (*n).into(), text: (*t).into() }).collect()
    }

    fn complete() -> TemplateInputs {
        TemplateInputs {
            header: Some(HeaderInput::Image { image: MediaSource::Link("https://cdn.shop.test/pump.jpg".into()) }),
            // Out of the template's order on purpose.
            named: named(&[("part", "pump"), ("customer_name", "Asha")]),
            buttons: vec![
                ButtonInput::CopyCode { index: 2, coupon_code: "SAVE10".into() },
                ButtonInput::Url { index: 0, text: "pump-42".into() },
            ],
        }
    }

    #[test]
    fn a_complete_send_is_bound_to_the_template_order() {
        let bound = check_inputs(&rich(), &[], &complete()).unwrap();
        assert_eq!(bound.named, named(&[("customer_name", "Asha"), ("part", "pump")]));
        assert_eq!(bound.buttons.iter().map(ButtonInput::index).collect::<Vec<_>>(), [0, 2]);
    }

    #[test]
    fn named_parameters_sent_as_positional_are_refused() {
        let inputs = TemplateInputs { named: vec![], ..complete() };
        assert_eq!(
            check_inputs(&rich(), &["Asha".into(), "pump".into()], &inputs),
            Err(TemplatePartProblem::NamedExpected("customer_name, part".into()))
        );
        let positional = Template::body_only("t", "en_US", Category::Utility, "APPROVED", "Hi {{1}}");
        assert_eq!(
            check_inputs(&positional, &[], &TemplateInputs { named: named(&[("1", "Asha")]), ..Default::default() }),
            Err(TemplatePartProblem::PositionalExpected)
        );
    }

    #[test]
    fn named_parameters_are_all_needed_and_only_the_templates() {
        let missing = TemplateInputs { named: named(&[("part", "pump")]), ..complete() };
        assert_eq!(
            check_inputs(&rich(), &[], &missing),
            Err(TemplatePartProblem::NamedMissing("customer_name".into()))
        );
        let unknown = TemplateInputs { named: named(&[("part", "pump"), ("name", "Asha")]), ..complete() };
        assert_eq!(check_inputs(&rich(), &[], &unknown), Err(TemplatePartProblem::NamedUnknown("name".into())));
        let blank = TemplateInputs { named: named(&[("part", " "), ("customer_name", "Asha")]), ..complete() };
        assert_eq!(check_inputs(&rich(), &[], &blank), Err(TemplatePartProblem::NamedBad("part".into())));
    }

    #[test]
    fn a_media_header_must_be_given_and_of_the_right_kind() {
        let dropped = TemplateInputs { header: None, ..complete() };
        assert_eq!(
            check_inputs(&rich(), &[], &dropped),
            Err(TemplatePartProblem::HeaderMissing("IMAGE", "an https link or a Meta media id"))
        );
        let video = TemplateInputs {
            header: Some(HeaderInput::Video { video: MediaSource::Id("1166846181421424".into()) }),
            ..complete()
        };
        assert_eq!(
            check_inputs(&rich(), &[], &video),
            Err(TemplatePartProblem::HeaderKind { expected: "IMAGE", given: "VIDEO" })
        );
        for bad in [
            MediaSource::Link("http://cdn.shop.test/pump.jpg".into()),
            MediaSource::Link("https://".into()),
            MediaSource::Link("https://cdn.shop.test/a pump.jpg".into()),
            MediaSource::Id("abc".into()),
            MediaSource::Id(String::new()),
        ] {
            let inputs = TemplateInputs { header: Some(HeaderInput::Image { image: bad.clone() }), ..complete() };
            assert_eq!(check_inputs(&rich(), &[], &inputs), Err(TemplatePartProblem::MediaSource), "{bad:?}");
        }
        let by_id = TemplateInputs {
            header: Some(HeaderInput::Image { image: MediaSource::Id("1166846181421424".into()) }),
            ..complete()
        };
        assert!(check_inputs(&rich(), &[], &by_id).is_ok());
    }

    #[test]
    fn a_text_header_parameter_must_be_given_and_gets_its_name() {
        let mut t = Template::body_only("t", "en_US", Category::Utility, "APPROVED", "Hi");
        t.header = Some(TemplateHeader::Text { text: "Order {{1}}".into(), parameter: Some("1".into()) });
        assert_eq!(
            check_inputs(&t, &[], &TemplateInputs::default()),
            Err(TemplatePartProblem::HeaderMissing("TEXT", "its text parameter"))
        );
        let header = |text: &str| TemplateInputs {
            header: Some(HeaderInput::Text { text: text.into(), parameter_name: None }),
            ..Default::default()
        };
        assert_eq!(check_inputs(&t, &[], &header("a\nb")), Err(TemplatePartProblem::HeaderText));
        let bound = check_inputs(&t, &[], &header("#42")).unwrap();
        assert_eq!(bound.header, Some(HeaderInput::Text { text: "#42".into(), parameter_name: None }));
        t.parameter_format = ParameterFormat::Named;
        t.header = Some(TemplateHeader::Text { text: "Order {{order}}".into(), parameter: Some("order".into()) });
        let bound = check_inputs(&t, &[], &header("#42")).unwrap();
        assert_eq!(bound.header, Some(HeaderInput::Text { text: "#42".into(), parameter_name: Some("order".into()) }));
        let fixed = Template::body_only("t", "en_US", Category::Utility, "APPROVED", "Hi");
        assert_eq!(check_inputs(&fixed, &[], &header("x")), Err(TemplatePartProblem::HeaderNotExpected));
    }

    #[test]
    fn a_location_header_needs_coordinates_in_range() {
        let mut t = Template::body_only("t", "en_US", Category::Utility, "APPROVED", "Visit us");
        t.header = Some(TemplateHeader::Location);
        let at = |lat: &str, lon: &str| TemplateInputs {
            header: Some(HeaderInput::Location {
                latitude: lat.into(),
                longitude: lon.into(),
                name: Some("Shop".into()),
                address: None,
            }),
            ..Default::default()
        };
        assert!(check_inputs(&t, &[], &at("19.0760", "72.8777")).is_ok());
        for (lat, lon) in [("91", "0"), ("0", "-181"), ("north", "0"), ("NaN", "0")] {
            assert_eq!(check_inputs(&t, &[], &at(lat, lon)), Err(TemplatePartProblem::Location), "{lat} {lon}");
        }
    }

    #[test]
    fn buttons_that_need_values_get_them_and_no_others() {
        let no_suffix = TemplateInputs {
            buttons: vec![ButtonInput::CopyCode { index: 2, coupon_code: "SAVE10".into() }],
            ..complete()
        };
        assert_eq!(
            check_inputs(&rich(), &[], &no_suffix),
            Err(TemplatePartProblem::ButtonMissing { index: 0, label: "See it".into(), what: "its URL suffix" })
        );
        let no_code =
            TemplateInputs { buttons: vec![ButtonInput::Url { index: 0, text: "pump-42".into() }], ..complete() };
        assert!(matches!(
            check_inputs(&rich(), &[], &no_code),
            Err(TemplatePartProblem::ButtonMissing { index: 2, what: "its coupon code", .. })
        ));
        let mut with = complete();
        with.buttons.push(ButtonInput::QuickReply { index: 3, payload: "x".into() });
        assert_eq!(
            check_inputs(&rich(), &[], &with),
            Err(TemplatePartProblem::ButtonMismatch { index: 3, what: "a quick-reply payload" })
        );
        let mut with = complete();
        with.buttons.push(ButtonInput::QuickReply { index: 1, payload: "INTERESTED_PUMP".into() });
        assert_eq!(check_inputs(&rich(), &[], &with).unwrap().buttons.len(), 3);
        let mut twice = complete();
        twice.buttons.push(ButtonInput::Url { index: 0, text: "again".into() });
        assert_eq!(check_inputs(&rich(), &[], &twice), Err(TemplatePartProblem::ButtonTwice(0)));
        for code in ["", "SAVE 10", "ABCDEFGHIJKLMNOPQRSTU"] {
            let inputs = TemplateInputs {
                buttons: vec![
                    ButtonInput::Url { index: 0, text: "p".into() },
                    ButtonInput::CopyCode { index: 2, coupon_code: code.into() },
                ],
                ..complete()
            };
            assert_eq!(check_inputs(&rich(), &[], &inputs), Err(TemplatePartProblem::CouponCode), "{code:?}");
        }
    }
}
