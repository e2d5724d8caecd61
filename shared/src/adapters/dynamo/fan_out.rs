//! Reads of a sharded list: one Query per shard, all sent at once (one
//! sequential round trip), merged into one page in the index's order.
//!
//! A shard's Query may stop early (its page limit, 1 MB, or a filter that
//! dropped items), so an item is only handed out once no shard can still
//! hold one that comes before it: the merged page ends at the earliest
//! point where a shard stopped. The cursor keeps each shard's own position.

use super::cursor::{self, ShardPosition};
use super::item::Item;
use super::keys::{self, Shard};
use super::{unavailable, DynamoStore};
use crate::ports::StoreError;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::Select;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A list index whose partition key is spread over the shards.
#[derive(Debug, Clone, Copy)]
pub(super) struct ShardedIndex {
    /// The index name.
    pub name: &'static str,
    /// Its partition key attribute.
    pub pk: &'static str,
    /// Its sort key attribute.
    pub sk: &'static str,
    /// Whether the list reads newest (highest sort key) first.
    pub descending: bool,
}

/// Contacts by activity, newest first.
pub(super) const ACTIVITY: ShardedIndex =
    ShardedIndex { name: keys::GSI1, pk: keys::GSI1_PK, sk: keys::GSI1_SK, descending: true };
/// Unfinished outbound messages, by state then age.
pub(super) const OUTBOX: ShardedIndex =
    ShardedIndex { name: keys::GSI2, pk: keys::GSI2_PK, sk: keys::GSI2_SK, descending: false };
/// Conversations by status, newest activity first.
pub(super) const BY_STATUS: ShardedIndex =
    ShardedIndex { name: keys::GSI3, pk: "gsi3pk", sk: "gsi3sk", descending: true };
/// Open conversations by owner, newest activity first.
pub(super) const BY_OWNER: ShardedIndex =
    ShardedIndex { name: keys::GSI4, pk: "gsi4pk", sk: "gsi4sk", descending: true };
/// Conversations waiting on us, the most recent wait first.
pub(super) const AWAITING: ShardedIndex =
    ShardedIndex { name: keys::GSI5, pk: "gsi5pk", sk: "gsi5sk", descending: true };
/// Contacts by folded name.
pub(super) const BY_NAME: ShardedIndex =
    ShardedIndex { name: keys::GSI6, pk: "gsi6pk", sk: "gsi6sk", descending: false };
/// Contacts by phone digits.
pub(super) const BY_PHONE: ShardedIndex =
    ShardedIndex { name: keys::GSI7, pk: "gsi7pk", sk: "gsi7sk", descending: false };

impl ShardedIndex {
    /// The attributes of a starting key on this index.
    fn key_names(&self) -> [&'static str; 4] {
        [keys::PK, keys::SK, self.pk, self.sk]
    }

    /// How `a` and `b` (items or keys) compare in list order; the table key
    /// breaks ties, so no two items compare equal.
    fn order(&self, a: &Item, b: &Item) -> Ordering {
        let rank =
            |item: &Item| [self.sk, keys::PK, keys::SK].map(|name| item.get(name).and_then(|v| v.as_s().ok()).cloned());
        let ascending = rank(a).cmp(&rank(b));
        if self.descending {
            ascending.reverse()
        } else {
            ascending
        }
    }

    /// The starting key that resumes a shard right after `item`.
    fn position_after(&self, item: &Item) -> ShardPosition {
        let key: BTreeMap<String, String> = self
            .key_names()
            .iter()
            .filter_map(|name| Some(((*name).to_owned(), item.get(*name)?.as_s().ok()?.clone())))
            .collect();
        ShardPosition::After(key)
    }
}

/// What one shard's Query returned.
#[derive(Debug, Clone, Default)]
pub(super) struct ShardPage {
    /// Its items, in list order.
    pub items: Vec<Item>,
    /// Where it stopped, if it did not reach the shard's end.
    pub last_evaluated: Option<Item>,
}

/// Merges the shards' pages into one page of at most `limit` items in list
/// order, and where each shard stands after it. `pages[i]` is `None` for a
/// shard that was already `Done` (it was not read).
pub(super) fn merge(
    index: &ShardedIndex,
    positions: &[ShardPosition],
    pages: Vec<Option<ShardPage>>,
    limit: usize,
) -> (Vec<Item>, Vec<ShardPosition>) {
    // Nothing a shard has not returned yet comes before where it stopped.
    let bound = pages
        .iter()
        .flatten()
        .filter_map(|page| page.last_evaluated.as_ref())
        .min_by(|a, b| index.order(a, b))
        .cloned();
    let mut candidates: Vec<(usize, &Item)> = pages
        .iter()
        .enumerate()
        .filter_map(|(shard, page)| page.as_ref().map(|p| (shard, p)))
        .flat_map(|(shard, page)| page.items.iter().map(move |item| (shard, item)))
        .collect();
    candidates.sort_by(|(_, a), (_, b)| index.order(a, b));
    let mut taken = vec![0usize; pages.len()];
    let mut last_taken: Vec<Option<&Item>> = vec![None; pages.len()];
    let mut items = Vec::new();
    for (shard, item) in candidates {
        let safe = bound.as_ref().is_none_or(|b| index.order(item, b) != Ordering::Greater);
        if items.len() == limit || !safe {
            break;
        }
        taken[shard] += 1;
        last_taken[shard] = Some(item);
        items.push(item.clone());
    }
    let next = positions
        .iter()
        .zip(&pages)
        .enumerate()
        .map(|(shard, (position, page))| match page {
            None => ShardPosition::Done,
            Some(page) if taken[shard] == page.items.len() => match &page.last_evaluated {
                Some(stop) => index.position_after(stop),
                None => ShardPosition::Done,
            },
            Some(_) => last_taken[shard].map_or_else(|| position.clone(), |item| index.position_after(item)),
        })
        .collect();
    (items, next)
}

