//! One in-memory world per test: store, clock, queue and Cloud API.

use crate::app::business_calendar::BusinessCalendar;
use crate::app::send_message::SendMessage;
use crate::app::tasks::{NewTask, Tasks};
use crate::domain::message::InboundMessage;
use crate::domain::pricing::RateCards;
use crate::domain::{
    AuditEntry, BusinessProfile, ContactId, CustomerIdentity, MessageContent, Millis, Role, Session, User,
};
use crate::ports::memory::{
    ManualClock, MemoryNotifications, MemoryQueue, MemoryScheduler, MemoryStore, ScriptedWhatsApp,
};
use crate::ports::{BusinessProfileStore, InboundStore, Recorded, UserStore};
use std::sync::Arc;

/// 2023-11-14T22:13:20Z.
pub const T0: Millis = Millis(1_700_000_000_000);
pub const PHONE_NUMBER_ID: &str = "106540352242922";

pub struct World {
    pub store: Arc<MemoryStore>,
    pub clock: Arc<ManualClock>,
    pub queue: Arc<MemoryQueue>,
    pub whatsapp: Arc<ScriptedWhatsApp>,
    pub scheduler: Arc<MemoryScheduler>,
    pub notifications: Arc<MemoryNotifications>,
}

impl World {
    pub fn new() -> Self {
        let clock = Arc::new(ManualClock::at(T0));
        World {
            store: Arc::new(MemoryStore::with_clock(clock.clone())),
            clock,
            queue: Arc::new(MemoryQueue::default()),
            whatsapp: Arc::new(ScriptedWhatsApp::default()),
            scheduler: Arc::new(MemoryScheduler::default()),
            notifications: Arc::new(MemoryNotifications::default()),
        }
    }

    /// The tasks use case over this world, its business day in the
    /// default profile's zone (Asia/Kolkata) until a profile names one.
    pub fn tasks(&self) -> Tasks {
        self.tasks_with(BusinessCalendar::new(self.store.clone()))
    }

    /// The same, with days in UTC until a profile names a zone.
    pub fn tasks_in_utc(&self) -> Tasks {
        let utc = crate::domain::BusinessDay::FixedOffset(0);
        self.tasks_with(BusinessCalendar::with_unsaved(self.store.clone(), utc))
    }

    fn tasks_with(&self, calendar: BusinessCalendar) -> Tasks {
        Tasks::new(
            self.store.clone(),
            self.store.clone(),
            self.store.clone(),
            self.clock.clone(),
            calendar,
            self.scheduler.clone(),
            self.store.clone(),
        )
    }

    /// Sending over this world's store, queue and clock, at the default rates.
    pub fn send_message(&self) -> SendMessage {
        SendMessage::new(
            self.store.clone(),
            self.store.clone(),
            self.store.clone(),
            self.queue.clone(),
            self.clock.clone(),
            RateCards::default(),
            self.store.clone(),
        )
    }

    /// A customer writes `text` now; their contact.
    pub async fn customer_says(&self, wa_id: &str, wamid: &str, text: &str) -> ContactId {
        let message = inbound(wa_id, wamid, text, crate::ports::Clock::now(&*self.clock));
        match self.store.record_inbound(&message).await.unwrap() {
            Recorded::New(contact) => contact,
            Recorded::Duplicate => panic!("{wamid} was stored before"),
        }
    }

    /// The clock's time.
    pub fn clock_now(&self) -> Millis {
        crate::ports::Clock::now(&*self.clock)
    }

    /// Saves `profile` as an admin would from Settings, audit line and all.
    pub async fn save_business(&self, profile: &BusinessProfile) {
        let admin = session("admin@shop.test", Role::Admin);
        let audit = AuditEntry::by(&admin, self.clock_now(), "business_profile", None, serde_json::json!({}));
        self.store.save_business_profile(profile, &audit).await.unwrap();
    }

    /// An active teammate.
    pub async fn teammate(&self, email: &str, role: Role) -> Session {
        let user = User {
            email: email.into(),
            name: email.into(),
            role,
            password_hash: "!".into(),
            active: true,
            available: true,
            invited: false,
            password_changed_at: Millis(0),
        };
        self.store.create_user(&user).await.unwrap();
        session(email, role)
    }
}

pub fn session(email: &str, role: Role) -> Session {
    Session {
        token_hash: format!("h-{email}"),
        email: email.into(),
        role,
        issued_at: T0,
        expires_at: T0.plus_hours(12),
    }
}

/// A task nobody owns yet, about nothing in particular.
pub fn new_task(title: &str, due_at: Millis) -> NewTask {
    NewTask {
        title: title.into(),
        due_at,
        owner: None,
        contact_id: None,
        deal_id: None,
        cancel_on_reply: false,
        template: None,
    }
}

pub fn inbound(wa_id: &str, wamid: &str, text: &str, at: Millis) -> InboundMessage {
    InboundMessage {
        wamid: wamid.into(),
        phone_number_id: PHONE_NUMBER_ID.into(),
        from: CustomerIdentity::new(Some(wa_id.into()), None).unwrap(),
        profile_name: Some("Asha".into()),
        username: None,
        at,
        type_name: "text".into(),
        content: MessageContent::Text { body: text.into() },
        context: None,
        referral: None,
        raw: "{}".into(),
        arrival: Default::default(),
    }
}
