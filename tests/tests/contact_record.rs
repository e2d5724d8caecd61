//! The contact record: staff's name, tags, custom fields, notes, search.

use parley_e2e::TestStack;
use serde_json::json;

#[tokio::test]
async fn notes_tags_fields_and_search_by_name_or_phone_prefix() {
    let t = TestStack::start().await;
    t.customer_says("919812345678", "Asha Verma", "hi").await;
    t.customer_says("919812399999", "Ashok Kumar", "hello").await;
    t.customer_says("254700000001", "Wanjiru", "habari").await;
    let admin = t.login().await;
    let names = |page: &serde_json::Value| -> Vec<String> {
        let mut n: Vec<String> =
            page["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect();
        n.sort();
        n
    };
    assert_eq!(names(&t.get(&admin, "/api/contacts?q=ash").await.1), ["Asha Verma", "Ashok Kumar"]);
    assert_eq!(names(&t.get(&admin, "/api/contacts?q=%2B9198123").await.1), ["Asha Verma", "Ashok Kumar"]);
    assert_eq!(names(&t.get(&admin, "/api/contacts?q=25470").await.1), ["Wanjiru"]);
    assert!(t.get(&admin, "/api/contacts?q=zzz").await.1["items"].as_array().unwrap().is_empty());

    let asha = t.get(&admin, "/api/contacts?q=asha").await.1["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, patched) = t
        .request(&admin, "PATCH", &format!("/api/contacts/{asha}"), Some(&json!({"name": "Asha (Verma Textiles)", "tags": ["VIP", " wholesale ", "vip"], "fields": {"company": "Verma Textiles", "city": "Pune"}})))
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["name"], "Asha (Verma Textiles)");
    assert_eq!(patched["profile_name"], "Asha Verma");
    assert_eq!(patched["tags"], json!(["vip", "wholesale"]));
    assert_eq!(patched["fields"], json!({"city": "Pune", "company": "Verma Textiles"}));
    let (_, patched) =
        t.request(&admin, "PATCH", &format!("/api/contacts/{asha}"), Some(&json!({"fields": {"city": ""}}))).await;
    assert_eq!(patched["fields"], json!({"company": "Verma Textiles"}), "fields merge; an empty value removes");
    assert_eq!(
        names(&t.get(&admin, "/api/contacts?q=asha%20(verma").await.1),
        ["Asha (Verma Textiles)"],
        "search follows staff's name"
    );
    // The customer's next message keeps staff's name.
    t.customer_says("919812345678", "Asha V", "one more thing").await;
    assert_eq!(t.get(&admin, &format!("/api/contacts/{asha}")).await.1["name"], "Asha (Verma Textiles)");

    let (status, note) = t
        .post(&admin, &format!("/api/contacts/{asha}/notes"), &json!({"text": "Prefers delivery after 6pm <b>"}), None)
        .await;
    assert_eq!(status, 201, "{note}");
    t.post(&admin, &format!("/api/contacts/{asha}/notes"), &json!({"text": "Asked for a GST invoice"}), None).await;
    let (_, notes) = t.get(&admin, &format!("/api/contacts/{asha}/notes")).await;
    let texts: Vec<&str> = notes["items"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Asked for a GST invoice", "Prefers delivery after 6pm <b>"], "newest first, stored verbatim");
    assert_eq!(notes["items"][0]["author"], parley_e2e::ADMIN_EMAIL);
    let (status, _) = t.post(&admin, &format!("/api/contacts/{asha}/notes"), &json!({"text": "  "}), None).await;
    assert_eq!(status, 422);
    assert!(t.accepted().await.is_empty(), "notes are internal: nothing reached WhatsApp");
}

#[tokio::test]
async fn concurrent_field_edits_keep_each_other_and_fields_have_limits() {
    let t = TestStack::start().await;
    t.customer_says("919812345678", "Asha Verma", "hi").await;
    let admin = t.login().await;
    let id = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/contacts/{id}");
    let mut edits = tokio::task::JoinSet::new();
    for i in 0..16 {
        let (http, url, cookie) = (t.http.clone(), t.url(&path), admin.clone());
        edits.spawn(async move {
            let body = json!({"fields": {format!("key{i:02}"): format!("v{i}")}});
            http.patch(url).header("cookie", cookie).json(&body).send().await.unwrap().status().as_u16()
        });
    }
    while let Some(status) = edits.join_next().await {
        assert_eq!(status.unwrap(), 200);
    }
    let fields = t.get(&admin, &path).await.1["fields"].clone();
    assert_eq!(fields.as_object().unwrap().len(), 16, "no edit lost another's key: {fields}");

    let (status, body) = t.request(&admin, "PATCH", &path, Some(&json!({"fields": {"k".repeat(65): "v"}}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")), "{body}");
    let (status, _) = t.request(&admin, "PATCH", &path, Some(&json!({"fields": {"note": "x".repeat(1001)}}))).await;
    assert_eq!(status, 422, "a value of more than 1000 characters");
    let many: serde_json::Map<String, serde_json::Value> =
        (0..34).map(|i| (format!("more{i:02}"), json!("v"))).collect();
    let (status, body) = t.request(&admin, "PATCH", &path, Some(&json!({"fields": many}))).await;
    assert_eq!(status, 200, "50 fields are fine: {body}");
    let (status, body) = t.request(&admin, "PATCH", &path, Some(&json!({"fields": {"one_more": "v"}}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")), "the 51st field: {body}");
    let (status, body) =
        t.request(&admin, "PATCH", &path, Some(&json!({"fields": {"key00": "", "one_more": "v"}}))).await;
    assert_eq!(status, 200, "removing one makes room: {body}");
    assert_eq!(body["fields"].as_object().unwrap().len(), 50);
}

#[tokio::test]
async fn clearing_staff_name_clears_its_search_key() {
    let t = TestStack::start().await;
    t.customer_says("919812345678", "Asha Verma", "hi").await;
    let admin = t.login().await;
    let id = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let found = |page: &serde_json::Value| page["items"].as_array().unwrap().len();
    let (status, _) =
        t.request(&admin, "PATCH", &format!("/api/contacts/{id}"), Some(&json!({"name": "Zubeida Textiles"}))).await;
    assert_eq!(status, 200);
    assert_eq!(found(&t.get(&admin, "/api/contacts?q=zubeida").await.1), 1);
    let (status, cleared) =
        t.request(&admin, "PATCH", &format!("/api/contacts/{id}"), Some(&json!({"name": null}))).await;
    assert_eq!((status, cleared["name"].as_str()), (200, Some("Asha Verma")), "back to the profile name");
    assert_eq!(found(&t.get(&admin, "/api/contacts?q=zubeida").await.1), 0, "the old name no longer finds it");
    assert_eq!(found(&t.get(&admin, "/api/contacts?q=asha").await.1), 1, "the profile name does");
}

#[tokio::test]
async fn a_first_field_edit_that_is_refused_writes_nothing_and_one_that_passes_writes_it_all_at_once() {
    use parley::domain::{ContactId, ContactPatch};
    use parley::ports::{ContactRecordStore, ConversationStore};
    let t = TestStack::start().await;
    t.customer_says("919812345678", "Asha Verma", "hi").await;
    let admin = t.login().await;
    let id = ContactId::parse(t.contacts(&admin).await[0]["id"].as_str().unwrap()).unwrap();
    let sdk = parley::adapters::aws::load_config().await;
    let counter = parley::adapters::request_counter::RequestCounter::default();
    let dynamo = parley::adapters::aws::dynamo_client(&sdk, &counter);
    let store = parley::adapters::dynamo::DynamoStore::new(dynamo, t.table.clone(), parley_e2e::contact_id_key());
    let fields = parley::domain::contact_fields::plan_field_edit(
        &Default::default(),
        &[("city".to_owned(), "Pune".to_owned())].into(),
    )
    .unwrap();
    // Planned on a profile name the customer has since changed: the write
    // is refused as a whole, so the contact gains no field map and no tag.
    let stale = ContactPatch {
        display_name: Some(None),
        profile_name: Some("Asha V".to_owned()),
        tags: Some(vec!["vip".to_owned()]),
        fields: Some(fields.clone()),
    };
    assert!(!store.patch_contact(&id, &stale).await.unwrap());
    let contact = store.contact(&id).await.unwrap().unwrap();
    assert!(contact.fields.is_empty() && contact.tags.is_empty(), "nothing of a refused edit: {contact:?}");

    let current = ContactPatch { profile_name: Some("Asha Verma".to_owned()), ..stale };
    assert!(store.patch_contact(&id, &current).await.unwrap());
    let contact = store.contact(&id).await.unwrap().unwrap();
    assert_eq!((contact.fields.get("city").map(String::as_str), contact.tags), (Some("Pune"), vec!["vip".to_owned()]));
}
