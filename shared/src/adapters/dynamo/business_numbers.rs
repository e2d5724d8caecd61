//! The business numbers customers write to, counted per number with the
//! once-only counters of [`super::tally`]: each inbound message's own
//! transaction adds to its number's counter in its pending entry (touching
//! no shared item, so a burst of messages to one number never conflicts),
//! and the list is one read of the counters plus the entries not folded
//! yet. No Scan of the contacts.

use super::tally::Counter;
use super::DynamoStore;
use crate::ports::StoreError;

/// The counters' partition: one item per business number.
const NUMBER_STATS: &str = "STATS#NUM";

/// The counter of inbound messages to a business number.
pub(super) fn inbound_counter(phone_number_id: &str) -> Counter {
    Counter { pk: NUMBER_STATS.to_owned(), sk: phone_number_id.to_owned(), field: "inbound".to_owned() }
}

#[async_trait::async_trait]
impl crate::ports::BusinessNumbers for DynamoStore {
    async fn known_numbers(&self) -> Result<Vec<String>, StoreError> {
        // Meta's phone_number_id is digits; the range holds any printable id.
        let tallies = self.read_tallies(NUMBER_STATS, " ", "~").await?;
        let mut numbers: Vec<String> =
            tallies.counted.into_iter().filter(|(_, n)| *n > 0).map(|((sk, _), _)| sk).collect();
        numbers.dedup();
        Ok(numbers)
    }
}
