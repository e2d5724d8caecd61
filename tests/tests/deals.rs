//! Pipelines and deals over HTTP: stages, history, events, the board.

use aws_sdk_dynamodb::types::AttributeValue;
use parley_e2e::TestStack;
use serde_json::{json, Value};

async fn contact(t: &TestStack, cookie: &str) -> String {
    t.customer_says("919812345678", "Asha", "I need 20 kurtas for a wedding").await;
    t.contacts(cookie).await[0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_deal_moves_through_the_default_pipeline_with_history_audit_and_an_event() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let contact = contact(&t, &admin).await;
    let (_, pipelines) = t.get(&admin, "/api/pipelines").await;
    let stages: Vec<&str> =
        pipelines["items"][0]["stages"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(stages, ["Enquiry", "Qualified", "Quote Sent", "Negotiation", "Won", "Lost"]);

    let (status, deal) = t
        .post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "20 wedding kurtas", "value_minor": 4_000_000, "expected_close": "2026-12-15", "custom_fields": {"source": "instagram"}}), None)
        .await;
    assert_eq!(status, 201, "{deal}");
    assert_eq!(deal["stage"], "enquiry");
    assert_eq!(deal["owner"], parley_e2e::ADMIN_EMAIL, "the creator owns it by default");
    let id = deal["id"].as_str().unwrap();
    let (status, moved) =
        t.post(&admin, &format!("/api/deals/{id}/stage"), &json!({"stage": "quote_sent"}), None).await;
    assert_eq!(status, 200, "{moved}");
    let history = moved["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[1]["from"].as_str(), history[1]["to"].as_str()), (Some("enquiry"), Some("quote_sent")));
    assert_eq!(history[1]["by"], parley_e2e::ADMIN_EMAIL);
    let (status, bad) = t.post(&admin, &format!("/api/deals/{id}/stage"), &json!({"stage": "teleported"}), None).await;
    assert_eq!((status, bad["error"]["code"].as_str()), (422, Some("invalid")));

    let (_, board) = t.get(&admin, "/api/pipelines/sales/board").await;
    let column =
        |stage: &str| board["columns"].as_array().unwrap().iter().find(|c| c["stage"]["id"] == stage).cloned().unwrap();
    assert_eq!(column("quote_sent")["items"][0]["id"], id);
    assert_eq!(column("quote_sent")["value_minor"], 4_000_000);
    assert!(column("enquiry")["items"].as_array().unwrap().is_empty());
    let (_, stage) = t.get(&admin, "/api/pipelines/sales/stages/quote_sent/deals?limit=1").await;
    assert_eq!(stage["items"].as_array().unwrap().len(), 1);
    let (_, mine) = t.get(&admin, &format!("/api/contacts/{contact}/deals")).await;
    assert_eq!(mine["items"][0]["title"], "20 wedding kurtas");

    let (status, patched) = t
        .request(
            &admin,
            "PATCH",
            &format!("/api/deals/{id}"),
            Some(&json!({"value_minor": 4_500_000, "custom_fields": {"source": ""}})),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["value_minor"], 4_500_000);
    assert_eq!(patched["custom_fields"], json!({}));

    let (_, trail) = t.get(&admin, &format!("/api/audit?contact={contact}")).await;
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["deal_update", "stage_move", "deal_create"]);

    let day = &moved["updated_at"].as_str().unwrap()[..10];
    let events = t
        .dynamo()
        .await
        .query()
        .table_name(&t.table)
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", AttributeValue::S(format!("E#{day}")))
        .send()
        .await
        .unwrap();
    assert_eq!(events.items().len(), 1, "one event for automation");
    let payload: Value = serde_json::from_str(events.items()[0]["payload"].as_s().unwrap()).unwrap();
    assert_eq!(events.items()[0]["kind"].as_s().unwrap(), "deal.stage_changed");
    assert_eq!(
        (payload["from"].as_str(), payload["to"].as_str(), payload["won"].as_bool()),
        (Some("enquiry"), Some("quote_sent"), Some(false))
    );
}

#[tokio::test]
async fn pipelines_are_configurable_by_supervisors_and_agents_change_only_their_deals() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let contact = contact(&t, &admin).await;
    let support = json!({"name": "Repairs", "stages": [
        {"id": "received", "name": "Received", "kind": "open"},
        {"id": "fixed", "name": "Fixed", "kind": "won"},
        {"id": "scrapped", "name": "Scrapped", "kind": "lost"}]});
    let (status, _) = t.request(&agent, "PUT", "/api/pipelines/repairs", Some(&support)).await;
    assert_eq!(status, 403);
    let (status, _) = t
        .request(
            &admin,
            "PUT",
            "/api/pipelines/repairs",
            Some(&json!({"name": "Broken", "stages": [{"id": "a", "name": "A", "kind": "open"}]})),
        )
        .await;
    assert_eq!(status, 422, "a pipeline needs won and lost stages");
    let (status, _) = t.request(&admin, "PUT", "/api/pipelines/repairs", Some(&support)).await;
    assert_eq!(status, 200);
    let (_, pipelines) = t.get(&admin, "/api/pipelines").await;
    let ids: Vec<&str> = pipelines["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["repairs", "sales"], "the default pipeline stays beside the new one");

    let (_, admins) = t
        .post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "Admin's", "value_minor": 100}), None)
        .await;
    let (status, agents) = t
        .post(
            &agent,
            "/api/deals",
            &json!({"contact_id": contact, "title": "Agent's", "pipeline": "repairs", "value_minor": 50}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{agents}");
    assert_eq!(agents["stage"], "received");
    let (status, _) = t
        .post(&agent, &format!("/api/deals/{}/stage", admins["id"].as_str().unwrap()), &json!({"stage": "won"}), None)
        .await;
    assert_eq!(status, 403);
    let (status, won) = t
        .post(&agent, &format!("/api/deals/{}/stage", agents["id"].as_str().unwrap()), &json!({"stage": "fixed"}), None)
        .await;
    assert_eq!((status, won["stage"].as_str()), (200, Some("fixed")));
    let (status, _) =
        t.post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "", "value_minor": 1}), None).await;
    assert_eq!(status, 422);
}
