//! Parsing Meta's webhooks: the samples Meta publishes and one payload of
//! every message type in the webhook reference. Pure: no emulator needed.

use parley::domain::message_content::InteractiveKind;
use parley::domain::{DeliveryStatus, MessageContent, Millis};
use parley::whatsapp::{parse_webhook, WebhookError};
use parley_e2e::fixture;
use parley_simulator::customer::every_message_type;
use parley_simulator::webhook::{envelope, messages_change, BusinessPhone};
use parley_simulator::Customer;
use serde_json::{json, Value};

const NOW: Millis = Millis(1_700_000_000_000);

#[test]
fn meta_sample_text_message_parses_with_both_identities() {
    let batch = parse_webhook(&fixture("meta_sample_text_message_v25.json"), NOW).unwrap();
    assert_eq!(batch.messages.len(), 1);
    let m = &batch.messages[0];
    assert_eq!(m.wamid, "ABGGFlA5Fpa");
    assert_eq!(m.phone_number_id, "123456123");
    assert_eq!(m.from.wa_id(), Some("16315551181"));
    assert_eq!(m.from.user_id(), Some("US.13491208655302741918"));
    assert_eq!(m.from.e164().as_deref(), Some("+16315551181"));
    assert_eq!(m.profile_name.as_deref(), Some("test user name"));
    assert_eq!(m.at, Millis::from_unix_seconds(1_504_902_988));
    assert_eq!(m.content, MessageContent::Text { body: "this is a text message".into() });
    let raw: Value = serde_json::from_str(&m.raw).unwrap();
    assert_eq!(raw["from_parent_user_id"], "US.11815799212886844830", "raw JSON keeps fields Parley does not model");
}

#[test]
fn meta_sample_statuses_parse_with_pricing() {
    let sent = parse_webhook(&fixture("meta_sample_status_sent_v25.json"), NOW).unwrap();
    let status = &sent.statuses[0];
    assert_eq!(status.status, DeliveryStatus::Sent);
    assert_eq!(status.wamid, "ABGGFlA5Fpa");
    assert_eq!(status.recipient_id.as_deref(), Some("16315551181"));
    let pricing = status.pricing.as_ref().unwrap();
    assert!(pricing.billable);
    assert_eq!(pricing.category.as_deref(), Some("marketing"));
    assert_eq!(pricing.pricing_model.as_deref(), Some("PMP"));
    for (file, expected) in [
        ("meta_sample_status_delivered_v25.json", DeliveryStatus::Delivered),
        ("meta_sample_status_read_v25.json", DeliveryStatus::Read),
    ] {
        let batch = parse_webhook(&fixture(file), NOW).unwrap();
        assert_eq!(batch.statuses.len(), 1, "{file}");
        assert_eq!(batch.statuses[0].status, expected, "{file}");
        assert!(batch.messages.is_empty(), "{file}: a status webhook carries no messages");
    }
}

fn parse_one(kind: &str, body: Value, extra: Value) -> parley::domain::message::InboundMessage {
    let customer = Customer::new("919812345678", "Ravi");
    let mut message = customer.message("wamid.T1", 1_700_000_000, kind, body);
    if let (Some(m), Some(extra)) = (message.as_object_mut(), extra.as_object()) {
        m.extend(extra.clone());
    }
    let bytes = serde_json::to_vec(&customer.webhook(vec![message])).unwrap();
    let mut batch = parse_webhook(&bytes, NOW).unwrap();
    assert_eq!(batch.messages.len(), 1, "{kind}: {:?}", batch.rejected);
    batch.messages.remove(0)
}

