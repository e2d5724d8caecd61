//! The list indexes are spread over shards (no single hot partition key),
//! and reading them back still gives every item once, in order, page by page.

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use parley::adapters::aws::dynamo_client;
use parley::adapters::dynamo::keys::{self, Shard};
use parley::adapters::dynamo::DynamoStore;
use parley::adapters::request_counter::RequestCounter;
use parley::app::index_backfill::{BackfillReport, IndexBackfill};
use parley::domain::{ContactId, Millis};
use parley::ports::{ConversationStore, InboxStore, OutboxStore, PageRequest, QueueQuery, ReportStore, StuckState};
use parley_e2e::TestStack;
use parley_simulator::Customer;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

const CONTACTS: i64 = 40;

/// Customer `i` of `CONTACTS` writes once, at a time that interleaves
/// customers of different shards; their names share the prefix `Shard`.
async fn many_customers(t: &TestStack) {
    for i in 0..CONTACTS {
        let c = Customer::new(&format!("9198100{i:05}"), &format!("Shard customer {i:02}"));
        // Not in id or phone order: activity order is its own.
        let at = 1_700_000_000 + (i * 37) % CONTACTS * 60;
        let message = c.text(&format!("wamid.S{i}"), at, "hi");
        assert_eq!(t.post_json_webhook(&c.webhook(vec![message])).await.status(), 200);
    }
}

/// Every page of `path` with `limit` items per page (asserting each is at
/// most `limit` long), as the ids of the items.
pub(super) async fn every_page(t: &TestStack, cookie: &str, path: &str, limit: usize) -> Vec<Vec<String>> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut pages = Vec::new();
    let mut cursor = String::new();
    for _ in 0..200 {
        let (status, page) = t.get(cookie, &format!("{path}{sep}limit={limit}&cursor={cursor}")).await;
        assert_eq!(status, 200, "{path}: {page}");
        let ids: Vec<String> =
            page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
        assert!(ids.len() <= limit, "{path}: a page holds at most {limit}");
        pages.push(ids);
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return pages,
        }
    }
    panic!("{path}: paging never ended");
}

/// The profile items, straight from the table.
async fn profiles(t: &TestStack) -> Vec<HashMap<String, AttributeValue>> {
    let out = t
        .dynamo()
        .await
        .scan()
        .table_name(&t.table)
        .filter_expression("sk = :p")
        .expression_attribute_values(":p", AttributeValue::S("PROFILE".into()))
        .send()
        .await
        .unwrap();
    assert!(out.last_evaluated_key().is_none(), "a test table fits in one scan page");
    out.items.unwrap_or_default()
}

#[tokio::test]
async fn the_contacts_of_a_shop_are_spread_over_several_index_keys() {
    let t = TestStack::start().await;
    many_customers(&t).await;
    let profiles = profiles(&t).await;
    assert_eq!(profiles.len(), usize::try_from(CONTACTS).unwrap());
    for attribute in ["gsi1pk", "gsi3pk", "gsi4pk", "gsi5pk", "gsi6pk", "gsi7pk"] {
        let keys: BTreeSet<&str> =
            profiles.iter().map(|p| p[attribute].as_s().map(String::as_str).unwrap_or("not a string")).collect();
        assert!(keys.len() >= 2, "{attribute}: {CONTACTS} contacts under {keys:?}");
        assert!(keys.len() <= 8, "{attribute}: at most one key per shard: {keys:?}");
    }
}

