//! Who of a campaign's segment gets the message, with what parameters,
//! and what it costs: the same judgement for the live count staff see
//! before sending and for each recipient the worker reaches.

use super::campaign::{Audience, Exclusion, ParamSource};
use super::pricing::RateCards;
use super::template::{Category, Template};
use super::template_component::ParameterFormat;
use super::{Contact, Millis};
use serde::Serialize;
use std::collections::BTreeMap;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// What the segment's rules say of one contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not in the segment.
    Outside,
    /// In the segment, but gets nothing.
    Excluded {
        /// Why.
        reason: Exclusion,
        /// For a missing field: which.
        field: Option<String>,
    },
    /// Gets the message with these body parameters (positional, or by
    /// name for a named template).
    Send(Vec<(String, String)>),
}

/// The rules of one campaign at one moment.
#[derive(Debug, Clone)]
pub struct AudienceRules<'a> {
    /// The segment.
    pub audience: &'a Audience,
    /// Where each parameter comes from.
    pub params: &'a [ParamSource],
    /// The template.
    pub template: &'a Template,
    /// The business's strict consent mode.
    pub strict: bool,
    /// The time.
    pub now: Millis,
}

impl AudienceRules<'_> {
    /// Judges one contact.
    pub fn judge(&self, contact: &Contact) -> Verdict {
        if !self.in_segment(contact) {
            return Verdict::Outside;
        }
        let excluded = |reason| Verdict::Excluded { reason, field: None };
        if contact.wa_id.is_none() && contact.user_id.is_none() {
            return excluded(Exclusion::NoIdentity);
        }
        let marketing = self.template.category == Category::Marketing;
        let opted_in_only = self.audience.opted_in_only.unwrap_or(false);
        if contact.opted_out && (marketing || opted_in_only) {
            return excluded(Exclusion::OptedOut);
        }
        let opted_in = contact.consent.as_ref().is_some_and(super::consent::Consent::covers_marketing);
        if !opted_in && (opted_in_only || (marketing && self.strict)) {
            return excluded(Exclusion::NoConsent);
        }
        let mut values = Vec::new();
        for (i, source) in self.params.iter().enumerate() {
            let name = match self.template.parameter_format {
                ParameterFormat::Named => self.template.body_param_names.get(i).cloned().unwrap_or_default(),
                ParameterFormat::Positional => (i + 1).to_string(),
            };
            match param_value(source, contact) {
                Some(value) => values.push((name, value)),
                None => {
                    let field = match source {
                        ParamSource::Field { field, .. } => Some(field.clone()),
                        ParamSource::Text { .. } => None,
                    };
                    return Verdict::Excluded { reason: Exclusion::MissingField, field };
                }
            }
        }
        Verdict::Send(values)
    }

    fn in_segment(&self, contact: &Contact) -> bool {
        let a = self.audience;
        let owner_ok = match a.owner.as_deref() {
            None => true,
            Some("unassigned") => contact.conversation.owner.is_none(),
            Some(owner) => contact.conversation.owner.as_deref() == Some(owner),
        };
        let source = contact.source.as_deref().unwrap_or(super::source_figures::UNKNOWN_SOURCE);
        let source_ok = match a.source.as_deref() {
            None => true,
            Some(prefix) if prefix.ends_with(':') => source.starts_with(prefix),
            Some(wanted) => source == wanted,
        };
        let field_ok = a
            .field
            .as_ref()
            .is_none_or(|f| contact.fields.get(&f.name).is_some_and(|v| v.trim().eq_ignore_ascii_case(f.value.trim())));
        let recent_ok = a
            .inbound_within_days
            .is_none_or(|days| contact.last_inbound_at.is_some_and(|at| self.now.0 - at.0 <= i64::from(days) * DAY_MS));
        owner_ok && source_ok && field_ok && recent_ok && a.tag.as_ref().is_none_or(|tag| contact.tags.contains(tag))
    }
}

/// A parameter's text for `contact`; `None` when its field is empty and
/// it has no fallback.
fn param_value(source: &ParamSource, contact: &Contact) -> Option<String> {
    match source {
        ParamSource::Text { text } => Some(text.clone()),
        ParamSource::Field { field, fallback } => {
            let value = match field.as_str() {
                "name" => contact.shown_name().map(str::to_owned),
                "first_name" => contact.shown_name().and_then(|n| n.split_whitespace().next()).map(str::to_owned),
                key => contact.fields.get(key).cloned(),
            };
            value
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .or_else(|| fallback.clone().filter(|f| !f.trim().is_empty()))
        }
    }
}

/// Why a template cannot be a campaign's.
pub fn template_problem(template: &Template, params: &[ParamSource]) -> Option<String> {
    if !template.is_approved() {
        return Some(format!("the template {} is not approved by Meta", template.name));
    }
    if template.category == Category::Authentication {
        return Some("an authentication template cannot go to a campaign".into());
    }
    if params.len() != template.body_params {
        return Some(format!("the template takes {} parameters; {} were given", template.body_params, params.len()));
    }
    None
}

/// The cost of one market's recipients.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MarketCost {
    /// The calling code priced (`other` for the rest of the world).
    pub market: String,
    /// Recipients in it.
    pub recipients: u64,
    /// What they cost, in minor units of `currency`.
    pub amount_minor: u64,
    /// The card's currency.
    pub currency: String,
}

/// A running estimate, market by market.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CostTally {
    markets: BTreeMap<String, MarketCost>,
}