/// One page of a sharded list.
pub(super) struct ShardedRead<'a> {
    /// The index.
    pub index: &'a ShardedIndex,
    /// The list's partition key value in each shard.
    pub partition: &'a (dyn Fn(Shard) -> String + Sync),
    /// Any condition on the sort key beyond the partition (` AND …`).
    pub sort_condition: &'a str,
    /// Adds the values of `sort_condition` and any filter.
    pub refine: &'a (dyn Fn(QueryFluentBuilder) -> QueryFluentBuilder + Sync),
}

impl DynamoStore {
    fn sharded_query(&self, read: &ShardedRead<'_>, shard: Shard) -> QueryFluentBuilder {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(read.index.name)
            .key_condition_expression(format!("{} = :pk{}", read.index.pk, read.sort_condition))
            .expression_attribute_values(":pk", super::item::s((read.partition)(shard)))
            .scan_index_forward(!read.index.descending);
        (read.refine)(query)
    }

    /// A page of at most `limit` items and the cursor of the next: every
    /// shard not read to its end is queried at once, each for `limit` items.
    pub(super) async fn fan_out(
        &self,
        read: &ShardedRead<'_>,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<(Vec<Item>, Option<String>), StoreError> {
        let positions = cursor::decode_sharded(cursor, &read.index.key_names(), read.index.pk, read.partition)?;
        let queries: Vec<_> = positions
            .iter()
            .zip(Shard::all())
            .map(|(position, shard)| match position {
                ShardPosition::Done => None,
                _ => Some(tokio::spawn(
                    self.sharded_query(read, shard).limit(limit).set_exclusive_start_key(position.start_key()).send(),
                )),
            })
            .collect();
        let mut pages = Vec::with_capacity(queries.len());
        for query in queries {
            pages.push(match query {
                None => None,
                Some(running) => {
                    let out =
                        running.await.map_err(|e| StoreError::Unavailable(e.to_string()))?.map_err(unavailable)?;
                    Some(ShardPage {
                        last_evaluated: out.last_evaluated_key().cloned(),
                        items: out.items.unwrap_or_default(),
                    })
                }
            });
        }
        let (items, next) = merge(read.index, &positions, pages, usize::try_from(limit).unwrap_or(0));
        Ok((items, cursor::encode_sharded(&next)))
    }