#[tokio::test]
async fn lists_page_through_every_shard_once_in_order() {
    let t = TestStack::start().await;
    many_customers(&t).await;
    let admin = t.login().await;
    // The order every list must have: the whole list in one page (≤ 200).
    let (_, whole) = t.get(&admin, "/api/contacts?limit=200").await;
    let newest_first: Vec<String> =
        whole["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(newest_first.len(), usize::try_from(CONTACTS).unwrap());
    let activity: Vec<String> =
        whole["items"].as_array().unwrap().iter().map(|c| c["last_activity_at"].to_string()).collect::<Vec<_>>();
    let mut sorted = activity.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(activity, sorted, "newest activity first");
    let by_name = {
        let mut names: Vec<(String, String)> = whole["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["name"].as_str().unwrap().to_lowercase(), c["id"].as_str().unwrap().to_owned()))
            .collect();
        names.sort();
        names.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    };

    // 40 contacts over 8 shards, pages of 3: several pages per shard, and
    // shards of different sizes.
    for (path, expected) in [
        ("/api/contacts", &newest_first),
        ("/api/conversations?queue=unassigned", &newest_first),
        ("/api/conversations?queue=waiting_on_us", &newest_first),
        ("/api/contacts?q=shard%20cust", &by_name),
    ] {
        for limit in [3, 7] {
            let pages = every_page(&t, &admin, path, limit).await;
            assert_eq!(&pages.concat(), expected, "{path}, pages of {limit}: each once, in order");
            let full = usize::try_from(CONTACTS).unwrap().div_ceil(limit);
            assert_eq!(pages.len(), full, "{path}: every page but the last is full ({limit})");
        }
    }

    // An agent sees only the unassigned and their own: the filter does not
    // break the order or lose anything either.
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    t.teammate(&admin, "other@shop.test", "agent").await;
    let theirs: Vec<&String> = newest_first.iter().step_by(3).collect();
    for id in &theirs {
        let owner = serde_json::json!({"owner": "other@shop.test"});
        let (status, body) = t.post(&admin, &format!("/api/contacts/{id}/assign"), &owner, None).await;
        assert_eq!(status, 200, "{body}");
    }
    let visible: Vec<String> = newest_first.iter().filter(|id| !theirs.contains(id)).cloned().collect();
    assert_eq!(every_page(&t, &agent, "/api/contacts", 4).await.concat(), visible);
    let unassigned_now = every_page(&t, &admin, "/api/conversations?queue=unassigned", 5).await.concat();
    assert_eq!(unassigned_now, visible, "the assigned left the unassigned queue");
}

#[tokio::test]
async fn a_list_page_is_one_parallel_query_per_shard() {
    let t = TestStack::start().await;
    many_customers(&t).await;
    let admin = t.login().await;
    let before = t.stack.api_round_trips.get();
    let (status, page) = t.get(&admin, "/api/contacts?limit=3").await;
    assert_eq!(status, 200);
    let request = t.stack.api_round_trips.get() - before;
    assert!(page["next_cursor"].is_string());

    let counter = RequestCounter::default();
    let sdk = parley::adapters::aws::load_config().await;
    let store = DynamoStore::new(dynamo_client(&sdk, &counter), t.table.clone(), parley_e2e::contact_id_key());
    let first = PageRequest { limit: Some(3), cursor: None };
    let page = store.list_contacts(&first, None, &parley::ports::ListFilter::default()).await.unwrap();
    assert_eq!(counter.get(), 8, "the first page: one Query per shard, sent together");
    let next = PageRequest { limit: Some(3), cursor: page.next_cursor };
    store.list_contacts(&next, None, &parley::ports::ListFilter::default()).await.unwrap();
    assert!(counter.get() - 8 <= 8, "a later page: at most one per shard (none for one read to its end)");
    let before = counter.get();
    store.queue(&QueueQuery::Unassigned, None, &parley::ports::ListFilter::default(), &first).await.unwrap();
    store.count_unassigned().await.unwrap();
    assert_eq!(counter.get() - before, 16, "a queue page and a queue count: 8 Queries each");
    assert!(request >= 8, "{request} round trips for a page: the session's reads and the 8 Queries");
    eprintln!("GET /api/contacts?limit=3: {request} DynamoDB round trips (8 of them the shard Queries, in parallel)");
}

#[tokio::test]
async fn forged_sharded_cursors_are_refused_as_bad_requests() {
    let t = TestStack::start().await;
    many_customers(&t).await;
    let admin = t.login().await;
    let (_, page) = t.get(&admin, "/api/contacts?limit=3").await;
    let genuine = page["next_cursor"].as_str().unwrap().to_owned();
    let json: Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&genuine).unwrap()).unwrap();
    let positions = json.as_array().unwrap().clone();
    assert_eq!(positions.len(), 8, "one position per shard: {json}");
    let forge = |positions: &[Value]| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(positions).unwrap())
    };
    let read = positions.iter().position(|p| p.get("after").is_some()).expect("some shard was read");
    let other = (read + 1) % 8;
    let mut moved = positions.clone();
    moved.swap(read, other);
    let mut elsewhere = positions.clone();
    elsewhere[read]["after"]["gsi1pk"] = Value::from("USERS");
    let mut extra = positions.clone();
    extra[read]["after"]["owner"] = Value::from("x");
    let forged = [
        forge(&moved),
        forge(&elsewhere),
        forge(&extra),
        forge(&positions[..7]),
        forge(&[positions.clone(), vec![Value::from("start")]].concat()),
        forge(&vec![Value::from("later"); 8]),
    ];
    for cursor in &forged {
        let (status, body) = t.get(&admin, &format!("/api/contacts?cursor={cursor}")).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_cursor")), "{cursor}");
    }
    // A genuine cursor of one list is not one of another.
    for path in ["/api/conversations?queue=unassigned", "/api/contacts?q=shard"] {
        let (status, body) = t.get(&admin, &format!("{path}&cursor={genuine}")).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_cursor")), "{path}");
    }
}

