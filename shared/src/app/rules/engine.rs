//! Runs rules: on each committed event (as a [`Reaction`]) and when a rule
//! timer fires ([`RuleEngine::fire_timer`], called by the reminders function).
//!
//! Safety, in order: events automation caused are ignored (no loops); the
//! state is re-read before acting; each (rule, cause) is claimed once before
//! any action; the outcome goes to the rule's log, the contact's audit trail
//! and a `rule.executed` event in one write; a rule that cannot act is
//! marked failing and the next rule runs regardless.

use super::execution::Execution;
use crate::app::ai_assist::AiAssist;
use crate::app::deals::{DealError, Deals};
use crate::app::reactions::{Reaction, ReactionError};
use crate::app::send_message::{SendCommand, SendError, SendMessage};
use crate::app::webhook_fanout::WebhookFanout;
use crate::domain::ai_task::{AiAnswer, AiTask};
use crate::domain::notification::{Notification, NotificationKind};
use crate::domain::outbound::OutboundContent;
use crate::domain::pipeline::Deal;
use crate::domain::rule::execution_id;
use crate::domain::rule::{Action, Rule, RuleFailure, RuleLogEntry, RuleResult, Trigger};
use crate::domain::rule_match::{caused_by_rule, fill_fields, RuleFacts, TriggerMatch, RULE_ACTOR_PREFIX};
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::task::Task;
use crate::domain::{AuditEntry, BusinessNumber, Contact, ContactId, ContactPatch, Event, EventKind, Millis, Role};
use crate::domain::{Session, User};
use crate::ports::{
    Clock, ContactRecordStore, ConversationStore, DealStore, InboxStore, Notifications, OpenState, OpeningHours,
    PageRequest, RuleStore, Scheduler, StoreError, TaskStore, UserStore, WebhookCalls, WebhookQueue, WebhookStore,
};
use async_trait::async_trait;
use std::sync::Arc;

/// What the engine reads and acts through.
pub struct RulePorts {
    /// Rules, claims, logs.
    pub rules: Arc<dyn RuleStore>,
    /// Contacts.
    pub contacts: Arc<dyn ConversationStore>,
    /// Deals (reading).
    pub deal_store: Arc<dyn DealStore>,
    /// Moving deals (with their events and audit).
    pub deals: Arc<Deals>,
    /// Tasks.
    pub tasks: Arc<dyn TaskStore>,
    /// Tags.
    pub records: Arc<dyn ContactRecordStore>,
    /// The team (round-robin, notifications).
    pub users: Arc<dyn UserStore>,
    /// Ownership.
    pub inbox: Arc<dyn InboxStore>,
    /// Sending under the send rules.
    pub send: Arc<SendMessage>,
    /// Raising notifications.
    pub notifications: Arc<dyn Notifications>,
    /// Arming rule timers.
    pub scheduler: Arc<dyn Scheduler>,
    /// Business hours.
    pub hours: Arc<dyn OpeningHours>,
    /// Outbound webhooks, once that feature is wired.
    pub webhooks: Option<Arc<dyn WebhookCalls>>,
    /// AI assist, for rules that send its draft (none: such rules skip).
    pub assist: Option<Arc<AiAssist>>,
    /// The time.
    pub clock: Arc<dyn Clock>,
}

/// What one store must implement for [`RulePorts::over_store`] to build
/// every port of the rules over it.
pub trait RuleTable:
    RuleStore + ConversationStore + DealStore + TaskStore + ContactRecordStore + UserStore + InboxStore
{
}

impl<S> RuleTable for S where
    S: RuleStore + ConversationStore + DealStore + TaskStore + ContactRecordStore + UserStore + InboxStore
{
}

