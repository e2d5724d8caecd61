//! What the reminders function does when a one-time wake-up fires. Each job
//! re-reads its subject and acts only if the subject is still in the state
//! the wake-up was set for; the act is claimed with a conditional write (the
//! task's `fired_at`, or the notification's id, which is derived from the
//! job and stored once), so overlapping, repeated or half-crashed runs fire
//! once.

use super::index_backfill::IndexBackfill;
use super::send_message::{SendCommand, SendMessage};
use super::sweep::{Sweep, SweepPolicy};
use super::tasks::due_job;
use crate::domain::conversation::ConversationStatus;
use crate::domain::notification::{Notification, NotificationKind};
use crate::domain::outbound::OutboundContent;
use crate::domain::scheduled_job::ScheduledJob;
use crate::domain::task::Task;
use crate::domain::{AuditEntry, ContactId, Millis};
use crate::ports::{
    Clock, ConversationStore, DealStore, Notifications, OutboxStore, Scheduler, StoreError, StuckState, TaskLedger,
    TaskStore, UserStore,
};
use async_trait::async_trait;
use std::sync::Arc;

/// How long a conversation may wait on us before the owner and managers hear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaPolicy {
    /// Minutes.
    pub minutes: i64,
}

/// Where rule timers go when they fire: the rules engine plugs in here.
#[async_trait]
pub trait RuleTimers: Send + Sync {
    /// A rule's time trigger for `subject`, counted from `since`, fired.
    async fn fire(&self, rule_id: &str, subject: &str, since: Millis) -> Result<(), StoreError>;
}

/// What a job did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fired {
    /// The IndiaMART pull ran.
    LeadsPulled(super::indiamart_pull::Pulled),
    /// The subject moved on (done, snoozed, answered, moved stage) or this
    /// run lost the claim to another: nothing done.
    Stale,
    /// A follow-up was cancelled because the customer replied.
    Cancelled,
    /// People were notified (their e-mails); `sent` when a template went to the customer.
    Notified {
        /// Who.
        recipients: Vec<String>,
        /// A template was queued for the customer.
        sent: bool,
    },
    /// The sweep ran; `rearmed` when something is still in flight.
    Swept {
        /// Messages re-enqueued.
        requeued: usize,
        /// Whether another sweep was scheduled.
        rearmed: bool,
    },
    /// A backfill step ran; `done` when nothing is left.
    Backfilled {
        /// Whether the backfill finished (no re-arm).
        done: bool,
    },
    /// Handed to the rules engine.
    RuleTimer,
}

impl Fired {
    /// Its name in the logs (the recipients' e-mails stay out of them).
    pub fn name(&self) -> &'static str {
        match self {
            Fired::LeadsPulled(_) => "leads_pulled",
            Fired::Stale => "stale",
            Fired::Cancelled => "cancelled",
            Fired::Notified { .. } => "notified",
            Fired::Swept { .. } => "swept",
            Fired::Backfilled { .. } => "backfilled",
            Fired::RuleTimer => "rule_timer",
        }
    }
}

/// The ports the due work runs over.
pub struct DueWorkPorts {
    /// Tasks.
    pub tasks: Arc<dyn TaskStore>,
    /// Conditional task edits (the firing claim).
    pub ledger: Arc<dyn TaskLedger>,
    /// Contacts and their conversation state.
    pub conversations: Arc<dyn ConversationStore>,
    /// Deals and pipelines.
    pub deals: Arc<dyn DealStore>,
    /// Staff.
    pub users: Arc<dyn UserStore>,
    /// Where notifications go.
    pub notifications: Arc<dyn Notifications>,
    /// Re-arms the sweep and the backfill.
    pub scheduler: Arc<dyn Scheduler>,
    /// What the sweep looks at to decide whether to re-arm.
    pub outbox: Arc<dyn OutboxStore>,
    /// The time.
    pub clock: Arc<dyn Clock>,
}

/// The reminders function's use case.
pub struct DueWork {
    ports: DueWorkPorts,
    send: Arc<SendMessage>,
    sweep: Sweep,
    sweep_policy: SweepPolicy,
    backfill: IndexBackfill,
    rule_timers: Option<Arc<dyn RuleTimers>>,
    sla: SlaPolicy,
    lead_pull: Option<Arc<super::indiamart_pull::IndiaMartPull>>,
}

/// How long after a backfill step the next one runs.
const BACKFILL_STEP_MS: i64 = 60_000;

impl DueWork {
    /// Wires the use case. `rule_timers` is `None` until the rules engine is
    /// plugged in (its timers are then logged and dropped).
    pub fn new(
        ports: DueWorkPorts,
        send: Arc<SendMessage>,
        sweep: (Sweep, SweepPolicy),
        backfill: IndexBackfill,
        rule_timers: Option<Arc<dyn RuleTimers>>,
        sla: SlaPolicy,
    ) -> Self {
        DueWork { ports, send, sweep: sweep.0, sweep_policy: sweep.1, backfill, rule_timers, sla, lead_pull: None }
    }

