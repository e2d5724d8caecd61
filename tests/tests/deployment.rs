//! template.yaml is the one source of truth: the code's keys and indexes, the
//! local tables and the functions must all agree with it.

use parley::adapters::dynamo::keys;
use parley::config::secrets::{AI_KEY_SECRET_ID, CONTACT_ID_KEY_SECRET_ID, ORIGIN_KEY_SECRET_ID, SECRETS_ID};
use parley_e2e::{repo_root, require_emulators, unique_table};
use parley_local::template::{KeyElement, Template};
use serde_yaml::Value;

fn template() -> Template {
    Template::load(&repo_root().join("template.yaml")).unwrap()
}

fn raw_template() -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(repo_root().join("template.yaml")).unwrap()).unwrap()
}

fn key(name: &str, kind: &str) -> KeyElement {
    KeyElement { name: name.into(), key_type: kind.into() }
}

#[test]
fn the_code_queries_only_keys_and_indexes_the_template_declares() {
    let table = template().table().unwrap();
    assert_eq!(table.keys, [key(keys::PK, "HASH"), key(keys::SK, "RANGE")]);
    assert_eq!(table.ttl_attribute.as_deref(), Some(keys::TTL));
    for (index, pk, sk) in keys::INDEXES {
        let declared = table
            .indexes
            .iter()
            .find(|i| i.name == *index)
            .unwrap_or_else(|| panic!("index {index} is not in template.yaml"));
        assert_eq!(declared.keys, [key(pk, "HASH"), key(sk, "RANGE")], "index {index}");
    }
    for (name, kind) in &table.attributes {
        assert_eq!(kind, "S", "{name}: every key attribute is a string");
    }
}

#[tokio::test]
async fn the_local_table_is_built_from_the_template() {
    require_emulators();
    let spec = template().table().unwrap();
    let sdk = parley::adapters::aws::load_config().await;
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let name = unique_table("drift");
    parley_local::bootstrap::ensure_table(&client, &name, &spec).await.unwrap();
    parley_local::bootstrap::ensure_table(&client, &name, &spec).await.expect("a second bootstrap finds the table");
    let described = client.describe_table().table_name(&name).send().await.unwrap().table.unwrap();
    let keys_of = |schema: &[aws_sdk_dynamodb::types::KeySchemaElement]| -> Vec<KeyElement> {
        schema.iter().map(|k| key(k.attribute_name(), k.key_type().as_str())).collect()
    };
    assert_eq!(keys_of(described.key_schema()), spec.keys);
    let mut indexes: Vec<(String, Vec<KeyElement>)> = described
        .global_secondary_indexes()
        .iter()
        .map(|i| (i.index_name().unwrap_or_default().to_owned(), keys_of(i.key_schema())))
        .collect();
    indexes.sort_by(|a, b| a.0.cmp(&b.0));
    let mut declared: Vec<(String, Vec<KeyElement>)> =
        spec.indexes.iter().map(|i| (i.name.clone(), i.keys.clone())).collect();
    declared.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(indexes, declared);
}

fn workspace_binaries() -> Vec<String> {
    let mut bins = Vec::new();
    for entry in std::fs::read_dir(repo_root().join("functions")).unwrap() {
        let manifest = std::fs::read_to_string(entry.unwrap().path().join("Cargo.toml")).unwrap();
        let mut in_bin = false;
        for line in manifest.lines() {
            in_bin = if line.starts_with('[') { line.trim() == "[[bin]]" } else { in_bin };
            if let Some(name) = line.strip_prefix("name = ").filter(|_| in_bin) {
                bins.push(name.trim_matches('"').to_owned());
            }
        }
    }
    bins.sort();
    bins
}

