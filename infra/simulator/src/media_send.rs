//! Media messages as Meta takes them: `type` image, document, audio or
//! video, with `id` (an uploaded media id) or `link` (Meta fetches it), a
//! caption except for audio, a file name for documents only. A link Meta
//! cannot fetch, or whose file breaks the type and size limits, is refused
//! with 131053 as Meta does.

use parley::domain::outbound_media::{check_file, MediaKind};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The message types that carry a file staff send.
pub const SENT_MEDIA_TYPES: [&str; 4] = ["image", "document", "audio", "video"];

/// Why Meta refuses a media message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaSendRefusal {
    /// Meta's code.
    pub code: i64,
    /// Meta's title.
    pub message: &'static str,
    /// `error_data.details`.
    pub details: String,
}

fn invalid(details: impl Into<String>) -> MediaSendRefusal {
    MediaSendRefusal { code: 131009, message: "Parameter value is not valid", details: details.into() }
}

fn upload_error(details: impl Into<String>) -> MediaSendRefusal {
    MediaSendRefusal { code: 131053, message: "Media upload error", details: details.into() }
}

/// Where the file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaSource {
    /// A media id uploaded before.
    Id(String),
    /// A URL Meta fetches.
    Link(String),
}

/// Checks the shape of the media object of `body` (type `kind`).
pub fn check_shape(body: &Value, kind: &str) -> Result<MediaSource, MediaSendRefusal> {
    let media =
        body.get(kind).and_then(Value::as_object).ok_or_else(|| invalid(format!("{kind} object is required")))?;
    let source = match (media.get("id").and_then(Value::as_str), media.get("link").and_then(Value::as_str)) {
        (Some(id), None) if !id.is_empty() => MediaSource::Id(id.to_owned()),
        (None, Some(link)) if link.starts_with("https://") || link.starts_with("http://") => {
            MediaSource::Link(link.to_owned())
        }
        (Some(_), Some(_)) => return Err(invalid(format!("{kind} takes either id or link, not both"))),
        _ => return Err(invalid(format!("{kind} needs an id or an http(s) link"))),
    };
    if kind == "audio" && media.contains_key("caption") {
        return Err(invalid("audio does not take a caption"));
    }
    if kind != "document" && media.contains_key("filename") {
        return Err(invalid(format!("{kind} does not take a filename")));
    }
    if let Some(caption) = media.get("caption") {
        if caption.as_str().is_none_or(|c| c.chars().count() > 1024) {
            return Err(invalid("caption must be text of at most 1024 characters"));
        }
    }
    Ok(source)
}

/// Checks an interactive reply-buttons message (`type` interactive,
/// `interactive.type` button): a body of 1 to 1024 characters, 1 to 3
/// reply buttons with distinct ids (at most 256 characters) and titles of
/// 1 to 20, and an optional header; a file header is shaped like a media
/// message without a caption. Its file, if any: the kind and the header
/// object that holds it.
pub fn check_interactive(body: &Value) -> Result<Option<(&'static str, &Value)>, MediaSendRefusal> {
    let interactive = body.get("interactive").ok_or_else(|| invalid("interactive object is required"))?;
    if interactive["type"] == "list" {
        return check_list(interactive).map(|()| None);
    }
    if interactive["type"] == "flow" {
        return check_flow(interactive).map(|()| None);
    }
    if interactive["type"] != "button" {
        return Err(invalid("only interactive types button, list and flow are played by this simulator"));
    }
    let text = interactive["body"]["text"].as_str().unwrap_or_default();
    if text.trim().is_empty() || text.chars().count() > 1024 {
        return Err(invalid("interactive body text is required, at most 1024 characters"));
    }
    let buttons = interactive["action"]["buttons"].as_array().map(Vec::as_slice).unwrap_or_default();
    let ids: Vec<&str> = buttons.iter().filter_map(|b| b["reply"]["id"].as_str()).collect();
    let titles_fit = buttons.iter().all(|b| {
        b["type"] == "reply" && b["reply"]["title"].as_str().is_some_and(|t| (1..=20).contains(&t.chars().count()))
    });
    let ids_fit = ids.len() == buttons.len()
        && ids.iter().enumerate().all(|(i, id)| (1..=256).contains(&id.chars().count()) && !ids[..i].contains(id));
    if !(1..=3).contains(&buttons.len()) || !titles_fit || !ids_fit {
        return Err(invalid("1 to 3 reply buttons, each with a distinct id and a title of 1 to 20 characters"));
    }
    let header = &interactive["header"];
    let Some(kind) = header["type"].as_str() else { return Ok(None) };
    let Some(kind) = ["image", "document", "video"].into_iter().find(|k| *k == kind) else {
        return if kind == "text" { Ok(None) } else { Err(invalid(format!("header type {kind} is not valid"))) };
    };
    check_shape(header, kind)?;
    if header[kind].get("caption").is_some() {
        return Err(invalid("a header file takes no caption"));
    }
    Ok(Some((kind, header)))
}

