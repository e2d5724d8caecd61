//! Secrets as a deployed function reads them: from Secrets Manager (moto)
//! through the real SDK, on first use and once.

use parley::adapters::secrets_manager::{BuiltOnFirstUse, SecretStore};
use parley::config::secrets::{
    SecretName, SecretSource, SecretsError, CONTACT_ID_KEY_SECRET_ID, ORIGIN_KEY_SECRET_ID, SECRETS_ID,
};
use parley::config::Environment;
use parley_e2e::unique_table;
use tower::ServiceExt;

fn require_secrets_manager() {
    assert!(
        std::env::var("AWS_ENDPOINT_URL_SECRETS_MANAGER").is_ok(),
        "AWS_ENDPOINT_URL_SECRETS_MANAGER is not set: run these tests with `make test`, which starts moto"
    );
}

async fn client() -> aws_sdk_secretsmanager::Client {
    require_secrets_manager();
    aws_sdk_secretsmanager::Client::new(&parley::adapters::aws::load_config().await)
}

async fn create(client: &aws_sdk_secretsmanager::Client, name: &str, value: &str) -> String {
    let out = client.create_secret().name(name).secret_string(value).send().await.unwrap();
    out.arn().unwrap().to_owned()
}

#[tokio::test]
async fn a_function_reads_its_secrets_on_first_use_and_keeps_them() {
    let sm = client().await;
    let (app, key, origin) = (unique_table("app"), unique_table("contact-key"), unique_table("origin"));
    let env = Environment::from_pairs([
        (SECRETS_ID, app.as_str()),
        (CONTACT_ID_KEY_SECRET_ID, key.as_str()),
        (ORIGIN_KEY_SECRET_ID, origin.as_str()),
    ]);
    let source = SecretSource::from_environment(&env, &[SecretName::WhatsAppVerifyToken]).unwrap();
    // Built before the secrets even exist: building reads nothing.
    let sdk = parley::adapters::aws::load_config().await;
    let verify = BuiltOnFirstUse::new(SecretStore::new(source.clone(), &sdk), |secrets| {
        Ok(webhook_verify::router(webhook_verify::VerifyConfig::from_secrets(secrets)?))
    });
    let store = SecretStore::new(source, &sdk);

    create(&sm, &app, r#"{"whatsapp_verify_token": "tok-1", "whatsapp_app_secret": "app-1", "admin_password": "p"}"#)
        .await;
    create(&sm, &key, "a generated key of sixty-four characters").await;
    create(&sm, &origin, "an origin key").await;

    let secrets = store.get().await.unwrap();
    assert_eq!(secrets.get(SecretName::WhatsAppVerifyToken).unwrap(), "tok-1");
    assert_eq!(secrets.get(SecretName::WhatsAppAppSecret).unwrap(), "app-1");
    assert_eq!(secrets.get(SecretName::ContactIdKey).unwrap(), "a generated key of sixty-four characters");
    assert!(secrets.contact_id_key().is_ok());
    assert_eq!(secrets.get(SecretName::OriginKey).unwrap(), "an origin key");
    assert!(secrets.optional(SecretName::WhatsAppAccessToken).is_none());

    let handshake = http::Request::get("/webhook?hub.mode=subscribe&hub.verify_token=tok-1&hub.challenge=42")
        .body(axum::body::Body::empty())
        .unwrap();
    let answer = verify.get().await.unwrap().clone().oneshot(handshake).await.unwrap();
    assert_eq!(answer.status(), 200, "the function answers with the token it read");

    // Kept for the container's life: a later change is not read again.
    sm.put_secret_value().secret_id(&app).secret_string(r#"{"whatsapp_verify_token": "tok-2"}"#).send().await.unwrap();
    assert_eq!(store.get().await.unwrap().get(SecretName::WhatsAppVerifyToken).unwrap(), "tok-1");
}

#[tokio::test]
async fn a_missing_secret_fails_without_showing_values_and_is_read_again_next_time() {
    let sm = client().await;
    let app = unique_table("app");
    let env = Environment::from_pairs([(SECRETS_ID, app.as_str())]);
    let required = [SecretName::WhatsAppAccessToken];
    let sdk = parley::adapters::aws::load_config().await;
    let store = SecretStore::new(SecretSource::from_environment(&env, &required).unwrap(), &sdk);

    let absent = store.get().await.unwrap_err();
    assert!(matches!(absent, SecretsError::Unavailable(_)), "{absent}");

    create(&sm, &app, r#"{"whatsapp_app_secret": "do-not-print-me"}"#).await;
    let store = SecretStore::new(SecretSource::from_environment(&env, &required).unwrap(), &sdk);
    let missing = store.get().await.unwrap_err();
    assert!(matches!(missing, SecretsError::Missing(SecretName::WhatsAppAccessToken)), "{missing}");
    assert!(!format!("{missing} {missing:?}").contains("do-not-print-me"));

    sm.put_secret_value()
        .secret_id(&app)
        .secret_string(r#"{"whatsapp_access_token": "EAAG-token"}"#)
        .send()
        .await
        .unwrap();
    let secrets = store.get().await.expect("a failed read is tried again");
    assert_eq!(secrets.get(SecretName::WhatsAppAccessToken).unwrap(), "EAAG-token");
    assert!(!format!("{secrets:?}").contains("EAAG"), "Debug shows names only: {secrets:?}");
}

#[tokio::test]
async fn an_accounts_token_and_the_ai_key_are_created_then_overwritten_and_read_back() {
    use parley::ports::{AccountTokenStore, AiKeyStore};
    let sm = client().await;
    let sdk = parley::adapters::aws::load_config().await;
    let prefix = format!("{}/account-token/", unique_table("tokens"));
    let tokens = parley::adapters::aws::account_tokens(&sdk, &prefix);

    assert_eq!(tokens.account_token("1001").await.unwrap(), None, "no secret yet reads as no token");
    tokens.set_account_token("1001", Some("EAAG-first")).await.expect("created with the first token");
    tokens.set_account_token("1001", Some("EAAG-second")).await.expect("overwritten");
    assert_eq!(tokens.account_token("1001").await.unwrap().as_deref(), Some("EAAG-second"));
    // What the SDK reads is what was written: one secret, its current value.
    let stored = sm.get_secret_value().secret_id(format!("{prefix}1001")).send().await.unwrap();
    assert_eq!(stored.secret_string(), Some(r#"{"access_token":"EAAG-second"}"#));
    tokens.set_account_token("1001", None).await.unwrap();
    assert_eq!(tokens.account_token("1001").await.unwrap(), None, "emptied, not deleted");

    let key_id = unique_table("ai-key");
    create(&sm, &key_id, "{}").await;
    let key = parley::adapters::aws::ai_key(&sdk, &key_id);
    assert_eq!(key.ai_key().await.unwrap(), None, "the stack creates it empty");
    key.set_ai_key(Some("sk-live")).await.unwrap();
    assert_eq!(key.ai_key().await.unwrap().as_deref(), Some("sk-live"));
}
