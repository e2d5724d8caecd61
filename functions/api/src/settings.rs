//! The api function's settings, parsed once at cold start.

use parley::adapters::aws::ExportBucket;
use parley::adapters::dead_letters::WatchedQueue;
use parley::app::auth::BootstrapAdmin;
use parley::app::inbox::InboxSettings;
use parley::app::send_message::SendSettings;
use parley::config::secrets::{AppSecrets, SecretName, SecretSource};
use parley::config::{CloudApiSettings, ConfigError, Environment};

/// What the api function runs with.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// `TABLE_NAME`.
    pub table: String,
    /// The Cloud API, for the template catalog.
    pub cloud_api: CloudApiSettings,
    /// Visibility, SLA and routing.
    pub inbox: InboxSettings,
    /// `SEND_STATUS_GRACE_MINUTES` (default 10): how long after an attempt
    /// whose outcome is unknown a retry is refused.
    pub send: SendSettings,
    /// `PARLEY_ADMIN_EMAIL`: the first administrator, created on first sign-in.
    pub admin_email: Option<String>,
    /// The queues, buckets and secrets beyond the table.
    pub background: BackgroundSettings,
    /// The access token, the admin's initial password and the origin key.
    pub secrets: SecretSource,
}

/// The queues and the bucket the API hands work to or watches.
#[derive(Debug, Clone)]
pub struct BackgroundSettings {
    /// `OUTBOUND_QUEUE_URL`.
    pub outbound_queue_url: String,
    /// `EXPORT_QUEUE_URL`.
    pub export_queue_url: String,
    /// `EXPORT_BUCKET`.
    pub export_bucket: ExportBucket,
    /// `OUTBOUND_DLQ_URL`, `EXPORT_DLQ_URL`, `WEBHOOK_DLQ_URL` and `MEDIA_DLQ_URL`, by the name admins see,
    /// each with the queue it catches the failures of (`*_QUEUE_URL`).
    pub dead_letter_queues: Vec<WatchedQueue>,
    /// `WEBHOOK_QUEUE_URL`.
    pub webhook_queue_url: String,
    /// Where task wake-ups are scheduled.
    pub schedules: parley::adapters::scheduler::ScheduleTarget,
    /// `MEDIA_BUCKET`: customers' files.
    pub media_bucket: parley::adapters::aws::MediaBucket,
    /// `AI_KEY_SECRET_ID`: the AI provider key's secret (default
    /// `parley-ai-key`, created in the emulator with the first key set).
    pub ai_key_secret_id: String,
    /// `ACCOUNT_TOKEN_SECRET_PREFIX`: where accounts' own tokens are kept.
    pub account_token_prefix: String,
    /// `PARLEY_FONTS_DIR`: the quote PDFs' fonts (default `/opt/fonts`,
    /// where Lambda mounts the api-quotes function's fonts layer).
    pub fonts_dir: std::path::PathBuf,
}

impl BackgroundSettings {
    /// Reads the settings; a missing one is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        Ok(BackgroundSettings {
            outbound_queue_url: env.required("OUTBOUND_QUEUE_URL")?,
            export_queue_url: env.required("EXPORT_QUEUE_URL")?,
            export_bucket: ExportBucket::from_environment(env)?,
            media_bucket: parley::adapters::aws::MediaBucket::from_environment(env)?,
            dead_letter_queues: vec![
                watched("outbound", env.required("OUTBOUND_DLQ_URL")?, env.required("OUTBOUND_QUEUE_URL")?),
                watched("exports", env.required("EXPORT_DLQ_URL")?, env.required("EXPORT_QUEUE_URL")?),
                watched("webhooks", env.required("WEBHOOK_DLQ_URL")?, env.required("WEBHOOK_QUEUE_URL")?),
                watched("media", env.required("MEDIA_DLQ_URL")?, env.required("MEDIA_QUEUE_URL")?),
            ],
            webhook_queue_url: env.required("WEBHOOK_QUEUE_URL")?,
            schedules: parley::adapters::scheduler::ScheduleTarget::from_environment(env)?,
            ai_key_secret_id: env
                .optional(parley::config::secrets::AI_KEY_SECRET_ID)
                .unwrap_or_else(|| "parley-ai-key".to_owned()),
            account_token_prefix: parley::config::secrets::account_token_prefix(env),
            fonts_dir: env
                .optional("PARLEY_FONTS_DIR")
                .unwrap_or_else(|| parley::adapters::font_directory::LAYER_DIR.to_owned())
                .into(),
        })
    }
}

fn watched(name: &str, dead_letter_url: String, work_url: String) -> WatchedQueue {
    WatchedQueue { name: name.to_owned(), dead_letter_url, work_url }
}