/// Meta's list-message limits: a body of 1 to 1024 characters, a button
/// label of 1 to 20, 1 to 10 sections (titled, up to 24, once there are
/// two) with 1 to 10 rows in all, each row's distinct id 1 to 200, title
/// 1 to 24 and description at most 72.
/// Meta's flow message: a body, and `action.name: flow` whose parameters
/// name the flow, a `flow_cta` of at most 20 characters, the token, and for
/// `navigate` the screen it opens at.
fn check_flow(interactive: &Value) -> Result<(), MediaSendRefusal> {
    let text = interactive["body"]["text"].as_str().unwrap_or_default();
    if text.trim().is_empty() || text.chars().count() > 1024 {
        return Err(invalid("interactive body text is required, at most 1024 characters"));
    }
    let action = &interactive["action"];
    let parameters = &action["parameters"];
    if action["name"] != "flow" || parameters["flow_message_version"] != "3" {
        return Err(invalid("a flow message's action is name flow with flow_message_version 3"));
    }
    if parameters["flow_id"].as_str().is_none() && parameters["flow_name"].as_str().is_none() {
        return Err(invalid("flow_id or flow_name is required"));
    }
    let cta = parameters["flow_cta"].as_str().unwrap_or_default();
    if !(1..=20).contains(&cta.chars().count()) {
        return Err(invalid("flow_cta is 1 to 20 characters"));
    }
    if parameters["flow_token"].as_str().is_none_or(str::is_empty) {
        return Err(invalid("flow_token is required"));
    }
    let navigate = parameters["flow_action"].as_str().is_none_or(|a| a == "navigate");
    if navigate && parameters["flow_action_payload"]["screen"].as_str().is_none_or(str::is_empty) {
        return Err(invalid("flow_action navigate needs flow_action_payload.screen"));
    }
    Ok(())
}

fn check_list(interactive: &Value) -> Result<(), MediaSendRefusal> {
    let fits = |v: &Value, max: usize| v.as_str().is_some_and(|t| (1..=max).contains(&t.chars().count()));
    if !fits(&interactive["body"]["text"], 1024) {
        return Err(invalid("interactive body text is required, at most 1024 characters"));
    }
    let action = &interactive["action"];
    if !fits(&action["button"], 20) {
        return Err(invalid("a list's action.button is 1 to 20 characters"));
    }
    let sections = action["sections"].as_array().map(Vec::as_slice).unwrap_or_default();
    let rows: Vec<&Value> = sections.iter().flat_map(|s| s["rows"].as_array().into_iter().flatten()).collect();
    if !(1..=10).contains(&sections.len())
        || !(1..=10).contains(&rows.len())
        || sections.iter().any(|s| s["rows"].as_array().is_none_or(Vec::is_empty))
    {
        return Err(invalid("a list has 1 to 10 sections, none empty, and at most 10 rows in all"));
    }
    if sections.len() > 1 && !sections.iter().all(|s| fits(&s["title"], 24)) {
        return Err(invalid("with more than one section each needs a title of 1 to 24 characters"));
    }
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    let rows_fit = ids.len() == rows.len()
        && rows.iter().all(|r| {
            fits(&r["id"], 200)
                && fits(&r["title"], 24)
                && r.get("description").is_none_or(|d| d.as_str().is_some_and(|d| d.chars().count() <= 72))
        })
        && ids.iter().enumerate().all(|(i, id)| !ids[..i].contains(id));
    if !rows_fit {
        return Err(invalid(
            "each row needs a distinct id (1 to 200), a title of 1 to 24 and a description of at most 72",
        ));
    }
    Ok(())
}

