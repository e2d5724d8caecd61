//! Inbox filters (owner, tag, business number) and search by tag.

use parley_e2e::TestStack;
use parley_simulator::webhook::BusinessPhone;
use parley_simulator::Customer;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const SECOND_NUMBER: &str = "200200";

/// `name` writes in (at `at` seconds) to the default business number, or
/// to the second one; returns the contact's id.
async fn writes_in(t: &TestStack, admin: &str, wa_id: &str, name: &str, at: i64, second_number: bool) -> String {
    let mut customer = Customer::new(wa_id, name);
    if second_number {
        customer.phone =
            BusinessPhone { phone_number_id: SECOND_NUMBER.into(), display_phone_number: "15550000002".into() };
    }
    let body = customer.webhook(vec![customer.text(&format!("wamid.{wa_id}.{at}"), at, "hello")]);
    assert_eq!(t.post_json_webhook(&body).await.status(), 200);
    let (_, found) = t.get(admin, &format!("/api/contacts?q={wa_id}")).await;
    found["items"][0]["id"].as_str().expect("the contact is found by phone").to_owned()
}

async fn tag(t: &TestStack, cookie: &str, id: &str, tags: &[&str]) {
    let (status, body) = t.request(cookie, "PATCH", &format!("/api/contacts/{id}"), Some(&json!({"tags": tags}))).await;
    assert_eq!(status, 200, "{body}");
}

async fn assign(t: &TestStack, cookie: &str, id: &str, owner: &str) {
    let (status, body) = t.post(cookie, &format!("/api/contacts/{id}/assign"), &json!({"owner": owner}), None).await;
    assert_eq!(status, 200, "{body}");
}

/// Every id a list holds, following cursors; fails on a repeat.
async fn ids(t: &TestStack, cookie: &str, path: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let page = match &cursor {
            Some(c) => format!("{path}{separator}cursor={c}"),
            None => path.to_owned(),
        };
        let (status, body) = t.get(cookie, &page).await;
        assert_eq!(status, 200, "GET {page}: {body}");
        for item in body["items"].as_array().cloned().unwrap_or_default() {
            let id = item["id"].as_str().unwrap_or_default().to_owned();
            assert!(seen.insert(id.clone()), "{id} listed twice by {path}");
        }
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return seen,
        }
    }
}

fn set(ids: &[&String]) -> BTreeSet<String> {
    ids.iter().map(|id| (*id).clone()).collect()
}

#[tokio::test]
async fn search_by_tag_follows_tag_changes_erasure_and_merge() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let asha = writes_in(&t, &admin, "919800000001", "Asha", 1_700_000_001, false).await;
    let bala = writes_in(&t, &admin, "919800000002", "Bala", 1_700_000_002, false).await;
    let chitra = writes_in(&t, &admin, "919800000003", "Chitra", 1_700_000_003, false).await;
    tag(&t, &admin, &asha, &["VIP ", "wholesale"]).await;
    tag(&t, &admin, &bala, &["vip"]).await;

    assert_eq!(ids(&t, &admin, "/api/contacts?q=%23vip").await, set(&[&asha, &bala]));
    assert_eq!(ids(&t, &admin, "/api/contacts?q=%23VIP").await, set(&[&asha, &bala]), "tags are normalized");
    assert_eq!(ids(&t, &admin, "/api/contacts?tag=wholesale").await, set(&[&asha]));
    assert!(ids(&t, &admin, "/api/contacts?q=%23nobody").await.is_empty());

    tag(&t, &admin, &bala, &["repeat"]).await;
    assert_eq!(ids(&t, &admin, "/api/contacts?q=%23vip").await, set(&[&asha]), "a removed tag no longer finds it");
    assert_eq!(ids(&t, &admin, "/api/contacts?q=%23repeat").await, set(&[&bala]));

    let (status, body) = t.request(&admin, "DELETE", &format!("/api/contacts/{asha}"), None).await;
    assert_eq!(status, 200, "{body}");
    assert!(ids(&t, &admin, "/api/contacts?q=%23vip").await.is_empty(), "erasure takes the tag memberships");
    assert!(ids(&t, &admin, "/api/contacts?q=%23wholesale").await.is_empty());

    // Bala's `repeat` moves to Chitra, who never carried it herself.
    let (status, body) = t.post(&admin, &format!("/api/contacts/{chitra}/merge"), &json!({"from": bala}), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&t, &admin, "/api/contacts?q=%23repeat").await, set(&[&chitra]), "merge moves the membership");
    let dynamo = t.dynamo().await;
    let left = dynamo
        .get_item()
        .table_name(&t.table)
        .key("pk", aws_sdk_dynamodb::types::AttributeValue::S(format!("C#{bala}")))
        .key("sk", aws_sdk_dynamodb::types::AttributeValue::S("TAG#repeat".into()))
        .send()
        .await
        .expect("DynamoDB answers");
    assert!(left.item().is_none(), "the merged-away contact keeps no membership");
}