/// The values the code wrote before the lists were sharded.
fn unsharded(attribute: &str, item: &HashMap<String, AttributeValue>) -> Option<String> {
    let status = item.get("status").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
    let owner = item.get("owner").and_then(|v| v.as_s().ok()).cloned().unwrap_or_else(|| "-".to_owned());
    item.get(attribute)?;
    Some(match attribute {
        "gsi1pk" => "CONTACTS".to_owned(),
        "gsi3pk" => format!("Q#{status}"),
        "gsi4pk" | "owner_key" => format!("OWNER#{owner}"),
        "gsi5pk" => "AWAIT".to_owned(),
        "gsi6pk" => "NAME".to_owned(),
        "gsi7pk" => "PHONE".to_owned(),
        _ => return None,
    })
}

const INDEX_KEYS: [&str; 7] = ["gsi1pk", "gsi3pk", "gsi4pk", "owner_key", "gsi5pk", "gsi6pk", "gsi7pk"];

/// Gives every contact the index keys the code wrote before sharding, and
/// forgets that the backfill ever finished.
pub(super) async fn write_as_before_sharding(t: &TestStack) {
    let dynamo = t.dynamo().await;
    for profile in profiles(t).await {
        let mut update =
            dynamo.update_item().table_name(&t.table).key("pk", profile["pk"].clone()).key("sk", profile["sk"].clone());
        let mut sets = Vec::new();
        for (i, attribute) in INDEX_KEYS.iter().enumerate() {
            if let Some(old) = unsharded(attribute, &profile) {
                sets.push(format!("{attribute} = :v{i}"));
                update = update.expression_attribute_values(format!(":v{i}"), AttributeValue::S(old));
            }
        }
        assert!(sets.len() >= 6, "{profile:?}");
        update.update_expression(format!("SET {}", sets.join(", "))).send().await.unwrap();
    }
    dynamo
        .delete_item()
        .table_name(&t.table)
        .key("pk", AttributeValue::S(keys::SHARD_BACKFILL.into()))
        .key("sk", AttributeValue::S(keys::SHARD_BACKFILL.into()))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn the_schedule_runs_the_backfill() {
    let t = TestStack::start().await;
    for i in 0..5 {
        t.customer_says(&format!("91982000000{i}"), "Before", "hi").await;
    }
    let admin = t.login().await;
    let ids = every_page(&t, &admin, "/api/contacts", 50).await.concat();
    assert_eq!(ids.len(), 5);
    write_as_before_sharding(&t).await;
    // The stack's schedule (every 500 ms, as EventBridge every minute)
    // moves them back into the lists.
    for _ in 0..100 {
        if every_page(&t, &admin, "/api/contacts", 50).await.concat() == ids {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the scheduled backfill never moved the contacts");
}

#[tokio::test]
async fn the_backfill_moves_items_written_before_sharding_onto_their_shards() {
    // The stack's own schedule runs once at start (an empty table: done at
    // once) and not again during the test: the runs below are the test's.
    // The customers wrote in 2023, so a 15-minute SLA would fire for each
    // of them at once, and a check landing after the old-shape rewrite
    // below would re-key its profile before the backfill got to it.
    let decade = parley::app::inbox::InboxSettings { sla_minutes: 10 * 366 * 24 * 60, ..Default::default() };
    let t = TestStack::builder().sweep_every(Duration::from_secs(3600)).inbox(decade).start().await;
    many_customers(&t).await;
    let admin = t.login().await;
    let other = t.teammate(&admin, "other@shop.test", "agent").await;
    let (_, whole) = t.get(&admin, "/api/contacts?limit=200").await;
    let ids: Vec<String> =
        whole["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().into()).collect();
    for id in ids.iter().step_by(5) {
        let owner = serde_json::json!({"owner": "other@shop.test"});
        assert_eq!(t.post(&admin, &format!("/api/contacts/{id}/assign"), &owner, None).await.0, 200);
    }
    let lists = [
        (admin.as_str(), "/api/contacts"),
        (admin.as_str(), "/api/conversations?queue=unassigned"),
        (admin.as_str(), "/api/conversations?queue=waiting_on_us"),
        (admin.as_str(), "/api/contacts?q=shard%20cust"),
        (admin.as_str(), "/api/contacts?q=9198100"),
        (other.as_str(), "/api/conversations?queue=mine"),
    ];
    let mut expected = Vec::new();
    for (cookie, path) in lists {
        expected.push(every_page(&t, cookie, path, 200).await.concat());
    }
    assert_eq!(expected[5].len(), 8, "other's queue");
    let (_, workload) = t.get(&admin, "/api/reports/workload").await;

    // Written by the code before sharding: every index key unsharded, and
    // one send still queued in the old outbox.
    write_as_before_sharding(&t).await;
    let dynamo = t.dynamo().await;
    let contact = ContactId::parse(&ids[0]).unwrap();
    let sk = keys::message_sk(Millis(1_700_000_000_000), "queued-before");
    dynamo
        .put_item()
        .table_name(&t.table)
        .item("pk", AttributeValue::S(keys::contact_pk(&contact)))
        .item("sk", AttributeValue::S(sk.clone()))
        .item("direction", AttributeValue::S("out".into()))
        .item("status", AttributeValue::S("queued".into()))
        .item("gsi2pk", AttributeValue::S("OUTBOX".into()))
        .item("gsi2sk", AttributeValue::S(keys::outbox_sk("queued", Millis(1_700_000_000_000), &sk)))
        .send()
        .await
        .unwrap();
    let store = Arc::new(DynamoStore::new(dynamo.clone(), t.table.clone(), parley_e2e::contact_id_key()));
    let stuck = || async { store.stuck(StuckState::Queued, Millis(1_800_000_000_000), 100).await.unwrap() };
    assert!(stuck().await.is_empty(), "the sweep does not see the old outbox");
    for (cookie, path) in lists {
        assert!(every_page(&t, cookie, path, 200).await.concat().is_empty(), "{path} before the backfill");
    }

    // Runs of one page of up to 100 items, as the schedule would.
    let backfill = IndexBackfill::new(store.clone(), 1);
    let mut moved = 0;
    let mut runs = 0;
    loop {
        let report = backfill.run().await.unwrap();
        moved += report.moved;
        runs += 1;
        if report.done {
            break;
        }
        assert!(runs < 40, "the backfill ends");
    }
    assert_eq!(moved, 41, "each contact and the queued send once");
    for ((cookie, path), expected) in lists.iter().zip(&expected) {
        assert_eq!(&every_page(&t, cookie, path, 3).await.concat(), expected, "{path} after the backfill");
    }
    assert_eq!(t.get(&admin, "/api/reports/workload").await.1, workload, "the counts too");
    assert_eq!(stuck().await, [keys::message_ref(&contact, &sk)], "the sweep sees the queued send");
    for profile in profiles(&t).await {
        for attribute in INDEX_KEYS {
            let value = profile.get(attribute).and_then(|v| v.as_s().ok());
            assert_ne!(value, unsharded(attribute, &profile).as_ref(), "{attribute} still unsharded");
        }
    }
    assert_eq!(backfill.run().await.unwrap(), BackfillReport { moved: 0, tagged: 0, conflicts: 0, done: true });
}

#[tokio::test]
async fn a_send_still_queued_moves_to_the_survivors_outbox_shard_on_merge() {
    // No scheduled sweep during the test: the queued send stays queued.
    let t = TestStack::builder().sweep_every(Duration::from_secs(3600)).start().await;
    for i in 0..8 {
        t.customer_says(&format!("91983000000{i}"), "Twin", "hi").await;
    }
    let admin = t.login().await;
    let ids: Vec<ContactId> = every_page(&t, &admin, "/api/contacts", 50)
        .await
        .concat()
        .iter()
        .map(|id| ContactId::parse(id).unwrap())
        .collect();
    let from = ids[0].clone();
    let into = ids.iter().find(|id| Shard::of(id) != Shard::of(&from)).expect("8 contacts in one shard").clone();
    let sk = keys::message_sk(Millis(1_700_000_000_000), "queued-before-merge");
    let dynamo = t.dynamo().await;
    dynamo
        .put_item()
        .table_name(&t.table)
        .item("pk", AttributeValue::S(keys::contact_pk(&from)))
        .item("sk", AttributeValue::S(sk.clone()))
        .item("id", AttributeValue::S("queued-before-merge".into()))
        .item("direction", AttributeValue::S("out".into()))
        .item("status", AttributeValue::S("queued".into()))
        .item("gsi2pk", AttributeValue::S(keys::outbox(Shard::of(&from))))
        .item("gsi2sk", AttributeValue::S(keys::outbox_sk("queued", Millis(1_700_000_000_000), &sk)))
        .send()
        .await
        .unwrap();
    let (status, body) =
        t.post(&admin, &format!("/api/contacts/{into}/merge"), &serde_json::json!({"from": from.as_str()}), None).await;
    assert_eq!(status, 200, "{body}");
    let moved = dynamo
        .get_item()
        .table_name(&t.table)
        .key("pk", AttributeValue::S(keys::contact_pk(&into)))
        .key("sk", AttributeValue::S(sk.clone()))
        .send()
        .await
        .unwrap();
    let gsi2pk = moved.item().and_then(|i| i.get("gsi2pk")).and_then(|v| v.as_s().ok()).cloned();
    assert_eq!(gsi2pk, Some(keys::outbox(Shard::of(&into))), "in the survivor's shard, with its other rows");
    let store = DynamoStore::new(dynamo, t.table.clone(), parley_e2e::contact_id_key());
    let stuck = store.stuck(StuckState::Queued, Millis(1_800_000_000_000), 100).await.unwrap();
    assert_eq!(stuck, [keys::message_ref(&into, &sk)], "the sweep finds it under the survivor");
}

/// Runs the backfill to its end; the tag memberships it wrote.
async fn tagged_until_done(backfill: &IndexBackfill) -> usize {
    let mut tagged = 0;
    for _ in 0..60 {
        let report = backfill.run().await.unwrap();
        tagged += report.tagged;
        if report.done {
            return tagged;
        }
    }
    panic!("the backfill ends");
}

#[tokio::test]
async fn tags_written_before_the_tag_index_are_found_after_the_backfill() {
    // The stack's own schedule runs the backfill too: here only at start,
    // so that the runs counted below are the only writers.
    let t = TestStack::builder().sweep_every(Duration::from_secs(3600)).start().await;
    let admin = t.login().await;
    for (i, name) in ["Asha", "Bala", "Chitra"].iter().enumerate() {
        let c = Customer::new(&format!("91981000100{i}"), name);
        assert_eq!(
            t.post_json_webhook(&c.webhook(vec![c.text(&format!("wamid.T{i}"), 1_700_000_000 + i as i64, "hi")]))
                .await
                .status(),
            200
        );
    }
    let id_of = |name: &str| {
        let t = &t;
        let admin = &admin;
        let name = name.to_owned();
        async move {
            let (_, found) = t.get(admin, &format!("/api/contacts?q={name}")).await;
            found["items"][0]["id"].as_str().unwrap().to_owned()
        }
    };
    let (asha, bala, chitra) = (id_of("Asha").await, id_of("Bala").await, id_of("Chitra").await);
    let patch = serde_json::json!({"tags": ["vip"]});
    assert_eq!(t.request(&admin, "PATCH", &format!("/api/contacts/{asha}"), Some(&patch)).await.0, 200);
    // Tags as the code before the tag index wrote them: on the profile only.
    let dynamo = t.dynamo().await;
    for (id, tags) in [(&bala, vec!["vip", "wholesale"]), (&chitra, vec!["vip"])] {
        dynamo
            .update_item()
            .table_name(&t.table)
            .key("pk", AttributeValue::S(keys::contact_pk(&ContactId::parse(id).unwrap())))
            .key("sk", AttributeValue::S(keys::PROFILE.into()))
            .update_expression("SET tags = :tags")
            .expression_attribute_values(":tags", AttributeValue::Ss(tags.into_iter().map(str::to_owned).collect()))
            .send()
            .await
            .unwrap();
    }
    let found = |query: &'static str| {
        let (t, admin) = (&t, &admin);
        async move {
            every_page(t, admin, &format!("/api/contacts?q={query}"), 50)
                .await
                .concat()
                .into_iter()
                .collect::<BTreeSet<_>>()
        }
    };
    assert_eq!(found("%23vip").await, BTreeSet::from([asha.clone()]), "the old tags are missed");

    let store = Arc::new(DynamoStore::new(dynamo.clone(), t.table.clone(), parley_e2e::contact_id_key()));
    // Runs of one page, as the schedule would: the shard step first (done at
    // once on a new table), then the tag pass.
    let backfill = IndexBackfill::new(store.clone(), 1);
    assert_eq!(tagged_until_done(&backfill).await, 3, "bala's two tags and chitra's one; asha's was indexed");
    assert_eq!(found("%23vip").await, BTreeSet::from([asha.clone(), bala.clone(), chitra.clone()]));
    assert_eq!(found("%23wholesale").await, BTreeSet::from([bala.clone()]));
    assert_eq!(backfill.run().await.unwrap(), BackfillReport { moved: 0, tagged: 0, conflicts: 0, done: true });

    // Run again from scratch, twice at once: every membership is there, so
    // nothing is written; one lost since is written once.
    dynamo
        .delete_item()
        .table_name(&t.table)
        .key("pk", AttributeValue::S(keys::TAG_BACKFILL.into()))
        .key("sk", AttributeValue::S(keys::TAG_BACKFILL.into()))
        .send()
        .await
        .unwrap();
    dynamo
        .delete_item()
        .table_name(&t.table)
        .key("pk", AttributeValue::S(keys::contact_pk(&ContactId::parse(&chitra).unwrap())))
        .key("sk", AttributeValue::S(keys::tag_sk("vip")))
        .send()
        .await
        .unwrap();
    let twin = IndexBackfill::new(store.clone(), 1);
    let (a, b) = tokio::join!(tagged_until_done(&backfill), tagged_until_done(&twin));
    assert_eq!(a + b, 1, "overlapping runs write the missing membership once");
    assert_eq!(found("%23vip").await, BTreeSet::from([asha, bala, chitra]));
}