/// What Meta fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Bytes.
    pub size: usize,
    /// Hex SHA-256.
    pub sha256: String,
    /// The `Content-Type` served.
    pub mime_type: String,
}

/// Fetches `link` as Meta does and checks the file against the limits of `kind`.
pub async fn fetch(http: &reqwest::Client, link: &str, kind: &str) -> Result<Fetched, MediaSendRefusal> {
    let response = http.get(link).send().await.map_err(|_| upload_error("the media link could not be reached"))?;
    if !response.status().is_success() {
        return Err(upload_error(format!("the media link answered HTTP {}", response.status().as_u16())));
    }
    let mime_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let bytes = response.bytes().await.map_err(|_| upload_error("the media could not be downloaded"))?;
    let checked = check_file(&mime_type, bytes.len() as u64).map_err(|e| upload_error(e.to_string()))?;
    if checked.as_str() != kind && !(kind == "document" && checked != MediaKind::Image) {
        return Err(upload_error(format!("a {mime_type} file cannot be sent as {kind}")));
    }
    Ok(Fetched { size: bytes.len(), sha256: hex::encode(Sha256::digest(&bytes)), mime_type })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_meta_refuses_are_refused() {
        let ok = json!({"type": "document", "document": {"link": "https://b/x", "caption": "c", "filename": "a.pdf"}});
        assert_eq!(check_shape(&ok, "document"), Ok(MediaSource::Link("https://b/x".into())));
        let both = json!({"audio": {"id": "1", "link": "https://b/x"}});
        assert_eq!(check_shape(&both, "audio").unwrap_err().code, 131009);
        let captioned_audio = json!({"audio": {"id": "1", "caption": "hi"}});
        assert!(check_shape(&captioned_audio, "audio").is_err());
        let named_image = json!({"image": {"id": "1", "filename": "a.jpg"}});
        assert!(check_shape(&named_image, "image").is_err());
        assert!(check_shape(&json!({"video": {}}), "video").is_err());
    }

    #[test]
    fn flow_messages_need_the_flow_a_short_button_the_token_and_a_screen() {
        let flow = |parameters: Value| {
            json!({"interactive": {"type": "flow", "body": {"text": "Tell us what you need"},
            "action": {"name": "flow", "parameters": parameters}}})
        };
        let good = json!({"flow_message_version": "3", "flow_id": "1234", "flow_cta": "Enquire", "flow_token": "kurta_form",
            "flow_action": "navigate", "flow_action_payload": {"screen": "ENQUIRY"}});
        assert_eq!(check_interactive(&flow(good.clone())), Ok(None));
        for (key, value) in
            [("flow_cta", json!("Open the enquiry form now")), ("flow_token", json!("")), ("flow_id", Value::Null)]
        {
            let mut bad = good.clone();
            bad[key] = value;
            assert!(check_interactive(&flow(bad)).is_err(), "{key}");
        }
        let mut no_screen = good;
        no_screen["flow_action_payload"] = json!({});
        assert!(check_interactive(&flow(no_screen)).is_err());
    }

    #[test]
    fn list_messages_are_checked_against_metas_limits() {
        let list = |sections: Value| json!({"interactive": {"type": "list", "body": {"text": "Pick"}, "action": {"button": "Sizes", "sections": sections}}});
        let one = list(json!([{"rows": [{"id": "s", "title": "Small", "description": "Chest 36"}]}]));
        assert_eq!(check_interactive(&one), Ok(None));
        assert!(check_interactive(&list(json!([]))).is_err());
        let untitled =
            list(json!([{"title": "A", "rows": [{"id": "a", "title": "A"}]}, {"rows": [{"id": "b", "title": "B"}]}]));
        assert!(check_interactive(&untitled).is_err());
        let twice = list(
            json!([{"title": "A", "rows": [{"id": "a", "title": "A"}]}, {"title": "B", "rows": [{"id": "a", "title": "B"}]}]),
        );
        assert!(check_interactive(&twice).is_err());
        let eleven: Vec<Value> = (0..11).map(|i| json!({"id": format!("r{i}"), "title": "Row"})).collect();
        assert!(check_interactive(&list(json!([{"rows": eleven}]))).is_err());
        assert!(
            check_interactive(&list(json!([{"rows": [{"id": "a", "title": "twenty-five characters!!!"}]}]))).is_err()
        );
    }
}
