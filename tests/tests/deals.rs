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
    let dynamo = t.dynamo().await;
    let mut moves = Vec::new();
    for shard in 0..parley::adapters::dynamo::keys::EVENT_SHARDS {
        let events = dynamo
            .query()
            .table_name(&t.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(
                ":pk",
                AttributeValue::S(parley::adapters::dynamo::keys::events_pk(day, shard)),
            )
            .send()
            .await
            .unwrap();
        moves.extend(events.items().iter().filter(|e| e["kind"].as_s().unwrap() == "deal.stage_changed").cloned());
    }
    assert_eq!(moves.len(), 1, "one stage move, one event for automation");
    let at_seconds = moves[0]["at"].as_n().unwrap().parse::<i64>().unwrap() / 1000;
    let expires = moves[0]
        .get(parley::adapters::dynamo::keys::TTL)
        .and_then(|v| v.as_n().ok())
        .map(|n| n.parse::<i64>().unwrap());
    assert_eq!(expires, Some(at_seconds + 30 * 86_400), "events are garbage once automation had 30 days to read them");
    let payload: Value = serde_json::from_str(moves[0]["payload"].as_s().unwrap()).unwrap();
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

async fn contact_named(t: &TestStack, admin: &str, wa_id: &str, name: &str, owner: Option<&str>) -> String {
    t.customer_says(wa_id, name, "hello").await;
    let (_, found) = t.get(admin, &format!("/api/contacts?q={}", name.to_lowercase().replace(' ', "%20"))).await;
    let id = found["items"][0]["id"].as_str().unwrap().to_owned();
    if let Some(owner) = owner {
        let (status, body) = t.post(admin, &format!("/api/contacts/{id}/assign"), &json!({"owner": owner}), None).await;
        assert_eq!(status, 200, "{body}");
    }
    id
}

async fn deal_on(t: &TestStack, admin: &str, contact: &str, title: &str, owner: Option<&str>) -> String {
    let (status, deal) =
        t.post(admin, "/api/deals", &json!({"contact_id": contact, "title": title, "value_minor": 100}), None).await;
    assert_eq!(status, 201, "{deal}");
    let id = deal["id"].as_str().unwrap().to_owned();
    let (status, body) = t.request(admin, "PATCH", &format!("/api/deals/{id}"), Some(&json!({"owner": owner}))).await;
    assert_eq!(status, 200, "{body}");
    id
}

fn titles(items: &Value) -> Vec<String> {
    let mut titles: Vec<String> =
        items.as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap().to_owned()).collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn agents_see_their_deals_and_the_deals_of_conversations_they_see() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let _other = t.teammate(&admin, "other@shop.test", "agent").await;
    let mine = contact_named(&t, &admin, "919800000001", "Mine Contact", Some("agent@shop.test")).await;
    let theirs = contact_named(&t, &admin, "919800000002", "Theirs Contact", Some("other@shop.test")).await;
    let open = contact_named(&t, &admin, "919800000003", "Open Contact", None).await;

    let hidden_owned = deal_on(&t, &admin, &theirs, "theirs, owned by them", Some("other@shop.test")).await;
    let hidden_unowned = deal_on(&t, &admin, &theirs, "theirs, unowned", None).await;
    let mine_elsewhere = deal_on(&t, &admin, &theirs, "mine, on their contact", Some("agent@shop.test")).await;
    let seen_not_mine = deal_on(&t, &admin, &open, "open contact, owned by them", Some("other@shop.test")).await;
    let open_unowned = deal_on(&t, &admin, &open, "open contact, unowned", None).await;
    let on_mine = deal_on(&t, &admin, &mine, "my contact, unowned", None).await;

    // One deal: hidden ones are not found, visible ones are.
    for hidden in [&hidden_owned, &hidden_unowned] {
        assert_eq!(t.get(&agent, &format!("/api/deals/{hidden}")).await.0, 404, "{hidden}");
        let (status, _) = t.post(&agent, &format!("/api/deals/{hidden}/stage"), &json!({"stage": "won"}), None).await;
        assert_eq!(status, 404, "an agent cannot move a deal out of sight");
        let (status, _) =
            t.request(&agent, "PATCH", &format!("/api/deals/{hidden}"), Some(&json!({"title": "mine now"}))).await;
        assert_eq!(status, 404);
    }
    for seen in [&mine_elsewhere, &seen_not_mine, &open_unowned, &on_mine] {
        assert_eq!(t.get(&agent, &format!("/api/deals/{seen}")).await.0, 200, "{seen}");
    }
    // Moving: their own, or unowned on a conversation they see; not a teammate's.
    let (status, _) =
        t.post(&agent, &format!("/api/deals/{seen_not_mine}/stage"), &json!({"stage": "won"}), None).await;
    assert_eq!(status, 403, "a teammate's deal is visible but not the agent's to move");
    for movable in [&mine_elsewhere, &open_unowned, &on_mine] {
        let (status, body) =
            t.post(&agent, &format!("/api/deals/{movable}/stage"), &json!({"stage": "qualified"}), None).await;
        assert_eq!(status, 200, "{movable}: {body}");
    }

    // The board and the stage lists hold only what the agent may see, for
    // one Query per stage and one batch read of the contacts it needs.
    let before = t.stack.api_round_trips.get();
    t.get(&agent, "/api/me").await;
    let session_cost = t.stack.api_round_trips.get() - before;
    let before = t.stack.api_round_trips.get();
    let (_, board) = t.get(&agent, "/api/pipelines/sales/board").await;
    let board_cost = t.stack.api_round_trips.get() - before - session_cost;
    let stages_with_deals = 2;
    assert_eq!(
        board_cost,
        1 + 6 + stages_with_deals,
        "pipelines, a Query per stage, a BatchGetItem per stage with others' deals"
    );
    let mut on_board = Vec::new();
    for column in board["columns"].as_array().unwrap() {
        on_board.extend(titles(&column["items"]));
    }
    on_board.sort();
    assert_eq!(
        on_board,
        ["mine, on their contact", "my contact, unowned", "open contact, owned by them", "open contact, unowned"]
    );
    let (_, enquiry) = t.get(&agent, "/api/pipelines/sales/stages/enquiry/deals").await;
    assert_eq!(titles(&enquiry["items"]), ["open contact, owned by them"]);
    let (_, everything) = t.get(&admin, "/api/pipelines/sales/stages/enquiry/deals").await;
    assert_eq!(everything["items"].as_array().unwrap().len(), 3, "managers and admins see every deal");
}

