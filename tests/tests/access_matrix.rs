//! The role × route × object matrix: every route of the API, called as an
//! admin, a manager, an agent on their own object, an agent on a teammate's
//! object, and anonymously, answers with the status the rules say. A route
//! missing from the matrix fails the test.

use parley_e2e::TestStack;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// One route in the matrix.
struct Row {
    method: &'static str,
    /// The route as the table declares it (checked against `OPERATIONS`).
    route: &'static str,
    /// The concrete path for: admin, manager, agent on their own object,
    /// agent on a teammate's object (also used anonymously).
    paths: [String; 4],
    body: Option<Value>,
    /// admin, manager, agent (own), agent (teammate's), anonymous.
    expected: [u16; 5],
}

fn row(method: &'static str, route: &'static str, paths: [String; 4], body: Option<Value>, expected: [u16; 5]) -> Row {
    Row { method, route, paths, body, expected }
}

/// The same path for every caller.
fn all(path: &str) -> [String; 4] {
    [path.to_owned(), path.to_owned(), path.to_owned(), path.to_owned()]
}

/// Supervisors and the agent act on the teammate's object, except in the
/// agent's own column.
fn objects(route: &str, own: &str, theirs: &str) -> [String; 4] {
    let at = |id: &str| route.replace("{id}", id);
    [at(theirs), at(theirs), at(own), at(theirs)]
}

async fn contact(t: &TestStack, admin: &str, wa_id: &str, name: &str, owner: Option<&str>) -> String {
    t.customer_says(wa_id, name, "hello").await;
    let (_, found) = t.get(admin, &format!("/api/contacts?q={}", name.to_lowercase().replace(' ', "%20"))).await;
    let id = found["items"][0]["id"].as_str().unwrap().to_owned();
    if let Some(owner) = owner {
        let (status, body) = t.post(admin, &format!("/api/contacts/{id}/assign"), &json!({"owner": owner}), None).await;
        assert_eq!(status, 200, "{body}");
    }
    id
}

