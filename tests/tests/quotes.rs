//! Products, quotes and invoices over HTTP against DynamoDB Local: GST
//! totals, numbering under concurrency, the state machine with its audit
//! lines and events, and the deal following the quote.

use aws_sdk_dynamodb::types::AttributeValue;
use parley_e2e::TestStack;
use serde_json::{json, Value};

async fn contact(t: &TestStack, cookie: &str) -> String {
    t.customer_says("919812345678", "आशा वर्मा", "Please quote 3 kurtas and stitching").await;
    t.contacts(cookie).await[0]["id"].as_str().unwrap().to_owned()
}

fn gst_quote(contact: &str, deal: Option<&str>, customer_state: &str) -> Value {
    json!({
        "contact_id": contact,
        "deal_id": deal,
        "tax": {"kind": "gst", "business_state": "MH", "customer_state": customer_state},
        "lines": [
            {"description": "Cotton kurta", "quantity_milli": 3000, "unit": "pc", "unit_price_minor": 49_900, "discount_bp": 1000, "tax_rate_bp": 1800},
            {"description": "Stitching", "quantity_milli": 1000, "unit": "job", "unit_price_minor": 30_000, "discount_bp": 0, "tax_rate_bp": 500}
        ],
        "valid_until": "2026-12-31",
        "terms": "50% advance"
    })
}

/// Asha taps Accept on the latest message with buttons sent to her, in the simulator.
async fn asha_taps_accept(t: &TestStack) {
    let tap = t
        .http
        .post(format!("{}/sim/customer", t.simulator_url))
        .json(&json!({"from": "919812345678", "name": "आशा वर्मा", "taps": "Accept"}))
        .send()
        .await
        .unwrap();
    assert!(tap.status().is_success(), "{}", tap.text().await.unwrap());
}

async fn events_of(t: &TestStack, day: &str, prefix: &str) -> Vec<String> {
    let dynamo = t.dynamo().await;
    let mut kinds = Vec::new();
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
        kinds
            .extend(events.items().iter().map(|e| e["kind"].as_s().unwrap().clone()).filter(|k| k.starts_with(prefix)));
    }
    kinds.sort();
    kinds
}

