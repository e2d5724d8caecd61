//! Erasure and merging: the business owns its data (exports: see `exports`).

use parley_e2e::TestStack;
use parley_simulator::Customer;
use serde_json::{json, Value};

async fn write(t: &TestStack, c: &Customer, wamid: &str, at: i64, text: &str) {
    assert_eq!(t.post_json_webhook(&c.webhook(vec![c.text(wamid, at, text)])).await.status(), 200);
}

async fn id_of(t: &TestStack, cookie: &str, query: &str) -> String {
    t.get(cookie, &format!("/api/contacts?q={query}")).await.1["items"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn erasure_removes_personal_data_and_keeps_aggregates() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    let asha = Customer::new("919812345678", "Asha Verma");
    write(&t, &asha, "wamid.E1", 1_700_000_000, "my address is 12 MG Road").await;
    write(&t, &asha, "wamid.E2", 1_700_000_100, "call me on 98765").await;
    let id = id_of(&t, &admin, "asha").await;
    t.post(&admin, &format!("/api/contacts/{id}/notes"), &json!({"text": "lives near the temple"}), None).await;
    let (_, before) = t.get(&admin, "/api/reports/messages?from=2023-01-01&to=2023-12-31").await;

    assert_eq!(t.request(&manager, "DELETE", &format!("/api/contacts/{id}"), None).await.0, 403);
    let (status, erased) = t.request(&admin, "DELETE", &format!("/api/contacts/{id}"), None).await;
    assert_eq!(status, 200, "{erased}");
    assert!(erased["removed_items"].as_u64().unwrap() >= 5, "{erased}");

    assert!(t.get(&admin, "/api/contacts?q=asha").await.1["items"].as_array().unwrap().is_empty());
    assert!(t.get(&admin, "/api/contacts?q=9198123").await.1["items"].as_array().unwrap().is_empty());
    assert!(t.contacts(&admin).await.is_empty(), "gone from every list");
    let (_, record) = t.get(&admin, &format!("/api/contacts/{id}")).await;
    assert_eq!((record["name"].clone(), record["phone"].clone()), (Value::Null, Value::Null));
    assert!(t.timeline(&admin, &id).await.is_empty());
    assert!(t.get(&admin, &format!("/api/contacts/{id}/notes")).await.1["items"].as_array().unwrap().is_empty());
    let (_, after) = t.get(&admin, "/api/reports/messages?from=2023-01-01&to=2023-12-31").await;
    assert_eq!(before, after, "aggregate counts are kept");
    let (_, trail) = t.get(&admin, &format!("/api/audit?contact={id}")).await;
    assert!(trail["items"].as_array().unwrap().iter().any(|e| e["action"] == "erase"), "the request is audited");
    let (status, _) = t.request(&admin, "DELETE", &format!("/api/contacts/{id}"), None).await;
    assert_eq!(status, 200, "erasing again is harmless");
}

#[tokio::test]
async fn merging_joins_histories_identities_deals_and_quotes() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let phone = Customer::new("919812345678", "Asha Verma");
    let mut private = Customer::new("0", "Asha (new phone)");
    private.wa_id = None;
    private.user_id = Some("IN.777".into());
    write(&t, &phone, "wamid.M1", 1_700_000_000, "first, from the old phone").await;
    write(&t, &private, "wamid.M2", 1_700_000_500, "second, from the private profile").await;
    write(&t, &phone, "wamid.M3", 1_700_001_000, "third, old phone again").await;
    let into = id_of(&t, &admin, "9198123").await;
    let from = id_of(&t, &admin, "asha%20(new").await;
    assert_ne!(into, from);
    t.request(&admin, "PATCH", &format!("/api/contacts/{from}"), Some(&json!({"tags": ["vip"]}))).await;
    let (_, deal) = t
        .post(&admin, "/api/deals", &json!({"contact_id": from, "title": "Saree order", "value_minor": 120_000}), None)
        .await;
    let line = json!({"description": "Saree", "quantity_milli": 1000, "unit": "pc", "unit_price_minor": 120_000, "discount_bp": 0, "tax_rate_bp": 500});
    let quote = json!({"contact_id": from, "deal_id": deal["id"], "lines": [line], "valid_until": "2026-12-31",
        "tax": {"kind": "gst", "business_state": "MH", "customer_state": "MH"}});
    let (status, quote) = t.post(&admin, "/api/quotes", &quote, None).await;
    assert_eq!(status, 201, "{quote}");

    let (status, merged) = t.post(&admin, &format!("/api/contacts/{into}/merge"), &json!({"from": from}), None).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["user_id"], "IN.777", "the surviving record learns the other identity");
    assert_eq!(merged["tags"], json!(["vip"]));
    let texts: Vec<String> =
        t.timeline(&admin, &into).await.iter().map(|m| m["text"].as_str().unwrap().to_owned()).collect();
    assert_eq!(texts, ["first, from the old phone", "second, from the private profile", "third, old phone again"]);
    assert_eq!(t.get(&admin, &format!("/api/contacts/{from}")).await.0, 404);
    assert_eq!(t.contacts(&admin).await.len(), 1);
    let (_, deals) = t.get(&admin, &format!("/api/contacts/{into}/deals")).await;
    assert_eq!(deals["items"][0]["id"], deal["id"]);
    let (_, quotes) = t.get(&admin, &format!("/api/contacts/{into}/quotes")).await;
    assert_eq!(quotes["items"][0]["id"], quote["id"], "the quote follows its customer: {quotes}");
    assert_eq!(quotes["items"][0]["contact_id"], json!(into));

    write(&t, &private, "wamid.M4", 1_700_002_000, "and again from the private profile").await;
    assert_eq!(t.timeline(&admin, &into).await.len(), 4, "the merged identity now finds the surviving contact");
    assert_eq!(t.contacts(&admin).await.len(), 1);
    let (status, _) = t.post(&admin, &format!("/api/contacts/{into}/merge"), &json!({"from": into}), None).await;
    assert_eq!(status, 422);
}

