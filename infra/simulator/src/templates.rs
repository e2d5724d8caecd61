//! The simulated business account's template catalog, with every component
//! type Meta has, and the checks Meta makes on a template send: each
//! component's parameters against the approved template, refused with
//! Meta's codes (132000 for a count that does not match, 132012 for a
//! parameter of the wrong format, 131009 for a button that is not there).

use serde_json::{json, Value};

/// The templates the simulated business account has.
pub fn catalog() -> Value {
    json!([
        {"name": "order_update", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "1",
         "parameter_format": "POSITIONAL",
         "components": [{"type": "BODY", "text": "Hi {{1}}, your order {{2}} has shipped."}]},
        {"name": "order_update", "language": "hi", "status": "APPROVED", "category": "UTILITY", "id": "2",
         "parameter_format": "POSITIONAL",
         "components": [{"type": "BODY", "text": "नमस्ते {{1}}, आपका ऑर्डर {{2}} भेज दिया गया है।"}]},
        {"name": "diwali_sale", "language": "en_US", "status": "APPROVED", "category": "MARKETING", "id": "3",
         "parameter_format": "POSITIONAL",
         "components": [{"type": "HEADER", "format": "TEXT", "text": "Diwali sale"}, {"type": "BODY", "text": "{{1}}, 20% off everything this week."}]},
        {"name": "login_code", "language": "en_US", "status": "APPROVED", "category": "AUTHENTICATION", "id": "4",
         "parameter_format": "POSITIONAL",
         "components": [{"type": "BODY", "text": "{{1}} is your verification code."}]},
        {"name": "winter_teaser", "language": "en_US", "status": "PENDING", "category": "MARKETING", "id": "5",
         "parameter_format": "POSITIONAL",
         "components": [{"type": "BODY", "text": "Something warm is coming."}]},
        {"name": "part_offer", "language": "en_US", "status": "APPROVED", "category": "MARKETING", "id": "6",
         "parameter_format": "NAMED",
         "components": [
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1hZ2UvanBlZw==:ARb"]}},
            {"type": "BODY", "text": "Hi {{customer_name}}, the {{part}} you asked about is in stock.",
             "example": {"body_text_named_params": [
                {"param_name": "customer_name", "example": "Asha"}, {"param_name": "part", "example": "fuel pump"}]}},
            {"type": "FOOTER", "text": "Reply STOP to opt out"},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "See the part", "url": "https://shop.example.com/parts/{{1}}",
                 "example": ["https://shop.example.com/parts/fuel-pump-42"]},
                {"type": "QUICK_REPLY", "text": "Interested"}]}]},
        {"name": "order_shipped", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "7",
         "parameter_format": "POSITIONAL",
         "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Order {{1}} shipped", "example": {"header_text": ["#1042"]}},
            {"type": "BODY", "text": "Hi {{1}}, your order is on its way.", "example": {"body_text": [["Asha"]]}},
            {"type": "FOOTER", "text": "Kumar Motors"},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "Track it", "url": "https://shop.example.com/track/{{1}}",
                 "example": ["https://shop.example.com/track/1042"]},
                {"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+919800000000"}]}]},
        {"name": "quote_ready", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "8",
         "parameter_format": "POSITIONAL",
         "components": [
            {"type": "HEADER", "format": "DOCUMENT", "example": {"header_handle": ["4::YXBwbGljYXRpb24vcGRm:ARc"]}},
            {"type": "BODY", "text": "Hi {{1}}, your quotation {{2}} is attached.", "example": {"body_text": [["Asha", "QT-2026-0001"]]}},
            {"type": "BUTTONS", "buttons": [
                {"type": "QUICK_REPLY", "text": "Accept"}, {"type": "QUICK_REPLY", "text": "Ask a question"}]}]},
        {"name": "store_visit", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "9",
         "parameter_format": "POSITIONAL",
         "components": [
            {"type": "HEADER", "format": "LOCATION"},
            {"type": "BODY", "text": "Your part is ready for pickup, {{1}}.", "example": {"body_text": [["Asha"]]}}]},
        {"name": "festive_coupon", "language": "en_US", "status": "APPROVED", "category": "MARKETING", "id": "10",
         "parameter_format": "POSITIONAL",
         "components": [
            {"type": "HEADER", "format": "VIDEO", "example": {"header_handle": ["4::dmlkZW8vbXA0:ARd"]}},
            {"type": "BODY", "text": "{{1}}, here is a festive code for you.", "example": {"body_text": [["Asha"]]}},
            {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "DIWALI10"}]}]}
    ])
}

/// A second WhatsApp Business Account Meta knows besides the business's own
/// (a partner's, or one a business keeps apart), with one number, a
/// system-user token of its own and a catalog of its own, in which
/// `order_update` is another template than the own account's.
pub mod second_account {
    /// Its id.
    pub const WABA_ID: &str = "204060080100120";
    /// Its one business number.
    pub const PHONE_NUMBER_ID: &str = "209876543210";
    /// The only token Meta takes for it (the business's own is refused).
    pub const ACCESS_TOKEN: &str = "dev-second-account-token";
}

