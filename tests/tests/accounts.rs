//! Issue 12 §2 on the local stack: a number of a second WhatsApp Business
//! Account, with its own access token and its own template catalog (the
//! simulator's second account takes only its own token, and its
//! `order_update` is another template than the own account's).

use parley_e2e::TestStack;
use parley_simulator::templates::second_account;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const RAVI: &str = "919812366101";

fn names(page: &Value) -> BTreeSet<String> {
    page["items"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
}

async fn sync(t: &TestStack, cookie: &str) -> Value {
    let (status, synced) = t.post(cookie, "/api/templates/sync", &json!({}), None).await;
    assert_eq!(status, 200, "{synced}");
    synced
}

async fn send_template(t: &TestStack, cookie: &str, contact: &str, name: &str, key: &str) -> (u16, Value) {
    let body = json!({"type": "template", "template": {"name": name, "language": "en_US", "params": ["Ravi"]}});
    t.post(cookie, &format!("/api/contacts/{contact}/messages"), &body, Some(key)).await
}

#[tokio::test]
async fn a_number_of_another_account_syncs_and_sends_that_account_s_templates_with_its_own_token() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let number = json!({"name": "Spares", "waba_id": second_account::WABA_ID});
    let (status, body) =
        t.request(&admin, "PUT", &format!("/api/numbers/{}", second_account::PHONE_NUMBER_ID), Some(&number)).await;
    assert_eq!(status, 200, "{body}");

    // Without its own token the second account cannot be read: the own
    // account still syncs, and the answer says which one failed.
    let synced = sync(&t, &admin).await;
    let accounts = synced["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 2, "{synced}");
    assert!(accounts[0]["waba_id"].is_null() && accounts[0]["error"].is_null(), "{synced}");
    assert_eq!(accounts[1]["waba_id"], second_account::WABA_ID, "{synced}");
    assert!(accounts[1]["error"].as_str().is_some_and(|e| e.contains("400")), "{synced}");

    // Bad tokens are refused; the deployment's own account keeps the stack's.
    let path = format!("/api/accounts/{}/token", second_account::WABA_ID);
    let (status, _) = t.request(&admin, "PUT", &path, Some(&json!({"token": "short"}))).await;
    assert_eq!(status, 422);
    let (status, body) = t
        .request(
            &admin,
            "PUT",
            &format!("/api/accounts/{}/token", parley_e2e::OWN_WABA_ID),
            Some(&json!({"token": second_account::ACCESS_TOKEN})),
        )
        .await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("deployment_account")), "{body}");
    let (status, _) = t.request(&admin, "PUT", &path, Some(&json!({"token": second_account::ACCESS_TOKEN}))).await;
    assert_eq!(status, 204);
    let (status, listed) = t.get(&admin, "/api/accounts").await;
    assert_eq!(status, 200, "{listed}");
    let tokens: Vec<(&str, &str)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["waba_id"].as_str().unwrap(), a["token"].as_str().unwrap()))
        .collect();
    assert_eq!(tokens, vec![(parley_e2e::OWN_WABA_ID, "system_user"), (second_account::WABA_ID, "own")]);
    assert!(!listed.to_string().contains(second_account::ACCESS_TOKEN), "a token is never shown again");

    // Now both accounts sync, each into its own catalog.
    let synced = sync(&t, &admin).await;
    assert!(synced["accounts"].as_array().unwrap().iter().all(|a| a["error"].is_null()), "{synced}");
    assert_eq!(synced["accounts"][1]["templates"], 2, "{synced}");
    let (_, second) = t.get(&admin, &format!("/api/templates?number={}", second_account::PHONE_NUMBER_ID)).await;
    assert_eq!(names(&second), BTreeSet::from(["order_update".to_owned(), "spares_welcome".to_owned()]));
    let order_update = second["items"].as_array().unwrap().iter().find(|t| t["name"] == "order_update").unwrap();
    assert!(order_update["body"].as_str().unwrap().starts_with("Kumar Spares"), "{order_update}");
    let (_, own) = t.get(&admin, "/api/templates?number=106540352242922").await;
    assert!(names(&own).contains("diwali_sale") && !names(&own).contains("spares_welcome"), "{own}");
    let (_, every) = t.get(&admin, "/api/templates").await;
    assert_eq!(every["items"].as_array().unwrap().iter().filter(|t| t["name"] == "order_update").count(), 3);

    // A customer of the second number gets its account's template, sent
    // with its token (the simulator refuses the own token for it); the own
    // account's template is refused before it is queued.
    let body = json!({"from": RAVI, "name": "Ravi", "text": "Do you have brake pads?", "to_number": second_account::PHONE_NUMBER_ID});
    let response = t.http.post(format!("{}/sim/customer", t.simulator_url)).json(&body).send().await.unwrap();
    assert!(response.status().is_success());
    let contacts = t.contacts(&admin).await;
    let contact = contacts.iter().find(|c| c["phone_number_id"] == second_account::PHONE_NUMBER_ID).unwrap();
    let contact = contact["id"].as_str().unwrap();
    let (status, refused) = send_template(&t, &admin, contact, "diwali_sale", "own-template").await;
    assert_eq!(status, 422, "{refused}");
    let (status, queued) = send_template(&t, &admin, contact, "spares_welcome", "second-template").await;
    assert_eq!(status, 202, "{queued}");
    let accepted = t.accepted_at_least(1).await;
    let [sent] = accepted.as_slice() else { panic!("one send: {accepted:?}") };
    assert_eq!(sent["from"], second_account::PHONE_NUMBER_ID);
    assert_eq!(sent["body"]["template"]["name"], "spares_welcome");

    // Taken away, the token no longer serves the account.
    let (status, _) = t.request(&admin, "DELETE", &path, None).await;
    assert_eq!(status, 204);
    let (_, listed) = t.get(&admin, "/api/accounts").await;
    assert_eq!(listed["items"][1]["token"], "system_user", "{listed}");
}

