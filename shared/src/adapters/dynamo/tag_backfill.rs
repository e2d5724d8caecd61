//! The tag index backfill's pass: every contact, read a page at a time from
//! the sharded activity lists (`gsi1`, `CONTACTS#<shard>`, profiles only),
//! gets a membership item for each tag its profile carries that has none.
//! Each write is an UpdateItem conditional on the membership being absent
//! (what the scheduled function's role allows), so re-runs and overlapping
//! runs write nothing twice and never overwrite a membership a tag change
//! wrote meanwhile. A tag removed between the read and the write leaves a
//! membership the search ignores (it checks the profile), as a crashed
//! writer's would.

use super::cursor;
use super::item::{get_s, key, s, Item};
use super::keys::{self, Shard};
use super::tag_index::membership;
use super::{is_condition_failure, unavailable, DynamoStore};
use crate::domain::ContactId;
use crate::ports::{BackfillPage, StoreError};

/// A pass position: which shard, and where in its activity list.
fn encode_position(shard: usize, start: Option<&Item>) -> String {
    format!("{shard}:{}", cursor::encode(start).unwrap_or_default())
}

fn decode_position(text: Option<&str>) -> Result<(usize, Option<Item>), StoreError> {
    let Some(text) = text else { return Ok((0, None)) };
    let corrupt = || StoreError::Corrupt("tag backfill position".into());
    let (shard, start) = text.split_once(':').ok_or_else(corrupt)?;
    let shard: usize = shard.parse().map_err(|_| corrupt())?;
    let start =
        cursor::decode(Some(start), &[keys::PK, keys::SK, keys::GSI1_PK, keys::GSI1_SK]).map_err(|_| corrupt())?;
    Ok((shard, start))
}

/// The contact and tags of a live profile (none for merged-away ones).
fn tags_of(profile: &Item) -> Option<(ContactId, Vec<String>)> {
    if profile.contains_key("merged_into") || profile.contains_key("erased") {
        return None;
    }
    let contact = ContactId::parse(&get_s(profile, "contact_id")?)?;
    let tags = profile.get("tags")?.as_ss().ok()?.clone();
    Some((contact, tags))
}

impl DynamoStore {
    /// One page of the pass; `moved` counts the memberships written.
    pub(super) async fn tag_backfill_page(&self, at: Option<&str>, limit: i32) -> Result<BackfillPage, StoreError> {
        let (shard_index, start) = decode_position(at)?;
        let shards: Vec<Shard> = Shard::all().collect();
        let Some(shard) = shards.get(shard_index) else { return Ok(BackfillPage::default()) };
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI1)
            .key_condition_expression(format!("{} = :list", keys::GSI1_PK))
            .filter_expression("attribute_exists(tags)")
            .expression_attribute_values(":list", s(keys::contacts_by_activity(*shard)))
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        let mut page = BackfillPage::default();
        for (contact, tags) in out.items().iter().filter_map(tags_of) {
            for tag in &tags {
                if self.add_missing_membership(&contact, tag).await? {
                    page.moved += 1;
                }
            }
        }
        page.next = match out.last_evaluated_key() {
            Some(stop) => Some(encode_position(shard_index, Some(stop))),
            None if shard_index + 1 < shards.len() => Some(encode_position(shard_index + 1, None)),
            None => None,
        };
        Ok(page)
    }

    /// Writes `contact`'s membership in `tag` if it has none; whether it did.
    async fn add_missing_membership(&self, contact: &ContactId, tag: &str) -> Result<bool, StoreError> {
        let item = membership(contact, tag);
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::contact_pk(contact), keys::tag_sk(tag))))
            .condition_expression("attribute_not_exists(pk)");
        let mut sets = Vec::new();
        for (i, (name, value)) in item.into_iter().filter(|(n, _)| n != keys::PK && n != keys::SK).enumerate() {
            sets.push(format!("#a{i} = :v{i}"));
            update = update
                .expression_attribute_names(format!("#a{i}"), name)
                .expression_attribute_values(format!(":v{i}"), value);
        }
        match update.update_expression(format!("SET {}", sets.join(", "))).send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_and_forgeries_fail() {
        let mut stop = key("C#0123456789abcdef01234567", keys::PROFILE);
        stop.extend([(keys::GSI1_PK.to_owned(), s("CONTACTS#3")), (keys::GSI1_SK.to_owned(), s("000#x"))]);
        assert_eq!(decode_position(Some(&encode_position(3, Some(&stop)))).unwrap(), (3, Some(stop)));
        assert_eq!(decode_position(None).unwrap(), (0, None));
        assert_eq!(decode_position(Some("5:")).unwrap(), (5, None));
        assert!(decode_position(Some("x")).is_err());
    }

    #[test]
    fn merged_away_profiles_are_not_indexed() {
        let mut profile = key("C#0123456789abcdef01234567", keys::PROFILE);
        profile.insert("contact_id".into(), s("0123456789abcdef01234567"));
        profile.insert("tags".into(), aws_sdk_dynamodb::types::AttributeValue::Ss(vec!["vip".into()]));
        assert_eq!(tags_of(&profile).map(|(_, t)| t), Some(vec!["vip".to_owned()]));
        profile.insert("merged_into".into(), s("fedcba9876543210fedcba98"));
        assert!(tags_of(&profile).is_none());
    }
}
