//! Reads that need every item follow every page: with pages of one item,
//! the team, the pipelines, the template catalog and the report counters
//! still come back whole.

use parley::adapters::dynamo::DynamoStore;
use parley::ports::{DealStore, ReportStore, TemplateCatalog, UserStore};
use parley_e2e::TestStack;
use parley_simulator::Customer;
use serde_json::json;

#[tokio::test]
async fn reads_that_need_everything_follow_every_page() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.teammate(&admin, "a@shop.test", "agent").await;
    t.teammate(&admin, "b@shop.test", "manager").await;
    for (i, day) in [0_i64, 1, 1, 2].into_iter().enumerate() {
        let c = Customer::new(&format!("91980000000{i}"), "Customer");
        let message = c.text(&format!("wamid.P{i}"), 1_700_000_000 + day * 86_400, "hi");
        assert_eq!(t.post_json_webhook(&c.webhook(vec![message])).await.status(), 200);
    }
    let repairs = json!({"name": "Repairs", "stages": [
        {"id": "received", "name": "Received", "kind": "open"},
        {"id": "fixed", "name": "Fixed", "kind": "won"},
        {"id": "scrapped", "name": "Scrapped", "kind": "lost"}]});
    assert_eq!(t.request(&admin, "PUT", "/api/pipelines/repairs", Some(&repairs)).await.0, 200);
    assert_eq!(t.post(&admin, "/api/templates/sync", &json!({}), None).await.0, 200);
    let (_, templates) = t.get(&admin, "/api/templates").await;
    let template_count = templates["items"].as_array().unwrap().len();
    assert!(template_count > 1, "{templates}");

    let store =
        DynamoStore::new(t.dynamo().await, t.table.clone(), parley_e2e::contact_id_key()).with_read_page_size(1);
    assert_eq!(store.list_users().await.unwrap().len(), 3);
    assert_eq!(store.pipelines().await.unwrap().len(), 2);
    assert_eq!(store.list_templates().await.unwrap().len(), template_count);
    let days = store.message_counts("2023-01-01", "2023-12-31").await.unwrap();
    let inbound: Vec<(String, u64)> = days.into_iter().map(|(day, inbound, _)| (day, inbound)).collect();
    // Counted on the business's dates (Asia/Kolkata: the messages came late in the UTC day).
    assert_eq!(inbound, [("2023-11-15".to_owned(), 1), ("2023-11-16".to_owned(), 2), ("2023-11-17".to_owned(), 1)]);
}
