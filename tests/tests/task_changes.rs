//! Task edits (snooze, reassign, retitle) and the upcoming and done lists.

use parley::adapters::dynamo::DynamoStore;
use parley::domain::{AuditEntry, Millis};
use parley::ports::{PageRequest, TaskLedger, TaskStore};
use parley_e2e::TestStack;
use serde_json::{json, Value};
use std::time::Duration;

const HOUR: i64 = 60;

fn at(t: &TestStack, offset_minutes: i64) -> String {
    let now = parley::ports::Clock::now(t.clock.as_ref());
    Millis(now.0 + offset_minutes * 60_000).to_rfc3339()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect()
}

async fn task(t: &TestStack, cookie: &str, body: Value) -> String {
    let (status, created) = t.post(cookie, "/api/tasks", &body, None).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_snooze_moves_a_task_to_upcoming_and_a_reassignment_to_the_other_list() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let other = t.teammate(&admin, "other@shop.test", "agent").await;
    t.teammate(&admin, "gone@shop.test", "agent").await;
    let (status, _) = t.request(&admin, "PATCH", "/api/users/gone@shop.test", Some(&json!({"active": false}))).await;
    assert_eq!(status, 200);
    t.customer_says("919812345678", "Asha", "Call me").await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let hostile = "<img src=x onerror=alert(1)> call back";
    let id = task(&t, &agent, json!({"title": hostile, "due_at": at(&t, 1), "contact_id": contact})).await;
    assert_eq!(titles(&t.get(&agent, "/api/tasks?due=today").await.1), [hostile]);

    let snoozed = at(&t, 3 * 24 * HOUR);
    let (status, body) =
        t.request(&agent, "PATCH", &format!("/api/tasks/{id}"), Some(&json!({"due_at": snoozed}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["title"], hostile, "stored as typed");
    assert!(titles(&t.get(&agent, "/api/tasks?due=today").await.1).is_empty());
    assert_eq!(titles(&t.get(&agent, "/api/tasks?due=upcoming").await.1), [hostile]);

    let path = format!("/api/tasks/{id}");
    let (status, _) = t.request(&agent, "PATCH", &path, Some(&json!({"owner": "other@shop.test"}))).await;
    assert_eq!(status, 403, "agents reassign only to themselves");
    let (status, _) = t.request(&other, "PATCH", &path, Some(&json!({"due_at": at(&t, 5)}))).await;
    assert_eq!(status, 403, "nor touch a teammate's task");
    for owner in ["gone@shop.test", "nobody@shop.test"] {
        let (status, body) = t.request(&admin, "PATCH", &path, Some(&json!({"owner": owner}))).await;
        assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")), "{owner}: {body}");
    }
    let (status, _) = t.request(&admin, "PATCH", &path, Some(&json!({"due_at": "next week"}))).await;
    assert_eq!(status, 422);
    let (status, quick) = t
        .post(&agent, "/api/tasks", &json!({"title": "Follow up", "snooze": "tomorrow", "contact_id": contact}), None)
        .await;
    assert_eq!(status, 201, "a follow-up in one request, due tomorrow morning: {quick}");
    let quick_due = Millis::parse_rfc3339(quick["due_at"].as_str().unwrap()).unwrap();
    let (status, _) = t
        .post(&agent, "/api/tasks", &json!({"title": "Follow up", "snooze": "tomorrow", "due_at": at(&t, 5)}), None)
        .await;
    assert_eq!(status, 422, "one due time");
    let (status, _) =
        t.post(&agent, &format!("/api/tasks/{}/done", quick["id"].as_str().unwrap()), &json!({}), None).await;
    assert_eq!(status, 200);
    let (status, _) = t.request(&admin, "PATCH", &path, Some(&json!({"snooze": "someday"}))).await;
    assert_eq!(status, 422);
    let (status, body) = t.request(&agent, "PATCH", &path, Some(&json!({"snooze": "tomorrow"}))).await;
    assert_eq!(status, 200, "{body}");
    let due = Millis::parse_rfc3339(body["due_at"].as_str().unwrap()).unwrap();
    let now = parley::ports::Clock::now(t.clock.as_ref());
    assert!(due.0 > now.0 && due.0 <= now.0 + 2 * 86_400_000, "{body}");
    assert_eq!(due.0 % (30 * 60_000), 0, "a round morning hour: {body}");
    assert_eq!(due, quick_due, "the same morning whether created or snoozed there");
    assert_eq!(titles(&t.get(&agent, "/api/tasks?due=upcoming").await.1), [hostile], "tomorrow is upcoming");
    let (status, _) = t.request(&admin, "PATCH", &path, Some(&json!({"title": "  "}))).await;
    assert_eq!(status, 422);
    let (status, body) = t.request(&admin, "PATCH", &path, Some(&json!({"owner": "Other@Shop.test"}))).await;
    assert_eq!((status, body["owner"].as_str()), (200, Some("other@shop.test")), "{body}");
    assert!(titles(&t.get(&agent, "/api/tasks?due=upcoming").await.1).is_empty());
    assert_eq!(titles(&t.get(&other, "/api/tasks?due=upcoming").await.1), [hostile]);
    let (status, body) =
        t.request(&other, "PATCH", &path, Some(&json!({"owner": "other@shop.test", "title": "Call Asha"}))).await;
    assert_eq!((status, body["title"].as_str()), (200, Some("Call Asha")), "an agent may name themselves");

    let (_, trail) = t.get(&admin, &format!("/api/audit?contact={contact}")).await;
    let changes: Vec<&Value> =
        trail["items"].as_array().unwrap().iter().filter(|e| e["action"] == "task_update").collect();
    assert_eq!(changes.len(), 4, "{trail}");
    assert_eq!(changes[0]["detail"]["changed"], json!(["title"]));
    assert_eq!(changes[2]["detail"]["changed"], json!(["due_at"]));
    assert_eq!(changes[1]["actor"], parley_e2e::ADMIN_EMAIL);
    assert!(!trail.to_string().contains("onerror"), "titles stay out of the audit log");

    let (status, _) = t.post(&other, &format!("{path}/done"), &json!({}), None).await;
    assert_eq!(status, 200);
    let (status, body) = t.request(&admin, "PATCH", &path, Some(&json!({"due_at": at(&t, 60)}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")), "{body}");
    let (_, done) = t.get(&other, "/api/tasks?due=done").await;
    assert_eq!((titles(&done), done["items"][0]["done"].as_bool()), (vec!["Call Asha".to_owned()], Some(true)));
    assert!(titles(&t.get(&other, "/api/tasks?due=open").await.1).is_empty(), "the done task stays done");
}

#[tokio::test]
async fn a_snooze_read_before_the_task_was_done_does_not_reopen_it() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let id = task(&t, &admin, json!({"title": "Send the quote", "due_at": at(&t, 30)})).await;
    let store = DynamoStore::new(t.dynamo().await, t.table.clone(), parley_e2e::contact_id_key());
    let read = store.task(&id).await.unwrap().unwrap();

    let (status, _) = t.post(&admin, &format!("/api/tasks/{id}/done"), &json!({}), None).await;
    assert_eq!(status, 200);
    let mut snoozed = read.clone();
    snoozed.due_at = Millis(read.due_at.0 + 86_400_000);
    let audit = AuditEntry {
        at: read.created_at,
        actor: parley_e2e::ADMIN_EMAIL.into(),
        action: "task_update".into(),
        contact: None,
        detail: "{}".into(),
    };
    assert!(!store.replace_task(&read, &snoozed, &audit).await.unwrap(), "the stale snooze is refused");
    let stored = store.task(&id).await.unwrap().unwrap();
    assert!(stored.done && stored.due_at == read.due_at, "{stored:?}");
    assert!(titles(&t.get(&admin, "/api/tasks?due=open").await.1).is_empty());

    let fresh = stored.clone();
    let mut retitled = fresh.clone();
    retitled.title = "Send the revised quote".into();
    assert!(store.replace_task(&fresh, &retitled, &audit).await.unwrap(), "an edit of what is stored holds");
}

#[tokio::test]
async fn done_tasks_list_newest_first_across_days_for_the_owner_and_the_team() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let ancient = task(&t, &agent, json!({"title": "ancient", "due_at": at(&t, 10)})).await;
    t.post(&agent, &format!("/api/tasks/{ancient}/done"), &json!({}), None).await;
    let mut expected = Vec::new();
    let mut day = 15 * 86_400;
    for (i, email) in
        ["agent@shop.test", parley_e2e::ADMIN_EMAIL, "agent@shop.test", parley_e2e::ADMIN_EMAIL].into_iter().enumerate()
    {
        // Days pass (sessions with them): sign in afresh each day.
        t.clock.advance(Duration::from_secs(day));
        day = 86_400 + 60;
        let password = if i % 2 == 0 { "teammate password 1" } else { parley_e2e::ADMIN_PASSWORD };
        let who = t.login_as(email, password).await.unwrap();
        let title = format!("day {i}");
        let id = task(&t, &who, json!({"title": title, "due_at": at(&t, 10)})).await;
        let (status, _) = t.post(&who, &format!("/api/tasks/{id}/done"), &json!({}), None).await;
        assert_eq!(status, 200);
        expected.insert(0, title);
    }
    let admin = t.login().await;
    let agent = t.login_as("agent@shop.test", "teammate password 1").await.unwrap();
    task(&t, &agent, json!({"title": "still open", "due_at": at(&t, 10)})).await;

    assert_eq!(
        titles(&t.get(&agent, "/api/tasks?due=done").await.1),
        ["day 2", "day 0"],
        "not the one done 19 days ago"
    );
    assert_eq!(titles(&t.get(&admin, "/api/tasks?due=done&scope=team").await.1), expected);
    assert_eq!(t.get(&agent, "/api/tasks?due=done&scope=team").await.0, 403);

    let store = DynamoStore::new(t.dynamo().await, t.table.clone(), parley_e2e::contact_id_key());
    let now = parley::ports::Clock::now(t.clock.as_ref());
    let since = Millis(now.0 - 14 * 86_400_000);
    let mut paged = Vec::new();
    let mut cursors = Vec::new();
    let mut cursor = None;
    loop {
        let page = store.done_tasks(None, since, now, &PageRequest { cursor, limit: Some(1) }).await.unwrap();
        assert!(page.items.len() <= 1);
        paged.extend(page.items.into_iter().map(|t| t.title));
        match page.next_cursor {
            Some(next) => {
                cursors.push(next.clone());
                cursor = Some(next)
            }
            None => break,
        }
    }
    assert_eq!(paged, expected, "one a page, across the day partitions");
    assert_eq!(cursors.len(), expected.len() - 1, "no page after the last");
    let (status, _) = t.get(&admin, "/api/tasks?due=done&scope=team&cursor=1999-01-01.").await;
    assert_eq!(status, 400, "a cursor that is not one is refused");
    // The first page's cursor names the newest day, outside a window that
    // ends two days before it.
    let two_days_before = Millis(now.0 - 2 * 86_400_000);
    let outside = PageRequest { cursor: Some(cursors[0].clone()), limit: Some(1) };
    let refused = store.done_tasks(None, since, two_days_before, &outside).await;
    assert!(matches!(refused, Err(parley::ports::StoreError::BadCursor)), "{refused:?}");
}
