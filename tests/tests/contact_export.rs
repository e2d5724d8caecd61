//! A data-subject export of one contact: every kind of record, audited,
//! for managers and administrators only.

use parley_e2e::TestStack;
use serde_json::json;

#[tokio::test]
async fn a_contact_export_holds_every_kind_of_record_about_them_and_only_them() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    t.customer_says("919812345678", "Asha", "I need 20 kurtas").await;
    t.customer_says("919800000009", "Bela", "Someone else entirely").await;
    let contacts = t.contacts(&admin).await;
    let id_of = |name: &str| contacts.iter().find(|c| c["name"] == name).unwrap()["id"].as_str().unwrap().to_owned();
    let (asha, bela) = (id_of("Asha"), id_of("Bela"));
    let (status, _) =
        t.post(&admin, &format!("/api/contacts/{asha}/assign"), &json!({"owner": "agent@shop.test"}), None).await;
    assert_eq!(status, 200);
    t.post(&admin, &format!("/api/contacts/{asha}/notes"), &json!({"text": "Prefers calls after 6"}), None).await;
    t.post(&admin, &format!("/api/contacts/{bela}/notes"), &json!({"text": "Bela's note"}), None).await;
    let (status, _) = t
        .post(
            &admin,
            &format!("/api/contacts/{asha}/messages"),
            &json!({"type": "text", "text": "Happy to help"}),
            None,
        )
        .await;
    assert_eq!(status, 202);
    t.post(&admin, "/api/deals", &json!({"contact_id": asha, "title": "Wedding kurtas", "value_minor": 100}), None)
        .await;
    let (_, open) = t
        .post(
            &admin,
            "/api/tasks",
            &json!({"title": "Send the quote", "due_at": "2030-01-01T10:00:00Z", "contact_id": asha}),
            None,
        )
        .await;
    let (_, finished) = t
        .post(
            &admin,
            "/api/tasks",
            &json!({"title": "Say hello", "due_at": "2030-01-01T10:00:00Z", "contact_id": asha}),
            None,
        )
        .await;
    t.post(&admin, &format!("/api/tasks/{}/done", finished["id"].as_str().unwrap()), &json!({}), None).await;
    let _ = open;

    for cookie in [&agent] {
        assert_eq!(
            t.get(cookie, &format!("/api/contacts/{asha}/export")).await.0,
            403,
            "not for agents, even the owner"
        );
    }
    let before = t.stack.api_round_trips.get();
    t.get(&manager, "/api/me").await;
    let session_cost = t.stack.api_round_trips.get() - before;
    let before = t.stack.api_round_trips.get();
    let response =
        t.http.get(t.url(&format!("/api/contacts/{asha}/export"))).header("cookie", &manager).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert_eq!(disposition, format!("attachment; filename=\"contact-{asha}.json\""));
    let export: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        t.stack.api_round_trips.get() - before - session_cost,
        7,
        "the contact, the audit line, then one Query each for messages, notes, deals, tasks and audit lines"
    );

    assert_eq!(export["contact"]["id"], asha);
    assert_eq!(export["contact"]["name"], "Asha");
    let texts: Vec<&str> = export["messages"].as_array().unwrap().iter().filter_map(|m| m["text"].as_str()).collect();
    assert_eq!(texts, ["I need 20 kurtas", "Happy to help"]);
    let notes: Vec<&str> = export["notes"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    assert_eq!(notes, ["Prefers calls after 6"]);
    assert_eq!(export["deals"][0]["title"], "Wedding kurtas");
    let tasks: Vec<(&str, bool)> = export["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["title"].as_str().unwrap(), t["done"].as_bool().unwrap()))
        .collect();
    assert_eq!(tasks, [("Send the quote", false), ("Say hello", true)]);
    let actions: Vec<&str> =
        export["audit"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    for action in ["assign", "deal_create", "contact_export"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(!export.to_string().contains("Bela"), "nothing about another contact");

    let (_, trail) = t.get(&admin, &format!("/api/audit?contact={asha}")).await;
    let exports: Vec<_> =
        trail["items"].as_array().unwrap().iter().filter(|e| e["action"] == "contact_export").collect();
    assert_eq!((exports.len(), exports[0]["actor"].as_str()), (1, Some("manager@shop.test")));
    assert_eq!(t.get(&admin, "/api/contacts/C-nobody/export").await.0, 404);
}
