//! A task as the API shows it.

use parley::domain::task::Task;
use parley::domain::Millis;
use schemars::JsonSchema;
use serde::Serialize;

/// A follow-up, with times in RFC 3339; `contact_id`, `deal_id` and `done_at`
/// are `null` when unset.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Task")]
pub struct TaskView {
    id: String,
    title: String,
    due_at: String,
    owner: String,
    contact_id: Option<String>,
    deal_id: Option<String>,
    done: bool,
    done_at: Option<String>,
    created_by: String,
    created_at: String,
    /// Cancelled by the customer's reply ("unless they reply").
    cancel_on_reply: bool,
    /// When its due reminder fired; `null` before.
    fired_at: Option<String>,
    /// When the customer's reply cancelled it; `null` otherwise.
    cancelled_at: Option<String>,
    /// The template name it sends the customer when due; `null` for none.
    template: Option<String>,
}

impl From<Task> for TaskView {
    fn from(t: Task) -> Self {
        TaskView {
            id: t.id,
            title: t.title,
            due_at: t.due_at.to_rfc3339(),
            owner: t.owner,
            contact_id: t.contact_id.map(|c| c.to_string()),
            deal_id: t.deal_id,
            done: t.done,
            done_at: t.done_at.map(Millis::to_rfc3339),
            created_by: t.created_by,
            created_at: t.created_at.to_rfc3339(),
            cancel_on_reply: t.cancel_on_reply,
            fired_at: t.fired_at.map(Millis::to_rfc3339),
            cancelled_at: t.cancelled_at.map(Millis::to_rfc3339),
            template: t.template.map(|t| t.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley::domain::ContactId;
    use serde_json::json;

    fn task(contact_id: Option<ContactId>, done_at: Option<Millis>) -> Task {
        Task {
            id: "t1".into(),
            title: "Call back".into(),
            due_at: Millis(1_764_547_200_000),
            owner: "a@example.com".into(),
            contact_id,
            deal_id: None,
            done: done_at.is_some(),
            done_at,
            created_by: "m@example.com".into(),
            created_at: Millis(1_764_460_800_000),
            cancel_on_reply: false,
            fired_at: None,
            cancelled_at: None,
            template: None,
        }
    }

    #[test]
    fn unset_links_and_completion_are_null_not_missing() {
        let shown = serde_json::to_value(TaskView::from(task(None, None))).ok();
        assert_eq!(
            shown,
            Some(json!({
                "id": "t1", "title": "Call back", "due_at": Millis(1_764_547_200_000).to_rfc3339(),
                "owner": "a@example.com", "contact_id": null, "deal_id": null, "done": false, "done_at": null,
                "created_by": "m@example.com", "created_at": Millis(1_764_460_800_000).to_rfc3339(),
                "cancel_on_reply": false, "fired_at": null, "cancelled_at": null, "template": null,
            }))
        );
    }

    #[test]
    fn a_linked_done_task_shows_the_contact_id_and_completion_time() {
        let contact = ContactId::parse("0123456789abcdef01234567");
        let shown = serde_json::to_value(TaskView::from(task(contact, Some(Millis(1_764_550_000_000))))).ok();
        let shown = shown.unwrap_or_default();
        assert_eq!(shown["contact_id"], json!("0123456789abcdef01234567"));
        assert_eq!(shown["done_at"], json!(Millis(1_764_550_000_000).to_rfc3339()));
        assert_eq!(shown["done"], json!(true));
    }
}