impl ApiSettings {
    /// Reads the settings; a missing or unusable one is an error naming it.
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        let admin_email = env.optional("PARLEY_ADMIN_EMAIL");
        let mut required = vec![SecretName::WhatsAppAccessToken];
        if admin_email.is_some() {
            required.push(SecretName::AdminPassword);
        }
        Ok(ApiSettings {
            table: env.required("TABLE_NAME")?,
            cloud_api: CloudApiSettings::from_environment(env)?,
            inbox: InboxSettings::from_environment(env)?,
            send: send_settings(env)?,
            admin_email,
            background: BackgroundSettings::from_environment(env)?,
            secrets: SecretSource::from_environment(env, &required)?,
        })
    }
}

fn send_settings(env: &Environment) -> Result<SendSettings, ConfigError> {
    let mut settings = SendSettings::default();
    if let Some(minutes) = env.parsed::<u32>("SEND_STATUS_GRACE_MINUTES", "a whole number of minutes")? {
        settings.status_grace_ms = i64::from(minutes) * 60_000;
    }
    Ok(settings)
}

/// The first administrator: the e-mail from the settings, the password from
/// the secrets.
pub fn bootstrap_admin(email: Option<&str>, secrets: &AppSecrets) -> Option<BootstrapAdmin> {
    Some(BootstrapAdmin { email: email?.to_owned(), password: secrets.optional(SecretName::AdminPassword)?.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: [(&str, &str); 15] = [
        ("MEDIA_BUCKET", "media"),
        ("MEDIA_QUEUE_URL", "http://m"),
        ("MEDIA_DLQ_URL", "http://md"),
        ("TABLE_NAME", "parley"),
        ("OUTBOUND_QUEUE_URL", "http://q"),
        ("WHATSAPP_ACCESS_TOKEN", "t"),
        ("EXPORT_QUEUE_URL", "http://x"),
        ("EXPORT_BUCKET", "exports"),
        ("OUTBOUND_DLQ_URL", "http://od"),
        ("EXPORT_DLQ_URL", "http://xd"),
        ("WEBHOOK_QUEUE_URL", "http://w"),
        ("WEBHOOK_DLQ_URL", "http://wd"),
        ("SCHEDULE_GROUP", "parley-due"),
        ("REMINDERS_FUNCTION_ARN", "arn:aws:lambda:eu-west-1:1:function:parley-reminders"),
        ("SCHEDULER_ROLE_ARN", "arn:aws:iam::1:role/parley-scheduler"),
    ];

    #[test]
    fn reads_its_settings_with_defaults() {
        let settings = ApiSettings::from_environment(&Environment::from_pairs(BASE)).unwrap();
        assert_eq!(settings.table, "parley");
        assert_eq!(settings.inbox.sla_minutes, InboxSettings::default().sla_minutes);
        assert_eq!(settings.admin_email, None);
        assert_eq!(settings.send, SendSettings::default());
    }

    #[test]
    fn the_status_grace_period_is_whole_minutes() {
        let grace = Environment::from_pairs(BASE.into_iter().chain([("SEND_STATUS_GRACE_MINUTES", "3")]));
        assert_eq!(ApiSettings::from_environment(&grace).unwrap().send.status_grace_ms, 180_000);
        let bad = Environment::from_pairs(BASE.into_iter().chain([("SEND_STATUS_GRACE_MINUTES", "-1")]));
        assert!(matches!(
            ApiSettings::from_environment(&bad),
            Err(ConfigError::Invalid { name: "SEND_STATUS_GRACE_MINUTES", .. })
        ));
    }

    #[test]
    fn a_bad_or_missing_value_fails_the_cold_start_naming_it() {
        let bad_sla = Environment::from_pairs(BASE.into_iter().chain([("PARLEY_SLA_MINUTES", "15m")]));
        assert!(matches!(
            ApiSettings::from_environment(&bad_sla),
            Err(ConfigError::Invalid { name: "PARLEY_SLA_MINUTES", .. })
        ));
        let no_table = Environment::from_pairs(BASE.into_iter().filter(|(name, _)| *name != "TABLE_NAME"));
        assert_eq!(ApiSettings::from_environment(&no_table).unwrap_err(), ConfigError::Missing("TABLE_NAME"));
        let admin_without_password = Environment::from_pairs(BASE.into_iter().chain([("PARLEY_ADMIN_EMAIL", "a@b.c")]));
        assert_eq!(
            ApiSettings::from_environment(&admin_without_password).unwrap_err(),
            ConfigError::Missing("PARLEY_ADMIN_PASSWORD")
        );
    }
}
