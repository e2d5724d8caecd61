//! Pipelines and deals, tasks, and what the reports read.

use super::{page_of, MemoryStore};
use crate::domain::conversation::Viewer;
use crate::domain::pipeline::{Deal, Pipeline};
use crate::domain::response_figures::ResponseFigures;
use crate::domain::task::Task;
use crate::domain::{AuditEntry, BusinessProfile, ContactId, Event, Millis};
use crate::ports::{
    BusinessProfileStore, DealStore, Page, PageRequest, ReportStore, StoreError, TaskLedger, TaskStore,
};

#[async_trait::async_trait]
impl BusinessProfileStore for MemoryStore {
    async fn business_profile(&self) -> Result<Option<BusinessProfile>, StoreError> {
        Ok(self.state().business_profile.clone())
    }

    async fn save_business_profile(&self, profile: &BusinessProfile, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut state = self.state();
        state.business_profile = Some(profile.clone());
        state.audit.push(audit.clone());
        Ok(())
    }
}

#[async_trait::async_trait]
impl DealStore for MemoryStore {
    async fn pipelines(&self) -> Result<Vec<Pipeline>, StoreError> {
        Ok(self.state().pipelines.values().cloned().collect())
    }

    async fn put_pipeline(&self, pipeline: &Pipeline, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut state = self.state();
        state.pipelines.insert(pipeline.id.clone(), pipeline.clone());
        state.audit.push(audit.clone());
        Ok(())
    }

    async fn create_deal(&self, deal: &Deal, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.deals.contains_key(&deal.id) {
            return Err(StoreError::Unavailable("transaction cancelled".into()));
        }
        state.deals.insert(deal.id.clone(), deal.clone());
        state.audit.push(audit.clone());
        Ok(())
    }

    async fn deal(&self, id: &str) -> Result<Option<Deal>, StoreError> {
        Ok(self.state().deals.get(id).cloned())
    }

    async fn save_deal(
        &self,
        deal: &Deal,
        expected_updated_at: Millis,
        audit: &AuditEntry,
        event: Option<&Event>,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        if state.deals.get(&deal.id).is_none_or(|d| d.updated_at != expected_updated_at) {
            return Ok(false);
        }
        state.deals.insert(deal.id.clone(), deal.clone());
        state.audit.push(audit.clone());
        state.events.extend(event.cloned());
        Ok(true)
    }

    async fn deals_in_stage(
        &self,
        pipeline: &str,
        stage: &str,
        only_visible_to: Option<&Viewer>,
        page: &PageRequest,
    ) -> Result<Page<Deal>, StoreError> {
        let state = self.state();
        let mut deals: Vec<Deal> = state
            .deals
            .values()
            .filter(|d| d.pipeline == pipeline && d.stage == stage)
            .filter(|d| {
                only_visible_to.is_none_or(|viewer| {
                    let conversation = state.contacts.get(&d.contact_id).map(|r| &r.contact.conversation);
                    viewer.can_see_deal(d, conversation)
                })
            })
            .cloned()
            .collect();
        drop(state);
        deals.sort_by(|a, b| (b.updated_at, &b.id).cmp(&(a.updated_at, &a.id)));
        page_of(deals, page)
    }

    async fn contact_deals(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Deal>, StoreError> {
        let mut deals: Vec<Deal> = self.state().deals.values().filter(|d| d.contact_id == *contact).cloned().collect();
        deals.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        page_of(deals, page)
    }
}

fn open_due(task: &Task, from: Option<Millis>, before: Option<Millis>) -> bool {
    !task.done && from.is_none_or(|f| task.due_at >= f) && before.is_none_or(|b| task.due_at < b)
}

#[async_trait::async_trait]
impl TaskStore for MemoryStore {
    async fn create_task(&self, task: &Task) -> Result<(), StoreError> {
        self.state().tasks.insert(task.id.clone(), task.clone());
        Ok(())
    }

    async fn task(&self, id: &str) -> Result<Option<Task>, StoreError> {
        Ok(self.state().tasks.get(id).cloned())
    }

    async fn complete_task(&self, id: &str, at: Millis) -> Result<bool, StoreError> {
        let mut state = self.state();
        let Some(task) = state.tasks.get_mut(id) else { return Ok(false) };
        if !task.done {
            task.done = true;
            task.done_at = Some(at);
        }
        Ok(true)
    }

    async fn due_tasks(
        &self,
        owner: Option<&str>,
        from: Option<Millis>,
        before: Option<Millis>,
        page: &PageRequest,
    ) -> Result<Page<Task>, StoreError> {
        let mut tasks: Vec<Task> = self
            .state()
            .tasks
            .values()
            .filter(|t| owner.is_none_or(|o| t.owner == o) && open_due(t, from, before))
            .cloned()
            .collect();
        tasks.sort_by(|a, b| (a.due_at, &a.id).cmp(&(b.due_at, &b.id)));
        page_of(tasks, page)
    }
}

#[async_trait::async_trait]
impl TaskLedger for MemoryStore {
    async fn replace_task(&self, before: &Task, after: &Task, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        if state.tasks.get(&before.id) != Some(before) {
            return Ok(false);
        }
        state.tasks.insert(after.id.clone(), after.clone());
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn done_tasks(
        &self,
        owner: Option<&str>,
        since: Millis,
        until: Millis,
        page: &PageRequest,
    ) -> Result<Page<Task>, StoreError> {
        let mut tasks: Vec<Task> = self
            .state()
            .tasks
            .values()
            .filter(|t| owner.is_none_or(|o| t.owner == o))
            .filter(|t| t.done && t.done_at.is_some_and(|at| at >= since && at <= until))
            .cloned()
            .collect();
        tasks.sort_by(|a, b| (b.done_at, &b.id).cmp(&(a.done_at, &a.id)));
        page_of(tasks, page)
    }

    async fn contact_tasks(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Task>, StoreError> {
        let mut tasks: Vec<Task> =
            self.state().tasks.values().filter(|t| t.contact_id.as_ref() == Some(contact)).cloned().collect();
        tasks.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        page_of(tasks, page)
    }
}

#[async_trait::async_trait]
impl ReportStore for MemoryStore {
    async fn message_counts(&self, from: &str, to: &str) -> Result<Vec<(String, u64, u64)>, StoreError> {
        let state = self.state();
        let days = state.message_counts.range(from.to_owned()..=to.to_owned());
        Ok(days.map(|(day, (inbound, outbound))| (day.clone(), *inbound, *outbound)).collect())
    }

    async fn first_responses(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, ResponseFigures)>, StoreError> {
        let state = self.state();
        Ok(state
            .first_responses
            .iter()
            .filter(|((day, _), _)| day.as_str() >= from && day.as_str() <= to)
            .map(|((day, agent), figures)| (day.clone(), agent.clone(), figures.clone()))
            .collect())
    }

    async fn count_unassigned(&self) -> Result<u64, StoreError> {
        let state = self.state();
        Ok(state.contacts.values().filter(|r| r.in_owner_queue && r.contact.conversation.owner.is_none()).count()
            as u64)
    }

    async fn count_waiting_since(&self, before: Millis) -> Result<u64, StoreError> {
        let state = self.state();
        Ok(
            state
                .contacts
                .values()
                .filter(|r| r.contact.conversation.awaiting_since.is_some_and(|s| s < before))
                .count() as u64,
        )
    }

    async fn count_team_tasks(&self, from: Option<Millis>, before: Millis) -> Result<u64, StoreError> {
        Ok(self.state().tasks.values().filter(|t| open_due(t, from, Some(before))).count() as u64)
    }
}