#[tokio::test]
async fn a_gst_quote_is_sent_accepted_invoiced_and_paid_and_the_deal_follows() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let contact = contact(&t, &admin).await;

    let kurta =
        json!({"name": "Cotton kurta", "sku": "K-01", "unit_price_minor": 49_900, "tax_rate_bp": 1800, "unit": "pc"});
    let (status, _) = t.post(&agent, "/api/products", &kurta, None).await;
    assert_eq!(status, 403, "the catalog is the supervisors'");
    let (status, product) = t.post(&admin, "/api/products", &kurta, None).await;
    assert_eq!(status, 201, "{product}");
    let (status, bad) = t
        .post(&admin, "/api/products", &json!({"name": "x", "unit_price_minor": 1, "tax_rate_bp": 10_001}), None)
        .await;
    assert_eq!(status, 422);
    assert!(bad["error"]["message"].as_str().unwrap().contains("basis points"), "{bad}");
    let (_, products) = t.get(&agent, "/api/products").await;
    assert_eq!(products["items"][0]["id"], product["id"]);

    let (_, deal) =
        t.post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "Kurtas", "value_minor": 1}), None).await;
    let deal_id = deal["id"].as_str().unwrap();

    let (status, unknown_state) = t.post(&admin, "/api/quotes", &gst_quote(&contact, Some(deal_id), ""), None).await;
    assert_eq!(status, 422);
    assert!(unknown_state["error"]["message"].as_str().unwrap().contains("customer's state"), "{unknown_state}");

    let (status, quote) = t.post(&admin, "/api/quotes", &gst_quote(&contact, Some(deal_id), "MH"), None).await;
    assert_eq!(status, 201, "{quote}");
    let year = &quote["created_at"].as_str().unwrap()[..4];
    assert_eq!(quote["number"], format!("QT-{year}-0001"));
    assert_eq!(quote["state"], "draft");
    // 3 × 499.00 − 10% = 1347.30, CGST+SGST 9% each = 121.26 + 121.26;
    // 300.00 at 5% = 7.50 + 7.50.
    let totals = &quote["totals"];
    assert_eq!(totals["taxable_minor"], 134_730 + 30_000);
    let taxes: Vec<(String, i64)> = totals["taxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (format!("{} {}", t["name"].as_str().unwrap(), t["rate_bp"]), t["amount_minor"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        taxes,
        [("CGST 900".into(), 12_126), ("SGST 900".into(), 12_126), ("CGST 250".into(), 750), ("SGST 250".into(), 750)]
    );
    let total = 134_730 + 30_000 + 2 * 12_126 + 2 * 750;
    assert_eq!(totals["total_minor"], total);
    let (_, preview) = t
        .post(
            &agent,
            "/api/quotes/preview",
            &json!({"tax": gst_quote(&contact, None, "MH")["tax"], "lines": gst_quote(&contact, None, "MH")["lines"]}),
            None,
        )
        .await;
    assert_eq!(preview, *totals, "the builder's preview is the saved quote's totals");
    let (_, across) = t
        .post(
            &agent,
            "/api/quotes/preview",
            &json!({"tax": gst_quote(&contact, None, "KA")["tax"], "lines": gst_quote(&contact, None, "KA")["lines"]}),
            None,
        )
        .await;
    assert_eq!(across["taxes"][0]["name"], "IGST");

    let id = quote["id"].as_str().unwrap();
    let (status, wrong) = t.post(&admin, &format!("/api/quotes/{id}/accept"), &json!({}), None).await;
    assert_eq!((status, wrong["error"]["code"].as_str()), (409, Some("illegal_transition")), "a draft is not accepted");

    let (status, sent) = t.post(&admin, &format!("/api/quotes/{id}/send"), &json!({}), None).await;
    assert_eq!((status, sent["state"].as_str()), (200, Some("sent")), "{sent}");
    let (status, edited) =
        t.request(&admin, "PUT", &format!("/api/quotes/{id}"), Some(&gst_quote(&contact, None, "MH"))).await;
    assert_eq!(status, 422, "a sent quote is what the customer saw: {edited}");
    let (_, deal_now) = t.get(&admin, &format!("/api/deals/{deal_id}")).await;
    assert_eq!(deal_now["stage"], "quote_sent", "sending moves the deal to the quote stage");

    let (status, accepted) = t.post(&admin, &format!("/api/quotes/{id}/accept"), &json!({}), None).await;
    assert_eq!((status, accepted["state"].as_str()), (200, Some("accepted")), "{accepted}");
    let (status, again) = t.post(&admin, &format!("/api/quotes/{id}/accept"), &json!({}), None).await;
    assert_eq!((status, again["history"].as_array().unwrap().len()), (200, 3), "a retried accept changes nothing");
    let (_, won) = t.get(&admin, &format!("/api/deals/{deal_id}")).await;
    assert_eq!((won["stage"].as_str(), won["value_minor"].as_i64()), (Some("won"), Some(total)));

    let (status, declined) = t.post(&admin, &format!("/api/quotes/{id}/decline"), &json!({}), None).await;
    assert_eq!(status, 409, "{declined}");
    let (_, invoiced) = t.post(&admin, &format!("/api/quotes/{id}/invoice"), &json!({}), None).await;
    assert_eq!(invoiced["invoice_number"], format!("INV-{year}-0001"));
    let (_, paid) = t.post(&admin, &format!("/api/quotes/{id}/paid"), &json!({}), None).await;
    assert_eq!(paid["state"], "paid");

    let (_, listed) = t.get(&admin, &format!("/api/contacts/{contact}/quotes")).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["state"], "paid");
    let (_, of_deal) = t.get(&admin, &format!("/api/deals/{deal_id}/quotes")).await;
    assert_eq!(of_deal["items"][0]["id"], id);

    let (_, trail) = t.get(&admin, &format!("/api/audit?contact={contact}")).await;
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["quote_create", "quote_sent", "quote_accepted", "quote_invoiced", "quote_paid"] {
        assert_eq!(actions.iter().filter(|a| **a == action).count(), 1, "{action} audited once: {actions:?}");
    }
    let day = &paid["updated_at"].as_str().unwrap()[..10];
    assert_eq!(events_of(&t, day, "quote.").await, ["quote.accepted", "quote.invoiced", "quote.paid", "quote.sent"]);
}