impl RulePorts {
    /// Every port over one store that implements them all (the DynamoDB
    /// store in the functions), with the other features' pieces beside it;
    /// "send a template" and "send an AI reply" go through `send`.
    pub fn over_store<S>(
        store: Arc<S>,
        send: Arc<SendMessage>,
        scheduler: Arc<dyn Scheduler>,
        notifications: Arc<dyn Notifications>,
        hours: Arc<dyn OpeningHours>,
        clock: Arc<dyn Clock>,
    ) -> Self
    where
        S: RuleTable + 'static,
    {
        RulePorts {
            rules: store.clone(),
            contacts: store.clone(),
            deal_store: store.clone(),
            deals: Arc::new(Deals::new(store.clone(), store.clone(), store.clone(), clock.clone(), false)),
            tasks: store.clone(),
            records: store.clone(),
            users: store.clone(),
            inbox: store,
            send,
            notifications,
            scheduler,
            hours,
            webhooks: None,
            assist: None,
            clock,
        }
    }
}

/// The rule engine.
pub struct RuleEngine {
    ports: RulePorts,
}

/// Why one action could not act (the rule is then marked failing).
struct ActionFailed(String);

impl From<StoreError> for ActionFailed {
    fn from(error: StoreError) -> Self {
        ActionFailed(error.to_string())
    }
}

impl RuleEngine {
    /// An engine over these ports.
    pub fn new(ports: RulePorts) -> Self {
        RuleEngine { ports }
    }

    /// Lets "send an AI reply" actions ask `assist` for their draft.
    pub fn with_assist(mut self, assist: Arc<AiAssist>) -> Self {
        self.ports.assist = Some(assist);
        self
    }

    /// The engine as the functions run it (events, reminders, and the local
    /// runner playing both): every port over the one table, notifications
    /// and business hours included; "call a webhook" queues a delivery
    /// through `webhook_queue` as the fan-out does.
    pub fn over_table<S>(
        store: Arc<S>,
        send: Arc<SendMessage>,
        scheduler: Arc<dyn Scheduler>,
        webhook_queue: Arc<dyn WebhookQueue>,
        clock: Arc<dyn Clock>,
    ) -> Self
    where
        S: RuleTable + Notifications + OpeningHours + WebhookStore + 'static,
    {
        let mut ports = RulePorts::over_store(store.clone(), send, scheduler, store.clone(), store.clone(), clock);
        ports.webhooks = Some(Arc::new(WebhookFanout::new(store, webhook_queue)));
        RuleEngine::new(ports)
    }

    /// A rule timer fired (`ScheduledJob::RuleTimer`): re-reads the subject
    /// and runs the rule if the trigger still holds; a stale or repeated
    /// wake-up does nothing.
    pub async fn fire_timer(&self, rule_id: &str, subject: &str, since: Millis) -> Result<(), ReactionError> {
        let Some(rule) = self.ports.rules.rule(rule_id).await? else { return Ok(()) };
        if !rule.enabled || !rule.trigger.is_timed() {
            return Ok(());
        }
        let now = self.ports.clock.now();
        let (contact_id, deal_id, task) = match rule.trigger {
            Trigger::DealIdle { .. } => {
                let deal = self.ports.deal_store.deal(subject).await?;
                (deal.as_ref().map(|d| d.contact_id.clone()), Some(subject.to_owned()), None)
            }
            Trigger::TaskDue => {
                let task = self.ports.tasks.task(subject).await?;
                (task.as_ref().and_then(|t| t.contact_id.clone()), task.as_ref().and_then(|t| t.deal_id.clone()), task)
            }
            _ => (ContactId::parse(subject), None, None),
        };
        let contact = self.contact(contact_id.as_ref()).await?;
        let deal = self.deal(deal_id.as_deref(), contact.as_ref()).await?;
        let facts = RuleFacts { contact: contact.as_ref(), deal: deal.as_ref(), now, button_payload: None };
        if !rule.trigger.still_due(since, now, &facts, task.as_ref()) {
            tracing::debug!(rule_id, "rule timer stale; nothing to do");
            return Ok(());
        }
        let key = format!("timer:{subject}:{}", since.0);
        let cause = format!("timer {} since {}", rule.trigger_name(), since.to_rfc3339());
        let trigger_event =
            Event::new(EventKind::RuleExecuted, format!("timer:{rule_id}:{key}"), now, serde_json::json!({}));
        self.execute(&rule, &key, &cause, &facts, task.as_ref(), &trigger_event).await
    }

