//! Signing in over HTTP: login throttling by e-mail and by address, changing
//! and resetting passwords, and the life of an invitation.

use aws_sdk_dynamodb::types::AttributeValue;
use parley::adapters::dynamo::keys;
use parley_e2e::{TestStack, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

/// A client whose requests come from `127.0.0.<last>`: the local runner sees
/// the peer address as API Gateway sees `sourceIp`.
fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder().local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))).build().unwrap()
}

async fn login_from(t: &TestStack, client: &reqwest::Client, email: &str, password: &str) -> u16 {
    let response =
        client.post(t.url("/api/login")).json(&json!({"email": email, "password": password})).send().await.unwrap();
    response.status().as_u16()
}

async fn invite(t: &TestStack, admin: &str, email: &str, role: &str) -> String {
    let (status, body) = t.post(admin, "/api/users", &json!({"email": email, "role": role}), None).await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

fn user_key(email: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (keys::PK.to_owned(), AttributeValue::S(keys::user_pk(email))),
        (keys::SK.to_owned(), AttributeValue::S(keys::USER.to_owned())),
    ])
}

async fn accept(t: &TestStack, token: &str, password: &str) -> (u16, Value) {
    t.post("", "/api/invites/accept", &json!({"token": token, "password": password}), None).await
}

#[tokio::test]
async fn parallel_guesses_are_counted_before_the_password_is_checked() {
    let t = TestStack::start().await;
    // Every guess falls in one throttle window, however slow the run.
    t.clock.pin();
    let attacker = client_from(2);
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..16 {
        let (client, url) = (attacker.clone(), t.url("/api/login"));
        guesses.spawn(async move {
            let body = json!({"email": ADMIN_EMAIL, "password": format!("guess number {i}")});
            client.post(url).json(&body).send().await.unwrap().status().as_u16()
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = guesses.join_next().await {
        statuses.push(status.unwrap());
    }
    statuses.sort_unstable();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (5, 11), "only five guesses reach the password check: {statuses:?}");
    assert_eq!(login_from(&t, &attacker, ADMIN_EMAIL, ADMIN_PASSWORD).await, 429, "the address stays locked");
    assert_eq!(
        login_from(&t, &client_from(3), ADMIN_EMAIL, ADMIN_PASSWORD).await,
        200,
        "the owner signs in from their usual address while the attacker's is locked"
    );
}

#[tokio::test]
async fn one_address_cannot_spray_guesses_over_many_e_mails() {
    let t = TestStack::start().await;
    // Every guess falls in one throttle window, however slow the run.
    t.clock.pin();
    let sprayer = client_from(4);
    for i in 0..30 {
        let status = login_from(&t, &sprayer, &format!("person{i}@shop.test"), "Summer2026!").await;
        assert_eq!(status, 401, "guess {i}");
    }
    assert_eq!(login_from(&t, &sprayer, "person30@shop.test", "Summer2026!").await, 429);
    assert_eq!(
        login_from(&t, &client_from(5), "person30@shop.test", "Summer2026!").await,
        401,
        "other addresses go on"
    );
    assert_eq!(login_from(&t, &client_from(5), ADMIN_EMAIL, ADMIN_PASSWORD).await, 200);
}

#[tokio::test]
async fn the_first_admin_changes_the_deployed_password_and_their_other_sessions_end() {
    let t = TestStack::start().await;
    let other_device = t.login().await;
    let this_device = t.login().await;
    let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});

    let (status, body) =
        t.post(&this_device, "/api/me/password", &change("not it", "a brand new passphrase"), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("wrong_password")), "{body}");
    let (status, body) = t.post(&this_device, "/api/me/password", &change(ADMIN_PASSWORD, "short"), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("weak_password")), "{body}");
    let (status, body) =
        t.post(&this_device, "/api/me/password", &change(ADMIN_PASSWORD, "a brand new passphrase"), None).await;
    assert_eq!(status, 200, "{body}");

    assert_eq!(t.get(&this_device, "/api/me").await.0, 200, "the session that changed it goes on");
    assert_eq!(t.get(&other_device, "/api/me").await.0, 401, "every other session ends");
    assert!(t.login_as(ADMIN_EMAIL, ADMIN_PASSWORD).await.is_err(), "the deploy parameter no longer works");
    assert!(t.login_as(ADMIN_EMAIL, "a brand new passphrase").await.is_ok());
    let (status, _) = t.post("parley_session=none", "/api/me/password", &change("x", "y"), None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn re_inviting_replaces_the_pending_invitation_and_admins_revoke_or_reissue_it() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let first = invite(&t, &admin, "neha@shop.test", "agent").await;
    let second = invite(&t, &admin, "Neha@shop.test", "manager").await;
    assert_eq!(accept(&t, &first, "a good long password").await.0, 410, "the replaced link is dead");

    let (status, body) = t.request(&admin, "DELETE", "/api/users/neha@shop.test/invite", None).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(accept(&t, &second, "a good long password").await.0, 410, "a revoked link is dead");

    let (status, reissued) = t.post(&admin, "/api/users/neha@shop.test/invite", &json!({}), None).await;
    assert_eq!(status, 201, "{reissued}");
    assert!(reissued["invite_path"].as_str().unwrap().starts_with("/#accept="));
    let (status, body) = accept(&t, reissued["token"].as_str().unwrap(), "a good long password").await;
    assert_eq!(status, 200, "{body}");
    let neha = t.login_as("neha@shop.test", "a good long password").await.unwrap();
    assert_eq!(t.get(&neha, "/api/me").await.1["role"], "manager", "the latest invitation's role");
    let (status, _) = t.post(&admin, "/api/users", &json!({"email": "neha@shop.test", "role": "agent"}), None).await;
    assert_eq!(status, 409, "a teammate who accepted is not invited again");
}