#[tokio::test]
async fn filters_narrow_each_queue_and_all_alone_and_combined() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.teammate(&admin, "mira@shop.test", "manager").await;
    let a = writes_in(&t, &admin, "919800000011", "A", 1_700_000_001, false).await;
    let b = writes_in(&t, &admin, "919800000012", "B", 1_700_000_002, true).await;
    let c = writes_in(&t, &admin, "919800000013", "C", 1_700_000_003, false).await;
    let d = writes_in(&t, &admin, "919800000014", "D", 1_700_000_004, true).await;
    assign(&t, &admin, &a, "mira@shop.test").await;
    assign(&t, &admin, &b, "mira@shop.test").await;
    tag(&t, &admin, &b, &["vip"]).await;
    tag(&t, &admin, &c, &["vip"]).await;

    for list in ["/api/contacts?x=1", "/api/conversations?queue=waiting_on_us"] {
        assert_eq!(ids(&t, &admin, list).await, set(&[&a, &b, &c, &d]), "{list}");
        assert_eq!(ids(&t, &admin, &format!("{list}&owner=Mira@shop.test")).await, set(&[&a, &b]), "{list}");
        assert_eq!(ids(&t, &admin, &format!("{list}&owner=unassigned")).await, set(&[&c, &d]), "{list}");
        assert_eq!(ids(&t, &admin, &format!("{list}&tag=vip")).await, set(&[&b, &c]), "{list}");
        assert_eq!(ids(&t, &admin, &format!("{list}&number={SECOND_NUMBER}")).await, set(&[&b, &d]), "{list}");
        let combined = format!("{list}&owner=mira@shop.test&tag=vip&number={SECOND_NUMBER}");
        assert_eq!(ids(&t, &admin, &combined).await, set(&[&b]), "{list}");
        assert!(ids(&t, &admin, &format!("{list}&owner=unassigned&tag=vip&number={SECOND_NUMBER}")).await.is_empty());
    }
    assert_eq!(ids(&t, &admin, "/api/conversations?queue=unassigned&tag=vip").await, set(&[&c]));
    assert_eq!(ids(&t, &admin, "/api/conversations?queue=unassigned&owner=mira@shop.test").await, BTreeSet::new());
    assert_eq!(ids(&t, &admin, "/api/contacts?q=%23vip&owner=unassigned").await, set(&[&c]), "search narrows too");
}

#[tokio::test]
async fn paging_a_filtered_list_hands_out_each_item_once() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let mut tagged = BTreeSet::new();
    let mut second = BTreeSet::new();
    for i in 0..14 {
        let id =
            writes_in(&t, &admin, &format!("9198000001{i:02}"), &format!("P{i}"), 1_700_000_000 + i, i % 2 == 0).await;
        if i % 3 == 0 {
            tag(&t, &admin, &id, &["bulk"]).await;
            tagged.insert(id.clone());
        }
        if i % 2 == 0 {
            second.insert(id);
        }
    }
    assert_eq!(tagged.len(), 5);
    for limit in [1, 2, 3] {
        assert_eq!(ids(&t, &admin, &format!("/api/contacts?tag=bulk&limit={limit}")).await, tagged);
        assert_eq!(ids(&t, &admin, &format!("/api/contacts?q=%23bulk&limit={limit}")).await, tagged);
        let queue = format!("/api/conversations?queue=waiting_on_us&tag=bulk&limit={limit}");
        assert_eq!(ids(&t, &admin, &queue).await, tagged);
        assert_eq!(ids(&t, &admin, &format!("/api/contacts?number={SECOND_NUMBER}&limit={limit}")).await, second);
    }
}

