//! The inbound webhook's transactions, sent without the SDK's orchestrator
//! (`DirectTransactions`), against DynamoDB Local: they must leave exactly
//! what the SDK leaves, read DynamoDB's cancellations the same way, and
//! fail as the SDK's path fails.

use aws_sdk_dynamodb::types::AttributeValue;
use parley::adapters::aws::{self, SdkConfig};
use parley::adapters::dynamo::{DirectTransactions, DynamoStore};
use parley::adapters::request_counter::RequestCounter;
use parley::app::{IngestStores, IngestWebhook};
use parley_e2e::{fixture, require_emulators, unique_table, TestClock, APP_SECRET};
use parley_simulator::webhook::signature;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

type Item = HashMap<String, AttributeValue>;

async fn table(client: &aws_sdk_dynamodb::Client, prefix: &str) -> String {
    let table = unique_table(prefix);
    let spec = parley_local::template::Template::load(&parley_e2e::repo_root().join("template.yaml"))
        .unwrap()
        .table()
        .unwrap();
    parley_local::bootstrap::ensure_table(client, &table, &spec).await.unwrap();
    table
}

/// Every item of a test's table, in key order (a Scan: tests only).
async fn everything(client: &aws_sdk_dynamodb::Client, table: &str) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut start = None;
    loop {
        let page = client.scan().table_name(table).set_exclusive_start_key(start).send().await.unwrap();
        items.extend(page.items().iter().cloned());
        start = page.last_evaluated_key().cloned();
        if start.is_none() {
            break;
        }
    }
    let key = |i: &Item| format!("{:?}|{:?}", i.get("pk"), i.get("sk"));
    items.sort_by_key(key);
    items
}

/// The sample text message with another id and time.
fn message(id: &str, timestamp: i64) -> Vec<u8> {
    let mut body: Value = serde_json::from_slice(&fixture("meta_sample_text_message_v25.json")).unwrap();
    let message = &mut body["entry"][0]["changes"][0]["value"]["messages"][0];
    message["id"] = id.into();
    message["timestamp"] = timestamp.to_string().into();
    serde_json::to_vec(&body).unwrap()
}

#[tokio::test]
async fn direct_transactions_leave_exactly_what_the_sdk_leaves() {
    require_emulators();
    let sdk = aws::load_config().await;
    let client = aws::dynamo_client(&sdk, &RequestCounter::default());
    let (via_sdk, via_direct) = (table(&client, "sdkpath").await, table(&client, "direct").await);
    let trips = RequestCounter::default();
    let direct = DirectTransactions::new(&sdk, aws::transactions_connector(&sdk), trips.clone());
    let clock = Arc::new(TestClock::default());
    clock.pin();
    let ingest =
        |store: DynamoStore| IngestWebhook::new(IngestStores::over(Arc::new(store)), clock.clone(), APP_SECRET);
    let key = parley_e2e::contact_id_key();
    let sdk_ingest = ingest(DynamoStore::new(client.clone(), via_sdk.clone(), key.clone()));
    let direct_ingest =
        ingest(DynamoStore::new(client.clone(), via_direct.clone(), key).with_direct_transactions(direct));

    // A first message, a later one, an older one arriving late (its
    // contact update is cancelled and sent again in the older form), the
    // same message again (cancelled as a duplicate), and the business's
    // own reply from the WhatsApp Business app.
    let bodies = [
        message("wamid.DIRECT1", 1_795_000_000),
        message("wamid.DIRECT2", 1_795_000_060),
        message("wamid.DIRECT0", 1_794_999_940),
        message("wamid.DIRECT2", 1_795_000_060),
        fixture("meta_reference_smb_message_echoes.json"),
    ];
    for body in &bodies {
        let signed = signature(APP_SECRET, body);
        let expected = sdk_ingest.handle(body, Some(&signed)).await.unwrap();
        let got = direct_ingest.handle(body, Some(&signed)).await.unwrap();
        assert_eq!(
            (got.stored, got.duplicates, got.parked),
            (expected.stored, expected.duplicates, expected.parked),
            "the same outcome for {}",
            String::from_utf8_lossy(body).chars().take(80).collect::<String>()
        );
    }
    let (expected, got) = (everything(&client, &via_sdk).await, everything(&client, &via_direct).await);
    assert!(expected.len() > 5, "the messages were stored: {} items", expected.len());
    assert_eq!(got, expected, "attribute for attribute, the same items");
    // One round trip a message, and one more for the late one's second try.
    assert_eq!(trips.get(), bodies.len() as u64 + 1);
}

#[tokio::test]
async fn an_item_dynamodb_refuses_is_rejected_for_good_and_a_dead_endpoint_is_unavailable() {
    require_emulators();
    let sdk = aws::load_config().await;
    let client = aws::dynamo_client(&sdk, &RequestCounter::default());
    let table = table(&client, "directrefused").await;
    let writer = |config: &SdkConfig| {
        DirectTransactions::new(config, aws::transactions_connector(config), RequestCounter::default())
    };
    let put = |text: String| {
        aws_sdk_dynamodb::types::TransactWriteItem::builder()
            .put(
                aws_sdk_dynamodb::types::Put::builder()
                    .table_name(&table)
                    .item("pk", AttributeValue::S("DIRECT#big".into()))
                    .item("sk", AttributeValue::S("A".into()))
                    .item("text", AttributeValue::S(text))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let over_400_kb = writer(&sdk).transact_write(vec![put("x".repeat(410 * 1024))]).await;
    assert!(
        matches!(&over_400_kb, Err(parley::ports::StoreError::Rejected(_))),
        "an item over DynamoDB's limit can never be stored: {over_400_kb:?}"
    );
    assert!(writer(&sdk).transact_write(vec![put("fits".into())]).await.unwrap().is_none());

    // Nothing listens there: every attempt fails to connect, then it gives up.
    let dead = SdkConfig::builder()
        .region(sdk.region().cloned())
        .credentials_provider(sdk.credentials_provider().unwrap())
        .endpoint_url("http://127.0.0.1:9")
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::standard().with_max_attempts(2))
        .build();
    let unreachable = writer(&dead).transact_write(vec![put("fits".into())]).await;
    assert!(matches!(&unreachable, Err(parley::ports::StoreError::Unavailable(_))), "{unreachable:?}");
}