    /// Runs the IndiaMART pull when its job comes (without it the job is
    /// logged and dropped).
    pub fn with_lead_pull(mut self, pull: Arc<super::indiamart_pull::IndiaMartPull>) -> Self {
        self.lead_pull = Some(pull);
        self
    }

    /// Runs one job.
    pub async fn run(&self, job: &ScheduledJob) -> Result<Fired, StoreError> {
        let fired = match job {
            ScheduledJob::TaskDue { task_id, due_at } => self.task_due(task_id, *due_at).await?,
            ScheduledJob::SlaCheck { contact_id, waiting_since } => self.sla_check(contact_id, *waiting_since).await?,
            ScheduledJob::DealIdle { deal_id, stage, since } => self.deal_idle(deal_id, stage, *since).await?,
            ScheduledJob::OutboxSweep => self.outbox_sweep().await?,
            ScheduledJob::IndexBackfill => {
                let report = self.backfill.run().await?;
                if !report.done {
                    let at = Millis(self.ports.clock.now().0 + BACKFILL_STEP_MS);
                    self.ports.scheduler.schedule(at, job).await?;
                }
                Fired::Backfilled { done: report.done }
            }
            ScheduledJob::RuleTimer { rule_id, subject, since } => match &self.rule_timers {
                Some(rules) => {
                    rules.fire(rule_id, subject, *since).await?;
                    Fired::RuleTimer
                }
                None => {
                    tracing::warn!(rule = %rule_id, "a rule timer fired with no rules engine plugged in");
                    Fired::Stale
                }
            },
            ScheduledJob::LeadPull => match &self.lead_pull {
                Some(pull) => Fired::LeadsPulled(pull.run().await?),
                None => {
                    tracing::warn!("the IndiaMART pull is due but not plugged in");
                    Fired::Stale
                }
            },
        };
        tracing::info!(job = %job.name(), outcome = fired.name(), "job ran");
        Ok(fired)
    }

    async fn task_due(&self, task_id: &str, due_at: Millis) -> Result<Fired, StoreError> {
        let Some(task) = self.ports.tasks.task(task_id).await? else { return Ok(Fired::Stale) };
        if task.done || task.fired_at.is_some() {
            return Ok(Fired::Stale);
        }
        if task.due_at != due_at {
            // A wake-up from before a snooze whose move was lost: set the right one.
            self.ports.scheduler.schedule(task.due_at, &due_job(&task)).await?;
            return Ok(Fired::Stale);
        }
        let now = self.ports.clock.now();
        if task.cancel_on_reply && self.customer_replied_since(&task).await? {
            return self.cancel_follow_up(&task, now).await;
        }
        let mut fired = task.clone();
        fired.fired_at = Some(now);
        let audit = AuditEntry {
            at: now,
            actor: "parley".into(),
            action: "task_due".into(),
            contact: task.contact_id.clone(),
            detail: serde_json::json!({"task": task.id}).to_string(),
        };
        if !self.ports.ledger.replace_task(&task, &fired, &audit).await? {
            return Ok(Fired::Stale);
        }
        let sent = self.send_template(&task).await;
        let notification = Notification {
            id: format!("task-due-{}-{}", task.id, due_at.0),
            recipient: task.owner.clone(),
            kind: NotificationKind::TaskDue,
            at: now,
            contact_id: task.contact_id.clone(),
            task_id: Some(task.id.clone()),
            deal_id: task.deal_id.clone(),
            title: task.title.clone(),
            read: false,
        };
        self.ports.notifications.notify(&notification).await?;
        Ok(Fired::Notified { recipients: vec![task.owner], sent })
    }

    /// Whether the customer wrote after the follow-up was set.
    async fn customer_replied_since(&self, task: &Task) -> Result<bool, StoreError> {
        let Some(contact_id) = &task.contact_id else { return Ok(false) };
        let contact = self.ports.conversations.contact(contact_id).await?;
        Ok(contact.and_then(|c| c.last_inbound_at).is_some_and(|at| at > task.created_at))
    }

    async fn cancel_follow_up(&self, task: &Task, now: Millis) -> Result<Fired, StoreError> {
        Ok(match cancel_follow_up(&*self.ports.ledger, &*self.ports.scheduler, task, now).await? {
            true => Fired::Cancelled,
            false => Fired::Stale,
        })
    }

    /// Queues the task's template through the send use case (window and
    /// opt-out rules apply); a refusal is logged, never retried, since the
    /// claim already holds.
    async fn send_template(&self, task: &Task) -> bool {
        let (Some(template), Some(contact_id)) = (&task.template, &task.contact_id) else { return false };
        let filled = async {
            let contact = self.ports.conversations.contact(contact_id).await.ok().flatten()?;
            let deal = match &task.deal_id {
                Some(id) => self.ports.deals.deal(id).await.ok().flatten(),
                None => None,
            };
            match template.fill(&contact, deal.as_ref()) {
                Ok(params) => Some(params),
                Err(error) => {
                    tracing::warn!(task = %task.id, error = %error, "follow-up template not filled");
                    None
                }
            }
        };
        let Some(params) = filled.await else { return false };
        let command = SendCommand {
            contact: contact_id.clone(),
            content: OutboundContent::Template {
                name: template.name.clone(),
                language: template.language.clone(),
                params,
                inputs: Default::default(),
            },
            reply_to: None,
            idempotency_key: Some(format!("task-due-{}-{}", task.id, task.due_at.0)),
            actor: task.owner.clone(),
        };
        match self.send.send(command).await {
            Ok(_) => true,
            Err(error) => {
                tracing::warn!(task = %task.id, error = %error, "follow-up template not sent");
                false
            }
        }
    }