#[tokio::test]
async fn a_filtered_stage_list_still_returns_full_pages() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let _other = t.teammate(&admin, "other@shop.test", "agent").await;
    let theirs = contact_named(&t, &admin, "919800000002", "Theirs Contact", Some("other@shop.test")).await;
    let open = contact_named(&t, &admin, "919800000003", "Open Contact", None).await;
    // Visible and hidden deals interleaved, newest first: v4 h4 v3 h3 v2 h2 v1 h1 v0 h0.
    for i in 0..5 {
        deal_on(&t, &admin, &theirs, &format!("hidden {i}"), Some("other@shop.test")).await;
        deal_on(&t, &admin, &open, &format!("visible {i}"), None).await;
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let (status, page) =
            t.get(&agent, &format!("/api/pipelines/sales/stages/enquiry/deals?limit=2&cursor={cursor}")).await;
        assert_eq!(status, 200, "{page}");
        let items = titles(&page["items"]);
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(items.len(), 2, "a page that is not the last is full: {items:?}");
                cursor = next.to_owned();
            }
            None => {
                seen.extend(items);
                break;
            }
        }
        seen.extend(items);
    }
    seen.sort();
    assert_eq!(seen, ["visible 0", "visible 1", "visible 2", "visible 3", "visible 4"]);
    assert!(pages <= 3, "five visible deals in pages of two: {pages} pages");
}

#[tokio::test]
async fn a_deal_owner_is_an_active_teammate_and_agents_only_name_themselves() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let _other = t.teammate(&admin, "other@shop.test", "agent").await;
    let open = contact_named(&t, &admin, "919800000003", "Open Contact", None).await;
    let (status, body) = t
        .post(
            &admin,
            "/api/deals",
            &json!({"contact_id": open, "title": "t", "value_minor": 1, "owner": "ghost@shop.test"}),
            None,
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let deal = deal_on(&t, &admin, &open, "a deal", None).await;
    let (status, _) =
        t.request(&admin, "PATCH", &format!("/api/deals/{deal}"), Some(&json!({"owner": "ghost@shop.test"}))).await;
    assert_eq!(status, 422, "an owner must be a teammate");
    let (status, _) = t.request(&admin, "PATCH", "/api/users/other@shop.test", Some(&json!({"active": false}))).await;
    assert_eq!(status, 200);
    let (status, _) =
        t.request(&admin, "PATCH", &format!("/api/deals/{deal}"), Some(&json!({"owner": "other@shop.test"}))).await;
    assert_eq!(status, 422, "an owner must be active");
    let (status, _) = t
        .post(
            &agent,
            "/api/deals",
            &json!({"contact_id": open, "title": "t", "value_minor": 1, "owner": "owner@shop.test"}),
            None,
        )
        .await;
    assert_eq!(status, 403, "agents open deals for themselves");
    let (status, _) =
        t.request(&agent, "PATCH", &format!("/api/deals/{deal}"), Some(&json!({"owner": "owner@shop.test"}))).await;
    assert_eq!(status, 403, "agents do not hand deals to others");
    let (status, taken) =
        t.request(&agent, "PATCH", &format!("/api/deals/{deal}"), Some(&json!({"owner": "Agent@Shop.test"}))).await;
    assert_eq!((status, taken["owner"].as_str()), (200, Some("agent@shop.test")), "an agent takes an unowned deal");
}