#[test]
fn every_documented_type_becomes_typed_content() {
    let parsed: Vec<_> = every_message_type().into_iter().map(|(k, b, e)| parse_one(k, b, e)).collect();
    let kinds: Vec<&str> = parsed.iter().map(|m| m.type_name.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "text",
            "image",
            "audio",
            "video",
            "document",
            "sticker",
            "location",
            "contacts",
            "interactive",
            "interactive",
            "button",
            "reaction",
            "reaction",
            "order",
            "system",
            "unsupported",
            "text",
            "text"
        ]
    );
    let summary: Vec<Option<&str>> = parsed.iter().map(|m| m.content.summary_text()).collect();
    assert_eq!(
        summary,
        [
            Some("Do you ship to Pune?"),
            Some("this one"),
            None,
            Some("unboxing"),
            Some("PO"),
            None,
            Some("Shop"),
            None,
            Some("Confirm order"),
            Some("Medium"),
            Some("Stop promotions"),
            Some("\u{1F44D}"),
            None,
            Some("Please deliver Friday"),
            Some("User A changed from 919800000001 to 919800000002"),
            None,
            Some("Saw your ad"),
            Some("is this still available?"),
        ]
    );
    assert!(matches!(parsed[2].content, MessageContent::Audio { voice: true, .. }));
    assert!(matches!(&parsed[4].content, MessageContent::Document { filename: Some(f), .. } if f == "po-1182.pdf"));
    assert!(
        matches!(parsed[6].content, MessageContent::Location { latitude, .. } if (latitude - 18.5204).abs() < 1e-9)
    );
    assert!(
        matches!(&parsed[7].content, MessageContent::Contacts { cards } if cards[0].formatted_name.as_deref() == Some("Ravi Kumar") && cards[0].phones == ["+91 98200 00000"])
    );
    assert!(
        matches!(&parsed[8].content, MessageContent::Interactive { reply: InteractiveKind::ButtonReply, id: Some(id), .. } if id == "confirm")
    );
    assert!(matches!(
        &parsed[9].content,
        MessageContent::Interactive { reply: InteractiveKind::ListReply, description: Some(_), .. }
    ));
    assert!(matches!(&parsed[10].content, MessageContent::Button { payload: Some(p), .. } if p == "STOP_PROMOS"));
    assert!(parsed[10].context.is_some(), "a template button reply keeps its context");
    assert!(
        matches!(&parsed[12].content, MessageContent::Reaction { emoji: None, message_id } if message_id == "wamid.EARLIER"),
        "a reaction removal"
    );
    assert!(
        matches!(&parsed[13].content, MessageContent::Order { items, .. } if items.len() == 1 && items[0].quantity == Some(2.0))
    );
    assert!(matches!(&parsed[14].content, MessageContent::System { new_wa_id: Some(n), .. } if n == "919800000002"));
    assert!(
        matches!(&parsed[15].content, MessageContent::Unsupported { errors } if errors == &["131051 Message type unknown"])
    );
    let referral: Value = serde_json::from_str(parsed[16].referral.as_deref().unwrap()).unwrap();
    assert_eq!(referral["ctwa_clid"], "ARAk");
    let context: Value = serde_json::from_str(parsed[17].context.as_deref().unwrap()).unwrap();
    assert_eq!(context["forwarded"], true);
}

#[test]
fn an_unknown_type_is_kept_as_unsupported_with_its_raw_json() {
    let m = parse_one("hologram", json!({"depth": 3}), json!({}));
    assert_eq!(m.type_name, "hologram");
    assert_eq!(m.content, MessageContent::Unsupported { errors: vec![] });
    assert!(m.raw.contains("\"depth\":3"));
}

#[test]
fn malformed_fields_degrade_instead_of_failing_the_batch() {
    let customer = Customer::new("919812345678", "Ravi");
    let mut broken_location = customer.message("wamid.L", 1_700_000_000, "location", json!({"latitude": "north"}));
    broken_location["timestamp"] = json!("yesterday");
    let fine = customer.text("wamid.F", 1_700_000_000, "still here");
    let bytes = serde_json::to_vec(&customer.webhook(vec![broken_location, fine])).unwrap();
    let batch = parse_webhook(&bytes, NOW).unwrap();
    assert_eq!(batch.messages.len(), 2);
    assert!(matches!(batch.messages[0].content, MessageContent::Unsupported { .. }));
    assert_eq!(batch.messages[0].at, NOW, "a bad timestamp falls back to the time of receipt");
    assert_eq!(batch.messages[1].content.summary_text(), Some("still here"));
}

