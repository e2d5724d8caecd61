//! Follow-ups: due today and overdue, per owner and for the team.

use parley::domain::Millis;
use parley_e2e::TestStack;
use serde_json::{json, Value};

fn at(offset_minutes: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    Millis(now + offset_minutes * 60_000).to_rfc3339()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn tasks_are_listed_by_due_time_per_owner_and_for_the_team() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    t.customer_says("919812345678", "Asha", "Call me tomorrow").await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();

    let (status, late) = t
        .post(&agent, "/api/tasks", &json!({"title": "Send the quote", "due_at": at(-30), "contact_id": contact}), None)
        .await;
    assert_eq!(status, 201, "{late}");
    t.post(&agent, "/api/tasks", &json!({"title": "Call Asha back", "due_at": at(1)}), None).await;
    t.post(&agent, "/api/tasks", &json!({"title": "Quarterly review", "due_at": at(60 * 24 * 40)}), None).await;
    let (status, _) = t
        .post(
            &agent,
            "/api/tasks",
            &json!({"title": "For someone else", "due_at": at(5), "owner": "owner@shop.test"}),
            None,
        )
        .await;
    assert_eq!(status, 403, "agents create their own tasks");
    let (status, _) = t
        .post(
            &admin,
            "/api/tasks",
            &json!({"title": "Stock check", "due_at": at(-5), "owner": "agent@shop.test"}),
            None,
        )
        .await;
    assert_eq!(status, 201, "a manager or admin assigns tasks");
    let (status, _) = t.post(&admin, "/api/tasks", &json!({"title": "x", "due_at": "tomorrow"}), None).await;
    assert_eq!(status, 422);

    assert_eq!(
        titles(&t.get(&agent, "/api/tasks?due=overdue").await.1),
        ["Send the quote", "Stock check"],
        "oldest first"
    );
    let today = titles(&t.get(&agent, "/api/tasks?due=today").await.1);
    assert!(
        today.contains(&"Call Asha back".to_owned()) && !today.contains(&"Quarterly review".to_owned()),
        "{today:?}"
    );
    assert_eq!(titles(&t.get(&agent, "/api/tasks").await.1).len(), 4);
    assert_eq!(t.get(&agent, "/api/tasks?scope=team").await.0, 403);
    assert_eq!(titles(&t.get(&admin, "/api/tasks?scope=team&due=overdue").await.1), ["Send the quote", "Stock check"]);
    assert!(titles(&t.get(&admin, "/api/tasks?due=overdue").await.1).is_empty(), "the admin has none of their own");

    let id = late["id"].as_str().unwrap();
    let (status, done) = t.post(&agent, &format!("/api/tasks/{id}/done"), &json!({}), None).await;
    assert_eq!((status, done["done"].as_bool()), (200, Some(true)));
    let (status, _) = t.post(&agent, &format!("/api/tasks/{id}/done"), &json!({}), None).await;
    assert_eq!(status, 200, "completing twice changes nothing");
    assert_eq!(titles(&t.get(&agent, "/api/tasks?due=overdue").await.1), ["Stock check"]);
}
