//! A customer's opt-in: when it was given, how, and to what. Meta requires
//! a business to hold one before it sends marketing; Parley keeps the proof
//! on the contact so staff (and an auditor) can see where it came from.

use super::Millis;
use serde::{Deserialize, Serialize};

/// What a customer agreed to receive.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentCategory {
    /// Offers and promotions (Meta's marketing templates).
    Marketing,
    /// Order, appointment and account updates (utility templates).
    Utility,
}

impl ConsentCategory {
    /// The stored and public name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentCategory::Marketing => "marketing",
            ConsentCategory::Utility => "utility",
        }
    }

    /// Parses the public name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "marketing" => Some(ConsentCategory::Marketing),
            "utility" => Some(ConsentCategory::Utility),
            _ => None,
        }
    }
}

/// How the opt-in was collected.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// A form: staff's New lead form, or a lead source's web form.
    Form,
    /// A column of an imported list.
    Import,
    /// The customer wrote to the business first (updates only).
    InboundMessage,
    /// The customer sent an opt-in keyword such as START.
    Keyword,
    /// A teammate recorded what the customer told them (a call, the shop).
    Staff,
}

impl ConsentMethod {
    /// The stored and public name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Form => "form",
            ConsentMethod::Import => "import",
            ConsentMethod::InboundMessage => "inbound_message",
            ConsentMethod::Keyword => "keyword",
            ConsentMethod::Staff => "staff",
        }
    }

    /// Parses the public name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Form, Self::Import, Self::InboundMessage, Self::Keyword, Self::Staff]
            .into_iter()
            .find(|method| method.as_str() == text)
    }
}

/// A recorded opt-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// When it was given (recorded).
    pub at: Millis,
    /// How.
    pub method: ConsentMethod,
    /// To what, sorted and without repeats.
    pub categories: Vec<ConsentCategory>,
}

impl Consent {
    /// An opt-in to `categories` (sorted and deduplicated here).
    pub fn new(at: Millis, method: ConsentMethod, categories: impl IntoIterator<Item = ConsentCategory>) -> Self {
        let mut categories: Vec<ConsentCategory> = categories.into_iter().collect();
        categories.sort();
        categories.dedup();
        Consent { at, method, categories }
    }

    /// What writing first implies: the customer asked us something, so
    /// updates about it are welcome; offers are not.
    pub fn by_writing_first(at: Millis) -> Self {
        Consent::new(at, ConsentMethod::InboundMessage, [ConsentCategory::Utility])
    }

    /// Whether it covers offers.
    pub fn covers_marketing(&self) -> bool {
        self.categories.contains(&ConsentCategory::Marketing)
    }
}

/// Why a consent given through the API was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentProblem {
    /// An opt-in to nothing.
    #[error("consent needs at least one category: marketing or utility")]
    NoCategory,
    /// Not a category Parley knows.
    #[error("{0:?} is not a consent category; use marketing or utility")]
    UnknownCategory(String),
    /// The customer's own actions are recorded by Parley, not claimed by staff.
    #[error("staff record consent as form, import or staff; {0} is recorded by Parley itself")]
    NotStaffs(&'static str),
}

/// A consent staff report (New lead, a lead form, the contact panel),
/// checked: keywords and first messages are Parley's to record.
pub fn staff_consent(at: Millis, method: ConsentMethod, categories: &[String]) -> Result<Consent, ConsentProblem> {
    if matches!(method, ConsentMethod::Keyword | ConsentMethod::InboundMessage) {
        return Err(ConsentProblem::NotStaffs(method.as_str()));
    }
    let parsed = categories
        .iter()
        .map(|c| ConsentCategory::parse(c).ok_or_else(|| ConsentProblem::UnknownCategory(c.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    if parsed.is_empty() {
        return Err(ConsentProblem::NoCategory);
    }
    Ok(Consent::new(at, method, parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_kept_sorted_once() {
        let consent = Consent::new(
            Millis(5),
            ConsentMethod::Staff,
            [ConsentCategory::Utility, ConsentCategory::Marketing, ConsentCategory::Utility],
        );
        assert_eq!(consent.categories, vec![ConsentCategory::Marketing, ConsentCategory::Utility]);
        assert!(consent.covers_marketing());
        assert!(!Consent::by_writing_first(Millis(5)).covers_marketing());
    }

    #[test]
    fn staff_cannot_claim_a_keyword_or_an_empty_or_unknown_consent() {
        assert_eq!(
            staff_consent(Millis(1), ConsentMethod::Keyword, &["marketing".into()]),
            Err(ConsentProblem::NotStaffs("keyword"))
        );
        assert_eq!(staff_consent(Millis(1), ConsentMethod::Form, &[]), Err(ConsentProblem::NoCategory));
        assert_eq!(
            staff_consent(Millis(1), ConsentMethod::Form, &["spam".into()]),
            Err(ConsentProblem::UnknownCategory("spam".into()))
        );
        let given = staff_consent(Millis(1), ConsentMethod::Import, &["marketing".into()]);
        assert_eq!(given.map(|c| c.categories), Ok(vec![ConsentCategory::Marketing]));
    }

    #[test]
    fn methods_round_trip_their_names() {
        for method in [
            ConsentMethod::Form,
            ConsentMethod::Import,
            ConsentMethod::InboundMessage,
            ConsentMethod::Keyword,
            ConsentMethod::Staff,
        ] {
            assert_eq!(ConsentMethod::parse(method.as_str()), Some(method));
        }
        assert_eq!(ConsentMethod::parse("phone"), None);
    }
}
