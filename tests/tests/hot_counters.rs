//! Counters under a burst: hundreds of priced statuses and inbound messages
//! arriving at once must all be answered 200 and counted exactly once.

use aws_sdk_dynamodb::types::AttributeValue;
use parley::adapters::dynamo::keys;
use parley::domain::{ContactId, Millis};
use parley_e2e::{TestStack, APP_SECRET};
use parley_simulator::webhook::{envelope, messages_change, post_signed, status, BusinessPhone};
use serde_json::{json, Value};
use std::collections::HashMap;

const MESSAGES: usize = 250;
const CUSTOMERS_WRITING: usize = 200;
/// 2026-03-10T12:00:00Z, so the statuses fall in March 2026.
const AT_SECONDS: i64 = 1_773_144_000;

/// Meta's pricing for message `i`: four kinds, in turn.
fn pricing(i: usize) -> Value {
    match i % 4 {
        0 => json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "marketing"}),
        1 => json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "utility"}),
        2 => json!({"billable": false, "pricing_model": "PMP", "type": "free_customer_service", "category": "utility"}),
        _ => json!({"billable": false, "pricing_model": "PMP", "type": "free_customer_service", "category": "service"}),
    }
}

/// Writes a sent-but-unconfirmed outbound message as the sender leaves it;
/// returns its callback key.
async fn outbound_message(t: &TestStack, dynamo: &aws_sdk_dynamodb::Client, i: usize) -> String {
    let contact = ContactId::parse(&format!("{:024x}", 0xc0ffee_usize + i % 25)).expect("a contact id");
    let id = format!("pm.{i:024x}");
    let sk = keys::message_sk(Millis(AT_SECONDS * 1000 - 60_000), &id);
    let s = |v: &str| AttributeValue::S(v.to_owned());
    let item = HashMap::from([
        ("pk".to_owned(), s(&keys::contact_pk(&contact))),
        ("sk".to_owned(), s(&sk)),
        ("id".to_owned(), s(&id)),
        ("contact_id".to_owned(), s(contact.as_str())),
        ("direction".to_owned(), s("out")),
        ("type".to_owned(), s("text")),
        ("text".to_owned(), s("Your order has shipped")),
        ("at".to_owned(), AttributeValue::N((AT_SECONDS * 1000 - 60_000).to_string())),
        ("status".to_owned(), s("sending")),
        ("status_rank".to_owned(), AttributeValue::N("1".into())),
    ]);
    dynamo.put_item().table_name(&t.table).set_item(Some(item)).send().await.expect("seeded");
    keys::message_ref(&contact, &sk).callback_data()
}

#[tokio::test]
async fn a_burst_of_priced_statuses_and_messages_is_answered_200_and_counted_exactly() {
    let t = TestStack::builder().transaction_conflicts().start().await;
    let dynamo = t.dynamo().await;
    let phone = BusinessPhone::default();
    let mut bodies = Vec::new();
    for i in 0..MESSAGES {
        let callback = outbound_message(&t, &dynamo, i).await;
        // Both the sent and the delivered status carry the message's pricing.
        for (offset, name) in [(0, "sent"), (1, "delivered")] {
            let mut s = status(&format!("wamid.BURST{i:05}"), name, AT_SECONDS + offset, "919800000000");
            s["pricing"] = pricing(i);
            s["biz_opaque_callback_data"] = json!(callback);
            bodies.push(envelope(vec![messages_change(&phone, vec![], vec![], vec![s])]));
        }
    }
    for i in 0..CUSTOMERS_WRITING {
        let customer = parley_simulator::Customer::new(&format!("9198{i:08}"), "Burst");
        bodies.push(customer.webhook(vec![customer.text(&format!("wamid.IN{i:05}"), AT_SECONDS, "hello")]));
    }

    let mut burst = tokio::task::JoinSet::new();
    for body in bodies {
        let (http, url) = (t.http.clone(), t.url("/webhook"));
        burst.spawn(async move {
            let body = serde_json::to_vec(&body).expect("JSON");
            post_signed(&http, &url, APP_SECRET, body).await.map(|r| r.status().as_u16()).unwrap_or(0)
        });
    }
    let mut answers: HashMap<u16, usize> = HashMap::new();
    while let Some(answer) = burst.join_next().await {
        *answers.entry(answer.expect("the task ran")).or_default() += 1;
    }
    assert_eq!(answers, HashMap::from([(200, 2 * MESSAGES + CUSTOMERS_WRITING)]), "every delivery answered 200");

    let cookie = t.login().await;
    assert_exact_totals(&t, &cookie).await;
    // The sweep folds the pending entries into the counters: same totals.
    let mut pending = usize::MAX;
    for _ in 0..600 {
        pending = 0;
        for shard in 0..keys::TALLY_SHARDS {
            let out = dynamo
                .query()
                .table_name(&t.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(keys::tally_pk(shard)))
                .send()
                .await
                .expect("query");
            pending += out.items().len();
        }
        if pending == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(pending, 0, "the sweep folded every entry");
    assert_exact_totals(&t, &cookie).await;

    // What a report read costs, beyond signing the request in: the fold
    // version before and after, each pending shard, the counters, and the
    // rate card (the business's currency and its own prices).
    let trips = |path: &'static str| {
        let (t, cookie) = (&t, &cookie);
        async move {
            let before = t.stack.api_round_trips.get();
            assert_eq!(t.get(cookie, path).await.0, 200);
            t.stack.api_round_trips.get() - before
        }
    };
    let signing_in = trips("/api/me").await;
    assert_eq!(trips("/api/reports/spend?month=2026-03").await - signing_in, 2 + keys::TALLY_SHARDS + 1 + 2);
}

async fn assert_exact_totals(t: &TestStack, cookie: &str) {
    let (status, report) = t.get(cookie, "/api/reports/spend?month=2026-03").await;
    assert_eq!(status, 200, "{report}");
    let line = |category: &str| {
        let items = report["items"].as_array().expect("items");
        let found = items.iter().find(|l| l["category"] == category).cloned().unwrap_or(Value::Null);
        (found["billable"].as_u64().unwrap_or(0), found["free"].as_u64().unwrap_or(0))
    };
    let kinds = |k: usize| (0..MESSAGES).filter(|i| i % 4 == k).count() as u64;
    assert_eq!(line("marketing"), (kinds(0), 0), "{report}");
    assert_eq!(line("utility"), (kinds(1), kinds(2)), "{report}");
    assert_eq!(line("service"), (0, kinds(3)), "{report}");

    let (status, days) = t.get(cookie, "/api/reports/messages?from=2026-03-01&to=2026-03-31").await;
    assert_eq!(status, 200, "{days}");
    assert_eq!(days["items"], json!([{"day": "2026-03-10", "inbound": CUSTOMERS_WRITING, "outbound": 0}]));
}