    /// Runs one rule for one cause (claimed once), and records it.
    async fn execute(
        &self,
        rule: &Rule,
        key: &str,
        cause: &str,
        facts: &RuleFacts<'_>,
        task: Option<&Task>,
        trigger: &Event,
    ) -> Result<(), ReactionError> {
        if !rule.conditions.iter().all(|c| c.holds(facts)) {
            return Ok(());
        }
        let now = self.ports.clock.now();
        if !self.ports.rules.claim_execution(&rule.id, key, now).await? {
            tracing::debug!(rule_id = %rule.id, "rule already ran for this cause");
            return Ok(());
        }
        let id = execution_id(&rule.id, key);
        let mut outcomes = Vec::new();
        let mut failure = None;
        for action in &rule.actions {
            match self.act(rule, action, &id, facts, task, trigger).await {
                Ok(outcome) => outcomes.push(format!("{}: {outcome}", action.kind())),
                Err(ActionFailed(error)) => {
                    outcomes.push(format!("{}: failed: {error}", action.kind()));
                    failure = Some(error);
                    break;
                }
            }
        }
        let execution = Execution {
            entry: RuleLogEntry {
                id,
                rule_id: rule.id.clone(),
                at: now,
                cause: cause.to_owned(),
                contact_id: facts.contact.map(|c| c.id.clone()),
                outcomes,
                result: if failure.is_some() { RuleResult::Failed } else { RuleResult::Ok },
            },
            rule_name: rule.name.clone(),
        };
        self.ports.rules.record_execution(&execution.entry, &execution.audit(), &execution.event()).await?;
        match failure {
            Some(error) => {
                tracing::warn!(rule_id = %rule.id, error = %error, "rule failing");
                self.ports.rules.set_failing(&rule.id, Some(&RuleFailure { at: now, error })).await?;
            }
            None if rule.failing.is_some() => self.ports.rules.set_failing(&rule.id, None).await?,
            None => {}
        }
        tracing::info!(rule_id = %rule.id, "rule executed");
        Ok(())
    }