#[test]
fn every_entry_change_message_and_status_is_read() {
    let a = Customer::new("919800000001", "A");
    let mut b = Customer::new("919800000002", "B");
    b.phone = BusinessPhone { phone_number_id: "200".into(), display_phone_number: "15550000002".into() };
    let change_a =
        messages_change(&a.phone, vec![a.contact()], vec![a.text("w1", 1, "one"), a.text("w2", 2, "two")], vec![]);
    let change_b = messages_change(
        &b.phone,
        vec![b.contact()],
        vec![b.text("w3", 3, "three")],
        vec![parley_simulator::webhook::status("w9", "read", 4, "919800000002")],
    );
    let mut body = envelope(vec![change_a]);
    body["entry"].as_array_mut().unwrap().push(
        json!({"id": "2", "changes": [change_b, {"field": "business_capability_update", "value": {"max_daily_conversation_per_phone": 1000}}]}),
    );
    let batch = parse_webhook(&serde_json::to_vec(&body).unwrap(), NOW).unwrap();
    let wamids: Vec<&str> = batch.messages.iter().map(|m| m.wamid.as_str()).collect();
    assert_eq!(wamids, ["w1", "w2", "w3"]);
    assert_eq!(batch.messages[2].phone_number_id, "200");
    assert_eq!(batch.statuses.len(), 1);
    assert_eq!(batch.other_changes.len(), 1);
    assert_eq!(batch.other_changes[0].0, "business_capability_update");
}

#[test]
fn a_bsuid_only_sender_is_identified_without_a_phone() {
    let mut customer = Customer::new("0", "Hidden");
    customer.wa_id = None;
    customer.user_id = Some("IN.998877".into());
    let bytes = serde_json::to_vec(&customer.webhook(vec![customer.text("wamid.B", 1, "hi")])).unwrap();
    let batch = parse_webhook(&bytes, NOW).unwrap();
    let m = &batch.messages[0];
    assert_eq!(m.from.wa_id(), None);
    assert_eq!(m.from.user_id(), Some("IN.998877"));
    assert_eq!(m.profile_name.as_deref(), Some("Hidden"));
}

#[test]
fn unattributable_items_are_refused_one_by_one() {
    let customer = Customer::new("919812345678", "Ravi");
    let mut anonymous = customer.text("wamid.X", 1, "who am I");
    anonymous.as_object_mut().unwrap().remove("from");
    let unknown_status = json!({"id": "wamid.S", "status": "teleported", "timestamp": "1"});
    let change = messages_change(
        &customer.phone,
        vec![],
        vec![anonymous, customer.text("wamid.Y", 1, "ok")],
        vec![unknown_status],
    );
    let batch = parse_webhook(&serde_json::to_vec(&envelope(vec![change])).unwrap(), NOW).unwrap();
    assert_eq!(batch.messages.len(), 1);
    assert_eq!(batch.rejected.len(), 2, "{:?}", batch.rejected);
}

#[test]
fn a_message_without_an_id_gets_a_stable_one() {
    let customer = Customer::new("919812345678", "Ravi");
    let mut message = customer.text("x", 1, "no id");
    message.as_object_mut().unwrap().remove("id");
    let bytes = serde_json::to_vec(&customer.webhook(vec![message])).unwrap();
    let first = parse_webhook(&bytes, NOW).unwrap().messages.remove(0).wamid;
    let again = parse_webhook(&bytes, Millis(0)).unwrap().messages.remove(0).wamid;
    assert!(first.starts_with("nowamid."));
    assert_eq!(first, again, "a redelivery maps to the same key");
}

#[test]
fn bodies_that_are_not_whatsapp_webhooks_are_refused() {
    assert!(matches!(parse_webhook(b"{not json", NOW), Err(WebhookError::Malformed(_))));
    assert!(matches!(parse_webhook(b"[]", NOW), Err(WebhookError::Malformed(_))));
    assert!(
        matches!(parse_webhook(br#"{"object":"instagram","entry":[]}"#, NOW), Err(WebhookError::NotWhatsApp(o)) if o == "instagram")
    );
}

#[test]
fn a_page_webhook_carries_lead_forms_and_nothing_else() {
    let body = br#"{"object":"page","entry":[{"id":"516540199134611","time":1796000000,"changes":[
        {"field":"leadgen","value":{"ad_id":"6011","form_id":"1295","leadgen_id":"2438704","created_time":1796000000,"page_id":"5165"}},
        {"field":"leadgen","value":{"form_id":"1295"}},
        {"field":"feed","value":{"item":"post"}}]}]}"#;
    let batch = parse_webhook(body, NOW).unwrap();
    assert_eq!(batch.leadgen.len(), 1);
    assert_eq!(batch.leadgen[0].leadgen_id, "2438704");
    assert_eq!(batch.rejected, ["leadgen change without leadgen_id"]);
    assert_eq!(batch.other_changes.len(), 1);
    assert!(batch.messages.is_empty() && batch.statuses.is_empty());
}