    async fn sla_check(&self, contact_id: &ContactId, waiting_since: Millis) -> Result<Fired, StoreError> {
        let Some(contact) = self.ports.conversations.contact(contact_id).await? else { return Ok(Fired::Stale) };
        let conversation = &contact.conversation;
        let still_waiting = conversation.status == Some(ConversationStatus::WaitingOnUs)
            && conversation.awaiting_since == Some(waiting_since);
        if !still_waiting || self.ports.clock.now().0 < waiting_since.0 + self.sla.minutes * 60_000 {
            return Ok(Fired::Stale);
        }
        let mut recipients: Vec<String> = self
            .ports
            .users
            .list_users()
            .await?
            .into_iter()
            .filter(|u| u.active && u.role.supervises())
            .map(|u| u.email)
            .collect();
        if let Some(owner) = &conversation.owner {
            if !recipients.contains(owner) {
                recipients.insert(0, owner.clone());
            }
        }
        let now = self.ports.clock.now();
        for recipient in &recipients {
            self.ports
                .notifications
                .notify(&Notification {
                    id: format!("sla-{}-{}-{}", contact_id, waiting_since.0, recipient),
                    recipient: recipient.clone(),
                    kind: NotificationKind::SlaBreach,
                    at: now,
                    contact_id: Some(contact_id.clone()),
                    task_id: None,
                    deal_id: None,
                    title: contact.shown_name().unwrap_or("A customer").to_owned(),
                    read: false,
                })
                .await?;
        }
        Ok(Fired::Notified { recipients, sent: false })
    }

    async fn deal_idle(&self, deal_id: &str, stage: &str, since: Millis) -> Result<Fired, StoreError> {
        let Some(deal) = self.ports.deals.deal(deal_id).await? else { return Ok(Fired::Stale) };
        let entered = deal.history.iter().rev().find(|change| change.to == deal.stage).map(|change| change.at);
        let entered = entered.unwrap_or(deal.created_at);
        if deal.stage != stage || entered != since {
            return Ok(Fired::Stale);
        }
        let Some(owner) = deal.owner.clone() else { return Ok(Fired::Stale) };
        self.ports
            .notifications
            .notify(&Notification {
                id: format!("idle-{}-{}-{}", deal.id, since.0, owner),
                recipient: owner.clone(),
                kind: NotificationKind::DealIdle,
                at: self.ports.clock.now(),
                contact_id: Some(deal.contact_id.clone()),
                task_id: None,
                deal_id: Some(deal.id.clone()),
                title: deal.title.clone(),
                read: false,
            })
            .await?;
        Ok(Fired::Notified { recipients: vec![owner], sent: false })
    }

    /// Sweeps, then re-arms while any message is still `queued` or
    /// `sending`, so a stuck one is swept without a periodic run.
    async fn outbox_sweep(&self) -> Result<Fired, StoreError> {
        let report = self.sweep.run().await?;
        let now = self.ports.clock.now();
        let in_flight = !self.ports.outbox.stuck(StuckState::Queued, now, 1).await?.is_empty()
            || !self.ports.outbox.stuck(StuckState::Sending, now, 1).await?.is_empty();
        if in_flight {
            let wait = self.sweep_policy.sending_after_ms.min(self.sweep_policy.queued_after_ms);
            self.ports.scheduler.schedule(Millis(now.0 + wait), &ScheduledJob::OutboxSweep).await?;
        }
        Ok(Fired::Swept { requeued: report.requeued, rearmed: in_flight })
    }
}

/// Cancels an open "unless they reply" follow-up: a conditional write that
/// marks it cancelled (and done), then removes its wake-up. `false` when it
/// changed meanwhile (done, fired, or cancelled by another run).
pub async fn cancel_follow_up(
    ledger: &dyn TaskLedger,
    scheduler: &dyn Scheduler,
    task: &Task,
    now: Millis,
) -> Result<bool, StoreError> {
    let mut cancelled = task.clone();
    cancelled.cancelled_at = Some(now);
    cancelled.done = true;
    cancelled.done_at = Some(now);
    let audit = AuditEntry {
        at: now,
        actor: "parley".into(),
        action: "task_cancelled_by_reply".into(),
        contact: task.contact_id.clone(),
        detail: serde_json::json!({"task": task.id}).to_string(),
    };
    if !ledger.replace_task(task, &cancelled, &audit).await? {
        return Ok(false);
    }
    scheduler.cancel(&due_job(task).name()).await?;
    Ok(true)
}