#[tokio::test]
async fn concurrent_quotes_never_share_a_number_and_agents_see_only_their_contacts_quotes() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let contact = contact(&t, &admin).await;
    t.request(
        &admin,
        "POST",
        &format!("/api/contacts/{contact}/assign"),
        Some(&json!({"owner": parley_e2e::ADMIN_EMAIL})),
    )
    .await;
    let body = gst_quote(&contact, None, "KA");
    let mut at_once = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (http, url, cookie, body) = (t.http.clone(), t.url("/api/quotes"), admin.clone(), body.clone());
        at_once.spawn(async move {
            let r = http.post(&url).header("cookie", &cookie).json(&body).send().await.unwrap();
            assert_eq!(r.status(), 201);
            r.json::<Value>().await.unwrap()
        });
    }
    let mut created = Vec::new();
    while let Some(done) = at_once.join_next().await {
        created.push(done.unwrap());
    }
    let mut numbers: Vec<String> = created.iter().map(|q| q["number"].as_str().unwrap().to_owned()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 8, "eight quotes, eight numbers: {numbers:?}");

    let id = created[0]["id"].as_str().unwrap();
    let (status, _) = t.get(&agent, &format!("/api/quotes/{id}")).await;
    assert_eq!(status, 404, "an agent does not see the quotes of someone else's conversation");
    let (status, _) = t.post(&agent, &format!("/api/quotes/{id}/send"), &json!({}), None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_sent_quote_reaches_the_customer_as_its_pdf_with_buttons_and_their_accept_tap_wins_the_deal() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let contact = contact(&t, &admin).await;
    let (_, deal) =
        t.post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "Kurtas", "value_minor": 1}), None).await;
    let deal_id = deal["id"].as_str().unwrap();
    let (_, quote) = t.post(&admin, "/api/quotes", &gst_quote(&contact, Some(deal_id), "MH"), None).await;
    let id = quote["id"].as_str().unwrap();
    let number = quote["number"].as_str().unwrap();

    // The PDF, on request: a download link to the file under its number.
    let (status, pdf) = t.get(&admin, &format!("/api/quotes/{id}/pdf")).await;
    assert_eq!(status, 200, "{pdf}");
    assert_eq!(pdf["filename"], format!("{number}.pdf"));
    let bytes = t.http.get(pdf["url"].as_str().unwrap()).send().await.unwrap().bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF comes back");

    // Sent twice (a double click): one WhatsApp message, the PDF as the
    // header of Meta's interactive reply-buttons message.
    for _ in 0..2 {
        let (status, sent) = t.post(&admin, &format!("/api/quotes/{id}/send"), &json!({}), None).await;
        assert_eq!((status, sent["state"].as_str()), (200, Some("sent")), "{sent}");
    }
    let delivered =
        || async { t.accepted().await.into_iter().filter(|a| a["body"]["type"] == "interactive").collect::<Vec<_>>() };
    for _ in 0..100 {
        if !delivered().await.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let sent = delivered().await;
    assert_eq!(sent.len(), 1, "one message however often Send is pressed");
    let interactive = &sent[0]["body"]["interactive"];
    assert_eq!(interactive["header"]["type"], "document");
    assert_eq!(interactive["header"]["document"]["filename"], format!("{number}.pdf"));
    assert!(sent[0]["media_sha256"].is_string(), "Meta fetched the PDF from its link");
    let titles: Vec<&str> = interactive["action"]["buttons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["reply"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Accept", "Ask a question"]);
    assert!(interactive["body"]["text"].as_str().unwrap().contains(number));
    let (_, deal_now) = t.get(&admin, &format!("/api/deals/{deal_id}")).await;
    assert_eq!(deal_now["stage"], "quote_sent");

    // The customer taps Accept: the quote is theirs, accepted, and the deal Won at its total.
    asha_taps_accept(&t).await;
    // The quote is written first, then the deal follows.
    let (mut accepted, mut won) = (Value::Null, Value::Null);
    for _ in 0..150 {
        accepted = t.get(&admin, &format!("/api/quotes/{id}")).await.1;
        won = t.get(&admin, &format!("/api/deals/{deal_id}")).await.1;
        if accepted["state"] == "accepted" && won["stage"] == "won" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(accepted["state"], "accepted", "{accepted}");
    assert_eq!(accepted["history"].as_array().unwrap().last().unwrap()["by"], "customer");
    assert_eq!((won["stage"].as_str(), &won["value_minor"]), (Some("won"), &accepted["totals"]["total_minor"]));
}