    async fn act(
        &self,
        rule: &Rule,
        action: &Action,
        execution: &str,
        facts: &RuleFacts<'_>,
        task: Option<&Task>,
        trigger: &Event,
    ) -> Result<String, ActionFailed> {
        let actor = format!("{RULE_ACTOR_PREFIX}{}", rule.id);
        let now = facts.now;
        let contact = facts.contact;
        let owner = contact
            .and_then(|c| c.conversation.owner.clone())
            .or_else(|| facts.deal.and_then(|d| d.owner.clone()))
            .or_else(|| task.map(|t| t.owner.clone()));
        match action {
            Action::SendTemplate { name, language, params } => {
                let Some(contact) = contact else { return Ok("skipped, no contact".into()) };
                let params = params.iter().map(|p| fill_fields(p, facts)).collect();
                let content = OutboundContent::Template {
                    name: name.clone(),
                    language: language.clone(),
                    params,
                    inputs: Default::default(),
                };
                self.send(contact, content, execution, &actor).await
            }
            Action::SendText { text } => {
                let Some(contact) = contact else { return Ok("skipped, no contact".into()) };
                if !contact.window.is_open(now) {
                    return Ok("skipped, window closed".into());
                }
                let content = OutboundContent::Text { text: fill_fields(text, facts) };
                self.send(contact, content, execution, &actor).await
            }
            Action::SendAiReply {} => {
                let Some(contact) = contact else { return Ok("skipped, no contact".into()) };
                if !contact.window.is_open(now) {
                    return Ok("skipped, window closed".into());
                }
                let Some(assist) = &self.ports.assist else { return Ok("skipped, AI assist is not available".into()) };
                // Off, no key, an outage: the rule says why and nothing else changes.
                let outcome = match assist.assist(&contact.id, AiTask::Draft).await {
                    Ok(outcome) => outcome,
                    Err(e) => return Ok(format!("skipped, {e}")),
                };
                let AiAnswer::Draft(text) = outcome.answer else { return Ok("skipped, no draft came".into()) };
                let sent = self.send(contact, OutboundContent::Text { text }, execution, &actor).await?;
                let tokens = outcome.usage.input_tokens + outcome.usage.output_tokens;
                Ok(format!("{sent}, AI draft of {tokens} tokens ({:.4} {})", outcome.cost, outcome.model))
            }
            Action::CreateTask { title, due_in_hours, owner: chosen } => {
                let Some(owner) = chosen.clone().or(owner) else { return Ok("skipped, nobody owns it".into()) };
                let task = Task {
                    id: format!("rule-{execution}"),
                    title: fill_fields(title, facts),
                    due_at: now.plus_hours(i64::from(*due_in_hours)),
                    owner,
                    contact_id: contact.map(|c| c.id.clone()),
                    deal_id: facts.deal.map(|d| d.id.clone()),
                    done: false,
                    done_at: None,
                    created_by: actor,
                    created_at: now,
                    cancel_on_reply: false,
                    fired_at: None,
                    cancelled_at: None,
                    template: None,
                };
                self.ports.tasks.create_task(&task).await?;
                // The task falls due like any other: its owner is notified then.
                let due = ScheduledJob::TaskDue { task_id: task.id.clone(), due_at: task.due_at };
                self.ports.scheduler.schedule(task.due_at, &due).await?;
                Ok(format!("task {}", task.id))
            }
            Action::Assign { to } => {
                let Some(contact) = contact else { return Ok("skipped, no contact".into()) };
                let target = match to {
                    Some(email) => {
                        let user = self.ports.users.user(email).await?.filter(|u| u.active);
                        user.ok_or_else(|| ActionFailed(format!("teammate {email} is not an active member")))?.email
                    }
                    None => match self.next_agent().await? {
                        Some(agent) => agent,
                        None => return Ok("skipped, no available agent".into()),
                    },
                };
                let from = contact.conversation.owner.as_deref();
                if from == Some(target.as_str()) {
                    return Ok("already assigned".into());
                }
                let audit = AuditEntry {
                    at: now,
                    actor,
                    action: if from.is_some() { "transfer" } else { "assign" }.to_owned(),
                    contact: Some(contact.id.clone()),
                    detail: serde_json::json!({"from": from, "to": target}).to_string(),
                };
                let closed =
                    contact.conversation.status == Some(crate::domain::conversation::ConversationStatus::Closed);
                if self.ports.inbox.assign(&contact.id, from, Some(&target), closed, &audit).await? {
                    Ok(format!("assigned to {target}"))
                } else {
                    Ok("skipped, ownership changed meanwhile".into())
                }
            }
            Action::AddTag { tag } | Action::RemoveTag { tag } => {
                let Some(contact) = contact else { return Ok("skipped, no contact".into()) };
                let add = matches!(action, Action::AddTag { .. });
                let mut tags: Vec<String> =
                    contact.tags.iter().filter(|t| !t.eq_ignore_ascii_case(tag)).cloned().collect();
                if add {
                    tags.push(tag.clone());
                }
                if tags.len() == contact.tags.len() && (add == contact.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
                {
                    return Ok("unchanged".into());
                }
                let tags = crate::domain::tags::normalize_tags(&tags).map_err(|e| ActionFailed(e.to_string()))?;
                let patch = ContactPatch { tags: Some(tags), ..ContactPatch::default() };
                if self.ports.records.patch_contact(&contact.id, &patch).await? {
                    Ok(if add { format!("tagged {tag}") } else { format!("untagged {tag}") })
                } else {
                    Ok("skipped, contact changed meanwhile".into())
                }
            }
            Action::MoveStage { stage } => {
                let Some(deal) = facts.deal else { return Ok("skipped, no deal".into()) };
                match self.ports.deals.move_to(&system_session(&actor, now), &deal.id, stage).await {
                    Ok(moved) => Ok(format!("moved to {}", moved.stage)),
                    Err(DealError::Store(e)) => Err(e.into()),
                    Err(DealError::Conflict) => Ok("skipped, deal changed meanwhile".into()),
                    Err(other) => Err(ActionFailed(other.to_string())),
                }
            }
            Action::Notify { to, title } => {
                let Some(recipient) = to.clone().or(owner) else { return Ok("skipped, nobody owns it".into()) };
                let title = match title {
                    Some(title) => fill_fields(title, facts),
                    None => rule.name.clone(),
                };
                let notification = Notification {
                    id: format!("rule-{execution}-{recipient}"),
                    recipient: recipient.clone(),
                    kind: NotificationKind::Rule,
                    at: now,
                    contact_id: contact.map(|c| c.id.clone()),
                    task_id: task.map(|t| t.id.clone()),
                    deal_id: facts.deal.map(|d| d.id.clone()),
                    title,
                    read: false,
                };
                self.ports.notifications.notify(&notification).await?;
                Ok(format!("notified {recipient}"))
            }
            Action::CallWebhook { webhook } => match &self.ports.webhooks {
                Some(webhooks) => {
                    webhooks.call(webhook, trigger).await.map_err(ActionFailed)?;
                    Ok(format!("called {webhook}"))
                }
                None => Err(ActionFailed("outbound webhooks are not set up".into())),
            },
        }
    }

    async fn send(
        &self,
        contact: &Contact,
        content: OutboundContent,
        execution: &str,
        actor: &str,
    ) -> Result<String, ActionFailed> {
        let command = SendCommand {
            contact: contact.id.clone(),
            content,
            reply_to: None,
            idempotency_key: Some(format!("rule-{execution}")),
            actor: actor.to_owned(),
        };
        match self.ports.send.send(command).await {
            Ok(queued) => Ok(format!("queued {}", queued.id)),
            Err(SendError::Store(e)) => Err(e.into()),
            Err(other) => Err(ActionFailed(other.to_string())),
        }
    }

    async fn next_agent(&self) -> Result<Option<String>, StoreError> {
        let team: Vec<User> = self.ports.users.list_users().await?;
        let turn = self.ports.inbox.next_turn().await?;
        Ok(crate::domain::routing::next_in_turn(&team, turn).map(|u| u.email.clone()))
    }

    async fn contact(&self, id: Option<&ContactId>) -> Result<Option<Contact>, StoreError> {
        match id {
            Some(id) => self.ports.contacts.contact(id).await,
            None => Ok(None),
        }
    }

    /// The deal named, else the contact's latest one.
    async fn deal(&self, id: Option<&str>, contact: Option<&Contact>) -> Result<Option<Deal>, StoreError> {
        if let Some(id) = id {
            return self.ports.deal_store.deal(id).await;
        }
        let Some(contact) = contact else { return Ok(None) };
        let page = PageRequest { cursor: None, limit: Some(1) };
        Ok(self.ports.deal_store.contact_deals(&contact.id, &page).await?.items.into_iter().next())
    }

    /// Runs every enabled rule the event triggers; one rule's failure never
    /// stops the others. A storage outage is returned (after the other
    /// rules had their turn) so the event is delivered again; the claims
    /// keep the rules that ran from running twice.
    async fn run_rules(&self, event: &Event) -> Result<(), ReactionError> {
        let rules = self.ports.rules.rules().await?;
        // Defaults seeded by this very event (the business's first) act on it:
        // they are in place from the business's start, not from this read.
        let seeded_at = self.ports.clock.now().min(event.at);
        let rules = super::defaults::with_defaults(&*self.ports.rules, rules, seeded_at).await?;
        // A rule acts on what happens once it is in place: an event the stream
        // hands over late, from before the rule was created or changed, is
        // the dry run's business, not the rule's.
        let live: Vec<&Rule> = rules.iter().filter(|r| r.enabled && event.at >= r.updated_at).collect();
        // Reading the message back costs two GetItems: only when a rule
        // matches on what the event leaves out.
        let matched_on = if live.iter().any(|r| r.reads_message_facts()) {
            super::message_facts::with_message_facts(self.ports.contacts.as_ref(), event).await?
        } else {
            event.clone()
        };
        let mut outage = None;
        for rule in live {
            if let Err(error) = self.run_rule(rule, &matched_on).await {
                tracing::warn!(rule_id = %rule.id, error = %error, "rule did not run");
                if error.is_transient() {
                    outage = Some(error);
                }
            }
        }
        outage.map_or(Ok(()), Err)
    }

    async fn run_rule(&self, rule: &Rule, event: &Event) -> Result<(), ReactionError> {
        let key = match rule.trigger.on_event(event) {
            TriggerMatch::No => return Ok(()),
            TriggerMatch::Arm { subject, since, at } => {
                let job = ScheduledJob::RuleTimer { rule_id: rule.id.clone(), subject, since };
                self.ports.scheduler.schedule(at, &job).await?;
                return Ok(());
            }
            TriggerMatch::Fire { key } => key,
            TriggerMatch::FireIfClosed => {
                let Some(contact) = self.contact(event.contact_id.as_ref()).await? else { return Ok(()) };
                let number = BusinessNumber(contact.phone_number_id.clone());
                match self.ports.hours.state_at(&number, event.at).await? {
                    OpenState::Open => return Ok(()),
                    // Once per conversation per closed period.
                    OpenState::Closed { since, .. } => format!("closed:{}:{}", contact.id, since.0),
                }
            }
        };
        let contact = self.contact(event.contact_id.as_ref()).await?;
        let deal_id = event.data.get("deal").and_then(|v| v.as_str());
        let deal = self.deal(deal_id, contact.as_ref()).await?;
        let facts = RuleFacts {
            contact: contact.as_ref(),
            deal: deal.as_ref(),
            now: self.ports.clock.now(),
            button_payload: event.data.get("button_payload").and_then(|v| v.as_str()),
        };
        let cause = format!("{} {}", event.kind.as_str(), event.id);
        self.execute(rule, &key, &cause, &facts, None, event).await
    }
}

/// A session for what Parley does on nobody's sign-in (a rule, the
/// customer's own tap): an administrator's reach, recorded as `actor`.
pub(crate) fn system_session(actor: &str, now: Millis) -> Session {
    Session {
        token_hash: String::new(),
        email: actor.to_owned(),
        role: Role::Admin,
        issued_at: now,
        expires_at: now.plus_hours(1),
    }
}

#[async_trait]
impl Reaction for RuleEngine {
    fn name(&self) -> &'static str {
        "rules"
    }

    async fn react(&self, event: &Event) -> Result<(), ReactionError> {
        if caused_by_rule(event) || event.kind == EventKind::RuleExecuted {
            return Ok(());
        }
        self.run_rules(event).await
    }
}

/// The reminders function hands rule timers to the engine: a permanent
/// failure is already recorded on the rule, so only a transient one goes
/// back to the Scheduler's retry.
#[async_trait::async_trait]
impl crate::app::due_work::RuleTimers for RuleEngine {
    async fn fire(&self, rule_id: &str, subject: &str, since: Millis) -> Result<(), StoreError> {
        match self.fire_timer(rule_id, subject, since).await {
            Ok(()) => Ok(()),
            Err(ReactionError::Store(error)) => Err(error),
            Err(ReactionError::Permanent(reason)) => {
                tracing::warn!(rule_id, reason = %reason, "rule timer could not act");
                Ok(())
            }
        }
    }
}