#[test]
fn a_message_typed_in_the_business_app_is_the_business_s_to_its_recipient() {
    use parley::domain::message::{Arrival, Direction};
    let batch = parse_webhook(&fixture("meta_reference_smb_message_echoes.json"), NOW).unwrap();
    assert!(batch.messages.is_empty() && batch.other_changes.is_empty() && batch.rejected.is_empty());
    let [echo] = batch.echoes.as_slice() else { panic!("one echo: {:?}", batch.echoes) };
    assert_eq!(echo.arrival, Arrival::PhoneApp);
    assert_eq!(echo.arrival.direction(), Direction::Out);
    // Meta writes the recipient with a `+` here: it is the same `wa_id` a
    // message from them carries.
    assert_eq!(echo.from.wa_id(), Some("16505551234"));
    assert_eq!(echo.phone_number_id, "106540352242922");
    assert_eq!(echo.at, Millis(1_739_321_024_000));
    assert!(matches!(&echo.content, MessageContent::Text { body } if body.starts_with("Here's the info")));
}

#[test]
fn a_history_thread_keeps_who_wrote_each_message() {
    use parley::domain::message::Arrival;
    let batch = parse_webhook(&fixture("meta_reference_history.json"), NOW).unwrap();
    let [thread] = batch.history.as_slice() else { panic!("one thread") };
    assert_eq!(thread.customer.wa_id(), Some("16505551234"));
    let arrivals: Vec<Arrival> = thread.messages.iter().map(|m| m.arrival).collect();
    assert_eq!(arrivals, [Arrival::History { from_business: false }, Arrival::History { from_business: true }]);
    assert!(thread.messages.iter().all(|m| m.from.wa_id() == Some("16505551234")));
    assert_eq!(thread.messages[1].content.summary_text(), Some("Yes, we have two left."));
    // Without `from_me`, a message not from the thread's customer is the business's.
    let mut unmarked: Value = serde_json::from_slice(&fixture("meta_reference_history.json")).unwrap();
    let messages = &mut unmarked["entry"][0]["changes"][0]["value"]["history"][0]["threads"][0]["messages"];
    messages[1]["history_context"].as_object_mut().unwrap().remove("from_me");
    let batch = parse_webhook(&serde_json::to_vec(&unmarked).unwrap(), NOW).unwrap();
    assert_eq!(batch.history[0].messages[1].arrival, Arrival::History { from_business: true });
}

#[test]
fn a_declined_history_share_is_acknowledged_and_imports_nothing() {
    let declined = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "history", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "history": [{"errors": [{"code": 2593109, "title": "History sync is turned off by the business"}]}]}}]}]});
    let batch = parse_webhook(&serde_json::to_vec(&declined).unwrap(), NOW).unwrap();
    assert!(batch.history.is_empty());
    assert_eq!(batch.rejected, ["history not shared (code 2593109)"]);
}

#[test]
fn an_address_book_change_names_the_customer_or_removes_the_name() {
    let batch = parse_webhook(&fixture("meta_reference_smb_app_state_sync.json"), NOW).unwrap();
    let [added] = batch.address_book.as_slice() else { panic!("one change") };
    assert_eq!(added.name.as_deref(), Some("Pablo Morales"));
    assert_eq!(added.customer.wa_id(), Some("16505551234"));
    assert_eq!(added.at, Millis(1_739_321_024_000));
    let mut removed: Value = serde_json::from_slice(&fixture("meta_reference_smb_app_state_sync.json")).unwrap();
    let change = &mut removed["entry"][0]["changes"][0]["value"]["state_sync"][0];
    change["action"] = json!("remove");
    change["contact"] = json!({"phone_number": "16505551234"});
    let batch = parse_webhook(&serde_json::to_vec(&removed).unwrap(), NOW).unwrap();
    assert_eq!(batch.address_book[0].name, None);
}