#[tokio::test]
async fn a_deactivated_invitee_stays_inactive_when_accepting() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let token = invite(&t, &admin, "gone@shop.test", "agent").await;
    let (status, _) = t.request(&admin, "PATCH", "/api/users/gone@shop.test", Some(&json!({"active": false}))).await;
    assert_eq!(status, 200);
    assert_eq!(accept(&t, &token, "a good long password").await.0, 410);
    assert!(t.login_as("gone@shop.test", "a good long password").await.is_err());
    let (_, team) = t.get(&admin, "/api/users").await;
    let gone = team["items"].as_array().unwrap().iter().find(|u| u["email"] == "gone@shop.test").unwrap().clone();
    assert_eq!(gone["active"], false, "{gone}");
    let (status, body) = t.post(&admin, "/api/users/gone@shop.test/invite", &json!({}), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("deactivated")), "{body}");
}

#[tokio::test]
async fn a_storage_error_while_accepting_leaves_the_invitation_usable() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let token = invite(&t, &admin, "later@shop.test", "agent").await;
    // Fill the user's item to DynamoDB's 400 KB limit, so that the write
    // that sets the password fails as a storage error.
    let dynamo = t.dynamo().await;
    let ballast = |size: usize| {
        dynamo
            .update_item()
            .table_name(&t.table)
            .set_key(Some(user_key("later@shop.test")))
            .update_expression("SET ballast = :b")
            .expression_attribute_values(":b", AttributeValue::S("x".repeat(size)))
            .send()
    };
    let (mut fits, mut too_big) = (300_000, 420_000);
    while too_big - fits > 1 {
        let size = (fits + too_big) / 2;
        if ballast(size).await.is_ok() {
            fits = size;
        } else {
            too_big = size;
        }
    }
    ballast(fits).await.unwrap();
    let (status, body) = accept(&t, &token, "a good long password").await;
    assert_eq!((status, body["error"]["code"].as_str()), (503, Some("storage_unavailable")), "{body}");
    dynamo
        .update_item()
        .table_name(&t.table)
        .set_key(Some(user_key("later@shop.test")))
        .update_expression("REMOVE ballast")
        .send()
        .await
        .unwrap();
    let (status, body) = accept(&t, &token, "a good long password").await;
    assert_eq!(status, 200, "the invitation survived the failed attempt: {body}");
    assert!(t.login_as("later@shop.test", "a good long password").await.is_ok());
}

#[tokio::test]
async fn an_admin_issues_a_one_time_reset_link_and_the_teammates_sessions_end() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let (status, link) = t.post(&admin, "/api/users/agent@shop.test/invite", &json!({}), None).await;
    assert_eq!(status, 201, "{link}");
    let token = link["token"].as_str().unwrap();
    assert_eq!(t.get(&agent, "/api/me").await.0, 200, "issuing a link changes nothing yet");
    assert!(t.login_as("agent@shop.test", "teammate password 1").await.is_ok());
    let (status, body) = accept(&t, token, "a fresh agent password").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(accept(&t, token, "another agent password").await.0, 410, "a reset link works once");
    assert_eq!(t.get(&agent, "/api/me").await.0, 401, "the old sessions end with the old password");
    assert!(t.login_as("agent@shop.test", "teammate password 1").await.is_err());
    assert!(t.login_as("agent@shop.test", "a fresh agent password").await.is_ok());
}

#[tokio::test]
async fn round_trips_of_signing_in() {
    let t = TestStack::start().await;
    t.login().await; // the first administrator is created on the first sign-in
    let trips = || t.stack.api_round_trips.get();

    let before = trips();
    t.login().await;
    // Three counters added in parallel, the user read, the session written,
    // then two counters settled in parallel.
    assert_eq!(trips() - before, 7, "a successful sign-in");

    let before = trips();
    assert!(t.login_as(ADMIN_EMAIL, "wrong password").await.is_err());
    assert_eq!(trips() - before, 4, "a failed sign-in: the counters and the user");

    let before = trips();
    assert_eq!(login_from(&t, &client_from(9), "nobody@shop.test", "x").await, 401);
    assert_eq!(trips() - before, 4, "an unknown e-mail costs the same round trips");
}

#[tokio::test]
async fn an_invitee_gives_their_own_name_when_accepting() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let token = invite(&t, &admin, "priya@shop.test", "agent").await;
    let name_of = |team: &Value| {
        let me = team["items"].as_array().unwrap().iter().find(|u| u["email"] == "priya@shop.test").cloned();
        me.unwrap()["name"].as_str().unwrap().to_owned()
    };
    assert_eq!(name_of(&t.get(&admin, "/api/users").await.1), "priya@shop.test", "until then, the e-mail");

    let long = "x".repeat(121);
    let (status, body) = t
        .post(
            "",
            "/api/invites/accept",
            &json!({"token": token, "password": "a good long password", "name": long}),
            None,
        )
        .await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")), "{body}");
    let (status, body) = t
        .post(
            "",
            "/api/invites/accept",
            &json!({"token": token, "password": "a good long password", "name": "  Priya Nair "}),
            None,
        )
        .await;
    assert_eq!(status, 200, "the refused name left the link usable: {body}");
    assert_eq!(name_of(&t.get(&admin, "/api/users").await.1), "Priya Nair");
}