fn now_seconds() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Every item in the test's table, each rendered as text (a Scan: fine in a
/// test, never on a request path).
async fn every_item(t: &TestStack) -> Vec<String> {
    let dynamo = t.dynamo().await;
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let out = dynamo.scan().table_name(&t.table).set_exclusive_start_key(start).send().await.unwrap();
        items.extend(out.items().iter().map(|i| format!("{i:?}")));
        match out.last_evaluated_key() {
            Some(k) => start = Some(k.clone()),
            None => return items,
        }
    }
}

async fn wait_until_sent(t: &TestStack, cookie: &str, contact: &str, id: &str) {
    for _ in 0..600 {
        let timeline = t.timeline(cookie, contact).await;
        if timeline
            .iter()
            .any(|m| m["direction"] == "out" && m["status"] == "read" && (m["id"] == id || m["client_id"] == id))
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("message {id} was never read: {:?}", t.timeline(cookie, contact).await);
}

#[tokio::test]
async fn erasure_leaves_no_personal_data_anywhere_in_the_table() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let now = now_seconds();
    // Asha writes from her old number, tells WhatsApp she changed it, and
    // writes from the new one; a private (BSUID) profile of hers is merged in.
    let old = Customer::new("919812345678", "Asha Verma");
    write(&t, &old, "wamid.P1", now - 600, "my address is 12 MG Road").await;
    let notice = old.message(
        "wamid.P2",
        now - 500,
        "system",
        json!({"body": "changed number", "new_wa_id": "919811112222", "type": "user_changed_number"}),
    );
    assert_eq!(t.post_json_webhook(&old.webhook(vec![notice])).await.status(), 200);
    t.customer_says("919811112222", "Asha Verma", "new phone, same Asha").await;
    let mut private = Customer::new("0", "Asha private");
    private.wa_id = None;
    private.user_id = Some("IN.777001".into());
    write(&t, &private, "wamid.P4", now - 300, "from my private profile").await;
    let id = id_of(&t, &admin, "9198111").await;
    let other = id_of(&t, &admin, "asha%20private").await;
    assert_ne!(id, other);
    let (status, body) = t.post(&admin, &format!("/api/contacts/{id}/merge"), &json!({"from": other}), None).await;
    assert_eq!(status, 200, "{body}");

    // Staff's own records about her.
    t.post(&admin, &format!("/api/contacts/{id}/notes"), &json!({"text": "lives near the temple"}), None).await;
    let patch = json!({"display_name": "Asha V.", "tags": ["vip"], "fields": {"city": "Pune"}});
    assert_eq!(t.request(&admin, "PATCH", &format!("/api/contacts/{id}"), Some(&patch)).await.0, 200);
    let (status, deal) = t
        .post(
            &admin,
            "/api/deals",
            &json!({"contact_id": id, "title": "Saree order for Asha Verma", "value_minor": 120_000}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{deal}");
    let deal_id = deal["id"].as_str().unwrap();
    let (status, _) =
        t.post(&admin, &format!("/api/deals/{deal_id}/stage"), &json!({"stage": "qualified"}), None).await;
    assert_eq!(status, 200);
    let due = parley::domain::Millis((now + 3600) * 1000).to_rfc3339();
    let (status, task) = t
        .post(
            &admin,
            "/api/tasks",
            &json!({"title": "Call Asha Verma about the saree", "due_at": due, "contact_id": id}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{task}");
    // A reply goes out to her new number and comes back read.
    let (status, queued) = t
        .post(
            &admin,
            &format!("/api/contacts/{id}/messages"),
            &json!({"type": "text", "text": "Hi Asha, your saree ships today"}),
            None,
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    wait_until_sent(&t, &admin, &id, queued["id"].as_str().unwrap()).await;
    // A campaign to the VIPs reaches her (its record keeps her name).
    assert_eq!(t.post(&admin, "/api/templates/sync", &json!({}), None).await.0, 200);
    let offer = json!({"name": "VIP offer", "template": "diwali_sale", "language": "en_US",
        "params": [{"kind": "field", "field": "first_name", "fallback": null}], "audience": {"tag": "vip"},
        "estimate": {"recipients": 1, "amount_minor": 0, "currency": "INR"}});
    let (status, campaign) = t.post(&admin, "/api/campaigns", &offer, None).await;
    assert_eq!(status, 201, "{campaign}");
    let campaign = format!("/api/campaigns/{}", campaign["id"].as_str().unwrap());
    let mut totals = json!(null);
    for _ in 0..240 {
        totals = t.get(&admin, &campaign).await.1["totals"].clone();
        if totals["read"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(totals["read"], 1, "{totals}");
    // A status Meta sent for a message Parley never linked, naming her number.
    let parked = parley_simulator::webhook::status("wamid.NEVER-LINKED", "delivered", now, "919811112222");
    let body = parley_simulator::webhook::envelope(vec![parley_simulator::webhook::messages_change(
        &old.phone,
        vec![],
        vec![],
        vec![parked],
    )]);
    assert_eq!(t.post_json_webhook(&body).await.status(), 200);

    let personal = ["919812345678", "919811112222", "Asha", "MG Road", "IN.777001", "saree", "temple", "Pune"];
    assert!(every_item(&t).await.iter().any(|i| i.contains("Asha")), "the set-up stored what it should");
    let (status, erased) = t.request(&admin, "DELETE", &format!("/api/contacts/{id}"), None).await;
    assert_eq!(status, 200, "{erased}");

    let leftovers: Vec<(&str, String)> = every_item(&t)
        .await
        .into_iter()
        .flat_map(|item| personal.iter().filter(|p| item.contains(**p)).map(|p| (*p, item.clone())).collect::<Vec<_>>())
        .collect();
    assert!(leftovers.is_empty(), "personal data left behind: {leftovers:#?}");
    let kept = t.get(&admin, &campaign).await.1["totals"].clone();
    assert_eq!((kept["recipients"].clone(), kept["read"].clone()), (json!(1), json!(1)), "the campaign's figures stay");
    let recipients = t.get(&admin, &format!("{campaign}/recipients")).await.1;
    assert!(!recipients.to_string().contains(id.as_str()), "{recipients}");
    let (_, trail) = t.get(&admin, &format!("/api/audit?contact={id}")).await;
    let erase = trail["items"].as_array().unwrap().iter().find(|e| e["action"] == "erase").cloned();
    assert_eq!(
        erase.map(|e| e["actor"].clone()),
        Some(json!(parley_e2e::ADMIN_EMAIL)),
        "who erased, and when, is kept"
    );
}

#[tokio::test]
async fn a_redelivery_after_erasure_stores_nothing_and_a_new_message_starts_afresh() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let asha = Customer::new("919812345678", "Asha Verma");
    let first = asha.webhook(vec![asha.text("wamid.OLD1", 1_700_000_000, "my address is 12 MG Road")]);
    let second = asha.webhook(vec![asha.text("wamid.OLD2", 1_700_000_100, "call me on 98765")]);
    assert_eq!(t.post_json_webhook(&first).await.status(), 200);
    assert_eq!(t.post_json_webhook(&second).await.status(), 200);
    let id = id_of(&t, &admin, "asha").await;
    let (status, _) = t.request(&admin, "DELETE", &format!("/api/contacts/{id}"), None).await;
    assert_eq!(status, 200);

    // Meta retries an old delivery, alone and batched with the other one.
    assert_eq!(t.post_json_webhook(&first).await.status(), 200, "acknowledged");
    let both = asha.webhook(vec![
        asha.text("wamid.OLD1", 1_700_000_000, "my address is 12 MG Road"),
        asha.text("wamid.OLD2", 1_700_000_100, "call me on 98765"),
    ]);
    assert_eq!(t.post_json_webhook(&both).await.status(), 200, "acknowledged");
    assert!(t.contacts(&admin).await.is_empty(), "no contact came back");
    assert!(t.timeline(&admin, &id).await.is_empty(), "no message came back");
    let items = every_item(&t).await;
    assert!(!items.iter().any(|i| i.contains("MG Road") || i.contains("919812345678")), "{items:#?}");

    // She writes again: a fresh record with only the new message.
    write(&t, &asha, "wamid.NEW1", 1_700_000_900, "hello again").await;
    let contacts = t.contacts(&admin).await;
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["phone"], "+919812345678");
    let texts: Vec<Value> =
        t.timeline(&admin, contacts[0]["id"].as_str().unwrap()).await.iter().map(|m| m["text"].clone()).collect();
    assert_eq!(texts, [json!("hello again")]);
}

#[tokio::test]
async fn merging_moves_every_deal_not_only_the_first_page() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let a = Customer::new("919800000001", "Asha");
    let b = Customer::new("919800000002", "Asha again");
    write(&t, &a, "wamid.D1", 1_700_000_000, "hi").await;
    write(&t, &b, "wamid.D2", 1_700_000_100, "hi").await;
    let into = id_of(&t, &admin, "919800000001").await;
    let from = id_of(&t, &admin, "919800000002").await;
    const DEALS: usize = 201;
    let mut created = tokio::task::JoinSet::new();
    for chunk in 0..8 {
        let (http, url, cookie, from) = (t.http.clone(), t.url("/api/deals"), admin.clone(), from.clone());
        created.spawn(async move {
            for i in (chunk..DEALS).step_by(8) {
                let body = json!({"contact_id": from, "title": format!("order {i}"), "value_minor": 100});
                let r = http.post(&url).header("cookie", &cookie).json(&body).send().await.unwrap();
                assert_eq!(r.status(), 201);
            }
        });
    }
    while let Some(done) = created.join_next().await {
        done.unwrap();
    }
    let (status, body) = t.post(&admin, &format!("/api/contacts/{into}/merge"), &json!({"from": from}), None).await;
    assert_eq!(status, 200, "{body}");
    let mut moved = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/contacts/{into}/deals?limit=200&cursor={c}"),
            None => format!("/api/contacts/{into}/deals?limit=200"),
        };
        let (_, page) = t.get(&admin, &path).await;
        moved += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(moved, DEALS, "every deal follows its customer");
}

/// Runs `arrive` just before the merge sends its `nth` request (counting
/// from 0) to DynamoDB: an interleaving the test picks exactly.
struct ArriveBefore {
    nth: u64,
    seen: std::sync::atomic::AtomicU64,
    arrive: Box<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for ArriveBefore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArriveBefore").field("nth", &self.nth).finish()
    }
}

impl aws_sdk_dynamodb::config::Intercept for ArriveBefore {
    fn name(&self) -> &'static str {
        "ArriveBefore"
    }

    fn read_before_transmit(
        &self,
        _context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _components: &aws_sdk_dynamodb::config::RuntimeComponents,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        if self.seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == self.nth {
            (self.arrive)();
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_arriving_at_any_point_of_a_merge_is_not_orphaned() {
    use parley::ports::ContactLifecycleStore;
    use std::sync::atomic::Ordering;
    let t = TestStack::start().await;
    let admin = t.login().await;
    let sdk = parley::adapters::aws::load_config().await;
    for nth in 0u64.. {
        let phone = format!("91980{nth:07}");
        let keeper = Customer::new(&phone, &format!("keeper {nth:03}"));
        let mut twin = Customer::new("0", &format!("twin {nth:03}"));
        twin.wa_id = None;
        twin.user_id = Some(format!("IN.{nth:03}"));
        write(&t, &keeper, &format!("wamid.K{nth}"), 1_700_000_000, "kept").await;
        write(&t, &twin, &format!("wamid.T{nth}"), 1_700_000_010, "twin's").await;
        let into = parley::domain::ContactId::parse(&id_of(&t, &admin, &phone).await).unwrap();
        let from = parley::domain::ContactId::parse(&id_of(&t, &admin, &format!("twin%20{nth:03}")).await).unwrap();

        // The twin writes while the merge is under way.
        let late =
            serde_json::to_vec(&twin.webhook(vec![twin.text(&format!("wamid.L{nth}"), 1_700_000_020, "mid-merge")]))
                .unwrap();
        let (http, url, handle) = (t.http.clone(), t.url("/webhook"), tokio::runtime::Handle::current());
        let body = late.clone();
        let interceptor = std::sync::Arc::new(ArriveBefore {
            nth,
            seen: Default::default(),
            arrive: Box::new(move || {
                let status = tokio::task::block_in_place(|| {
                    handle.block_on(parley_simulator::webhook::post_signed(
                        &http,
                        &url,
                        parley_e2e::APP_SECRET,
                        body.clone(),
                    ))
                })
                .unwrap()
                .status();
                assert_eq!(status, 200, "the message that arrives mid-merge is accepted");
            }),
        });
        let config =
            aws_sdk_dynamodb::config::Builder::from(&sdk).interceptor(ArriveBeforeRef(interceptor.clone())).build();
        let store = parley::adapters::dynamo::DynamoStore::new(
            aws_sdk_dynamodb::Client::from_conf(config),
            t.table.clone(),
            parley_e2e::contact_id_key(),
        );
        store.merge_contacts(&into, &from).await.unwrap();
        let interleaved = interceptor.seen.load(Ordering::SeqCst) > nth;
        if !interleaved {
            // Past the merge's last request: the message simply comes after.
            assert_eq!(t.post_webhook(&late).await.status(), 200);
        }

        let texts: Vec<String> =
            t.timeline(&admin, into.as_str()).await.iter().map(|m| m["text"].as_str().unwrap().to_owned()).collect();
        assert_eq!(texts, ["kept", "twin's", "mid-merge"], "arriving before request {nth} of the merge");
        let left = t
            .dynamo()
            .await
            .query()
            .table_name(&t.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :m)")
            .expression_attribute_values(":pk", aws_sdk_dynamodb::types::AttributeValue::S(format!("C#{from}")))
            .expression_attribute_values(":m", aws_sdk_dynamodb::types::AttributeValue::S("M#".into()))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        assert!(left.items().is_empty(), "nothing orphaned under the merged contact (request {nth}): {left:?}");
        assert_eq!(t.get(&admin, &format!("/api/contacts/{from}")).await.0, 404);
        if !interleaved {
            assert!(nth >= 8, "the merge was interleaved at each of its {nth} requests");
            break;
        }
    }
}

/// Shares one [`ArriveBefore`] between the SDK and the test.
#[derive(Debug, Clone)]
struct ArriveBeforeRef(std::sync::Arc<ArriveBefore>);

impl aws_sdk_dynamodb::config::Intercept for ArriveBeforeRef {
    fn name(&self) -> &'static str {
        "ArriveBeforeRef"
    }

    fn read_before_transmit(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        components: &aws_sdk_dynamodb::config::RuntimeComponents,
        cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        self.0.read_before_transmit(context, components, cfg)
    }
}
