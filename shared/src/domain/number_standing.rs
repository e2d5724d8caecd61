//! How Meta rates a business number: its quality and messaging limit
//! (`phone_number_quality_update`) and the account's standing
//! (`account_update`: verified, restricted, disabled, a policy violation).
//! Admins see the latest of each on the health page; a number flagged for
//! low quality or an account restriction is what stops campaigns first.

use super::Millis;

/// Which of Meta's webhooks said it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandingKind {
    /// `phone_number_quality_update`.
    Quality,
    /// `account_update`.
    Account,
}

/// One change Meta reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandingChange {
    /// The business number as Meta shows it (display number), or the
    /// account's id when the event is about the whole account.
    pub number: String,
    /// Meta named no number: the event is about the whole WhatsApp Business
    /// Account (how Meta's `account_update` examples come).
    pub account_wide: bool,
    /// Quality or account.
    pub kind: StandingKind,
    /// Meta's event: `FLAGGED`, `UNFLAGGED`, `UPGRADE`, `DOWNGRADE`,
    /// `ACCOUNT_VIOLATION`, `ACCOUNT_RESTRICTION`, `DISABLED_UPDATE`, …
    pub event: String,
    /// The messaging limit now (`TIER_1K`, `TIER_UNLIMITED`), for quality.
    pub limit: Option<String>,
    /// Meta's reason, for an account event (its violation type or
    /// restriction), when given.
    pub detail: Option<String>,
    /// When Meta sent it.
    pub at: Millis,
}

/// The latest Meta said of one number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumberStanding {
    /// The display number, or the account's id when `account_wide`.
    pub number: String,
    /// What Meta said is about the whole account, not one number.
    pub account_wide: bool,
    /// The latest quality event, and when.
    pub quality: Option<(String, Millis)>,
    /// The messaging limit the latest quality event gave.
    pub limit: Option<String>,
    /// The latest account event, its detail, and when.
    pub account: Option<(String, Option<String>, Millis)>,
}

impl NumberStanding {
    /// Whether it needs an admin's attention: flagged for low quality, a
    /// lower limit, or an account Meta restricted, disabled or found in
    /// violation.
    pub fn needs_attention(&self) -> bool {
        let quality = self.quality.as_ref().is_some_and(|(e, _)| matches!(e.as_str(), "FLAGGED" | "DOWNGRADE"));
        let account = self.account.as_ref().is_some_and(|(e, _, _)| {
            matches!(e.as_str(), "ACCOUNT_VIOLATION" | "ACCOUNT_RESTRICTION" | "DISABLED_UPDATE" | "BAN_STATE")
        });
        quality || account
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_a_downgrade_or_a_restriction_needs_attention_and_an_upgrade_does_not() {
        let at = Millis(1);
        let quality = |e: &str| NumberStanding { quality: Some((e.into(), at)), ..Default::default() };
        assert!(quality("FLAGGED").needs_attention() && quality("DOWNGRADE").needs_attention());
        assert!(!quality("UPGRADE").needs_attention() && !quality("UNFLAGGED").needs_attention());
        let account = |e: &str| NumberStanding { account: Some((e.into(), None, at)), ..Default::default() };
        assert!(account("ACCOUNT_RESTRICTION").needs_attention());
        assert!(!account("VERIFIED_ACCOUNT").needs_attention());
    }
}
