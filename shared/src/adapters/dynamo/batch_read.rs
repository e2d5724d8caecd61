//! BatchGetItem over any number of keys: 100 a request, asking again for
//! the keys DynamoDB hands back unprocessed (throttling) a few times before
//! giving up as unavailable.

use super::item::{get_s, Item};
use super::keys;
use super::{unavailable, DynamoStore};
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::KeysAndAttributes;

/// Keys one BatchGetItem takes.
const BATCH: usize = 100;
/// Requests for one batch's unprocessed keys before giving up.
const ROUNDS: usize = 8;

/// Which attributes to read: a projection expression and the names its
/// `#placeholders` stand for.
pub(super) struct Projection<'a> {
    pub expression: &'a str,
    pub names: &'a [(&'a str, &'a str)],
}

impl DynamoStore {
    /// The items of `keys` that exist, in no particular order (repeated
    /// keys read once).
    pub(super) async fn batch_read(
        &self,
        mut wanted_keys: Vec<Item>,
        projection: Option<Projection<'_>>,
    ) -> Result<Vec<Item>, StoreError> {
        // DynamoDB refuses a request that names a key twice.
        let mut seen = std::collections::HashSet::new();
        wanted_keys.retain(|k| seen.insert((get_s(k, keys::PK), get_s(k, keys::SK))));
        let mut found = Vec::new();
        for chunk in wanted_keys.chunks(BATCH) {
            let mut wanted = chunk.to_vec();
            for _ in 0..ROUNDS {
                if wanted.is_empty() {
                    break;
                }
                let mut request = KeysAndAttributes::builder().set_keys(Some(std::mem::take(&mut wanted)));
                if let Some(p) = &projection {
                    request = request.projection_expression(p.expression);
                    for (placeholder, name) in p.names {
                        request = request.expression_attribute_names(*placeholder, *name);
                    }
                }
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request.build().map_err(unavailable)?)
                    .send()
                    .await
                    .map_err(unavailable)?;
                found.extend(out.responses().and_then(|r| r.get(&self.table)).into_iter().flatten().cloned());
                wanted = out
                    .unprocessed_keys()
                    .and_then(|u| u.get(&self.table))
                    .map(|k| k.keys().to_vec())
                    .unwrap_or_default();
            }
            if !wanted.is_empty() {
                return Err(StoreError::Unavailable("a batch read kept being throttled".into()));
            }
        }
        Ok(found)
    }
}