#[tokio::test]
async fn an_agent_sees_no_more_under_any_filter() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let ravi = t.teammate(&admin, "ravi@shop.test", "agent").await;
    t.teammate(&admin, "sita@shop.test", "agent").await;
    let own = writes_in(&t, &admin, "919800000021", "Own", 1_700_000_001, false).await;
    let theirs = writes_in(&t, &admin, "919800000022", "Theirs", 1_700_000_002, false).await;
    let free = writes_in(&t, &admin, "919800000023", "Free", 1_700_000_003, false).await;
    assign(&t, &admin, &own, "ravi@shop.test").await;
    assign(&t, &admin, &theirs, "sita@shop.test").await;
    for id in [&own, &theirs, &free] {
        tag(&t, &admin, id, &["vip"]).await;
    }

    for list in ["/api/contacts?x=1", "/api/conversations?queue=waiting_on_us"] {
        assert!(ids(&t, &ravi, &format!("{list}&owner=sita@shop.test")).await.is_empty(), "{list}");
        assert_eq!(ids(&t, &ravi, &format!("{list}&tag=vip")).await, set(&[&own, &free]), "{list}");
        assert_eq!(ids(&t, &ravi, &format!("{list}&owner=unassigned")).await, set(&[&free]), "{list}");
        assert_eq!(ids(&t, &ravi, &format!("{list}&owner=ravi@shop.test")).await, set(&[&own]), "{list}");
    }
    assert_eq!(ids(&t, &ravi, "/api/contacts?q=%23vip").await, set(&[&own, &free]));
    assert!(ids(&t, &ravi, "/api/contacts?q=%23vip&owner=sita@shop.test").await.is_empty());
    assert_eq!(ids(&t, &admin, "/api/contacts?q=%23vip&owner=sita@shop.test").await, set(&[&theirs]));
}

#[tokio::test]
async fn a_filter_that_cannot_be_used_is_refused_with_its_name() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let long_tag = "x".repeat(41);
    for (path, parameter) in [
        ("/api/contacts?owner=not-an-email".to_owned(), "owner"),
        ("/api/conversations?queue=open&owner=a%20b@shop.test".to_owned(), "owner"),
        ("/api/contacts?number=12ab".to_owned(), "number"),
        ("/api/conversations?queue=open&number=%2B91".to_owned(), "number"),
        (format!("/api/contacts?tag={long_tag}"), "tag"),
    ] {
        let (status, body): (u16, Value) = t.get(&admin, &path).await;
        assert_eq!(status, 422, "{path}: {body}");
        assert_eq!(body["error"]["parameter"], parameter, "{path}: {body}");
    }
    let (status, body) = t.get(&admin, "/api/contacts?q=%23").await;
    assert_eq!(status, 422, "{body}");
}

#[tokio::test]
async fn concurrent_tag_edits_leave_the_tag_index_matching_the_tags() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let id = writes_in(&t, &admin, "919800000031", "Raced", 1_700_000_001, false).await;
    let sets: [&[&str]; 5] = [&["a", "b"], &["b", "c"], &["c", "d"], &["a", "d"], &["e"]];
    let path = format!("/api/contacts/{id}");
    let bodies = sets.map(|tags| json!({"tags": tags}));
    let edit = |body| t.request(&admin, "PATCH", &path, Some(body));
    let answers =
        tokio::join!(edit(&bodies[0]), edit(&bodies[1]), edit(&bodies[2]), edit(&bodies[3]), edit(&bodies[4]));
    for (status, body) in [answers.0, answers.1, answers.2, answers.3, answers.4] {
        assert!(status == 200 || status == 409, "{status}: {body}");
    }
    let (_, contact) = t.get(&admin, &format!("/api/contacts/{id}")).await;
    let kept: BTreeSet<String> =
        contact["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect();
    assert!(!kept.is_empty(), "one of the edits won: {contact}");
    for tag in ["a", "b", "c", "d", "e"] {
        let found = ids(&t, &admin, &format!("/api/contacts?q=%23{tag}")).await;
        let expected = if kept.contains(tag) { set(&[&id]) } else { BTreeSet::new() };
        assert_eq!(found, expected, "#{tag} with tags {kept:?}");
    }
}
