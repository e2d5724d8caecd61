//! Upgrades keep data: a table written in the previous versions' shape
//! (contacts under the unsharded list keys, tags without their index
//! items) is read whole by this version once the deploy's migrations have
//! run, and a second deploy finds nothing to do. The deploy's request is
//! CloudFormation's custom resource request, answered at a pre-signed URL
//! (here a local one) as the protocol says.

use super::index_shards::{every_page, write_as_before_sharding};
use aws_sdk_dynamodb::types::AttributeValue;
use parley::adapters::dynamo::keys;
use parley::adapters::dynamo::DynamoStore;
use parley::app::index_backfill::IndexBackfill;
use parley::app::migrations::Migrations;
use parley::domain::ContactId;
use parley::ports::memory::MemoryScheduler;
use parley::ports::SystemClock;
use parley_e2e::TestStack;
use parley_simulator::Customer;
use reminders::Wake;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where CloudFormation's pre-signed `ResponseURL` points: what was PUT there.
async fn cloudformation() -> (String, Arc<Mutex<Vec<Value>>>) {
    let answers: Arc<Mutex<Vec<Value>>> = Arc::default();
    let kept = answers.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}/cfn-response?X-Amz-Signature=abc", listener.local_addr().expect("bound"));
    let app = axum::Router::new().route(
        "/cfn-response",
        axum::routing::put(move |body: axum::body::Bytes| {
            let kept = kept.clone();
            async move {
                kept.lock().expect("not poisoned").push(serde_json::from_slice(&body).unwrap_or(Value::Null));
                axum::http::StatusCode::OK
            }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, answers)
}

/// The request as CloudFormation sends it for the template's `Migrations`.
fn deploy(kind: &str, url: &str) -> parley::adapters::cloudformation::CustomResourceRequest {
    let mut request = json!({
        "RequestType": kind,
        "ServiceToken": "arn:aws:lambda:ap-south-1:123456789012:function:parley-RemindersFunction",
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:ap-south-1:123456789012:stack/parley/1",
        "RequestId": format!("{kind}-request"),
        "LogicalResourceId": "Migrations",
        "ResourceType": "Custom::Migrations",
        "ResourceProperties": {"ServiceToken": "arn:aws:lambda:…", "DataVersion": "2"},
    });
    if kind != "Create" {
        request["PhysicalResourceId"] = json!("Migrations-migrations");
    }
    match serde_json::from_value(request).expect("the function reads CloudFormation's request") {
        Wake::Deploy(request) => request,
        Wake::Job(job) => panic!("read as a scheduled job: {job:?}"),
    }
}

#[tokio::test]
async fn a_table_in_the_previous_shape_is_read_whole_after_the_deploy_s_migrations_run_twice() {
    // The stack's own schedule runs the backfill only at its start here.
    let t = TestStack::builder().sweep_every(Duration::from_secs(3600)).start().await;
    let admin = t.login().await;
    for i in 0..6 {
        let c = Customer::new(&format!("91981000200{i}"), &format!("Upgrade customer {i}"));
        let message = c.text(&format!("wamid.U{i}"), 1_700_000_000 + i * 60, "hi");
        assert_eq!(t.post_json_webhook(&c.webhook(vec![message])).await.status(), 200);
    }
    let everyone: BTreeSet<String> = every_page(&t, &admin, "/api/contacts", 4).await.concat().into_iter().collect();
    assert_eq!(everyone.len(), 6);
    let vip: BTreeSet<String> = everyone.iter().take(3).cloned().collect();
    for id in &vip {
        let patch = json!({"tags": ["vip"]});
        assert_eq!(t.request(&admin, "PATCH", &format!("/api/contacts/{id}"), Some(&patch)).await.0, 200);
    }

    // The previous versions' shape: unsharded list keys, tags on the
    // profile only, and no record that any migration ran.
    write_as_before_sharding(&t).await;
    let dynamo = t.dynamo().await;
    for id in &vip {
        let pk = AttributeValue::S(keys::contact_pk(&ContactId::parse(id).expect("an id")));
        let sk = AttributeValue::S(keys::tag_sk("vip"));
        dynamo.delete_item().table_name(&t.table).key("pk", pk).key("sk", sk).send().await.expect("deleted");
    }
    let marker = AttributeValue::S(keys::TAG_BACKFILL.into());
    dynamo.delete_item().table_name(&t.table).key("pk", marker.clone()).key("sk", marker).send().await.expect("gone");
    let listed =
        || async { every_page(&t, &admin, "/api/contacts", 4).await.concat().into_iter().collect::<BTreeSet<_>>() };
    let tagged = || async {
        every_page(&t, &admin, "/api/contacts?q=%23vip", 4).await.concat().into_iter().collect::<BTreeSet<_>>()
    };
    assert!(listed().await.is_empty() && tagged().await.is_empty(), "this version misses the old shape until migrated");

    let store = Arc::new(DynamoStore::new(dynamo.clone(), t.table.clone(), parley_e2e::contact_id_key()));
    let scheduler = Arc::new(MemoryScheduler::default());
    let migrations = Migrations::new(store.clone(), scheduler.clone(), Arc::new(SystemClock));
    let backfill = IndexBackfill::new(store.clone(), 1);
    let (url, answers) = cloudformation().await;
    for (kind, expected) in
        [("Create", "migrating: index-shards, tag-index"), ("Update", "data up to date (version 2)")]
    {
        let said = reminders::answer_deploy(Ok(&migrations), &deploy(kind, &url)).await.expect("answered");
        assert_eq!(said, expected);
        // The reminders function's wake-ups, until the backfill says it is done.
        let mut runs = 0;
        while !backfill.run().await.expect("a backfill run").done {
            runs += 1;
            assert!(runs < 100, "the migrations end");
        }
    }
    assert!(scheduler.scheduled().contains_key("index-backfill"), "the first deploy woke the backfill");
    assert_eq!(listed().await, everyone, "every contact is listed again");
    assert_eq!(tagged().await, vip, "every old tag is found again");

    let answered = answers.lock().expect("not poisoned").clone();
    assert_eq!(answered.len(), 2, "{answered:?}");
    for (answer, kind) in answered.iter().zip(["Create", "Update"]) {
        assert_eq!(answer["Status"], "SUCCESS", "{answer}");
        assert_eq!(answer["RequestId"], format!("{kind}-request"));
        assert_eq!(answer["LogicalResourceId"], "Migrations");
        assert_eq!(answer["PhysicalResourceId"], "Migrations-migrations", "an update never replaces the resource");
    }

    // A stack deleting the resource is answered at once, whatever else
    // fails; a function that cannot start fails the deploy with the reason.
    let deleted = reminders::answer_deploy(Err("secrets unreadable".into()), &deploy("Delete", &url)).await;
    assert!(deleted.is_ok(), "{deleted:?}");
    reminders::answer_deploy(Err("secrets unreadable".into()), &deploy("Update", &url)).await.expect("answered");
    let answered = answers.lock().expect("not poisoned").clone();
    assert_eq!(answered[2]["Status"], "SUCCESS");
    assert_eq!(answered[3]["Status"], "FAILED");
    assert!(answered[3]["Reason"].as_str().unwrap_or_default().contains("secrets unreadable"), "{}", answered[3]);
}
