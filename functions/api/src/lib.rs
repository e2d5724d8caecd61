//! The staff API (`/api/*`): an axum Router that Lambda runs on API Gateway's
//! HTTP API events (`parley::adapters::http_api_event`) and the local runner
//! mounts as it is.

mod admin;
mod ai_assist;
mod background;
mod business;
mod business_hours;
mod call_desk;
mod calls;
mod campaigns;
mod changes;
mod client_address;
mod consent;
mod contacts;
mod data;
mod deals;
mod error;
mod handler_contract;
mod imports;
mod inbox;
mod json_body;
mod lambda;
mod leads;
mod list_filter;
mod login;
mod new_contact;
mod notifications;
mod nullable;
mod numbers;
mod openapi;
mod outbound;
mod quotes;
mod read_markers;
mod reports;
mod rules;
mod session;
mod settings;
mod state;
mod tasks;
mod team;
mod uploads;
mod views;
mod visible_contact;
mod webhooks;

use axum::routing::get;
use axum::Router;
use parley::domain::pipeline::Pipeline;
use parley::domain::product::Product;
use parley::domain::quote::QuoteTotals;
use parley::domain::template::Template;
use std::sync::Arc;
use views::{
    AccountListView, AiSettingsView, AssistView, AuditEntryView, BoardView, BusinessHoursListView, BusinessProfileView,
    CallAnsweredView, CallEndedView, CallLoggedView, CampaignPreviewView, CampaignView, ConsentSettingsView,
    ConsentView, ContactExportView, ContactView, DeadLetterQueueView, DealView, DryRunView, ErasedView, ExportJobView,
    FirstResponseView, FlowFormView, FunnelView, HealthView, ImportJobView, ImportPreviewView, LeadReceivedView,
    LeadSourceView, LinkAcceptedView, LinkView, MessageCountsView, MessageView, NoteView, NotificationsReadView,
    NotificationsView, NumberHoursView, NumberListView, NumberView, OptOutView, PageView, PasswordChangedView,
    QueuedView, QuotePdfView, QuoteView, RateCardView, ReadMarkerView, RecipientView, RedrivenView, ReplyEstimateView,
    RequeuedView, RuleLogEntryView, RuleView, SignedInView, SourceReportView, SpendView, TaskView, TemplatesSyncedView,
    TypingView, UploadView, UserView, WebhookDeliveryView, WebhookSecretView, WebhookView, WorkloadView,
};

pub use background::{Background, BackgroundClients};
pub use client_address::{ORIGIN_KEY_HEADER, VIEWER_ADDRESS_HEADER};
pub use error::ApiError;
pub use lambda::run_on_lambda;
pub use settings::{bootstrap_admin, ApiSettings, BackgroundSettings};
pub use state::{build, state, ApiState};