#[tokio::test]
async fn a_tap_on_another_customers_quote_changes_nothing_and_outside_the_window_a_quote_goes_as_a_template() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let contact = contact(&t, &admin).await;
    t.customer_says("919812345679", "Ravi Kumar", "Me too").await;
    let ravi = t.contacts(&admin).await.into_iter().find(|c| c["id"] != contact.as_str()).unwrap();
    let ravi = ravi["id"].as_str().unwrap();
    let me = json!({"owner": "owner@shop.test"});
    assert_eq!(t.post(&admin, &format!("/api/contacts/{ravi}/assign"), &me, None).await.0, 200);
    let (_, quote) = t.post(&admin, "/api/quotes", &gst_quote(&contact, None, "KA"), None).await;
    let id = quote["id"].as_str().unwrap();
    assert_eq!(t.post(&admin, &format!("/api/quotes/{id}/send"), &json!({}), None).await.0, 200);

    // Ravi taps an Accept carrying Asha's quote id: not his to accept.
    use parley::app::quote_delivery::{button_id, QuoteAnswer};
    let forged = parley_simulator::Customer::new("919812345679", "Ravi Kumar");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let button =
        json!({"type": "button_reply", "button_reply": {"id": button_id(id, QuoteAnswer::Accept), "title": "Accept"}});
    let tap = forged.message("wamid.FORGED", now, "interactive", button);
    assert_eq!(t.post_json_webhook(&forged.webhook(vec![tap])).await.status(), 200);
    // Ravi's owner is told of his message by a reaction that runs after the
    // one that reads quote taps: once told, the tap has been handled.
    let mut told = false;
    for _ in 0..150 {
        let (_, inbox) = t.get(&admin, "/api/notifications").await;
        if inbox["items"].as_array().unwrap().iter().any(|n| n["contact_id"] == ravi) {
            told = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(told, "the owner hears of Ravi's message");
    assert_eq!(
        t.get(&admin, &format!("/api/quotes/{id}")).await.1["state"],
        "sent",
        "Asha's quote is not Ravi's to accept"
    );

    // A day later Asha's window is closed: the document cannot go, and
    // without a synced catalog there is no template to carry it.
    let (_, second) = t.post(&admin, "/api/quotes", &gst_quote(&contact, None, "MH"), None).await;
    let number = second["number"].as_str().unwrap().to_owned();
    let second = second["id"].as_str().unwrap();
    t.clock.advance(std::time::Duration::from_secs(25 * 3600));
    let admin = t.login().await;
    let (status, refused) = t.post(&admin, &format!("/api/quotes/{second}/send"), &json!({}), None).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (409, Some("no_quote_template")), "{refused}");
    assert_eq!(
        t.get(&admin, &format!("/api/quotes/{second}")).await.1["state"],
        "draft",
        "nothing sent, nothing marked"
    );

    // Once the catalog is synced, the utility template with a document
    // header carries the PDF, its body filled from the quote.
    assert_eq!(t.post(&admin, "/api/templates/sync", &json!({}), None).await.0, 200);
    let (status, sent) = t.post(&admin, &format!("/api/quotes/{second}/send"), &json!({}), None).await;
    assert_eq!((status, sent["state"].as_str()), (200, Some("sent")), "{sent}");
    let template = || async {
        t.accepted().await.into_iter().find(|a| a["body"]["type"] == "template" && a["to"] == "919812345678")
    };
    let mut delivered = None;
    for _ in 0..150 {
        delivered = template().await;
        if delivered.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let Some(delivered) = delivered else {
        panic!("the quote never went as a template: {:?}", t.timeline(&admin, &contact).await);
    };
    let body = &delivered["body"]["template"];
    assert_eq!(body["name"], "quote_ready");
    let components = body["components"].as_array().unwrap();
    let header = &components[0]["parameters"][0];
    assert_eq!(
        (header["type"].as_str(), &header["document"]["filename"]),
        (Some("document"), &json!(format!("{number}.pdf")))
    );
    assert!(delivered["media_sha256"].is_string(), "Meta fetched the PDF from its link");
    let params: Vec<&str> =
        components[1]["parameters"].as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert_eq!(params, ["आशा वर्मा", number.as_str()]);

    // Asha taps the template's Accept: the quote is accepted as hers.
    asha_taps_accept(&t).await;
    let mut state = Value::Null;
    for _ in 0..150 {
        state = t.get(&admin, &format!("/api/quotes/{second}")).await.1;
        if state["state"] == "accepted" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(state["state"], "accepted", "{state}");
    assert_eq!(state["history"].as_array().unwrap().last().unwrap()["by"], "customer");
}
