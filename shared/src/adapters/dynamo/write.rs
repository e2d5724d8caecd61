//! One write of a transaction as plain data: what the webhook's per-message
//! transaction is built as, so that the direct writer can put it straight
//! into DynamoDB's JSON while the SDK path turns it into the SDK's model.
//!
//! Why not the SDK's types throughout: they hold every item and every set
//! of expression values in a `HashMap<String, _>`, which hashes and
//! allocates each attribute's name, then is walked again to be written
//! out. For the ten writes of an inbound message that was about as much
//! CPU as the rest of building them (perf of a loop of builds: hashing,
//! and the allocator behind it, a third of the samples). Here names are
//! mostly `&'static str` and attributes keep the order they were set in.

use super::item::{s, Item};
use super::keys;
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use std::borrow::Cow;

/// An attribute's or an expression placeholder's name.
pub(super) type Name = Cow<'static, str>;

/// Named attribute values in the order they were set (an item, a key, or
/// an expression's values). A name set twice is written twice; builders
/// set each once.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Attributes(Vec<(Name, AttributeValue)>);

impl Attributes {
    /// Room for `capacity` attributes.
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Attributes(Vec::with_capacity(capacity))
    }

    /// A key `{pk, sk}`, with room for `more` attributes after it.
    pub(super) fn key(pk: impl Into<String>, sk: impl Into<String>, more: usize) -> Self {
        let mut attributes = Attributes::with_capacity(2 + more);
        attributes.set(keys::PK, s(pk));
        attributes.set(keys::SK, s(sk));
        attributes
    }

    /// Sets `name` to `value`.
    pub(super) fn set(&mut self, name: impl Into<Name>, value: AttributeValue) {
        self.0.push((name.into(), value));
    }

    /// Takes `name`'s value out.
    pub(super) fn remove(&mut self, name: &str) -> Option<AttributeValue> {
        let at = self.0.iter().position(|(n, _)| n == name)?;
        Some(self.0.remove(at).1)
    }

    /// The attributes in the order they were set.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &AttributeValue)> {
        self.0.iter().map(|(name, value)| (name.as_ref(), value))
    }

    /// How many there are.
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// As the SDK holds them.
    pub(super) fn into_item(self) -> Item {
        self.0.into_iter().map(|(name, value)| (name.into_owned(), value)).collect()
    }
}

impl IntoIterator for Attributes {
    type Item = (Name, AttributeValue);
    type IntoIter = std::vec::IntoIter<(Name, AttributeValue)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// What a write does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Operation {
    /// Puts `attributes` as the item.
    Put,
    /// Updates the item at the key `attributes` by `update`.
    Update,
    /// Fails the transaction unless the item at the key `attributes` meets
    /// the condition.
    ConditionCheck,
}

/// One write of a transaction.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PlainWrite {
    pub(super) operation: Operation,
    pub(super) table: String,
    /// The item of a put, the key of anything else.
    pub(super) attributes: Attributes,
    pub(super) update: Option<String>,
    pub(super) condition: Option<Name>,
    pub(super) names: Vec<(Name, Name)>,
    pub(super) values: Attributes,
    /// A failed condition returns the item as it was (in the cancellation
    /// reason), so the caller can decide without reading it.
    pub(super) old_on_failure: bool,
}

impl PlainWrite {
    /// Puts `item` into `table`.
    pub(super) fn put(table: &str, item: Attributes) -> Self {
        PlainWrite::new(Operation::Put, table, item)
    }

    /// Updates the item at `key` in `table` by `expression`.
    pub(super) fn update(table: &str, key: Attributes, expression: impl Into<String>) -> Self {
        PlainWrite { update: Some(expression.into()), ..PlainWrite::new(Operation::Update, table, key) }
    }

    /// Checks the item at `key` in `table` against `condition`.
    pub(super) fn check(table: &str, key: Attributes, condition: impl Into<Name>) -> Self {
        PlainWrite::new(Operation::ConditionCheck, table, key).condition(condition)
    }

    fn new(operation: Operation, table: &str, attributes: Attributes) -> Self {
        PlainWrite {
            operation,
            table: table.to_owned(),
            attributes,
            update: None,
            condition: None,
            names: Vec::new(),
            values: Attributes::default(),
            old_on_failure: false,
        }
    }

    /// Only if `condition` holds.
    pub(super) fn condition(mut self, condition: impl Into<Name>) -> Self {
        self.condition = Some(condition.into());
        self
    }

    /// With the expressions' `values`.
    pub(super) fn values(mut self, values: Attributes) -> Self {
        self.values = values;
        self
    }

    /// With the expressions' placeholder `names`.
    pub(super) fn names(mut self, names: Vec<(Name, Name)>) -> Self {
        self.names = names;
        self
    }