#[test]
fn an_edit_and_a_revoke_name_the_message_they_change() {
    let edit = parse_webhook(&fixture("meta_reference_edit.json"), NOW).unwrap().messages.remove(0);
    let MessageContent::Revision { original_message_id, content: Some(content) } = &edit.content else {
        panic!("an edit: {:?}", edit.content)
    };
    assert!(original_message_id.starts_with("wamid.HBgLMTQxMjU1NTA4Mjk"));
    assert!(matches!(content.as_ref(), MessageContent::Image { .. }));
    assert_eq!(edit.content.summary_text(), Some("The blue one, not the red one"));
    let edited = original_message_id.clone();
    let revoke = parse_webhook(&fixture("meta_reference_revoke.json"), NOW).unwrap().messages.remove(0);
    assert!(
        matches!(&revoke.content, MessageContent::Revision { content: None, original_message_id } if *original_message_id == edited)
    );
}

#[test]
fn a_customer_s_call_rings_with_its_offer_and_is_kept_at_its_end() {
    let customer = Customer::new("16505551234", "Sheena");
    let missed = parley_simulator::calls::call_ended(&customer, "wacid.M", 1_750_000_000, None);
    let answered = parley_simulator::calls::call_ended(&customer, "wacid.A", 1_750_000_100, Some(42));
    let batch = parse_webhook(&serde_json::to_vec(&missed).unwrap(), NOW).unwrap();
    let [call] = batch.messages.as_slice() else { panic!("one call") };
    assert_eq!((call.wamid.as_str(), call.type_name.as_str()), ("wacid.M", "call"));
    assert_eq!(call.from.wa_id(), Some("16505551234"));
    assert_eq!(call.profile_name.as_deref(), Some("Sheena"));
    assert!(matches!(&call.content, MessageContent::Call { missed: true, duration_seconds: None, .. }));
    let batch = parse_webhook(&serde_json::to_vec(&answered).unwrap(), NOW).unwrap();
    assert!(matches!(
        &batch.messages[0].content,
        MessageContent::Call { missed: false, duration_seconds: Some(42), .. }
    ));
    // Meta's documented connect: the offer a browser answers.
    let connect = parley_simulator::calls::call_connect(&customer, "wacid.R", 1_750_000_200, "v=0\r\ns=-\r\n");
    let batch = parse_webhook(&serde_json::to_vec(&connect).unwrap(), NOW).unwrap();
    let [ring] = batch.messages.as_slice() else { panic!("one ringing call") };
    assert_eq!((ring.wamid.as_str(), ring.type_name.as_str()), ("ring.wacid.R", "call_ringing"));
    assert!(
        matches!(&ring.content, MessageContent::CallRinging { call_id, offer_sdp } if call_id == "wacid.R" && offer_sdp == "v=0\r\ns=-\r\n")
    );
    // A connect without an offer gives a browser nothing to answer.
    let mut bare = connect.clone();
    bare["entry"][0]["changes"][0]["value"]["calls"][0].as_object_mut().unwrap().remove("session");
    let batch = parse_webhook(&serde_json::to_vec(&bare).unwrap(), NOW).unwrap();
    assert!(batch.messages.is_empty());
    assert_eq!(batch.other_changes.len(), 1);
}

#[test]
fn a_completed_flow_carries_its_token_and_answers() {
    let customer = Customer::new("16505551234", "Sheena");
    let answers =
        serde_json::Map::from_iter([("city".to_owned(), json!("Pune")), ("sizes".to_owned(), json!(["M", "L"]))]);
    let (kind, body) = parley_simulator::customer::flow_completed("kurta_form", &answers);
    let batch = parse_webhook(
        &serde_json::to_vec(&customer.webhook(vec![customer.message("wamid.F", 1, kind, body)])).unwrap(),
        NOW,
    )
    .unwrap();
    let MessageContent::Interactive { reply: InteractiveKind::NfmReply, flow_token, answers, .. } =
        &batch.messages[0].content
    else {
        panic!("a flow reply: {:?}", batch.messages[0].content)
    };
    assert_eq!(flow_token.as_deref(), Some("kurta_form"));
    assert_eq!(answers.get("city").map(String::as_str), Some("Pune"));
    assert_eq!(answers.get("sizes").map(String::as_str), Some("M, L"));
    assert!(!answers.contains_key("flow_token"));
}