impl CostTally {
    /// Counts one recipient of a `category` template in.
    pub fn add(&mut self, rates: &RateCards, contact: &Contact, category: Category, now: Millis) {
        let wa_id = contact.wa_id.as_deref();
        let estimate = rates.estimate(wa_id, category, contact.window.is_open(now));
        let market = rates.market_of(wa_id).unwrap_or("other").to_owned();
        let cost = self.markets.entry(market.clone()).or_insert_with(|| MarketCost {
            market,
            currency: estimate.currency.clone(),
            ..MarketCost::default()
        });
        cost.recipients += 1;
        cost.amount_minor += estimate.amount_minor;
    }

    /// Adds another tally in (a later page's).
    pub fn merge(&mut self, other: &[MarketCost]) {
        for cost in other {
            let entry = self.markets.entry(cost.market.clone()).or_insert_with(|| MarketCost {
                market: cost.market.clone(),
                currency: cost.currency.clone(),
                ..MarketCost::default()
            });
            entry.recipients += cost.recipients;
            entry.amount_minor += cost.amount_minor;
        }
    }

    /// The markets, most recipients first.
    pub fn markets(&self) -> Vec<MarketCost> {
        let mut markets: Vec<MarketCost> = self.markets.values().cloned().collect();
        markets.sort_by(|a, b| b.recipients.cmp(&a.recipients).then(a.market.cmp(&b.market)));
        markets
    }

    /// The total in `currency` (markets priced in another are left out:
    /// the caller shows those apart).
    pub fn total_in(&self, currency: &str) -> u64 {
        self.markets.values().filter(|m| m.currency == currency).map(|m| m.amount_minor).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::campaign::FieldChoice;
    use crate::domain::consent::{Consent, ConsentCategory, ConsentMethod};
    use crate::domain::ContactId;

    fn contact(wa: Option<&str>) -> Contact {
        let mut c = Contact::blank(ContactId::parse("0123456789abcdef01234567").unwrap(), "pn", Millis(0));
        c.wa_id = wa.map(str::to_owned);
        c.name = Some("Asha Rao".into());
        c.tags = vec!["diwali".into()];
        c
    }

    fn offer(params: usize) -> Template {
        let body = (1..=params).map(|i| format!("{{{{{i}}}}}")).collect::<Vec<_>>().join(" ");
        Template::body_only("offer", "en", Category::Marketing, "APPROVED", &format!("Hi {body}"))
    }

    #[test]
    fn each_exclusion_has_its_reason_and_fields_fill_the_parameters() {
        let audience = Audience { tag: Some("diwali".into()), ..Audience::default() };
        let params = [
            ParamSource::Field { field: "first_name".into(), fallback: None },
            ParamSource::Field { field: "city".into(), fallback: None },
        ];
        let template = offer(2);
        let rules =
            AudienceRules { audience: &audience, params: &params, template: &template, strict: true, now: Millis(0) };
        let mut asha = contact(Some("919812345678"));
        assert_eq!(rules.judge(&asha), Verdict::Excluded { reason: Exclusion::NoConsent, field: None });
        asha.consent = Some(Consent::new(Millis(0), ConsentMethod::Form, [ConsentCategory::Marketing]));
        assert_eq!(
            rules.judge(&asha),
            Verdict::Excluded { reason: Exclusion::MissingField, field: Some("city".into()) }
        );
        asha.fields.insert("city".into(), " Pune ".into());
        assert_eq!(rules.judge(&asha), Verdict::Send(vec![("1".into(), "Asha".into()), ("2".into(), "Pune".into())]));
        asha.opted_out = true;
        assert_eq!(rules.judge(&asha), Verdict::Excluded { reason: Exclusion::OptedOut, field: None });
        assert_eq!(rules.judge(&contact(None)), Verdict::Excluded { reason: Exclusion::NoIdentity, field: None });
        asha.tags.clear();
        assert_eq!(rules.judge(&asha), Verdict::Outside);
    }

    #[test]
    fn the_segment_narrows_by_field_source_and_recent_inbound() {
        let audience = Audience {
            field: Some(FieldChoice { name: "city".into(), value: "pune".into() }),
            source: Some("lead:".into()),
            inbound_within_days: Some(7),
            ..Audience::default()
        };
        let params = [ParamSource::Field { field: "name".into(), fallback: Some("friend".into()) }];
        let template = offer(1);
        let now = Millis(30 * DAY_MS);
        let rules = AudienceRules { audience: &audience, params: &params, template: &template, strict: false, now };
        let mut c = contact(Some("919812345678"));
        c.fields.insert("city".into(), "Pune".into());
        c.source = Some("lead:indiamart".into());
        c.last_inbound_at = Some(Millis(25 * DAY_MS));
        c.name = None;
        assert_eq!(rules.judge(&c), Verdict::Send(vec![("1".into(), "friend".into())]));
        c.last_inbound_at = Some(Millis(20 * DAY_MS));
        assert_eq!(rules.judge(&c), Verdict::Outside);
        c.last_inbound_at = Some(Millis(25 * DAY_MS));
        c.source = Some("import".into());
        assert_eq!(rules.judge(&c), Verdict::Outside);
    }

    #[test]
    fn the_estimate_is_kept_per_market() {
        let rates = RateCards::default();
        let mut tally = CostTally::default();
        for wa in ["919812345678", "919812345679", "5511987654321"] {
            tally.add(&rates, &contact(Some(wa)), Category::Marketing, Millis(0));
        }
        let markets = tally.markets();
        assert_eq!(markets[0].market, "91");
        assert_eq!(markets[0].recipients, 2);
        let india = rates.estimate(Some("919812345678"), Category::Marketing, false).amount_minor;
        assert_eq!(markets[0].amount_minor, 2 * india);
        assert_eq!(
            tally.total_in("INR"),
            markets.iter().filter(|m| m.currency == "INR").map(|m| m.amount_minor).sum::<u64>()
        );
        assert_eq!(markets.iter().map(|m| m.recipients).sum::<u64>(), 3);
    }
}