    /// Returning the item as it was when its condition fails.
    pub(super) fn old_on_failure(mut self) -> Self {
        self.old_on_failure = true;
        self
    }

    /// The write as the SDK's model.
    pub(super) fn into_sdk(self) -> Result<TransactWriteItem, StoreError> {
        let on_failure = self.old_on_failure.then_some(ReturnValuesOnConditionCheckFailure::AllOld);
        let names = (!self.names.is_empty())
            .then(|| self.names.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect());
        let values = (!self.values.is_empty()).then(|| self.values.into_item());
        let condition = self.condition.map(Cow::into_owned);
        let attributes = Some(self.attributes.into_item());
        let built = match self.operation {
            Operation::Put => Put::builder()
                .table_name(self.table)
                .set_item(attributes)
                .set_condition_expression(condition)
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values)
                .set_return_values_on_condition_check_failure(on_failure)
                .build()
                .map(|put| TransactWriteItem::builder().put(put).build()),
            Operation::Update => Update::builder()
                .table_name(self.table)
                .set_key(attributes)
                .set_update_expression(self.update)
                .set_condition_expression(condition)
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values)
                .set_return_values_on_condition_check_failure(on_failure)
                .build()
                .map(|update| TransactWriteItem::builder().update(update).build()),
            Operation::ConditionCheck => ConditionCheck::builder()
                .table_name(self.table)
                .set_key(attributes)
                .set_condition_expression(condition)
                .set_expression_attribute_names(names)
                .set_expression_attribute_values(values)
                .set_return_values_on_condition_check_failure(on_failure)
                .build()
                .map(|check| TransactWriteItem::builder().condition_check(check).build()),
        };
        built.map_err(super::unavailable)
    }
}

/// One write of a transaction: plain (the per-message writes), or already
/// in the SDK's model (the rarer writes that share the transaction).
#[derive(Debug, Clone)]
pub(super) enum Write {
    Plain(PlainWrite),
    /// Boxed: the SDK's item is six times a plain one.
    Sdk(Box<TransactWriteItem>),
}

impl Write {
    /// The write as the SDK's model.
    pub(super) fn into_sdk(self) -> Result<TransactWriteItem, StoreError> {
        match self {
            Write::Plain(plain) => plain.into_sdk(),
            Write::Sdk(item) => Ok(*item),
        }
    }
}

impl From<PlainWrite> for Write {
    fn from(plain: PlainWrite) -> Self {
        Write::Plain(plain)
    }
}

impl From<TransactWriteItem> for Write {
    fn from(item: TransactWriteItem) -> Self {
        Write::Sdk(Box::new(item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::dynamo::item::n;

    #[test]
    fn a_plain_write_becomes_the_sdk_write_with_every_part() {
        let mut values = Attributes::default();
        values.set(":at", n(5));
        let update = PlainWrite::update("t", Attributes::key("C#1", "PROFILE", 0), "SET #s = :at")
            .condition("attribute_exists(pk)")
            .names(vec![("#s".into(), "status".into())])
            .values(values)
            .old_on_failure()
            .into_sdk()
            .unwrap();
        let update = update.update().unwrap();
        assert_eq!(update.table_name(), "t");
        assert_eq!(update.key().get("pk"), Some(&s("C#1")));
        assert_eq!(update.key().get("sk"), Some(&s("PROFILE")));
        assert_eq!(update.update_expression(), "SET #s = :at");
        assert_eq!(update.condition_expression(), Some("attribute_exists(pk)"));
        assert_eq!(update.expression_attribute_names().unwrap().get("#s").map(String::as_str), Some("status"));
        assert_eq!(update.expression_attribute_values().unwrap().get(":at"), Some(&n(5)));
        assert_eq!(
            update.return_values_on_condition_check_failure(),
            Some(&ReturnValuesOnConditionCheckFailure::AllOld)
        );

        let mut item = Attributes::key("W#1", "W", 1);
        item.set("contact_id", s("c"));
        let put = PlainWrite::put("t", item).into_sdk().unwrap();
        let put = put.put().unwrap();
        assert_eq!(put.item().len(), 3);
        assert_eq!((put.condition_expression(), put.expression_attribute_values()), (None, None));

        let check =
            PlainWrite::check("t", Attributes::key("X#1", "X", 0), "attribute_not_exists(pk)").into_sdk().unwrap();
        assert_eq!(check.condition_check().unwrap().condition_expression(), "attribute_not_exists(pk)");
    }

    #[test]
    fn attributes_keep_their_order_and_give_one_up_by_name() {
        let mut item = Attributes::key("P", "S", 2);
        item.set("b", s("2"));
        item.set(String::from("a"), s("1"));
        assert_eq!(item.remove("b"), Some(s("2")));
        assert_eq!(item.remove("b"), None);
        let names: Vec<&str> = item.iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["pk", "sk", "a"]);
    }
}
