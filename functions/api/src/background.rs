//! The queues, buckets, secrets and files the API reaches beyond its table.
//!
//! On Lambda each client is made the first time a use case asks for it, not
//! with the state: a binary whose routes never reach S3 (say) then links no
//! S3 client, and a container makes only the clients its requests use.

use parley::adapters::aws::{self, SdkConfig};
use parley::adapters::font_directory::FontDirectory;
use parley::ports::{
    AccountTokenStore, AiKeyStore, CampaignQueue, DeadLetterQueues, ExportFiles, ExportQueue, ImportFiles, ImportQueue,
    MediaUploads, MediaVault, OutboundQueue, QuoteFonts, Scheduler, WebhookQueue,
};
use std::sync::{Arc, OnceLock};

use crate::BackgroundSettings;

/// What the API hands to other functions, and watches for administrators.
pub struct Background(Clients);

enum Clients {
    Given(Box<BackgroundClients>),
    OnFirstUse(Box<OnFirstUse>),
}

struct OnFirstUse {
    sdk: SdkConfig,
    settings: BackgroundSettings,
    made: Made,
}

/// Declares each client once: its field among the given ones, its cell
/// among those made on first use, and the accessor that answers either.
macro_rules! background_clients {
    ($($(#[$doc:meta])* $name:ident: $port:ident = |$sdk:ident, $settings:ident| $make:expr;)*) => {
        /// Every client, made by the caller (the local runner's, a test's).
        pub struct BackgroundClients {
            $($(#[$doc])* pub $name: Arc<dyn $port>,)*
        }

        #[derive(Default)]
        struct Made {
            $($name: OnceLock<Arc<dyn $port>>,)*
        }

        impl Background {
            $($(#[$doc])* pub fn $name(&self) -> Arc<dyn $port> {
                match &self.0 {
                    Clients::Given(given) => given.$name.clone(),
                    Clients::OnFirstUse(lazy) => {
                        let ($sdk, $settings) = (&lazy.sdk, &lazy.settings);
                        lazy.made.$name.get_or_init(|| -> Arc<dyn $port> { Arc::new($make) }).clone()
                    }
                }
            })*
        }
    };
}

background_clients! {
    /// The sender's queue (as it is; the state arms the outbox sweep over it).
    outbound: OutboundQueue = |sdk, s| aws::queue(sdk, &s.outbound_queue_url);
    /// The export worker's queue.
    exports: ExportQueue = |sdk, s| aws::queue(sdk, &s.export_queue_url);
    /// The export bucket (for download links).
    export_files: ExportFiles = |sdk, s| aws::export_files(sdk, &s.export_bucket);
    /// The dead-letter queues.
    dead_letters: DeadLetterQueues = |sdk, s| aws::dead_letters(sdk, s.dead_letter_queues.clone());
    /// The webhook delivery queue (redeliveries and test events).
    webhooks: WebhookQueue = |sdk, s| aws::queue(sdk, &s.webhook_queue_url);
    /// Wakes the reminders function when a task falls due.
    scheduler: Scheduler = |sdk, s| aws::scheduler(sdk, s.schedules.clone());
    /// Customers' files (links to them; erasure deletes them).
    media: MediaVault = |sdk, s| aws::media_vault(sdk, &s.media_bucket);
    /// Staff's uploads into the same bucket.
    uploads: MediaUploads = |sdk, s| aws::media_vault(sdk, &s.media_bucket);
    /// Import files, uploaded into the same bucket.
    import_files: ImportFiles = |sdk, s| aws::media_vault(sdk, &s.media_bucket);
    /// The import worker's queue (the export worker's).
    imports: ImportQueue = |sdk, s| aws::queue(sdk, &s.export_queue_url);
    /// The campaign worker's queue (the export worker's too).
    campaigns: CampaignQueue = |sdk, s| aws::queue(sdk, &s.export_queue_url);
    /// The AI provider's key (its own secret).
    ai_keys: AiKeyStore = |sdk, s| aws::ai_key(sdk, &s.ai_key_secret_id);
    /// The WhatsApp Business Accounts' own tokens (a secret each).
    account_tokens: AccountTokenStore = |sdk, s| aws::account_tokens(sdk, &s.account_token_prefix);
    /// The fonts quote PDFs are drawn with (`PARLEY_FONTS_DIR`).
    fonts: QuoteFonts = |_sdk, s| FontDirectory::new(&s.fonts_dir);
}

impl Background {
    /// Clients for the queues, buckets and secrets the settings name, each
    /// made when first asked for.
    pub fn on_first_use(sdk: &SdkConfig, settings: &BackgroundSettings) -> Self {
        Background(Clients::OnFirstUse(Box::new(OnFirstUse {
            sdk: sdk.clone(),
            settings: settings.clone(),
            made: Made::default(),
        })))
    }

    /// The clients the caller made.
    pub fn given(clients: BackgroundClients) -> Self {
        Background(Clients::Given(Box::new(clients)))
    }

    /// Reads and writes accounts' tokens through `tokens` (the store the
    /// Cloud API client reads them from, so a change reaches it at once).
    pub fn with_account_tokens(mut self, tokens: Arc<dyn AccountTokenStore>) -> Self {
        match &mut self.0 {
            Clients::Given(given) => given.account_tokens = tokens,
            Clients::OnFirstUse(lazy) => lazy.made.account_tokens = OnceLock::from(tokens),
        }
        self
    }
}
