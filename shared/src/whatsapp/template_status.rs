//! `message_template_status_update`: a template approved, rejected,
//! paused or disabled. It names the template by name and language, with no
//! business number: templates belong to the WhatsApp Business Account.

use super::inbound::text;
use crate::domain::template_status::TemplateStatusChange;
use crate::domain::Millis;
use serde_json::Value;

/// Reads one change; `None` when it names no template.
pub(super) fn read_template_status(value: &Value, waba_id: &str, at: Millis) -> Option<TemplateStatusChange> {
    let name = text(value, "message_template_name")?;
    let language = text(value, "message_template_language")?;
    let event = text(value, "event")?;
    let other = value.get("other_info");
    let title = other.and_then(|o| text(o, "title"));
    let described = other.and_then(|o| text(o, "description"));
    let rejected = value.get("rejection_info").and_then(|r| text(r, "reason"));
    let reason = text(value, "reason").filter(|r| r != "NONE");
    Some(TemplateStatusChange {
        name,
        language,
        status: TemplateStatusChange::status_of(&event, title.as_deref()),
        reason: described.or(rejected).or(reason),
        at,
        waba_id: Some(waba_id.to_owned()).filter(|id| !id.is_empty()),
    })
}