/// The second account's templates.
pub fn second_catalog() -> Value {
    json!([
        {"name": "order_update", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "201",
         "parameter_format": "POSITIONAL",
         "components": [{"type": "BODY", "text": "Kumar Spares: order {{1}} is packed and leaves today."}]},
        {"name": "spares_welcome", "language": "en_US", "status": "APPROVED", "category": "MARKETING", "id": "202",
         "parameter_format": "POSITIONAL",
         "components": [{"type": "BODY", "text": "Welcome to Kumar Spares, {{1}}! Ask us for any part."}]}
    ])
}

/// The catalog a number's sends are checked against: its account's.
pub fn catalog_of(phone_number_id: &str) -> Value {
    if phone_number_id == second_account::PHONE_NUMBER_ID {
        second_catalog()
    } else {
        catalog()
    }
}

/// The catalog entry a send's `template` object names, by name and language.
pub fn entry_for(sent: &Value) -> Option<Value> {
    entry_in(&catalog(), sent)
}

/// The entry a send's `template` names in `catalog`.
pub fn entry_in(catalog: &Value, sent: &Value) -> Option<Value> {
    let name = sent["name"].as_str()?;
    let language = sent["language"]["code"].as_str()?;
    catalog.as_array()?.iter().find(|t| t["name"] == name && t["language"] == language).cloned()
}

/// The header file of a template send, with its kind (`document`,
/// `image`, `video`), when it has one.
pub fn header_file(sent: &Value) -> Option<(&'static str, &Value)> {
    let components = sent["components"].as_array()?;
    let header = components.iter().find(|c| upper(c, "type") == "HEADER")?;
    let parameter = header["parameters"].as_array()?.first()?;
    let kind = ["document", "image", "video"].into_iter().find(|k| parameter["type"] == *k)?;
    Some((kind, parameter))
}

/// Why Meta refuses a template send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Meta's error code.
    pub code: i64,
    /// Meta's message.
    pub message: &'static str,
    /// Meta's `error_data.details`.
    pub details: String,
}

const COUNT: &str = "Number of parameters does not match the expected number of params";
const FORMAT: &str = "Parameter format does not match format in the created template";

fn count(component: &str, given: usize, expected: usize) -> Refusal {
    Refusal {
        code: 132000,
        message: COUNT,
        details: format!(
            "{component}: number of localizable_params ({given}) does not match the expected number of params ({expected})"
        ),
    }
}

fn format(details: String) -> Refusal {
    Refusal { code: 132012, message: FORMAT, details }
}

fn upper(value: &Value, field: &str) -> String {
    value[field].as_str().unwrap_or_default().to_ascii_uppercase()
}

/// The placeholders of a text, in order, without repeats.
fn placeholders(text: &str) -> Vec<String> {
    parley::domain::template_component::placeholders(text)
}

