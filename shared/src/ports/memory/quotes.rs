//! The product catalog and quotes, as the DynamoDB store keeps them: a
//! conditional save on the version, counters per series, newest first.

use super::{page_of, MemoryStore};
use crate::domain::product::Product;
use crate::domain::quote::Quote;
use crate::domain::{AuditEntry, ContactId, Event, Millis};
use crate::ports::{Page, PageRequest, ProductStore, QuoteStore, StoreError};
use async_trait::async_trait;

#[async_trait]
impl ProductStore for MemoryStore {
    async fn products(&self) -> Result<Vec<Product>, StoreError> {
        Ok(self.state().products.values().cloned().collect())
    }

    async fn put_product(&self, product: &Product, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut state = self.state();
        state.products.insert(product.id.clone(), product.clone());
        state.audit.push(audit.clone());
        Ok(())
    }

    async fn delete_product(&self, id: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let mut state = self.state();
        let existed = state.products.remove(id).is_some();
        if existed {
            state.audit.push(audit.clone());
        }
        Ok(existed)
    }
}

#[async_trait]
impl QuoteStore for MemoryStore {
    async fn next_in_series(&self, series: &str) -> Result<u64, StoreError> {
        let mut state = self.state();
        let next = state.series.entry(series.to_owned()).or_insert(0);
        *next += 1;
        Ok(*next)
    }

    async fn create_quote(&self, quote: &Quote, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.quotes.contains_key(&quote.id) {
            return Err(StoreError::Rejected("the quote exists".into()));
        }
        state.quotes.insert(quote.id.clone(), quote.clone());
        state.audit.push(audit.clone());
        Ok(())
    }

    async fn quote(&self, id: &str) -> Result<Option<Quote>, StoreError> {
        Ok(self.state().quotes.get(id).cloned())
    }

    async fn save_quote(
        &self,
        quote: &Quote,
        expected_updated_at: Millis,
        audit: &AuditEntry,
        event: Option<&Event>,
    ) -> Result<bool, StoreError> {
        let mut state = self.state();
        if state.quotes.get(&quote.id).map(|q| q.updated_at) != Some(expected_updated_at) {
            return Ok(false);
        }
        state.quotes.insert(quote.id.clone(), quote.clone());
        state.audit.push(audit.clone());
        state.events.extend(event.cloned());
        Ok(true)
    }

    async fn contact_quotes(&self, contact: &ContactId, page: &PageRequest) -> Result<Page<Quote>, StoreError> {
        let state = self.state();
        page_of(newest_first(state.quotes.values().filter(|q| &q.contact_id == contact)), page)
    }

    async fn deal_quotes(&self, deal: &str, page: &PageRequest) -> Result<Page<Quote>, StoreError> {
        let state = self.state();
        page_of(newest_first(state.quotes.values().filter(|q| q.deal_id.as_deref() == Some(deal))), page)
    }
}

fn newest_first<'a>(quotes: impl Iterator<Item = &'a Quote>) -> Vec<Quote> {
    let mut quotes: Vec<Quote> = quotes.cloned().collect();
    quotes.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
    quotes
}