async fn created(t: &TestStack, cookie: &str, path: &str, body: Value) -> Value {
    let (status, created) = t.post(cookie, path, &body, None).await;
    assert!(status == 201 || status == 202, "POST {path}: {status} {created}");
    created
}

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn every_route_answers_each_role_and_object_as_the_rules_say() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let manager = t.teammate(&admin, "manager@shop.test", "manager").await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let _other = t.teammate(&admin, "other@shop.test", "agent").await;
    let mine = contact(&t, &admin, "919800000001", "Mine Contact", Some("agent@shop.test")).await;
    let theirs = contact(&t, &admin, "919800000002", "Theirs Contact", Some("other@shop.test")).await;
    let erase_a = contact(&t, &admin, "919800000003", "Erase A", None).await;
    let erase_m = contact(&t, &admin, "919800000004", "Erase M", None).await;
    let merge_into_a = contact(&t, &admin, "919800000005", "Into A", None).await;
    let merge_from_a = contact(&t, &admin, "919800000006", "From A", None).await;
    let merge_into_m = contact(&t, &admin, "919800000007", "Into M", None).await;
    let merge_from_m = contact(&t, &admin, "919800000008", "From M", None).await;

    let my_deal = created(&t, &agent, "/api/deals", json!({"contact_id": mine, "title": "mine", "value_minor": 1}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let their_deal = created(
        &t,
        &admin,
        "/api/deals",
        json!({"contact_id": theirs, "title": "theirs", "value_minor": 1, "owner": "other@shop.test"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let due = "2030-01-01T10:00:00Z";
    let my_task = created(&t, &agent, "/api/tasks", json!({"title": "mine", "due_at": due})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let their_task =
        created(&t, &admin, "/api/tasks", json!({"title": "theirs", "due_at": due, "owner": "other@shop.test"})).await
            ["id"]
            .as_str()
            .unwrap()
            .to_owned();
    // Automation rules: one to read and change, one each for the two supervisors to delete.
    let rule_body = json!({"name": "r", "trigger": {"type": "keyword", "keywords": ["price"]},
        "actions": [{"type": "add_tag", "tag": "pricing"}]});
    let mut rule_ids = Vec::new();
    for _ in 0..3 {
        rule_ids.push(created(&t, &admin, "/api/rules", rule_body.clone()).await["id"].as_str().unwrap().to_owned());
    }
    let rule_path = |suffix: &str| all(&format!("/api/rules/{}{suffix}", rule_ids[0]));
    let rule_delete = [
        format!("/api/rules/{}", rule_ids[1]),
        format!("/api/rules/{}", rule_ids[2]),
        format!("/api/rules/{}", rule_ids[0]),
        format!("/api/rules/{}", rule_ids[0]),
    ];
    let text = json!({"type": "text", "text": "hello"});
    let my_message = created(&t, &agent, &format!("/api/contacts/{mine}/messages"), text.clone()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let their_message = created(&t, &admin, &format!("/api/contacts/{theirs}/messages"), text.clone()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, export) = t.post(&admin, "/api/exports", &json!({"what": "deals"}), None).await;
    let export_id = export["id"].as_str().unwrap().to_owned();
    let day = &parley::domain::Millis(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64,
    )
    .to_rfc3339()[..10];
    let repairs = json!({"name": "Repairs", "stages": [
        {"id": "received", "name": "Received", "kind": "open"},
        {"id": "fixed", "name": "Fixed", "kind": "won"},
        {"id": "scrapped", "name": "Scrapped", "kind": "lost"}]});

    let hook = json!({"name": "CRM", "url": "https://hooks.example.test/parley", "kinds": ["deal.created"]});
    let webhook =
        created(&t, &admin, "/api/webhooks", hook.clone()).await["webhook"]["id"].as_str().unwrap().to_owned();
    let doomed = created(&t, &admin, "/api/webhooks", hook.clone()).await["webhook"]["id"].as_str().unwrap().to_owned();
    let wh = |suffix: &str| all(&format!("/api/webhooks/{webhook}{suffix}"));

    let c = |route: &str| objects(route, &mine, &theirs);
    // Products and quotes: one quote per column in the state each action needs.
    let product_body = json!({"name": "Kurta", "unit_price_minor": 100, "tax_rate_bp": 500});
    let mut product_ids = Vec::new();
    for _ in 0..2 {
        product_ids
            .push(created(&t, &admin, "/api/products", product_body.clone()).await["id"].as_str().unwrap().to_owned());
    }
    let quote_body = |contact: &str| {
        json!({"contact_id": contact, "tax": {"kind": "single", "name": "VAT"}, "valid_until": "2030-01-01",
            "lines": [{"description": "Kurta", "quantity_milli": 1000, "unit": "pc", "unit_price_minor": 100, "discount_bp": 0, "tax_rate_bp": 500}]})
    };
    let quote_in = |contact: String, actions: &'static [&'static str]| {
        let t = &t;
        let admin = &admin;
        let body = quote_body(&contact);
        async move {
            let id = created(t, admin, "/api/quotes", body).await["id"].as_str().unwrap().to_owned();
            for action in actions {
                let (status, body) = t.post(admin, &format!("/api/quotes/{id}/{action}"), &json!({}), None).await;
                assert_eq!(status, 200, "{body}");
            }
            id
        }
    };
    let mut quote_columns: Vec<[String; 4]> = Vec::new();
    for actions in [&[][..], &["send"][..], &["send"][..], &["send", "accept"][..], &["send", "accept", "invoice"][..]]
    {
        let a = quote_in(theirs.clone(), actions).await;
        let m = quote_in(theirs.clone(), actions).await;
        let own = quote_in(mine.clone(), actions).await;
        quote_columns.push([a.clone(), m, own, a]);
    }
    let quote_paths =
        |column: usize, suffix: &str| quote_columns[column].clone().map(|id| format!("/api/quotes/{id}{suffix}"));
    let product_paths = [
        format!("/api/products/{}", product_ids[0]),
        format!("/api/products/{}", product_ids[1]),
        format!("/api/products/{}", product_ids[0]),
        format!("/api/products/{}", product_ids[0]),
    ];
    let lead_source = |id: &str| {
        json!({"id": id, "name": "Matrix form", "auth": "bearer", "pipeline": "sales", "stage": null,
            "owner": {"kind": "unassigned"}, "tags": [], "mapping": {}})
    };
    for id in ["gone-a", "gone-m"] {
        let path = format!("/api/lead_sources/{id}");
        assert_eq!(t.request(&admin, "PUT", &path, Some(&lead_source(id))).await.0, 200);
    }
    let gone = |column: &str| format!("/api/lead_sources/gone-{column}");
    let import = created(&t, &admin, "/api/imports", json!({"filename": "matrix.csv", "size": 10})).await;
    let import = import["id"].as_str().unwrap().to_owned();
    let campaign = |suffix: &str| format!("/api/campaigns/cp00000000000000000000{suffix}");
    let rows = vec![
        row("post", "/api/login", all("/api/login"), Some(json!({})), [400, 400, 400, 400, 400]),
        row("get", "/api/me", all("/api/me"), None, [200, 200, 200, 200, 401]),
        // An empty body: changing a password here would end the sessions below.
        row("post", "/api/me/password", all("/api/me/password"), Some(json!({})), [400, 400, 400, 400, 401]),
        row("get", "/api/contacts", all("/api/contacts"), None, [200, 200, 200, 200, 401]),
        // The admin adds the number; everyone after finds it (unassigned).
        row(
            "post",
            "/api/contacts",
            all("/api/contacts"),
            Some(json!({"phone": "+919800000099"})),
            [201, 200, 200, 200, 401],
        ),
        row("post", "/api/contacts/{id}/read", c("/api/contacts/{id}/read"), None, [200, 200, 200, 404, 401]),
        row("post", "/api/contacts/{id}/typing", c("/api/contacts/{id}/typing"), None, [200, 200, 200, 404, 401]),
        row("get", "/api/flow_forms", all("/api/flow_forms"), None, [200, 200, 200, 200, 401]),
        row("get", "/api/business", all("/api/business"), None, [200, 200, 200, 200, 401]),
        row(
            "put",
            "/api/business",
            all("/api/business"),
            Some(json!({"name": "Shop", "country": "IN", "currency": "INR", "time_zone": "Asia/Kolkata"})),
            [200, 403, 403, 403, 401],
        ),
        row("get", "/api/business/hours", all("/api/business/hours"), None, [200, 200, 200, 200, 401]),
        row(
            "put",
            "/api/business/hours/{number}",
            all("/api/business/hours/106540352242922"),
            Some(
                json!({"time_zone": "Asia/Kolkata", "weekly": [[{"open": "09:00", "close": "18:00"}], [], [], [], [], [], []]}),
            ),
            [200, 403, 403, 403, 401],
        ),
        row(
            "delete",
            "/api/business/hours/{number}",
            all("/api/business/hours/106540352242922"),
            None,
            [200, 403, 403, 403, 401],
        ),
        row("get", "/api/numbers", all("/api/numbers"), None, [200, 200, 200, 200, 401]),
        row(
            "put",
            "/api/numbers/{id}",
            all("/api/numbers/106540352242922"),
            Some(json!({"name": "Sales"})),
            [200, 403, 403, 403, 401],
        ),
        // Authorised, the admin is told nothing is set up for that number.
        row("delete", "/api/numbers/{id}", all("/api/numbers/1?updated_at=1"), None, [404, 403, 403, 403, 401]),
        row("get", "/api/accounts", all("/api/accounts"), None, [200, 403, 403, 403, 401]),
        // Authorised, the admin is told no number is set up in that account.
        row(
            "put",
            "/api/accounts/{waba_id}/token",
            all("/api/accounts/1/token"),
            Some(json!({"token": "EAAG-a-token-long-enough-to-pass"})),
            [404, 403, 403, 403, 401],
        ),
        row("delete", "/api/accounts/{waba_id}/token", all("/api/accounts/1/token"), None, [404, 403, 403, 403, 401]),
        row("get", "/api/ai_settings", all("/api/ai_settings"), None, [200, 403, 403, 403, 401]),
        row(
            "put",
            "/api/ai_settings",
            all("/api/ai_settings"),
            Some(json!({"enabled": false, "provider": "open_ai"})),
            [200, 403, 403, 403, 401],
        ),
        // Off (as it is by default): those who see the contact are told so.
        row(
            "post",
            "/api/contacts/{id}/assist",
            c("/api/contacts/{id}/assist"),
            Some(json!({"task": "summary"})),
            [409, 409, 409, 404, 401],
        ),
        row("get", "/api/business/consent", all("/api/business/consent"), None, [200, 200, 200, 200, 401]),
        row(
            "put",
            "/api/business/consent",
            all("/api/business/consent"),
            Some(json!({"strict": false, "languages": [{"language": "en", "opt_out": ["STOP"], "opt_in": ["START"],
                "opt_out_reply": "Stopped.", "opt_in_reply": "Welcome back."}]})),
            [200, 200, 403, 403, 401],
        ),
        row("get", "/api/rate_card", all("/api/rate_card"), None, [200, 200, 200, 200, 401]),
        row("put", "/api/rate_card", all("/api/rate_card"), Some(json!({"lines": []})), [200, 403, 403, 403, 401]),
        row("get", "/api/contacts/{id}", c("/api/contacts/{id}"), None, [200, 200, 200, 404, 401]),
        row(
            "patch",
            "/api/contacts/{id}",
            c("/api/contacts/{id}"),
            Some(json!({"tags": ["vip"]})),
            [200, 200, 200, 404, 401],
        ),
        row(
            "delete",
            "/api/contacts/{id}",
            [
                format!("/api/contacts/{erase_a}"),
                format!("/api/contacts/{erase_m}"),
                format!("/api/contacts/{mine}"),
                format!("/api/contacts/{theirs}"),
            ],
            None,
            [200, 403, 403, 403, 401],
        ),
        row(
            "post",
            "/api/contacts/{id}/merge",
            [
                format!("/api/contacts/{merge_into_a}/merge"),
                format!("/api/contacts/{merge_into_m}/merge"),
                format!("/api/contacts/{mine}/merge"),
                format!("/api/contacts/{theirs}/merge"),
            ],
            None,
            [200, 200, 403, 403, 401],
        ),
        row("post", "/api/exports", all("/api/exports"), Some(json!({"what": "contacts"})), [202, 202, 403, 403, 401]),
        row("get", "/api/exports/{id}", all(&format!("/api/exports/{export_id}")), None, [200, 200, 403, 403, 401]),
        row("get", "/api/admin/dlq", all("/api/admin/dlq"), None, [200, 403, 403, 403, 401]),
        row("get", "/api/admin/health", all("/api/admin/health"), None, [200, 403, 403, 403, 401]),
        row(
            "post",
            "/api/admin/dlq/{queue}/redrive",
            all("/api/admin/dlq/media/redrive"),
            None,
            [200, 403, 403, 403, 401],
        ),
        row("get", "/api/contacts/{id}/notes", c("/api/contacts/{id}/notes"), None, [200, 200, 200, 404, 401]),
        row(
            "get",
            "/api/contacts/{id}/reply_estimate",
            c("/api/contacts/{id}/reply_estimate"),
            None,
            [200, 200, 200, 404, 401],
        ),
        row(
            "post",
            "/api/contacts/{id}/notes",
            c("/api/contacts/{id}/notes"),
            Some(json!({"text": "n"})),
            [201, 201, 201, 404, 401],
        ),
        row(
            "post",
            "/api/contacts/{id}/calls",
            c("/api/contacts/{id}/calls"),
            Some(json!({"outcome": "no_answer"})),
            [201, 201, 201, 404, 401],
        ),
        // No call rings on these contacts: whoever may see one hears so.
        row(
            "post",
            "/api/contacts/{id}/calls/{call_id}/answer",
            c("/api/contacts/{id}/calls/wacid.NONE/answer"),
            Some(json!({"sdp": "v=0\r\n"})),
            [410, 410, 410, 404, 401],
        ),
        row(
            "post",
            "/api/contacts/{id}/calls/{call_id}/decline",
            c("/api/contacts/{id}/calls/wacid.NONE/decline"),
            None,
            [410, 410, 410, 404, 401],
        ),
        row(
            "post",
            "/api/contacts/{id}/calls/{call_id}/hang_up",
            c("/api/contacts/{id}/calls/wacid.NONE/hang_up"),
            None,
            [410, 410, 410, 404, 401],
        ),
        row("get", "/api/contacts/{id}/tasks", c("/api/contacts/{id}/tasks"), None, [200, 200, 200, 404, 401]),
        row("get", "/api/contacts/{id}/messages", c("/api/contacts/{id}/messages"), None, [200, 200, 200, 404, 401]),
        row(
            "post",
            "/api/contacts/{id}/messages",
            c("/api/contacts/{id}/messages"),
            Some(text.clone()),
            [202, 202, 202, 404, 401],
        ),
        row(
            "post",
            "/api/contacts/{id}/uploads",
            c("/api/contacts/{id}/uploads"),
            Some(json!({"mime_type": "application/pdf", "size": 1000, "filename": "brochure.pdf"})),
            [201, 201, 201, 404, 401],
        ),
        row(
            "post",
            "/api/contacts/{id}/opt_out",
            c("/api/contacts/{id}/opt_out"),
            Some(json!({"opted_out": false})),
            [200, 200, 403, 404, 401],
        ),
        row(
            "post",
            "/api/contacts/{id}/consent",
            c("/api/contacts/{id}/consent"),
            Some(json!({"method": "staff", "categories": ["marketing"]})),
            [200, 200, 200, 404, 401],
        ),
        row("post", "/api/contacts/{id}/assign", c("/api/contacts/{id}/assign"), None, [200, 200, 200, 404, 401]),
        row("post", "/api/contacts/{id}/close", c("/api/contacts/{id}/close"), None, [200, 200, 200, 404, 401]),
        row("post", "/api/contacts/{id}/reopen", c("/api/contacts/{id}/reopen"), None, [200, 200, 200, 404, 401]),
        row("get", "/api/contacts/{id}/deals", c("/api/contacts/{id}/deals"), None, [200, 200, 200, 404, 401]),
        row(
            "post",
            "/api/messages/{id}/retry",
            objects("/api/messages/{id}/retry", &my_message, &their_message),
            None,
            [409, 409, 409, 404, 401],
        ),
        row("get", "/api/conversations", all("/api/conversations?queue=mine"), None, [200, 200, 200, 200, 401]),
        row("get", "/api/changes", c("/api/changes?contact={id}"), None, [200, 200, 200, 404, 401]),
        row("get", "/api/templates", all("/api/templates"), None, [200, 200, 200, 200, 401]),
        // --- due work: everyone reads and marks only their own notifications ---
        row("get", "/api/notifications", all("/api/notifications"), None, [200, 200, 200, 200, 401]),
        row("post", "/api/notifications/read_all", all("/api/notifications/read_all"), None, [200, 200, 200, 200, 401]),
        row(
            "post",
            "/api/notifications/{id}/read",
            all("/api/notifications/nobody-has-this/read"),
            None,
            [404, 404, 404, 404, 401],
        ),
        row("post", "/api/templates/sync", all("/api/templates/sync"), None, [200, 200, 403, 403, 401]),
        row("get", "/api/reports/spend", all("/api/reports/spend"), None, [200, 200, 403, 403, 401]),
        row("get", "/api/reports/first_response", all("/api/reports/first_response"), None, [200, 200, 403, 403, 401]),
        row("get", "/api/reports/workload", all("/api/reports/workload"), None, [200, 200, 403, 403, 401]),
        row("get", "/api/reports/funnel", all("/api/reports/funnel"), None, [200, 200, 403, 403, 401]),
        row("get", "/api/reports/messages", all("/api/reports/messages"), None, [200, 200, 403, 403, 401]),
        row("get", "/api/reports/sources", all("/api/reports/sources"), None, [200, 200, 403, 403, 401]),
        row(
            "get",
            "/api/audit",
            [
                format!("/api/audit?day={day}"),
                format!("/api/audit?contact={theirs}"),
                format!("/api/audit?contact={mine}"),
                format!("/api/audit?contact={theirs}"),
            ],
            None,
            [200, 200, 403, 403, 401],
        ),
        row("get", "/api/users", all("/api/users"), None, [200, 200, 403, 403, 401]),
        row(
            "post",
            "/api/users",
            all("/api/users"),
            Some(json!({"email": "new@shop.test", "role": "agent"})),
            [201, 403, 403, 403, 401],
        ),
        row(
            "patch",
            "/api/users/{email}",
            [
                "/api/users/other@shop.test".into(),
                "/api/users/other@shop.test".into(),
                "/api/users/agent@shop.test".into(),
                "/api/users/other@shop.test".into(),
            ],
            Some(json!({"available": true})),
            [200, 403, 200, 403, 401],
        ),
        row(
            "post",
            "/api/users/{email}/invite",
            all("/api/users/other@shop.test/invite"),
            None,
            [201, 403, 403, 403, 401],
        ),
        row(
            "delete",
            "/api/users/{email}/invite",
            all("/api/users/other@shop.test/invite"),
            None,
            [204, 403, 403, 403, 401],
        ),
        row("post", "/api/invites/accept", all("/api/invites/accept"), Some(json!({})), [400, 400, 400, 400, 400]),
        row("get", "/api/pipelines", all("/api/pipelines"), None, [200, 200, 200, 200, 401]),
        row("put", "/api/pipelines/{id}", all("/api/pipelines/repairs"), Some(repairs), [200, 200, 403, 403, 401]),
        row("get", "/api/pipelines/{id}/board", all("/api/pipelines/sales/board"), None, [200, 200, 200, 200, 401]),
        row(
            "get",
            "/api/pipelines/{id}/stages/{stage}/deals",
            all("/api/pipelines/sales/stages/enquiry/deals"),
            None,
            [200, 200, 200, 200, 401],
        ),
        row(
            "post",
            "/api/deals",
            all("/api/deals"),
            Some(json!({"contact_id": theirs, "title": "t", "value_minor": 1})),
            [201, 201, 201, 404, 401],
        ),
        row(
            "get",
            "/api/deals/{id}",
            objects("/api/deals/{id}", &my_deal, &their_deal),
            None,
            [200, 200, 200, 404, 401],
        ),
        row(
            "patch",
            "/api/deals/{id}",
            objects("/api/deals/{id}", &my_deal, &their_deal),
            Some(json!({"title": "renamed"})),
            [200, 200, 200, 404, 401],
        ),
        row(
            "post",
            "/api/deals/{id}/stage",
            objects("/api/deals/{id}/stage", &my_deal, &their_deal),
            Some(json!({"stage": "qualified"})),
            [200, 200, 200, 404, 401],
        ),
        row("get", "/api/contacts/{id}/export", c("/api/contacts/{id}/export"), None, [200, 200, 403, 403, 401]),
        row("get", "/api/tasks", all("/api/tasks?due=open"), None, [200, 200, 200, 200, 401]),
        row(
            "post",
            "/api/tasks",
            all("/api/tasks"),
            Some(json!({"title": "t", "due_at": due})),
            [201, 201, 201, 403, 401],
        ),
        row(
            "patch",
            "/api/tasks/{id}",
            objects("/api/tasks/{id}", &my_task, &their_task),
            Some(json!({"title": "renamed"})),
            [200, 200, 200, 403, 401],
        ),
        row(
            "post",
            "/api/tasks/{id}/done",
            objects("/api/tasks/{id}/done", &my_task, &their_task),
            None,
            [200, 200, 200, 403, 401],
        ),
        // Outbound webhooks: administrators only.
        row("get", "/api/webhooks", all("/api/webhooks"), None, [200, 403, 403, 403, 401]),
        row("post", "/api/webhooks", all("/api/webhooks"), Some(hook.clone()), [201, 403, 403, 403, 401]),
        row("patch", "/api/webhooks/{id}", wh(""), Some(json!({"name": "renamed"})), [200, 403, 403, 403, 401]),
        row("post", "/api/webhooks/{id}/secret", wh("/secret"), None, [200, 403, 403, 403, 401]),
        row("get", "/api/webhooks/{id}/deliveries", wh("/deliveries"), None, [200, 403, 403, 403, 401]),
        row("post", "/api/webhooks/{id}/test", wh("/test"), None, [202, 403, 403, 403, 401]),
        // No such delivery: the admin learns so, the others learn nothing.
        row(
            "post",
            "/api/webhooks/{id}/deliveries/{delivery}/redeliver",
            wh("/deliveries/0000000000000-none/redeliver"),
            None,
            [404, 403, 403, 403, 401],
        ),
        row("delete", "/api/webhooks/{id}", all(&format!("/api/webhooks/{doomed}")), None, [204, 403, 403, 403, 401]),
        // Lead sources: supervisors; posts prove the source's secret, not a session.
        row("post", "/leads/{source}", all("/leads/nowhere"), Some(json!({"lead_id": "1"})), [401, 401, 401, 401, 401]),
        row("get", "/api/lead_sources", all("/api/lead_sources"), None, [200, 200, 403, 403, 401]),
        row(
            "put",
            "/api/lead_sources/{id}",
            all("/api/lead_sources/matrix"),
            Some(lead_source("matrix")),
            [200, 200, 403, 403, 401],
        ),
        row(
            "post",
            "/api/lead_sources/{id}/rotate",
            all("/api/lead_sources/matrix/rotate"),
            None,
            [200, 200, 403, 403, 401],
        ),
        row(
            "delete",
            "/api/lead_sources/{id}",
            [gone("a"), gone("m"), gone("a"), gone("a")],
            None,
            [204, 204, 403, 403, 401],
        ),
        // Contact imports: supervisors. The file was never uploaded.
        row(
            "post",
            "/api/imports",
            all("/api/imports"),
            Some(json!({"filename": "m.csv", "size": 10})),
            [201, 201, 403, 403, 401],
        ),
        row("get", "/api/imports", all("/api/imports"), None, [200, 200, 403, 403, 401]),
        row("get", "/api/imports/{id}", all(&format!("/api/imports/{import}")), None, [200, 200, 403, 403, 401]),
        row(
            "get",
            "/api/imports/{id}/preview",
            all(&format!("/api/imports/{import}/preview")),
            None,
            [409, 409, 403, 403, 401],
        ),
        row(
            "post",
            "/api/imports/{id}/start",
            all(&format!("/api/imports/{import}/start")),
            Some(json!({"mapping": ["phone"]})),
            [409, 409, 403, 403, 401],
        ),
        // Campaigns: supervisors. No such template, and no such campaign.
        row(
            "post",
            "/api/campaigns/preview",
            all("/api/campaigns/preview"),
            Some(json!({"template": "none", "language": "en_US"})),
            [422, 422, 403, 403, 401],
        ),
        row(
            "post",
            "/api/campaigns",
            all("/api/campaigns"),
            Some(json!({"name": "M", "template": "none", "language": "en_US",
                "estimate": {"recipients": 0, "amount_minor": 0, "currency": "INR"}})),
            [422, 422, 403, 403, 401],
        ),
        row("get", "/api/campaigns", all("/api/campaigns"), None, [200, 200, 403, 403, 401]),
        row("get", "/api/campaigns/{id}", all(&campaign("")), None, [404, 404, 403, 403, 401]),
        row("get", "/api/campaigns/{id}/recipients", all(&campaign("/recipients")), None, [404, 404, 403, 403, 401]),
        row("post", "/api/campaigns/{id}/pause", all(&campaign("/pause")), None, [404, 404, 403, 403, 401]),
        row("post", "/api/campaigns/{id}/resume", all(&campaign("/resume")), None, [404, 404, 403, 403, 401]),
        row("post", "/api/campaigns/{id}/cancel", all(&campaign("/cancel")), None, [404, 404, 403, 403, 401]),
        // Automation rules: everyone reads, supervisors change.
        row("get", "/api/rules", all("/api/rules"), None, [200, 200, 200, 200, 401]),
        row("post", "/api/rules", all("/api/rules"), Some(rule_body.clone()), [201, 201, 403, 403, 401]),
        row("get", "/api/rules/{id}", rule_path(""), None, [200, 200, 200, 200, 401]),
        row("patch", "/api/rules/{id}", rule_path(""), Some(json!({"enabled": false})), [200, 200, 403, 403, 401]),
        row("delete", "/api/rules/{id}", rule_delete, None, [204, 204, 403, 403, 401]),
        row("get", "/api/rules/{id}/log", rule_path("/log"), None, [200, 200, 200, 200, 401]),
        row("post", "/api/rules/{id}/dry_run", rule_path("/dry_run"), None, [200, 200, 403, 403, 401]),
        row("get", "/api/products", all("/api/products"), None, [200, 200, 200, 200, 401]),
        row("post", "/api/products", all("/api/products"), Some(product_body.clone()), [201, 201, 403, 403, 401]),
        row("put", "/api/products/{id}", product_paths.clone(), Some(product_body.clone()), [200, 200, 403, 403, 401]),
        row("delete", "/api/products/{id}", product_paths.clone(), None, [204, 204, 403, 403, 401]),
        row(
            "post",
            "/api/quotes/preview",
            all("/api/quotes/preview"),
            Some(json!({"tax": quote_body(&theirs)["tax"], "lines": quote_body(&theirs)["lines"]})),
            [200, 200, 200, 200, 401],
        ),
        row("post", "/api/quotes", all("/api/quotes"), Some(quote_body(&theirs)), [201, 201, 201, 404, 401]),
        row("get", "/api/quotes/{id}", quote_paths(0, ""), None, [200, 200, 200, 404, 401]),
        row("put", "/api/quotes/{id}", quote_paths(0, ""), Some(quote_body(&theirs)), [200, 200, 200, 404, 401]),
        row("get", "/api/quotes/{id}/pdf", quote_paths(0, "/pdf"), None, [200, 200, 200, 404, 401]),
        row("post", "/api/quotes/{id}/send", quote_paths(0, "/send"), None, [200, 200, 200, 404, 401]),
        row("post", "/api/quotes/{id}/accept", quote_paths(1, "/accept"), None, [200, 200, 200, 404, 401]),
        row("post", "/api/quotes/{id}/decline", quote_paths(2, "/decline"), None, [200, 200, 200, 404, 401]),
        row("post", "/api/quotes/{id}/invoice", quote_paths(3, "/invoice"), None, [200, 200, 200, 404, 401]),
        row("post", "/api/quotes/{id}/paid", quote_paths(4, "/paid"), None, [200, 200, 200, 404, 401]),
        row("get", "/api/contacts/{id}/quotes", c("/api/contacts/{id}/quotes"), None, [200, 200, 200, 404, 401]),
        row(
            "get",
            "/api/deals/{id}/quotes",
            objects("/api/deals/{id}/quotes", &my_deal, &their_deal),
            None,
            [200, 200, 200, 404, 401],
        ),
        // Last: it ends the sessions the rows above use.
        row("post", "/api/logout", all("/api/logout"), None, [204, 204, 204, 204, 204]),
    ];

    let declared: BTreeSet<(String, String)> =
        parley_api::OPERATIONS.iter().map(|o| (o.method.to_owned(), o.path.to_owned())).collect();
    let covered: BTreeSet<(String, String)> = rows.iter().map(|r| (r.method.to_owned(), r.route.to_owned())).collect();
    assert_eq!(covered, declared, "the matrix covers every route, and only those");

    // The agent's own-object rows that create or change something for
    // someone else need bodies naming the right object.
    let bodies_for = |r: &Row, column: usize| -> Option<Value> {
        match (r.route, column) {
            ("/api/contacts/{id}/merge", 0) => Some(json!({"from": merge_from_a})),
            ("/api/contacts/{id}/merge", 1) => Some(json!({"from": merge_from_m})),
            ("/api/contacts/{id}/merge", _) => Some(json!({"from": theirs})),
            ("/api/contacts/{id}/assign", 2) => Some(json!({"owner": "agent@shop.test"})),
            ("/api/contacts/{id}/assign", _) => Some(json!({"owner": "other@shop.test"})),
            ("/api/deals", 2) => Some(json!({"contact_id": mine, "title": "t", "value_minor": 1})),
            ("/api/quotes" | "/api/quotes/{id}", 2) => Some(quote_body(&mine)),
            ("/api/tasks", 3) => Some(json!({"title": "t", "due_at": due, "owner": "other@shop.test"})),
            _ => r.body.clone(),
        }
    };
    let callers =
        [("admin", &admin), ("manager", &manager), ("agent on their own", &agent), ("agent on a teammate's", &agent)];
    let mut failures = Vec::new();
    for r in &rows {
        for (column, (who, cookie)) in callers.iter().enumerate() {
            let body = bodies_for(r, column).or_else(|| (r.method != "get").then(|| json!({})));
            let path = &r.paths[column];
            let (status, answer) = t.request(cookie, &r.method.to_uppercase(), path, body.as_ref()).await;
            if status != r.expected[column] {
                failures
                    .push(format!("{who} {} {path}: {status}, expected {} ({answer})", r.method, r.expected[column]));
            }
            if status >= 400 && !answer["error"]["code"].is_string() {
                failures.push(format!("{who} {} {path}: {status} without the error shape ({answer})", r.method));
            }
        }
        let body = bodies_for(r, 3).or_else(|| (r.method != "get").then(|| json!({})));
        let (status, _) = t.request("parley_session=none", &r.method.to_uppercase(), &r.paths[3], body.as_ref()).await;
        if status != r.expected[4] {
            failures.push(format!("anonymous {} {}: {status}, expected {}", r.method, r.paths[3], r.expected[4]));
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn lists_hold_only_what_an_agent_may_see() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let other = t.teammate(&admin, "other@shop.test", "agent").await;
    let mine = contact(&t, &admin, "919800000001", "Mine Contact", Some("agent@shop.test")).await;
    let theirs = contact(&t, &admin, "919800000002", "Theirs Contact", Some("other@shop.test")).await;
    let my_deal = created(&t, &agent, "/api/deals", json!({"contact_id": mine, "title": "mine", "value_minor": 1}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let their_deal =
        created(&t, &other, "/api/deals", json!({"contact_id": theirs, "title": "theirs", "value_minor": 1})).await
            ["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let due = "2030-01-01T10:00:00Z";
    created(&t, &other, "/api/tasks", json!({"title": "theirs", "due_at": due})).await;

    for path in ["/api/contacts", "/api/conversations?queue=waiting_on_us", "/api/contacts?q=theirs"] {
        let (_, page) = t.get(&agent, path).await;
        assert!(!ids(&page).contains(&theirs), "{path}");
        assert!(ids(&page).contains(&mine) || path.contains("q=theirs"), "{path}");
    }
    let (_, board) = t.get(&agent, "/api/pipelines/sales/board").await;
    let on_board: Vec<String> = board["columns"].as_array().unwrap().iter().flat_map(ids).collect();
    assert_eq!(on_board, std::slice::from_ref(&my_deal));
    let (_, stage) = t.get(&agent, "/api/pipelines/sales/stages/enquiry/deals").await;
    assert_eq!(ids(&stage), [my_deal]);
    let (_, everything) = t.get(&admin, "/api/pipelines/sales/stages/enquiry/deals").await;
    assert!(ids(&everything).contains(&their_deal));
    let (_, tasks) = t.get(&agent, "/api/tasks?due=open").await;
    assert!(tasks["items"].as_array().unwrap().is_empty(), "{tasks}");
}