/// Checks the `template` object of a send against the catalog `entry`.
pub fn check_send(entry: &Value, sent: &Value) -> Result<(), Refusal> {
    let approved = entry["components"].as_array().cloned().unwrap_or_default();
    let given = sent["components"].as_array().cloned().unwrap_or_default();
    let approved_part = |kind: &str| approved.iter().find(|c| upper(c, "type") == kind).cloned();
    let given_part = |kind: &str| given.iter().find(|c| upper(c, "type") == kind).cloned();
    let named = upper(entry, "parameter_format") == "NAMED";
    let params = |c: &Option<Value>| c.as_ref().and_then(|c| c["parameters"].as_array().cloned()).unwrap_or_default();

    let header = approved_part("HEADER");
    let header_params = params(&given_part("HEADER"));
    match header.as_ref().map(|h| upper(h, "format")).as_deref() {
        Some("IMAGE" | "VIDEO" | "DOCUMENT" | "LOCATION") => {
            let wanted = header.as_ref().map(|h| upper(h, "format")).unwrap_or_default();
            let received = header_params.first().map(|p| upper(p, "type")).unwrap_or_else(|| "UNKNOWN".into());
            let object = header_params.first().map(|p| &p[wanted.to_ascii_lowercase()]).cloned().unwrap_or_default();
            let usable = match wanted.as_str() {
                "LOCATION" => object.get("latitude").is_some() && object.get("longitude").is_some(),
                _ => {
                    object["link"].as_str().is_some_and(|l| l.starts_with("https://") || l.starts_with("http://"))
                        || object["id"].is_string()
                }
            };
            if received != wanted || !usable {
                return Err(format(format!("header: Format mismatch, expected {wanted}, received {received}")));
            }
        }
        _ => {
            let text = header.as_ref().and_then(|h| h["text"].as_str()).unwrap_or_default();
            let expected = placeholders(text);
            if header_params.len() != expected.len() {
                return Err(count("header", header_params.len(), expected.len()));
            }
            if named && header_params.iter().any(|p| !expected.iter().any(|n| p["parameter_name"] == n.as_str())) {
                return Err(format("header: parameter_name is missing or not in the template".into()));
            }
        }
    }

    let body_text = approved_part("BODY").and_then(|b| b["text"].as_str().map(str::to_owned)).unwrap_or_default();
    let expected = placeholders(&body_text);
    let body_params = params(&given_part("BODY"));
    if named {
        if let Some(p) = body_params.iter().find(|p| !expected.iter().any(|n| p["parameter_name"] == n.as_str())) {
            let what = p["parameter_name"].as_str().map_or("missing".to_owned(), |n| format!("{n:?} unknown"));
            return Err(format(format!("body: expected NAMED parameters; parameter_name {what}")));
        }
    }
    let wanted = if named { expected.len() } else { parley::domain::template::Template::count_params(&body_text) };
    if body_params.len() != wanted {
        return Err(count("body", body_params.len(), wanted));
    }

    let buttons = approved_part("BUTTONS").and_then(|b| b["buttons"].as_array().cloned()).unwrap_or_default();
    let sent_buttons: Vec<&Value> = given.iter().filter(|c| upper(c, "type") == "BUTTON").collect();
    let index_of = |b: &Value| {
        b["index"].as_str().and_then(|i| i.parse::<usize>().ok()).or(b["index"].as_u64().map(|i| i as usize))
    };
    for sent in &sent_buttons {
        let index = index_of(sent);
        let fits = index.and_then(|i| buttons.get(i)).is_some_and(|b| {
            matches!(
                (upper(b, "type").as_str(), upper(sent, "sub_type").as_str()),
                ("URL", "URL") | ("QUICK_REPLY", "QUICK_REPLY") | ("COPY_CODE", "COPY_CODE")
            )
        });
        if !fits {
            return Err(Refusal {
                code: 131009,
                message: "Parameter value is not valid",
                details: format!(
                    "button at index {index:?} of sub_type {} is not in the template",
                    upper(sent, "sub_type")
                ),
            });
        }
    }
    for (i, button) in buttons.iter().enumerate() {
        let needs = match upper(button, "type").as_str() {
            "URL" if !placeholders(button["url"].as_str().unwrap_or_default()).is_empty() => "text",
            "COPY_CODE" => "coupon_code",
            _ => continue,
        };
        let given = sent_buttons
            .iter()
            .find(|b| index_of(b) == Some(i))
            .and_then(|b| b["parameters"].as_array())
            .map_or(0, |p| p.iter().filter(|p| p["type"] == needs).count());
        if given != 1 {
            return Err(count(&format!("button at index {i}"), given, 1));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> Value {
        catalog().as_array().unwrap().iter().find(|t| t["name"] == name).cloned().unwrap()
    }

    #[test]
    fn a_complete_named_send_passes_and_positional_values_are_refused() {
        let ok = json!({"components": [
            {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://cdn.test/p.jpg"}}]},
            {"type": "body", "parameters": [
                {"type": "text", "parameter_name": "customer_name", "text": "Asha"},
                {"type": "text", "parameter_name": "part", "text": "pump"}]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "pump-42"}]}]});
        assert_eq!(check_send(&entry("part_offer"), &ok), Ok(()));
        let positional = json!({"components": [
            {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://cdn.test/p.jpg"}}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Asha"}, {"type": "text", "text": "pump"}]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "pump-42"}]}]});
        assert_eq!(check_send(&entry("part_offer"), &positional).unwrap_err().code, 132012);
    }

    #[test]
    fn a_missing_header_or_suffix_is_refused_like_meta_does() {
        let no_header = json!({"components": [{"type": "body", "parameters": [{"type": "text", "text": "Asha"}]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "1042"}]}]});
        let refusal = check_send(&entry("order_shipped"), &no_header).unwrap_err();
        assert_eq!((refusal.code, refusal.details.starts_with("header")), (132000, true));
        let no_suffix = json!({"components": [
            {"type": "header", "parameters": [{"type": "text", "text": "#1042"}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Asha"}]}]});
        assert_eq!(check_send(&entry("order_shipped"), &no_suffix).unwrap_err().code, 132000);
        let no_media = json!({"components": [{"type": "body", "parameters": [{"type": "text", "text": "Asha"}, {"type": "text", "text": "QT-1"}]}]});
        let refusal = check_send(&entry("quote_ready"), &no_media).unwrap_err();
        assert_eq!(refusal.details, "header: Format mismatch, expected DOCUMENT, received UNKNOWN");
        let no_code = json!({"components": [
            {"type": "header", "parameters": [{"type": "video", "video": {"id": "1166846181421424"}}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Asha"}]}]});
        assert_eq!(check_send(&entry("festive_coupon"), &no_code).unwrap_err().code, 132000);
        let stray = json!({"components": [
            {"type": "header", "parameters": [{"type": "location", "location": {"latitude": "19.07", "longitude": "72.87"}}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Asha"}]},
            {"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": [{"type": "payload", "payload": "x"}]}]});
        assert_eq!(check_send(&entry("store_visit"), &stray).unwrap_err().code, 131009);
    }
}
