//! Unread markers per person: a conversation is unread for someone until
//! they open it, again when the customer writes after that, never moves
//! back on a late or older read, costs the list one batch read, and goes
//! with the contact's erasure.

use parley_e2e::TestStack;
use serde_json::{json, Value};
use std::time::Duration;

async fn row(t: &TestStack, cookie: &str, id: &str) -> Value {
    let (status, page) = t.get(cookie, "/api/contacts").await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().iter().find(|c| c["id"] == id).cloned().unwrap_or(Value::Null)
}

async fn only_contact(t: &TestStack, cookie: &str) -> String {
    t.contacts(cookie).await[0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn unread_for_each_person_until_they_open_it_and_again_when_the_customer_writes() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    t.customer_says("919822222222", "Meera", "first").await;
    let id = only_contact(&t, &admin).await;
    assert_eq!(row(&t, &admin, &id).await["unread"], true);
    assert_eq!(row(&t, &manager, &id).await["unread"], true);

    let (status, marker) = t.post(&admin, &format!("/api/contacts/{id}/read"), &json!({}), None).await;
    assert_eq!(status, 200, "{marker}");
    assert_eq!(marker["unread"], false);
    assert_eq!(row(&t, &admin, &id).await["unread"], false, "read by the admin");
    assert_eq!(row(&t, &manager, &id).await["unread"], true, "still unread for the manager");
    let (_, queue) = t.get(&manager, "/api/conversations?queue=waiting_on_us").await;
    assert_eq!(queue["items"][0]["unread"], true, "queues say it too: {queue}");

    // Webhook timestamps are whole seconds: the next message is a second later.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    t.customer_says("919822222222", "Meera", "second").await;
    assert_eq!(row(&t, &admin, &id).await["unread"], true, "a newer inbound message");
}

#[tokio::test]
async fn an_older_read_arriving_late_never_moves_the_marker_back() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.customer_says("919833333333", "Kiran", "hello").await;
    let id = only_contact(&t, &admin).await;
    let latest = row(&t, &admin, &id).await["last_inbound_at"].as_str().unwrap().to_owned();
    let path = format!("/api/contacts/{id}/read");
    let (_, newer) = t.post(&admin, &path, &json!({"through": latest}), None).await;
    assert_eq!(newer["read_through"], latest.as_str());
    let (status, older) = t.post(&admin, &path, &json!({"through": "2020-01-01T00:00:00Z"}), None).await;
    assert_eq!(status, 200, "{older}");
    assert_eq!(older["read_through"], latest.as_str(), "kept: {older}");
    assert_eq!(row(&t, &admin, &id).await["unread"], false);

    let (status, body) = t.post(&admin, &path, &json!({"through": "yesterday"}), None).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(row(&t, &admin, &id).await["unread"], false, "a bad request changed nothing");
}

#[tokio::test]
async fn the_list_reads_every_rows_marker_in_one_batch() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.customer_says("919844444401", "One", "hi").await;
    let _ = t.get(&admin, "/api/contacts").await;
    let before = t.round_trips();
    let _ = t.get(&admin, "/api/contacts").await;
    let one_row = t.round_trips() - before;
    for i in 2..=6 {
        t.customer_says(&format!("9198444444{i:02}"), "More", "hi").await;
    }
    let before = t.round_trips();
    let (_, page) = t.get(&admin, "/api/contacts").await;
    let six_rows = t.round_trips() - before;
    assert_eq!(page["items"].as_array().unwrap().len(), 6);
    assert_eq!(six_rows, one_row, "the markers cost the same for one row or six");
}

#[tokio::test]
async fn erasing_a_contact_erases_everyones_read_markers() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    t.customer_says("919855555555", "Farah", "hello").await;
    let id = only_contact(&t, &admin).await;
    for cookie in [&admin, &manager] {
        let (status, body) = t.post(cookie, &format!("/api/contacts/{id}/read"), &json!({}), None).await;
        assert_eq!(status, 200, "{body}");
    }
    let markers = || async {
        let out = t
            .dynamo()
            .await
            .query()
            .table_name(&t.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :read)")
            .expression_attribute_values(":pk", aws_sdk_dynamodb::types::AttributeValue::S(format!("C#{id}")))
            .expression_attribute_values(":read", aws_sdk_dynamodb::types::AttributeValue::S("READ#".into()))
            .send()
            .await
            .unwrap();
        out.items().len()
    };
    assert_eq!(markers().await, 2);
    let (status, body) = t.request(&admin, "DELETE", &format!("/api/contacts/{id}"), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(markers().await, 0);
}

#[tokio::test]
async fn a_merge_keeps_each_persons_newer_marker() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    t.customer_says("919844444444", "Survivor", "hello").await;
    t.customer_says("919855555555", "Merged", "hi").await;
    let contacts = t.contacts(&admin).await;
    let id_of = |name: &str| contacts.iter().find(|c| c["name"] == name).unwrap()["id"].as_str().unwrap().to_owned();
    let (survivor, merged) = (id_of("Survivor"), id_of("Merged"));
    let latest =
        |id: &str| contacts.iter().find(|c| c["id"] == id).unwrap()["last_inbound_at"].as_str().unwrap().to_owned();
    let (survivor_latest, merged_latest) = (latest(&survivor), latest(&merged));
    let old = "2020-01-01T00:00:00Z";
    let mark = |cookie: &str, id: &str, through: &str| {
        let (t, path, body) = (&t, format!("/api/contacts/{id}/read"), json!({"through": through}));
        let cookie = cookie.to_owned();
        async move {
            let (status, marker) = t.post(&cookie, &path, &body, None).await;
            assert_eq!(status, 200, "{marker}");
            marker["read_through"].as_str().unwrap().to_owned()
        }
    };
    // The admin read the survivor last; the manager read the merged one last.
    mark(&admin, &survivor, &survivor_latest).await;
    mark(&admin, &merged, old).await;
    mark(&manager, &survivor, old).await;
    mark(&manager, &merged, &merged_latest).await;

    let (status, body) =
        t.post(&admin, &format!("/api/contacts/{survivor}/merge"), &json!({"from": merged}), None).await;
    assert_eq!(status, 200, "{body}");
    // An older read returns the marker as it stands.
    assert_eq!(
        mark(&admin, &survivor, "2000-01-01T00:00:00Z").await,
        survivor_latest,
        "the admin's newer marker stays"
    );
    assert_eq!(
        mark(&manager, &survivor, "2000-01-01T00:00:00Z").await,
        merged_latest,
        "the manager's newer one moves over"
    );
}
