//! Redefining a pipeline: renaming and reordering keep its deals; a stage
//! that still holds deals cannot be removed.

use parley_e2e::TestStack;
use serde_json::{json, Value};

fn stages(ids: &[(&str, &str, &str)]) -> Value {
    ids.iter().map(|(id, name, kind)| json!({"id": id, "name": name, "kind": kind})).collect()
}

#[tokio::test]
async fn a_stage_holding_deals_cannot_be_removed_but_empty_ones_can() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    t.customer_says("919812345678", "Asha", "Repair my sewing machine").await;
    let contact = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let first = json!({"name": "Repairs", "stages": stages(&[
        ("received", "Received", "open"), ("diagnosed", "Diagnosed", "open"), ("waiting", "Waiting", "open"),
        ("fixed", "Fixed", "won"), ("scrapped", "Scrapped", "lost")])});
    let (status, _) = t.request(&admin, "PUT", "/api/pipelines/repairs", Some(&first)).await;
    assert_eq!(status, 200);
    let (status, deal) = t
        .post(&admin, "/api/deals", &json!({"contact_id": contact, "title": "Machine", "value_minor": 50, "pipeline": "repairs", "stage": "diagnosed"}), None)
        .await;
    assert_eq!(status, 201, "{deal}");

    let without_diagnosed = json!({"name": "Repairs", "stages": stages(&[
        ("received", "Received", "open"), ("fixed", "Fixed", "won"), ("scrapped", "Scrapped", "lost")])});
    let (status, body) = t.request(&admin, "PUT", "/api/pipelines/repairs", Some(&without_diagnosed)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("stage_not_empty")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("Diagnosed"), "{body}");

    let renamed = json!({"name": "Workshop", "stages": stages(&[
        ("diagnosed", "Checked", "open"), ("received", "Received", "open"), ("fixed", "Done", "won"), ("scrapped", "Scrapped", "lost")])});
    let (status, body) = t.request(&admin, "PUT", "/api/pipelines/repairs", Some(&renamed)).await;
    assert_eq!(status, 200, "an empty stage goes; renames and moves keep the deals: {body}");
    let (_, board) = t.get(&admin, "/api/pipelines/repairs/board").await;
    assert_eq!(board["name"], "Workshop");
    let columns: Vec<(&str, usize)> = board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["stage"]["name"].as_str().unwrap(), c["items"].as_array().unwrap().len()))
        .collect();
    assert_eq!(columns, [("Checked", 1), ("Received", 0), ("Done", 0), ("Scrapped", 0)]);

    let (status, _) = t
        .post(
            &admin,
            &format!("/api/deals/{}/stage", deal["id"].as_str().unwrap()),
            &json!({"stage": "received"}),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = t.request(&admin, "PUT", "/api/pipelines/repairs", Some(&without_diagnosed)).await;
    assert_eq!(status, 200, "once the deal moved on, its old stage can go");

    let default_without_won = json!({"name": "Sales", "stages": stages(&[
        ("enquiry", "Enquiry", "open"), ("won", "Won", "won"), ("lost", "Lost", "lost")])});
    t.post(
        &admin,
        "/api/deals",
        &json!({"contact_id": contact, "title": "Kurtas", "value_minor": 5, "stage": "qualified"}),
        None,
    )
    .await;
    let (status, _) = t.request(&admin, "PUT", "/api/pipelines/sales", Some(&default_without_won)).await;
    assert_eq!(status, 409, "the default pipeline's stages are guarded before it is ever saved");
}