#[test]
fn every_function_is_an_arm64_cargo_lambda_build_of_a_workspace_binary_with_log_retention() {
    let raw = raw_template();
    let globals = &raw["Globals"]["Function"];
    assert_eq!(globals["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(globals["Architectures"][0].as_str(), Some("arm64"));
    let resources = raw["Resources"].as_mapping().unwrap();
    let functions: Vec<(&str, &Value)> = resources
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|(id, r)| (id.as_str().unwrap(), r))
        .collect();
    let mut binaries: Vec<String> = functions
        .iter()
        .map(|(id, f)| {
            assert_eq!(f["Metadata"]["BuildMethod"].as_str(), Some("rust-cargolambda"), "{id}");
            f["Metadata"]["BuildProperties"]["Binary"]
                .as_str()
                .unwrap_or_else(|| panic!("{id} names no Binary"))
                .to_owned()
        })
        .collect();
    binaries.sort();
    assert_eq!(binaries, workspace_binaries(), "each function crate is deployed, and only those");
    let log_groups: Vec<String> = resources
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::Logs::LogGroup"))
        .map(|r| format!("{:?}", r["Properties"]["LogGroupName"]))
        .collect();
    for (id, _) in &functions {
        assert!(log_groups.iter().any(|g| g.contains(id)), "{id} has no log group with retention");
    }
}

#[test]
fn secrets_are_noecho_parameters_and_never_literals() {
    let raw = raw_template();
    // The contact-id key is no parameter: the stack generates it (see
    // functions_hold_only_secret_ids_and_may_read_only_those_secrets).
    for name in SECRET_PARAMETERS {
        let parameter = &raw["Parameters"][name];
        assert_eq!(parameter["NoEcho"].as_bool(), Some(true), "{name}");
        assert!(parameter.get("Default").is_none(), "{name} must have no default");
    }
    let text = std::fs::read_to_string(repo_root().join("template.yaml")).unwrap();
    for dev_secret in
        ["dev-app-secret", "dev-verify-token", "dev-access-token", "parley-admin-pass", "dev-contact-id-key-not-secret"]
    {
        assert!(!text.contains(dev_secret), "template.yaml contains the dev secret {dev_secret}");
    }
}

fn resources_of(raw: &Value, kind: &str) -> Vec<(String, Value)> {
    raw["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(kind))
        .map(|(id, r)| (id.as_str().unwrap().to_owned(), r.clone()))
        .collect()
}

/// The logical id a `!Ref X` or `!GetAtt X.Attr` names.
fn names(value: &Value) -> Option<String> {
    match value {
        Value::Tagged(t) => t.value.as_str().map(|v| v.split('.').next().unwrap_or(v).to_owned()),
        _ => None,
    }
}

#[test]
fn the_table_has_point_in_time_recovery() {
    let raw = raw_template();
    let (_, table) = resources_of(&raw, "AWS::DynamoDB::Table").pop().unwrap();
    let pitr = &table["Properties"]["PointInTimeRecoverySpecification"];
    assert_eq!(pitr["PointInTimeRecoveryEnabled"].as_bool(), Some(true), "{pitr:?}");
}

#[test]
fn every_dead_letter_queue_alarms_an_admin_as_soon_as_it_holds_a_message() {
    let raw = raw_template();
    let dead_letter_queues: Vec<String> = resources_of(&raw, "AWS::SQS::Queue")
        .iter()
        .filter_map(|(_, q)| names(&q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]))
        .collect();
    assert!(!dead_letter_queues.is_empty());
    let alarms = resources_of(&raw, "AWS::CloudWatch::Alarm");
    let topics = resources_of(&raw, "AWS::SNS::Topic");
    for dlq in &dead_letter_queues {
        let (id, alarm) = alarms
            .iter()
            .find(|(_, a)| {
                a["Properties"]["Dimensions"]
                    .as_sequence()
                    .is_some_and(|d| d.iter().any(|d| names(&d["Value"]).as_deref() == Some(dlq.as_str())))
            })
            .unwrap_or_else(|| panic!("no alarm watches {dlq}"));
        let p = &alarm["Properties"];
        assert_eq!(p["Namespace"].as_str(), Some("AWS/SQS"), "{id}");
        assert_eq!(p["MetricName"].as_str(), Some("ApproximateNumberOfMessagesVisible"), "{id}");
        assert_eq!(p["ComparisonOperator"].as_str(), Some("GreaterThanThreshold"), "{id}");
        assert_eq!(p["Threshold"].as_i64(), Some(0), "{id}");
        let action = p["AlarmActions"].as_sequence().and_then(|a| a.first()).and_then(names);
        let (_, topic) = topics
            .iter()
            .find(|(topic_id, _)| Some(topic_id) == action.as_ref())
            .unwrap_or_else(|| panic!("{id} notifies no SNS topic of the template"));
        let subscription = &topic["Properties"]["Subscription"][0];
        assert_eq!(subscription["Protocol"].as_str(), Some("email"));
        let parameter = names(&subscription["Endpoint"]).expect("the endpoint is a parameter");
        assert!(raw["Parameters"].get(parameter.as_str()).is_some(), "{parameter} is a parameter");
    }
}

const SECRET_PARAMETERS: [&str; 4] =
    ["WhatsAppAppSecret", "WhatsAppVerifyToken", "WhatsAppAccessToken", "AdminPassword"];

fn mentions(value: &Value, name: &str) -> bool {
    format!("{value:?}").contains(name)
}

/// The AI provider key's secret.
const AI_KEY: &str = "AiProviderKey";

/// The functions serving the staff API, a group of its routes each.
const API_FUNCTIONS: [&str; 4] = ["ApiFunction", "ApiQuotesFunction", "ApiAdminFunction", "ApiBulkFunction"];

/// A function's policy statements: its inline ones, and those of the
/// template's managed policies it names.
fn policy_statements<'a>(raw: &'a Value, function: &'a Value) -> Vec<&'a Value> {
    let statements = |policy: &'a Value| policy["Statement"].as_sequence().into_iter().flatten();
    function["Properties"]["Policies"]
        .as_sequence()
        .into_iter()
        .flatten()
        .flat_map(|policy| match names(policy) {
            Some(id) => statements(&raw["Resources"][id.as_str()]["Properties"]["PolicyDocument"]).collect::<Vec<_>>(),
            None => statements(policy).collect(),
        })
        .collect()
}

#[test]
fn functions_hold_only_secret_ids_and_may_read_only_those_secrets() {
    let raw = raw_template();
    let resources = raw["Resources"].as_mapping().unwrap();
    let secrets: Vec<&str> = resources
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some("AWS::SecretsManager::Secret"))
        .map(|(id, _)| id.as_str().unwrap())
        .collect();
    for name in SECRET_PARAMETERS {
        assert!(!mentions(&raw["Globals"], name), "Globals must not carry {name}");
        let holders: Vec<&&str> = secrets.iter().filter(|id| mentions(&raw["Resources"][**id], name)).collect();
        assert_eq!(holders.len(), 1, "{name} goes into exactly one Secrets Manager secret: {holders:?}");
    }
    let contact_key = resources
        .iter()
        .find(|(_, r)| {
            r["Type"].as_str() == Some("AWS::SecretsManager::Secret")
                && mentions(&r["Properties"]["Description"], "contact ids")
        })
        .map(|(_, r)| r)
        .expect("a generated secret keys the contact ids");
    assert!(contact_key["Properties"]["GenerateSecretString"].is_mapping(), "generated, never typed in");
    assert_eq!(contact_key["DeletionPolicy"].as_str(), Some("Retain"), "every contact id depends on it");
    assert_eq!(contact_key["UpdateReplacePolicy"].as_str(), Some("Retain"));

    for (id, function) in resources.iter().filter(|(_, r)| r["Type"].as_str() == Some("AWS::Serverless::Function")) {
        let id = id.as_str().unwrap();
        let environment = &function["Properties"]["Environment"];
        for name in SECRET_PARAMETERS {
            assert!(!mentions(environment, name), "{id} has the secret {name} in its environment");
        }
        // The AI provider key is written as well as read (admins set it):
        // its own statement, checked below.
        let readable: Vec<&str> =
            secrets.iter().copied().filter(|s| *s != AI_KEY && mentions(environment, s)).collect();
        for (variable, _) in environment["Variables"].as_mapping().into_iter().flatten() {
            let variable = variable.as_str().unwrap();
            if variable.ends_with("SECRET_ID") || variable.ends_with("SECRETS_ID") {
                assert!(
                    [SECRETS_ID, CONTACT_ID_KEY_SECRET_ID, ORIGIN_KEY_SECRET_ID, AI_KEY_SECRET_ID].contains(&variable),
                    "{id}: {variable} is not a variable the code reads"
                );
            }
        }
        let statements: Vec<&Value> = policy_statements(&raw, function)
            .into_iter()
            .filter(|s| mentions(&s["Action"], "secretsmanager"))
            .collect();
        let (ai_key, statements): (Vec<&Value>, Vec<&Value>) =
            statements.into_iter().partition(|s| mentions(&s["Resource"], AI_KEY));
        // Accounts' own tokens: a secret each under the stack's prefix, named
        // by the variable; the API writes them (admins set them), the sender
        // and the media copier read them, nothing else touches them.
        let (account_tokens, statements): (Vec<&Value>, Vec<&Value>) =
            statements.into_iter().partition(|s| mentions(&s["Resource"], "/account-token/"));
        let prefix = &environment["Variables"]["ACCOUNT_TOKEN_SECRET_PREFIX"];
        let api = API_FUNCTIONS.contains(&id);
        match id {
            _ if api || id == "SenderFunction" || id == "MediaFunction" => {
                assert!(mentions(prefix, "${AWS::StackName}/account-token/"), "{id}: the prefix the code reads");
                assert_eq!(account_tokens.len(), 1, "{id}: one statement for the accounts' tokens");
                let resource = &account_tokens[0]["Resource"];
                assert!(mentions(resource, ":secret:${AWS::StackName}/account-token/*"), "{id}: only that prefix");
                let actions = format!("{:?}", account_tokens[0]["Action"]);
                let writes = actions.contains("PutSecretValue") || actions.contains("CreateSecret");
                assert_eq!(writes, api, "{id}: only the API writes tokens");
                assert!(!actions.contains("Delete") && !actions.contains('*'), "{id}: {actions}");
            }
            _ => assert!(account_tokens.is_empty() && prefix.is_null(), "{id} may not touch the accounts' tokens"),
        }
        if mentions(environment, AI_KEY) {
            assert_eq!(ai_key.len(), 1, "{id}: one statement for the AI provider key");
            if api {
                let actions = format!("{:?}", ai_key[0]["Action"]);
                assert!(
                    actions.contains("secretsmanager:GetSecretValue")
                        && actions.contains("secretsmanager:PutSecretValue")
                );
                assert_eq!(
                    ai_key[0]["Action"].as_sequence().map(Vec::len),
                    Some(2),
                    "{id}: read and replace, nothing else"
                );
            } else {
                // Rules that send AI assist's draft run in these two.
                assert!(["EventsFunction", "RemindersFunction"].contains(&id), "{id} may not hold the AI provider key");
                assert_eq!(ai_key[0]["Action"].as_str(), Some("secretsmanager:GetSecretValue"), "{id}: read only");
            }
            assert!(!mentions(&ai_key[0]["Resource"], "*"), "{id}: no wildcard");
        } else {
            assert!(ai_key.is_empty(), "{id} may not touch the AI provider key");
        }
        if readable.is_empty() {
            assert!(statements.is_empty(), "{id} reads no secret and may read none");
            continue;
        }
        assert_eq!(statements.len(), 1, "{id}: one statement for its secrets");
        let statement = statements[0];
        assert_eq!(statement["Action"].as_str(), Some("secretsmanager:GetSecretValue"), "{id}: only GetSecretValue");
        let resources: Vec<&Value> = statement["Resource"].as_sequence().unwrap().iter().collect();
        assert_eq!(resources.len(), readable.len(), "{id}: exactly the secrets it is told about");
        for secret in &readable {
            assert!(resources.iter().any(|r| mentions(r, secret)), "{id} may read {secret}");
        }
        assert!(!mentions(&statement["Resource"], "*"), "{id}: no wildcard");
    }
}