/// The customer sends a photo to the second account's number; its wamid.
async fn photo_to_second_number(t: &TestStack, caption: &str) -> String {
    let body = json!({"from": RAVI, "name": "Ravi", "text": caption, "media": "photo",
        "to_number": second_account::PHONE_NUMBER_ID});
    let response = t.http.post(format!("{}/sim/customer", t.simulator_url)).json(&body).send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.json::<Value>().await.unwrap()["wamid"].as_str().unwrap().to_owned()
}

/// The photo `wamid`'s media once its copy settled.
async fn settled_media(t: &TestStack, cookie: &str, wamid: &str) -> Value {
    for _ in 0..300 {
        let contact = t.contacts(cookie).await.into_iter().find(|c| c["phone"] == format!("+{RAVI}"));
        if let Some(contact) = contact {
            let timeline = t.timeline(cookie, contact["id"].as_str().unwrap()).await;
            let media = timeline.iter().find(|m| m["id"] == wamid).map(|m| m["media"].clone());
            if let Some(media) = media.filter(|m| m["status"] != "pending") {
                return media;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the copy of {wamid} never settled");
}

#[tokio::test]
async fn media_sent_to_another_account_s_number_is_fetched_with_that_account_s_token() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let number = json!({"name": "Spares", "waba_id": second_account::WABA_ID});
    let path = format!("/api/numbers/{}", second_account::PHONE_NUMBER_ID);
    assert_eq!(t.request(&admin, "PUT", &path, Some(&number)).await.0, 200);

    // Meta will not hand the system user another account's file; it answers
    // as for a file it no longer has.
    let first = photo_to_second_number(&t, "the broken part").await;
    let media = settled_media(&t, &admin, &first).await;
    assert_eq!(
        (media["status"].as_str(), media["reason"].as_str()),
        (Some("failed"), Some("expired at Meta")),
        "{media}"
    );

    // With the account's own token, the next file is copied.
    let token = format!("/api/accounts/{}/token", second_account::WABA_ID);
    assert_eq!(t.request(&admin, "PUT", &token, Some(&json!({"token": second_account::ACCESS_TOKEN}))).await.0, 204);
    let second = photo_to_second_number(&t, "this one").await;
    let media = settled_media(&t, &admin, &second).await;
    assert_eq!(media["status"], "stored", "{media}");
    let photo = parley_simulator::media::sample("photo").unwrap();
    assert_eq!(media["size"].as_u64(), Some(photo.bytes.len() as u64), "{media}");
}