    /// How many items a sharded list holds: a count per shard, all at once.
    pub(super) async fn count_sharded(&self, read: &ShardedRead<'_>) -> Result<u64, StoreError> {
        let counts: Vec<_> = Shard::all()
            .map(|shard| {
                let query = self.sharded_query(read, shard).select(Select::Count);
                tokio::spawn(async move {
                    let mut total = 0u64;
                    let mut start = None;
                    loop {
                        let out = query.clone().set_exclusive_start_key(start).send().await.map_err(unavailable)?;
                        total += u64::try_from(out.count()).unwrap_or(0);
                        match out.last_evaluated_key() {
                            Some(key) => start = Some(key.clone()),
                            None => return Ok::<_, StoreError>(total),
                        }
                    }
                })
            })
            .collect();
        let mut total = 0;
        for count in counts {
            total += count.await.map_err(|e| StoreError::Unavailable(e.to_string()))??;
        }
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::super::item::s;
    use super::*;

    /// An activity-list item of contact `id` at `at` in `shard`.
    fn contact(shard: usize, at: u32, id: &str) -> Item {
        Item::from([
            (keys::PK.to_owned(), s(format!("C#{id}"))),
            (keys::SK.to_owned(), s(keys::PROFILE)),
            (keys::GSI1_PK.to_owned(), s(format!("CONTACTS#{shard}"))),
            (keys::GSI1_SK.to_owned(), s(format!("{at:05}#{id}"))),
        ])
    }

    fn id_of(item: &Item) -> String {
        item[keys::PK].as_s().unwrap().trim_start_matches("C#").to_owned()
    }

    /// Pages through `shards` (each newest first) the way DynamoDB would:
    /// each shard's Query returns up to `limit` items after its position,
    /// skipping (but evaluating) the items `hidden` filters out.
    fn read_all(shards: &[Vec<Item>], limit: usize, hidden: &dyn Fn(&Item) -> bool) -> Vec<Vec<String>> {
        let mut positions = vec![ShardPosition::Start; shards.len()];
        let mut pages = Vec::new();
        for _ in 0..1000 {
            let results = positions
                .iter()
                .zip(shards)
                .map(|(position, shard)| {
                    let rest: Vec<&Item> = match position {
                        ShardPosition::Done => return None,
                        ShardPosition::Start => shard.iter().collect(),
                        ShardPosition::After(_) => {
                            let key = position.start_key().unwrap();
                            shard.iter().filter(|i| ACTIVITY.order(i, &key) == Ordering::Greater).collect()
                        }
                    };
                    let evaluated = &rest[..rest.len().min(limit)];
                    Some(ShardPage {
                        items: evaluated.iter().filter(|i| !hidden(i)).map(|i| (*i).clone()).collect(),
                        last_evaluated: (rest.len() > limit).then(|| evaluated[limit - 1].clone()),
                    })
                })
                .collect();
            let (items, next) = merge(&ACTIVITY, &positions, results, limit);
            assert!(items.len() <= limit);
            pages.push(items.iter().map(id_of).collect());
            if next.iter().all(|p| *p == ShardPosition::Done) {
                return pages;
            }
            assert_ne!(next, positions, "every page moves some shard on");
            positions = next;
        }
        panic!("paging never ended");
    }

    /// 8 uneven shards: shard `s` holds `s * 3` contacts (none in shard 0),
    /// with activity times interleaving across shards.
    fn uneven_shards() -> (Vec<Vec<Item>>, Vec<(u32, String)>) {
        let mut shards = vec![Vec::new(); 8];
        let mut all = Vec::new();
        for (shard, items) in shards.iter_mut().enumerate() {
            for n in 0..shard * 3 {
                let at = u32::try_from(1000 - n * 7 - shard).unwrap();
                let id = format!("{shard}{n:02}");
                items.push(contact(shard, at, &id));
                all.push((at, id));
            }
            items.sort_by(|a, b| ACTIVITY.order(a, b));
        }
        all.sort_by(|a, b| b.cmp(a));
        (shards, all)
    }

    #[test]
    fn pages_across_uneven_shards_hold_every_item_once_in_order() {
        let (shards, all) = uneven_shards();
        let expected: Vec<String> = all.iter().map(|(_, id)| id.clone()).collect();
        for limit in [1, 2, 5, 7, 200] {
            let pages = read_all(&shards, limit, &|_| false);
            assert_eq!(pages.concat(), expected, "page size {limit}");
            let full_pages = pages.iter().rev().skip(1).all(|p| p.len() == limit);
            assert!(full_pages, "without a filter every page but the last is full ({limit}): {pages:?}");
        }
    }

    #[test]
    fn a_filter_that_drops_items_loses_none_of_the_others() {
        let (shards, all) = uneven_shards();
        let hidden = |item: &Item| id_of(item).ends_with('1');
        let expected: Vec<String> = all.iter().map(|(_, id)| id.clone()).filter(|id| !id.ends_with('1')).collect();
        for limit in [1, 3, 4] {
            assert_eq!(read_all(&shards, limit, &hidden).concat(), expected, "page size {limit}");
        }
    }

    #[test]
    fn a_shard_whose_page_was_filtered_away_holds_back_the_others() {
        // Shard 2 holds 00010 (hidden by the filter) then 00009; shard 5
        // holds 00005. A page of one must not hand out 00005 before 00009.
        let shards: Vec<Vec<Item>> = (0..8)
            .map(|shard| match shard {
                2 => vec![contact(2, 10, "hidden"), contact(2, 9, "nine")],
                5 => vec![contact(5, 5, "five")],
                _ => Vec::new(),
            })
            .collect();
        let pages = read_all(&shards, 1, &|item| id_of(item) == "hidden");
        assert_eq!(pages.concat(), ["nine", "five"]);
    }

    #[test]
    fn ascending_lists_merge_lowest_first() {
        let page = |items: Vec<Item>| Some(ShardPage { items, last_evaluated: None });
        let name = |shard: usize, sk: &str| {
            Item::from([
                (keys::PK.to_owned(), s(format!("C#{sk}"))),
                (keys::SK.to_owned(), s(keys::PROFILE)),
                ("gsi6pk".to_owned(), s(format!("NAME#{shard}"))),
                ("gsi6sk".to_owned(), s(sk)),
            ])
        };
        let mut pages = vec![Some(ShardPage::default()); 8];
        pages[1] = page(vec![name(1, "asha"), name(1, "ravi")]);
        pages[6] = page(vec![name(6, "bina"), name(6, "zoya")]);
        let (items, next) = merge(&BY_NAME, &vec![ShardPosition::Start; 8], pages, 3);
        let names: Vec<_> = items.iter().map(|i| i["gsi6sk"].as_s().unwrap().as_str()).collect();
        assert_eq!(names, ["asha", "bina", "ravi"]);
        assert_eq!(next[1], ShardPosition::Done);
        assert_eq!(next[6], BY_NAME.position_after(&name(6, "bina")));
        assert_eq!(next[0], ShardPosition::Done, "an empty shard that was read is done");
    }
}