#[test]
fn cloudfront_sends_security_headers_on_the_ui_and_the_api() {
    let raw = raw_template();
    let (policy_id, policy) =
        resources_of(&raw, "AWS::CloudFront::ResponseHeadersPolicy").pop().expect("a response headers policy");
    let headers = &policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];
    let hsts = &headers["StrictTransportSecurity"];
    assert!(hsts["AccessControlMaxAgeSec"].as_i64().unwrap() >= 31_536_000);
    assert_eq!(hsts["Override"].as_bool(), Some(true));
    // A `!Sub`: media loads from the stack's own media bucket only.
    let csp = match &headers["ContentSecurityPolicy"]["ContentSecurityPolicy"] {
        Value::Tagged(sub) => sub.value.as_str(),
        plain => plain.as_str(),
    }
    .unwrap();
    assert!(csp.contains("media-src https://${MediaBucket.RegionalDomainName};"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert_eq!(headers["ContentTypeOptions"]["Override"].as_bool(), Some(true), "nosniff");
    assert!(headers["ReferrerPolicy"]["ReferrerPolicy"].is_string());
    assert_eq!(headers["FrameOptions"]["FrameOption"].as_str(), Some("DENY"));
    let (_, distribution) = resources_of(&raw, "AWS::CloudFront::Distribution").pop().unwrap();
    let config = &distribution["Properties"]["DistributionConfig"];
    assert_eq!(names(&config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]).as_deref(), Some(policy_id.as_str()));
    let api = config["CacheBehaviors"].as_sequence().unwrap().iter().find(|b| b["PathPattern"] == "/api/*").unwrap();
    assert_eq!(names(&api["ResponseHeadersPolicyId"]).as_deref(), Some(policy_id.as_str()));
}