openapi::api_routes! {
    /// The inbox, contacts, deals and tasks: what every screen of the working
    /// day asks for; and lead sources' posts, whose route has always been
    /// this function's (an upgrade moving it could drop a lead).
    function "api" => inbox_routes {
        post "/api/login" => login::login, body login::Credentials, returns 200 SignedInView, "Sign in; sets the HttpOnly session cookie", "anyone", public;
        post "/api/logout" => login::logout, returns 204, "Sign out", "anyone", public;
        get "/api/me" => login::me, returns 200 SignedInView, "Who is signed in", "all";
        post "/api/me/password" => login::change_password, body login::PasswordChange, returns 200 PasswordChangedView, "Change one's own password (current one required; other sessions end)", "all";
        get "/api/contacts" => contacts::list, query contacts::ListQuery, returns 200 PageView<ContactView>, "Contacts, newest activity first; `?q=` searches name or phone prefix, `?q=#vip` the contacts tagged vip (by id); `owner=<email>|unassigned`, `tag=` and `number=<phone_number_id>` filter (422 on a bad one)", "all (agents: unassigned and their own)";
        post "/api/contacts" => new_contact::create, body new_contact::NewContactBody, returns 201 ContactView, "Add a contact by phone number (normalized to E.164 with the business's default country): 201 with the new contact, 200 with the one the number already has", "all (agents own what they add)";
        get "/api/contacts/{id}" => contacts::one, returns 200 ContactView, "One contact", "all who can see it";
        patch "/api/contacts/{id}" => contacts::patch, body contacts::PatchBody, returns 200 ContactView, "Rename, tag, set custom fields", "all who can see it";
        get "/api/contacts/{id}/notes" => contacts::notes, query contacts::PageQuery, returns 200 PageView<NoteView>, "Internal notes, newest first", "all who can see it";
        post "/api/contacts/{id}/notes" => contacts::add_note, body contacts::NoteBody, returns 201 NoteView, "Add an internal note (201)", "all who can see it";
        post "/api/contacts/{id}/calls" => calls::log_call, body calls::CallLogBody, returns 201 CallLoggedView, "Log a phone call made to the contact: outcome, notes, and an optional follow-up to call again (201)", "all who can see it";
        post "/api/contacts/{id}/calls/{call_id}/answer" => call_desk::answer, body call_desk::CallAnswerBody, returns 200 CallAnsweredView, "Answer the customer's ringing WhatsApp call in this browser with its SDP answer (`sdp`): Meta pre-accepts, then accepts it, and the media flows between the browser and Meta (409 `call_taken` when a teammate answered first, 410 `call_over` when it no longer rings, 502 when Meta refused)", "all who can see it";
        post "/api/contacts/{id}/calls/{call_id}/decline" => call_desk::decline, returns 200 CallEndedView, "Decline the customer's ringing WhatsApp call (410 `call_over` when it no longer rings)", "all who can see it";
        post "/api/contacts/{id}/calls/{call_id}/hang_up" => call_desk::hang_up, returns 200 CallEndedView, "End the customer's WhatsApp call under way (410 `call_over` when it already ended)", "all who can see it";
        get "/api/contacts/{id}/messages" => contacts::messages, query contacts::PageQuery, returns 200 PageView<MessageView>, "The timeline, oldest first", "all who can see it";
        get "/api/contacts/{id}/reply_estimate" => outbound::reply_estimate, returns 200 ReplyEstimateView, "Whether a reply sent now is billed: inside the service window a free-form reply at the rate card's service price (0 by default), outside it only a template, priced as a utility template", "all who can see it";
        post "/api/contacts/{id}/messages" => outbound::send, body outbound::SendBody, returns 202 QueuedView, "Send text, a template or an uploaded file (202; a file is checked against WhatsApp's type and size limits on the uploaded object, 422 naming the limit; an Idempotency-Key is the sender's own for this contact, and reusing it for another body is 422)", "all who can see it";
        post "/api/contacts/{id}/uploads" => uploads::create, body uploads::UploadBody, returns 201 UploadView, "A presigned PUT for a file to send (201): the type and size are checked against WhatsApp's limits first (422 naming the limit)", "all who can see it";
        post "/api/contacts/{id}/opt_out" => outbound::opt_out, body outbound::OptOutBody, returns 200 OptOutView, "Record the marketing opt-out, or clear it (audited)", "all who can see it (clearing: managers, admins)";
        post "/api/contacts/{id}/consent" => consent::record, body consent::ConsentBody, returns 200 ConsentView, "Record the opt-in the customer gave (a form, an import, or told staff): when is now, how is `method`, to what is `categories`; it replaces the one on record and does not lift an opt-out (422 on an unknown category, or `keyword`/`inbound_message`, which Parley records itself; audited)", "all who can see it";
        post "/api/contacts/{id}/assign" => inbox::assign, body inbox::AssignBody, returns 200 ContactView, "Assign, transfer or unassign", "agents take unassigned or release their own; managers, admins any";
        post "/api/contacts/{id}/close" => inbox::close, returns 200 ContactView, "Close the conversation (closing a closed one changes nothing)", "all who can see it";
        post "/api/contacts/{id}/reopen" => inbox::reopen, returns 200 ContactView, "Reopen a closed conversation (reopening one that is not closed changes nothing)", "all who can see it";
        get "/api/notifications" => notifications::list, query contacts::PageQuery, returns 200 NotificationsView, "The caller's notifications, newest first, paged, with how many are unread", "all (their own)";
        post "/api/notifications/read_all" => notifications::read_all, returns 200 NotificationsReadView, "Mark all the caller's notifications read; the unread count after", "all (their own)";
        post "/api/notifications/{id}/read" => notifications::read, returns 200 NotificationsReadView, "Mark one of the caller's notifications read (404: not theirs or none); the unread count after", "all (their own)";
        post "/api/contacts/{id}/read" => read_markers::mark_read, body read_markers::ReadBody, returns 200 ReadMarkerView, "Mark the conversation read for the caller through `through` (default: the latest inbound message); a marker never moves back. Unless the business switched read receipts off, the customer's latest message is marked read on their phone too, once (`read_receipt`: `sent`, `off`, `not_due` or `failed`)", "all who can see it";
        post "/api/contacts/{id}/typing" => read_markers::typing, returns 200 TypingView, "Show \"typing…\" to the customer (Meta shows it for up to 25 seconds or until the reply; it marks their latest message read too): `sent`, `off` (switched off), `not_due` (window closed or nothing to answer) or `failed`. Call it again every 20 seconds or so while typing", "all who can see it";
        get "/api/contacts/{id}/tasks" => tasks::for_contact, query contacts::PageQuery, returns 200 PageView<TaskView>, "A contact's open tasks and follow-ups, everyone's, soonest due first within a page", "all who can see it";
        get "/api/contacts/{id}/deals" => deals::for_contact, query contacts::PageQuery, returns 200 PageView<DealView>, "A contact's deals", "all who can see it";
        post "/api/messages/{id}/retry" => outbound::retry, returns 202 RequeuedView, "Retry a failed send, or one whose outcome is unknown once the status grace period is over (202), under the send rules of the moment", "all who can see it";
        get "/api/changes" => changes::changes, query changes::ChangesQuery, returns 200 changes::ChangesView, "What changed since `?since=` (the last answer's cursor; none at first): the open `?contact=`'s new messages and ticks, list rows whose activity moved, queue counts when they changed; 400 for a cursor it did not hand out", "all (agents: what they may see)";
        get "/api/conversations" => inbox::queue, query inbox::QueueQuery, returns 200 PageView<ContactView>, "A queue: unassigned, mine, waiting_on_us, waiting_on_customer, overdue, open, closed; `owner=<email>|unassigned`, `tag=` and `number=<phone_number_id>` filter it (422 on a bad one)", "all (agents: filtered)";
        get "/api/templates" => outbound::templates, query outbound::TemplatesQuery, returns 200 PageView<Template>, "The template catalogs: every account's, or with `?number=<phone_number_id>` only the one a message from that number may use (its WhatsApp Business Account's)", "all";
        get "/api/flow_forms" => leads::forms, returns 200 PageView<FlowFormView>, "The forms (published WhatsApp Flows of lead sources) staff can send from the composer, by name; a completed form is a lead of its source", "all";
        get "/api/pipelines" => deals::pipelines, returns 200 PageView<Pipeline>, "Pipelines and their stages", "all";
        put "/api/pipelines/{id}" => deals::put_pipeline, body deals::PipelineBody, returns 200 Pipeline, "Create or redefine a pipeline", "managers, admins";
        get "/api/pipelines/{id}/board" => deals::board, returns 200 BoardView, "The board: the first page of every stage", "all (agents: their deals and those of conversations they see)";
        get "/api/pipelines/{id}/stages/{stage}/deals" => deals::stage, query contacts::PageQuery, returns 200 PageView<DealView>, "Deals in one stage, paginated", "all (agents: their deals and those of conversations they see)";
        post "/api/deals" => deals::create, body deals::CreateBody, returns 201 DealView, "Open a deal (201); the owner must be an active teammate (422)", "all who can see the contact (agents: owned by themselves)";
        get "/api/deals/{id}" => deals::get, returns 200 DealView, "One deal with its stage history", "all who can see it (agents: their deals and those of conversations they see)";
        patch "/api/deals/{id}" => deals::update, body deals::PatchBody, returns 200 DealView, "Edit a deal; the owner must be an active teammate (422)", "agents: their own, or unowned ones they see, naming only themselves; managers, admins any";
        post "/api/deals/{id}/stage" => deals::move_stage, body deals::MoveBody, returns 200 DealView, "Move a deal to a stage", "agents: their own, or unowned ones they see; managers, admins any";
        get "/api/tasks" => tasks::list, query tasks::ListQuery, returns 200 PageView<TaskView>, "Open tasks by `?due=` (overdue, today, upcoming, open), or the last 14 days' done (`done`), for `?scope=` (mine, team)", "all (team: managers, admins)";
        post "/api/tasks" => tasks::create, body tasks::CreateBody, returns 201 TaskView, "Create a task (201), due at `due_at` or at a `snooze` preset (hour, tomorrow, next_week at 9:00 business time)", "all (for others: managers, admins)";
        post "/api/tasks/{id}/done" => tasks::done, returns 200 TaskView, "Complete a task", "its owner, managers, admins";
        patch "/api/tasks/{id}" => tasks::update, body tasks::PatchBody, returns 200 TaskView, "Retitle, snooze (`due_at`, or `snooze`: hour, tomorrow or next_week at 9:00 business time) or reassign (`owner`, an active teammate, else 422) an open task; 409 once done or changed meanwhile (audited)", "its owner (agents reassign only to themselves), managers, admins";
        post "/leads/{source}" => leads::receive, body serde_json::Value, returns 201 LeadReceivedView, "A lead from a configured source, proven by `Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">` or `Authorization: Bearer <secret>` as the source says (401 otherwise, nothing stored). The body is the source's JSON, read through its mapping, else Parley's shape: `lead_id` and `phone` required; `name`, `tags`, `fields`, `value_minor`, `consent` optional (422 naming what is missing). The contact is found by phone or added; a deal opens in the source's pipeline and stage; the same `lead_id` again answers 200 with the same contact and deal", "a lead source (its secret)", public;
    }
    /// Products, quotes and invoices (only this function renders PDFs).
    function "api-quotes" => quote_routes {
        get "/api/products" => quotes::products, returns 200 PageView<Product>, "The product catalog, by name", "all";
        post "/api/products" => quotes::create_product, body quotes::ProductBody, returns 201 Product, "Add a product (201; 422 naming the bad field; audited)", "managers, admins";
        put "/api/products/{id}" => quotes::put_product, body quotes::ProductBody, returns 200 Product, "Change a product (quotes keep their own copies of lines; audited)", "managers, admins";
        delete "/api/products/{id}" => quotes::delete_product, returns 204, "Remove a product (204; audited)", "managers, admins";
        post "/api/quotes/preview" => quotes::preview, body quotes::PreviewBody, returns 200 QuoteTotals, "The totals of lines under a tax scheme, exactly as a saved quote's (per-line half-up rounding); 422 naming the bad line", "all";
        post "/api/quotes" => quotes::create, body quotes::QuoteBody, returns 201 QuoteView, "Write a draft quote with the next QT- number (201); GST needs both states (422 asks for the customer's)", "all who can see the contact";
        get "/api/quotes/{id}" => quotes::get, returns 200 QuoteView, "One quote with its totals and history", "all who can see its contact";
        put "/api/quotes/{id}" => quotes::revise, body quotes::QuoteBody, returns 200 QuoteView, "Rewrite a draft (422 once sent; 409 when changed meanwhile; audited)", "all who can see its contact";
        post "/api/quotes/{id}/send" => quotes::send, returns 200 QuoteView, "Send a draft to the customer on WhatsApp (its PDF, with Accept and Ask a question buttons; one message per quote however often this is repeated) and mark it sent (`quote.sent`); its deal moves forward to the pipeline's quote stage; 409 `window_closed` or `opted_out` when WhatsApp would refuse the message, the quote staying a draft; 409 `illegal_transition` from another state", "all who can see its contact (and change its deal)";
        get "/api/quotes/{id}/pdf" => quotes::pdf, returns 200 QuotePdfView, "A 15-minute download link to the quote's PDF as it stands (Devanagari and Latin names shaped; kept among the contact's files, so erasure removes it)", "all who can see its contact";
        post "/api/quotes/{id}/accept" => quotes::accept, returns 200 QuoteView, "Mark a sent quote accepted (`quote.accepted`); its deal takes the quote's total and is Won; a repeat lets the deal catch up", "all who can see its contact (and change its deal)";
        post "/api/quotes/{id}/decline" => quotes::decline, returns 200 QuoteView, "Mark a sent quote declined (`quote.declined`)", "all who can see its contact";
        post "/api/quotes/{id}/invoice" => quotes::invoice, returns 200 QuoteView, "Convert an accepted quote to an invoice with the next INV- number (`quote.invoiced`)", "all who can see its contact";
        post "/api/quotes/{id}/paid" => quotes::paid, returns 200 QuoteView, "Mark an invoice paid (`quote.paid`)", "all who can see its contact";
        get "/api/contacts/{id}/quotes" => quotes::for_contact, query contacts::PageQuery, returns 200 PageView<QuoteView>, "A contact's quotes and invoices, newest first", "all who can see it";
        get "/api/deals/{id}/quotes" => quotes::for_deal, query contacts::PageQuery, returns 200 PageView<QuoteView>, "A deal's quotes, newest first", "all who can see the deal";
    }
    /// Settings, the team, rules, webhooks, lead sources and the deployment's
    /// health: managers' and admins' set-up screens; beside them the two
    /// calls that reach outside services on a person's click, AI assist
    /// (with its settings, so only this function links the AI providers)
    /// and the template sync.
    function "api-admin" => admin_routes {
        get "/api/admin/health" => admin::health, returns 200 HealthView, "The deployment's health: when the newest customer message arrived, each work queue's waiting and in-flight messages beside its dead-letter queue (depth and first messages' ids), whether Meta takes the access token now (one Graph API call), the data migrations still to run, the code's version", "admins";
        post "/api/admin/dlq/{queue}/redrive" => admin::redrive, returns 200 RedrivenView, "Move up to 100 messages of a dead-letter queue (`outbound`, `exports`, `webhooks`, `media`) back to the queue they failed from, for another try (their work is idempotent); how many moved (404: no such queue; audited)", "admins";
        get "/api/admin/dlq" => admin::dead_letters, returns 200 PageView<DeadLetterQueueView>, "Each dead-letter queue's depth and its first messages' ids", "admins";
        get "/api/business" => business::get, returns 200 BusinessProfileView, "The business profile: name, default country, currency, time zone (defaults until an admin saves one)", "all";
        put "/api/business" => business::put, body business::ProfileBody, returns 200 BusinessProfileView, "Save the business profile (422 on an unknown country, currency or time zone; audited)", "admins";
        get "/api/business/hours" => business_hours::list, returns 200 BusinessHoursListView, "Opening hours of every business number Parley knows (the profile's, those customers wrote to, those with hours; `hours` null: none set, always open)", "all";
        put "/api/business/hours/{number}" => business_hours::put, body parley::domain::business_hours::BusinessHours, returns 200 NumberHoursView, "Set a business number's weekly hours, holidays and time zone (422 when invalid; audited)", "admins";
        delete "/api/business/hours/{number}" => business_hours::clear, returns 200 NumberHoursView, "Clear a business number's hours: it counts as always open again (no hours is no change; audited)", "admins";
        get "/api/numbers" => numbers::list, returns 200 NumberListView, "Every business number known: those admins set up (name, number as dialled, WABA, default owner), by name, then those customers wrote to or the profile names, by id (`profile` null)", "all";
        put "/api/numbers/{id}" => numbers::save, body parley::domain::number_profile::NumberProfileEdit, returns 200 NumberView, "Add or change a business number by Meta's phone_number_id: what staff call it, the number as dialled, its WABA and the teammate its new conversations go to (before the routing rule, while they are available). `expected_updated_at`: the profile's `updated_at` the form opened at, none when adding; 409 when someone else changed it meanwhile, 422 on a bad field or an owner not on the team; audited", "admins";
        delete "/api/numbers/{id}" => numbers::remove, query numbers::RemoveQuery, returns 204, "Forget what was set up for a number (its conversations stay, listed by id again); `?updated_at=` as read, 409 when it changed meanwhile; audited", "admins";
        post "/api/templates/sync" => outbound::sync_templates, returns 200 TemplatesSyncedView, "Sync templates from each WhatsApp Business Account (the deployment's own and every account a number was set up with), with the outcome per account; 502 `cloud_api_unavailable` only when no account could be read", "managers, admins";
        get "/api/accounts" => numbers::accounts, returns 200 AccountListView, "The WhatsApp Business Accounts the numbers were set up in, the deployment's own first, with their numbers and whether each has a token of its own (one secret read per other account)", "admins";
        put "/api/accounts/{waba_id}/token" => numbers::set_account_token, body numbers::AccountTokenBody, returns 204, "Give an account of set-up numbers its own access token, kept in the stack's secrets and never shown again; its numbers' sends, read receipts and template syncs carry it within a minute. 404 when no number is set up in it, 409 `deployment_account` for the deployment's own (the stack's token), 422 for something that is not a token; audited without it", "admins";
        delete "/api/accounts/{waba_id}/token" => numbers::remove_account_token, returns 204, "Take an account's own token away: the stack's system-user token serves it again; audited", "admins";
        get "/api/business/consent" => consent::settings, returns 200 ConsentSettingsView, "The consent settings: strict mode (marketing only to contacts with a marketing opt-in) and the opt-out and opt-in keywords per language with the reply each gets once (defaults until saved)", "all";
        get "/api/ai_settings" => ai_assist::get_settings, returns 200 AiSettingsView, "The AI assist settings: on or off (off until saved), provider (`open_ai`: any OpenAI-compatible chat completions endpoint; `bedrock`: Bedrock's Converse API), endpoint, model, per-1k-token prices and the business facts drafts rely on; the provider key only as `key_set`", "admins";
        put "/api/ai_settings" => ai_assist::put_settings, body ai_assist::SettingsBody, returns 200 AiSettingsView, "Save the AI assist settings; `api_key` stores a new key in the stack's secrets (never returned), `clear_key` removes it (422 on a bad endpoint, model, price or key; audited without the key)", "admins";
        post "/api/contacts/{id}/assist" => ai_assist::assist, body ai_assist::AssistBody, returns 200 AssistView, "Ask AI assist for a `summary`, the `intent`, the `fields` it finds (name, city, budget) or a `draft` reply from the business facts, with the tokens and cost of this use; nothing is stored or sent (409 `ai_off` or `ai_key_missing`; 422 `nothing_to_read`; 502 `ai_unavailable` when the provider fails or times out, after one attempt)", "all who can see it";
        put "/api/business/consent" => consent::save_settings, body parley::domain::consent_policy::ConsentPolicy, returns 200 ConsentSettingsView, "Save the consent settings (422 when a keyword is blank, too long, listed both ways, or a reply is empty; audited)", "managers, admins";
        get "/api/lead_sources" => leads::list, returns 200 PageView<LeadSourceView>, "The lead sources, each with the path it posts to and its secret", "managers, admins";
        put "/api/lead_sources/{id}" => leads::save, body parley::domain::lead_source::LeadSource, returns 200 LeadSourceView, "Create a lead source (with a fresh secret) or change one (its secret kept): pipeline and stage, owner (`unassigned`, `round_robin` or a teammate), tags, and the mapping of the sender's JSON (422 when invalid; audited)", "managers, admins";
        post "/api/lead_sources/{id}/rotate" => leads::rotate, returns 200 LeadSourceView, "Give the source a fresh secret; the old one stops working (audited)", "managers, admins";
        delete "/api/lead_sources/{id}" => leads::delete, returns 204, "Remove a lead source: its posts are refused from then on; its leads stay (audited)", "managers, admins";
        get "/api/rate_card" => business::rate_card, returns 200 RateCardView, "The rate card send estimates are priced with, in minor units per delivered template: Meta's published card in the business's currency (its source and date) with the business's own prices over it (`overrides`)", "all";
        put "/api/rate_card" => business::save_rate_card, body parley::domain::rate_overrides::RateOverrides, returns 200 RateCardView, "Replace the business's own prices (per market: a calling-code prefix or `*` for every other market; per category: marketing, utility, authentication; minor units of the business's currency); every estimate after uses them. 422 naming the line Meta would not price so (a market Meta publishes in another currency takes all three categories); audited", "admins";
        get "/api/users" => team::list, returns 200 PageView<UserView>, "The team", "managers, admins";
        post "/api/users" => team::invite, body team::InviteBody, returns 201 LinkView, "Invite a teammate (201, returns the one-time link)", "admins";
        patch "/api/users/{email}" => team::update, body team::PatchBody, returns 200 UserView, "Change role, active, available", "admins (anyone: own availability)";
        post "/api/users/{email}/invite" => team::issue_link, returns 201 LinkView, "A fresh one-time link (201): the invitation again, or a password reset", "admins";
        delete "/api/users/{email}/invite" => team::revoke_link, returns 204, "Revoke the teammate's outstanding invitation or reset link (204)", "admins";
        post "/api/invites/accept" => team::accept, body team::AcceptBody, returns 200 LinkAcceptedView, "Accept an invitation or reset link and set a password", "anyone with the link", public;
        get "/api/webhooks" => webhooks::list, returns 200 PageView<WebhookView>, "Outbound webhook subscriptions (never their secrets)", "admins";
        post "/api/webhooks" => webhooks::create, body webhooks::CreateBody, returns 201 WebhookSecretView, "Register a receiver (https, or http to 127.0.0.1/localhost) for event types; 201 with its signing secret, shown this once (audited)", "admins";
        patch "/api/webhooks/{id}" => webhooks::update, body webhooks::PatchBody, returns 200 WebhookView, "Rename, re-target, change event types, pause or resume (audited)", "admins";
        delete "/api/webhooks/{id}" => webhooks::delete, returns 204, "Delete a subscription (204; audited)", "admins";
        post "/api/webhooks/{id}/secret" => webhooks::rotate_secret, returns 200 WebhookSecretView, "Rotate the signing secret: the new one is shown this once and signs from now on (audited)", "admins";
        get "/api/webhooks/{id}/deliveries" => webhooks::deliveries, query contacts::PageQuery, returns 200 PageView<WebhookDeliveryView>, "The delivery log, newest first, with every attempt's status, duration and error class", "admins";
        post "/api/webhooks/{id}/deliveries/{delivery}/redeliver" => webhooks::redeliver, returns 202 WebhookDeliveryView, "Send a failed or dead delivery again with a fresh retry budget (202; 409 otherwise; audited)", "admins";
        post "/api/webhooks/{id}/test" => webhooks::send_test, returns 202 WebhookDeliveryView, "Queue a test event (`data.test = true`) to the receiver (202)", "admins";
        get "/api/rules" => rules::list, returns 200 PageView<RuleView>, "Automation rules (the day-one defaults included), each with its failing mark", "all";
        post "/api/rules" => rules::create, body rules::CreateBody, returns 201 RuleView, "Create a rule (201); an enabled rule naming an unknown template, stage or teammate is 422 (audited)", "managers, admins";
        get "/api/rules/{id}" => rules::one, returns 200 RuleView, "One rule", "all";
        patch "/api/rules/{id}" => rules::update, body rules::PatchBody, returns 200 RuleView, "Change or switch a rule (clears its failing mark); 409 when changed meanwhile, 422 as on create (audited)", "managers, admins";
        delete "/api/rules/{id}" => rules::delete, returns 204, "Delete a rule (204); a default rule is switched off instead (422) (audited)", "managers, admins";
        get "/api/rules/{id}/log" => rules::log, query rules::LogQuery, returns 200 PageView<RuleLogEntryView>, "A rule's executions, newest first: cause, each action's outcome, result", "all";
        post "/api/rules/{id}/dry_run" => rules::dry_run, returns 200 DryRunView, "What the rule would have done over the last 7 days of events, acting on nothing", "managers, admins";
    }
    /// Campaigns, imports, exports, reports and the audit log: work over many
    /// contacts at once, and what managers read; and a contact's erasure,
    /// export and merge, which walk every item the contact has.
    function "api-bulk" => bulk_routes {
        post "/api/exports" => data::start_export, body data::ExportBody, returns 202 ExportJobView, "Start exporting `what` (contacts, conversations, deals) as `format` (csv, json); 202 with the job (audited)", "managers, admins";
        get "/api/exports/{id}" => data::export_status, returns 200 ExportJobView, "An export job; once done, a download link valid 15 minutes", "managers, admins";
        delete "/api/contacts/{id}" => data::erase, returns 200 ErasedView, "Erase the contact's personal data (aggregates kept; audited)", "admins";
        get "/api/contacts/{id}/export" => data::export_contact, returns 200 ContactExportView, "Everything held about the contact (profile, messages, notes, deals, tasks, audit lines) as a JSON download (audited)", "managers, admins";
        post "/api/contacts/{id}/merge" => data::merge, body data::MergeBody, returns 200 ContactView, "Merge `from` into this contact (histories joined)", "managers, admins";
        get "/api/reports/spend" => outbound::spend, query outbound::MonthQuery, returns 200 SpendView, "Billable and free messages by category for `?month=`", "managers, admins";
        get "/api/reports/first_response" => reports::first_response, query reports::Range, returns 200 FirstResponseView, "First-response median and p90 by agent and day (`?from=&to=`)", "managers, admins";
        get "/api/reports/workload" => reports::workload, returns 200 WorkloadView, "Unassigned and overdue conversations, follow-ups due today and overdue", "managers, admins";
        get "/api/reports/funnel" => reports::funnel, query reports::FunnelQuery, returns 200 FunnelView, "Deals per stage, stage-to-stage conversion, won value (`?pipeline=`)", "managers, admins";
        get "/api/reports/messages" => reports::messages, query reports::Range, returns 200 MessageCountsView, "Messages in and out per day (`?from=&to=`)", "managers, admins";
        get "/api/reports/sources" => reports::sources, query reports::Range, returns 200 SourceReportView, "Leads, conversations and won deals per source and per click-to-WhatsApp ad (`?from=&to=`)", "managers, admins";
        get "/api/audit" => inbox::audit, query inbox::AuditQuery, returns 200 PageView<AuditEntryView>, "The audit log for `?contact=` or `?day=`", "managers, admins";
        post "/api/imports" => imports::create, body imports::CreateBody, returns 201 ImportJobView, "Start a CSV import of contacts: 201 with `upload_url`, where the browser PUTs the file (`Content-Type: text/csv`, at most 20 MB; 422 for another kind of file; audited)", "managers, admins";
        get "/api/imports" => imports::list, returns 200 PageView<ImportJobView>, "The latest imports, newest first, with their counts and report links", "managers, admins";
        get "/api/imports/{id}" => imports::one, returns 200 ImportJobView, "One import: its status and counts as the worker goes, and the link to its report of rejected and skipped rows once done", "managers, admins";
        get "/api/imports/{id}/preview" => imports::preview, returns 200 ImportPreviewView, "The uploaded file's delimiter, header, first ten rows and a guess at each column (409 `not_uploaded` before the file is there)", "managers, admins";
        post "/api/imports/{id}/start" => imports::start, body imports::StartBody, returns 202 ImportJobView, "Start the import with one target per column (one must be `phone`), the pipeline deals open in when a stage or value column is mapped, and tags for every row (422 when the mapping does not hold; 409 once started)", "managers, admins";
        post "/api/campaigns/preview" => campaigns::preview, body campaigns::PreviewBody, returns 200 CampaignPreviewView, "Count and price a campaign's segment a few pages at a time: add the answers up, asking again with `next_cursor` until it is null (who is in the segment, who would get the message, who is left out and why, some of those lacking a parameter's field, the price by market from Meta's rate card); 422 when the template is not approved, takes a header or button value, or the parameters do not match it", "managers, admins";
        post "/api/campaigns" => campaigns::create, body campaigns::CreateBody, returns 201 CampaignView, "Create a campaign with the estimate the admin confirmed (in the business's currency, else 422) and send it now or at `send_at`; the worker hands its recipients to the sender paced to the number's throughput, each at most once (audited)", "managers, admins";
        get "/api/campaigns" => campaigns::list, returns 200 PageView<CampaignView>, "The latest campaigns, newest first", "managers, admins";
        get "/api/campaigns/{id}" => campaigns::one, returns 200 CampaignView, "One campaign with its results: sent, delivered, read, failed by code, left out by reason, replied within 72 hours, opted out after", "managers, admins";
        get "/api/campaigns/{id}/recipients" => campaigns::recipients, query contacts::PageQuery, returns 200 PageView<RecipientView>, "A campaign's recipients and where each stands, paged", "managers, admins";
        post "/api/campaigns/{id}/pause" => campaigns::pause, returns 200 CampaignView, "Pause a scheduled or sending campaign: no recipient is reached after the step running now (409 from another state; audited)", "managers, admins";
        post "/api/campaigns/{id}/resume" => campaigns::resume, returns 200 CampaignView, "Resume a paused campaign where it stopped (409 from another state; audited)", "managers, admins";
        post "/api/campaigns/{id}/cancel" => campaigns::cancel, returns 200 CampaignView, "Cancel a campaign for good: recipients not yet reached get nothing (409 once finished or cancelled; audited)", "managers, admins";
    }
}

/// The OpenAPI document the API serves at `/api/openapi.json`, without a
/// running server (the web app's API types are generated from it).
pub fn openapi_document() -> serde_json::Value {
    openapi::document(OPERATIONS)
}

/// One function's routes: a group's (`inbox_routes`, `quote_routes`,
/// `admin_routes`) or several.
pub type Routes = fn(Router<Arc<ApiState>>) -> Router<Arc<ApiState>>;

/// Every route, as the local runner and the tests serve the API behind one
/// port.
pub fn router(state: ApiState) -> Router {
    serving(|router| with_document(every_route(router)), state)
}

/// The `api` function's routes: the inbox's, and the OpenAPI document.
pub fn api_function(router: Router<Arc<ApiState>>) -> Router<Arc<ApiState>> {
    with_document(inbox_routes(router))
}

/// `routes` over `state`; any other path is the API's JSON 404, and so is
/// a path it serves asked with a method it does not: another function may
/// serve that method on the same path (API Gateway routes it there).
pub fn serving(routes: Routes, state: ApiState) -> Router {
    let router = routes(Router::new()).fallback(error::not_found);
    router.method_not_allowed_fallback(error::not_found).with_state(Arc::new(state))
}

/// The document as generated by the `openapi` binary, kept beside the code
/// (`npm run api-types` writes it; a test fails when it drifts). Served as
/// text, so no function links the schema generator.
const DOCUMENT: &str = include_str!("../openapi.json");

fn with_document(router: Router<Arc<ApiState>>) -> Router<Arc<ApiState>> {
    router.route("/api/openapi.json", get(|| async { ([(http::header::CONTENT_TYPE, "application/json")], DOCUMENT) }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_served_document_is_the_one_the_route_table_generates() {
        let served: serde_json::Value = serde_json::from_str(super::DOCUMENT).unwrap();
        assert!(
            served == super::openapi_document(),
            "functions/api/openapi.json is out of date with the route table: run npm run api-types"
        );
    }
}
