//! Spend counters: per month, pricing category, market and number, and
//! again per teammate who sent; kept by the tally.

use super::failure::refused_or_unavailable;
use super::item::{get_s, key};
use super::keys;
use super::tally::Counter;
use super::DynamoStore;
use crate::domain::spend::{PricedMessage, SpendKey};
use crate::domain::template::Category;
use crate::domain::SpendLine;
use crate::ports::StoreError;

#[async_trait::async_trait]
impl crate::ports::SpendStore for DynamoStore {
    async fn spend(&self, month: &str) -> Result<Vec<SpendLine>, StoreError> {
        // Category names are lower-case words, and teammates' counters
        // start with `@`: all sort between these.
        let tallies = self.read_tallies(&keys::spend_pk(month), " ", "~").await?;
        let mut lines: std::collections::BTreeMap<SpendKey, (u64, u64)> = std::collections::BTreeMap::new();
        for ((sk, field), value) in tallies.counted {
            let counts = lines.entry(spend_key_of(&sk)).or_default();
            let value = u64::try_from(value).unwrap_or(0);
            match field.as_str() {
                "billable" => counts.0 += value,
                "free" => counts.1 += value,
                _ => {}
            }
        }
        Ok(lines.into_iter().map(|(key, (billable, free))| key.line(month, billable, free)).collect())
    }

    /// One GetItem of the message's `sent_by`, then (for a teammate's
    /// message) one tally write, marked by the wamid so a redelivered event
    /// counts nothing.
    async fn count_sender_spend(&self, priced: &PricedMessage) -> Result<bool, StoreError> {
        let message = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(&priced.message.contact), keys::referenced_sk(&priced.message))))
            .projection_expression("sent_by")
            .send()
            .await
            .map_err(refused_or_unavailable)?;
        let Some(agent) = message.item().and_then(|item| get_s(item, "sent_by")) else { return Ok(false) };
        let counter = Counter {
            pk: keys::spend_pk(&self.report_month_of(priced.at).await),
            sk: spend_sk(&SpendKey::of_agent(
                &agent,
                spend_category(priced.category.as_deref()),
                priced.market.clone(),
            )),
            field: if priced.billable { "billable" } else { "free" }.to_owned(),
        };
        self.tally_once(&counter, &format!("sender_spend|{}", priced.wamid), None).await
    }
}

/// A counter's sort key: `<category>#<market>#<number>` (either may be
/// empty); counters from before markets and numbers were kept are the
/// category alone. A teammate's counter is `@<category>#<market>#<agent>`:
/// no category starts with `@`, and the address, last, may hold a `#`.
pub(super) fn spend_sk(key: &SpendKey) -> String {
    let market = key.market.as_deref().unwrap_or("");
    match &key.agent {
        Some(agent) => format!("{AGENT_TAG}{}#{market}#{agent}", key.category),
        None => format!("{}#{market}#{}", key.category, key.number.as_deref().unwrap_or("")),
    }
}

const AGENT_TAG: &str = "@";

fn spend_key_of(sk: &str) -> SpendKey {
    let (agent_line, sk) = match sk.strip_prefix(AGENT_TAG) {
        Some(rest) => (true, rest),
        None => (false, sk),
    };
    let mut parts = sk.splitn(3, '#');
    let category = parts.next().unwrap_or_default().to_owned();
    let mut part = || parts.next().filter(|p| !p.is_empty()).map(str::to_owned);
    let (market, last) = (part(), part());
    match agent_line {
        true => SpendKey { category, market, number: None, agent: last },
        false => SpendKey { category, market, number: last, agent: None },
    }
}

/// The category a priced status belongs to in the spend report.
pub(super) fn spend_category(category: Option<&str>) -> String {
    category
        .and_then(Category::parse)
        .map_or_else(|| category.unwrap_or("unknown").to_owned(), |c| c.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_key_reads_back_and_old_ones_are_the_category_alone() {
        let key = SpendKey {
            category: "marketing".into(),
            market: Some("91".into()),
            number: Some("106540352242922".into()),
            agent: None,
        };
        assert_eq!(spend_key_of(&spend_sk(&key)), key);
        let unknown = SpendKey { category: "utility".into(), market: None, number: Some("1".into()), agent: None };
        assert_eq!(spend_key_of(&spend_sk(&unknown)), unknown);
        assert_eq!(
            spend_key_of("service"),
            SpendKey { category: "service".into(), market: None, number: None, agent: None }
        );
    }

    #[test]
    fn a_teammates_counter_reads_back_whatever_their_address_holds() {
        for agent in ["asha@shop.in", "odd#name@shop.in"] {
            let key = SpendKey::of_agent(agent, "marketing".into(), Some("91".into()));
            assert!(spend_sk(&key).starts_with('@'));
            assert_eq!(spend_key_of(&spend_sk(&key)), key);
        }
        let no_market = SpendKey::of_agent("asha@shop.in", "service".into(), None);
        assert_eq!(spend_key_of(&spend_sk(&no_market)), no_market);
    }
}