#[test]
fn cloudfront_sends_the_origin_key_in_the_header_the_api_checks() {
    let raw = raw_template();
    let origins =
        raw["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["Origins"].as_sequence().unwrap();
    let api = origins.iter().find(|o| o["Id"].as_str() == Some("api")).unwrap();
    let header = &api["OriginCustomHeaders"][0];
    assert!(header["HeaderName"].as_str().unwrap().eq_ignore_ascii_case(parley_api::ORIGIN_KEY_HEADER));
    assert!(mentions(&header["HeaderValue"], "resolve:secretsmanager:${OriginKey}"), "{header:?}");
}

#[test]
fn the_http_api_throttles_every_route() {
    let raw = raw_template();
    let settings = &raw["Resources"]["HttpApi"]["Properties"]["DefaultRouteSettings"];
    let burst = settings["ThrottlingBurstLimit"].as_u64().expect("a burst limit");
    let rate = settings["ThrottlingRateLimit"].as_f64().expect("a rate limit");
    assert!(burst > 0 && rate > 0.0 && (rate as u64) <= burst, "burst {burst}, rate {rate}");
}

#[test]
fn each_deploy_asks_the_reminders_function_for_the_newest_data_version() {
    let raw = raw_template();
    let (_, migrations) = resources_of(&raw, "Custom::Migrations").pop().expect("a Migrations custom resource");
    let newest = parley::ports::BackfillStep::ALL.iter().map(|s| s.version()).max();
    assert_eq!(migrations["Properties"]["DataVersion"].as_u64().map(|v| v as u32), newest);
    assert_eq!(names(&migrations["Properties"]["ServiceToken"]).as_deref(), Some("RemindersFunction"));
}

/// Every `"…"` message literal the Rust sources log.
fn logged_messages() -> String {
    fn walk(dir: &std::path::Path, into: &mut String) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("target") {
                walk(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    let mut sources = String::new();
    for dir in ["shared/src", "functions"] {
        walk(&parley_e2e::repo_root().join(dir), &mut sources);
    }
    sources
}

/// Whether some `tracing` macro that writes `message` logs at info or
/// above, the level `template.yaml` deploys the functions at: the macro
/// is the last one opened before the message.
fn written_at_info(sources: &str, message: &str) -> bool {
    const MACROS: [&str; 5] = ["trace!(", "debug!(", "info!(", "warn!(", "error!("];
    sources.match_indices(&format!("\"{message}\"")).any(|(at, _)| {
        let before = &sources[..at];
        let opened = MACROS.iter().filter_map(|m| before.rfind(m).map(|i| (i, *m))).max();
        matches!(opened, Some((_, "info!(" | "warn!(" | "error!(")))
    })
}

#[test]
fn every_alarm_e_mails_the_admin_and_every_log_metric_counts_a_line_the_code_writes() {
    let raw = raw_template();
    let alarms = resources_of(&raw, "AWS::CloudWatch::Alarm");
    for wanted in [
        "FunctionErrorsAlarm",
        "FunctionThrottlesAlarm",
        "Webhook5xxAlarm",
        "SendFailureRateAlarm",
        "AccessTokenRejectedAlarm",
        "TemplatePausedAlarm",
    ] {
        assert!(alarms.iter().any(|(id, _)| id == wanted), "{wanted} is missing");
    }
    for (id, alarm) in &alarms {
        let actions = alarm["Properties"]["AlarmActions"].as_sequence().cloned().unwrap_or_default();
        assert!(actions.iter().any(|a| names(a).as_deref() == Some("AlarmTopic")), "{id} tells nobody");
        assert!(alarm["Properties"]["AlarmDescription"].as_str().is_some_and(|d| d.len() > 40), "{id} says what to do");
    }
    let token = alarms.iter().find(|(id, _)| id == "AccessTokenRejectedAlarm").map(|(_, a)| a.clone()).unwrap();
    assert!(token["Properties"]["AlarmDescription"].as_str().unwrap().contains("ROTATE=WhatsAppAccessToken"));

    let sources = logged_messages();
    let filters = resources_of(&raw, "AWS::Logs::MetricFilter");
    assert!(filters.len() >= 5);
    for (id, filter) in filters {
        let pattern = filter["Properties"]["FilterPattern"].as_str().unwrap_or_default();
        let message = pattern.split("$.fields.message = \"").nth(1).and_then(|rest| rest.split('"').next());
        let message = message.unwrap_or_else(|| panic!("{id} matches no log message: {pattern}"));
        assert!(sources.contains(&format!("\"{message}\"")), "{id} counts {message:?}, which no code logs");
        assert!(
            written_at_info(&sources, message),
            "{id} counts {message:?}, which the deployed level (info) leaves out"
        );
        assert!(
            filter["Properties"]["MetricTransformations"][0].get("DefaultValue").is_none(),
            "{id} would publish (and bill) a metric while idle"
        );
    }
}

/// checkov (in `make test`) passes a finding skipped in the resource's
/// metadata, with or without a reason: each skip must give one.
#[test]
fn every_security_finding_left_unfixed_says_why() {
    let raw = raw_template();
    let resources = raw["Resources"].as_mapping().expect("resources");
    let mut skips = 0;
    for (name, resource) in resources {
        let name = name.as_str().unwrap_or_default();
        for skip in resource["Metadata"]["checkov"]["skip"].as_sequence().into_iter().flatten() {
            let id = skip["id"].as_str().unwrap_or_default();
            assert!(id.starts_with("CKV_"), "{name}: a skip names a checkov check: {skip:?}");
            let reason = skip["comment"].as_str().unwrap_or_default();
            assert!(reason.len() >= 60, "{name} skips {id} without a real reason: {reason:?}");
            skips += 1;
        }
    }
    assert!(skips > 0, "the template's skips are where the test looks");
}

/// One route of the HTTP API: the function it invokes, its method and path.
struct Route {
    function: String,
    method: String,
    path: String,
}

/// How specifically `route` matches `method path`, lower first, or `None`
/// when it does not. API Gateway takes a full match before a path with
/// variables before a greedy `{proxy+}`, and a route naming the method
/// before `ANY` (see "Routing API requests" in the HTTP API developer
/// guide); between two greedy matches the longer prefix is the more specific.
fn specificity(route: &Route, method: &str, path: &str) -> Option<(u8, u8, isize)> {
    let method_rank = match route.method.as_str() {
        "ANY" => 1,
        m if m.eq_ignore_ascii_case(method) => 0,
        _ => return None,
    };
    let wanted: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let pattern: Vec<&str> = route.path.trim_start_matches('/').split('/').collect();
    let (mut variables, mut greedy) = (false, false);
    for (i, segment) in pattern.iter().enumerate() {
        if segment.ends_with("+}") {
            greedy = i < wanted.len();
            break;
        }
        match wanted.get(i) {
            Some(w) if w == segment => {}
            Some(_) if segment.starts_with('{') => variables = true,
            _ => return None,
        }
    }
    if !greedy && pattern.len() != wanted.len() {
        return None;
    }
    let kind = if greedy { 2 } else { u8::from(variables) };
    Some((kind, method_rank, -(pattern.len() as isize)))
}

fn http_api_routes(raw: &Value) -> Vec<Route> {
    let mut routes = Vec::new();
    for (id, function) in resources_of(raw, "AWS::Serverless::Function") {
        for (_, event) in function["Properties"]["Events"].as_mapping().into_iter().flatten() {
            if event["Type"].as_str() == Some("HttpApi") {
                let p = &event["Properties"];
                routes.push(Route {
                    function: id.clone(),
                    method: p["Method"].as_str().unwrap().to_uppercase(),
                    path: p["Path"].as_str().unwrap().to_owned(),
                });
            }
        }
    }
    routes
}

/// The function API Gateway invokes for `method path`; a tie is a template error.
fn invoked<'a>(routes: &'a [Route], method: &str, path: &str) -> &'a str {
    let mut matches: Vec<((u8, u8, isize), &Route)> =
        routes.iter().filter_map(|r| Some((specificity(r, method, path)?, r))).collect();
    matches.sort_by_key(|(rank, _)| *rank);
    let (best, route) = matches.first().unwrap_or_else(|| panic!("no route takes {method} {path}"));
    if let Some((next, other)) = matches.get(1) {
        assert!(next != best, "{method} {path}: {} and {} are as specific", route.path, other.path);
    }
    &route.function
}

#[test]
fn api_gateway_sends_every_operation_to_the_function_that_serves_it() {
    let raw = raw_template();
    let routes = http_api_routes(&raw);
    let binary = |id: &str| raw["Resources"][id]["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap().to_owned();
    // The routes pick functions as the guide's own example says.
    let example: Vec<Route> = [
        ("exact", "GET", "/pets/dog/1"),
        ("variable", "GET", "/pets/dog/{id}"),
        ("greedy", "GET", "/pets/{proxy+}"),
        ("any", "ANY", "/{proxy+}"),
    ]
    .into_iter()
    .map(|(f, m, p)| Route { function: f.into(), method: m.into(), path: p.into() })
    .collect();
    assert_eq!(invoked(&example, "GET", "/pets/dog/1"), "exact");
    assert_eq!(invoked(&example, "GET", "/pets/dog/2"), "variable");
    assert_eq!(invoked(&example, "GET", "/pets/cat/1"), "greedy");
    assert_eq!(invoked(&example, "POST", "/pets/dog/1"), "any");
    let mut served = std::collections::BTreeMap::<String, usize>::new();
    for operation in parley_api::OPERATIONS {
        let path = parley_e2e::sample_path(operation.path);
        let function = invoked(&routes, operation.method, &path);
        assert_eq!(
            binary(function),
            operation.function,
            "{} {} is served by {} but API Gateway invokes {function}",
            operation.method,
            operation.path,
            operation.function
        );
        *served.entry(operation.function.to_owned()).or_default() += 1;
    }
    assert_eq!(binary(invoked(&routes, "GET", "/api/openapi.json")), "api");
    assert_eq!(binary(invoked(&routes, "GET", "/api/no/such/path")), "api", "the catch-all answers 404s");
    assert!(served.len() == API_FUNCTIONS.len() && served.values().all(|n| *n > 0), "{served:?}");
    let environment = |id: &str| format!("{:?}", raw["Resources"][id]["Properties"]["Environment"]);
    let policies = |id: &str| format!("{:?}", raw["Resources"][id]["Properties"]["Policies"]);
    for id in API_FUNCTIONS {
        assert_eq!(environment(id), environment("ApiFunction"), "{id}: the settings the code reads");
        assert_eq!(policies(id), policies("ApiFunction"), "{id}: the API's policy");
    }
}

#[test]
fn the_quote_function_carries_the_fonts_it_reads_and_no_other_function_does() {
    let raw = raw_template();
    let layer = &raw["Resources"]["QuoteFontsLayer"];
    assert_eq!(layer["Type"].as_str(), Some("AWS::Serverless::LayerVersion"));
    let dir = repo_root().join(layer["Properties"]["ContentUri"].as_str().unwrap());
    // The layer's build puts the files in fonts/, which Lambda mounts at /opt.
    let recipe = std::fs::read_to_string(dir.join("Makefile")).unwrap();
    assert!(recipe.contains("build-QuoteFontsLayer:") && recipe.contains("$(ARTIFACTS_DIR)/fonts"), "{recipe}");
    assert_eq!(parley::adapters::font_directory::LAYER_DIR, "/opt/fonts");
    for id in parley::quote_pdf::fonts::FaceId::ALL {
        assert!(dir.join(id.file_name()).is_file(), "{} is not in the layer", id.file_name());
    }
    for (id, function) in resources_of(&raw, "AWS::Serverless::Function") {
        let layers = format!("{:?}", function["Properties"]["Layers"]);
        let binary = function["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap().to_owned();
        let serves_quotes =
            parley_api::OPERATIONS.iter().any(|o| o.function == binary && o.path.starts_with("/api/quotes"));
        assert_eq!(layers.contains("QuoteFontsLayer"), serves_quotes, "{id}");
    }
}
