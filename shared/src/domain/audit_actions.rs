//! Every action the audit log records, by the code it records.
//!
//! One list for three readers: the store checks each line it writes against
//! it in debug builds, so a test that records a new code fails until the code
//! is listed; the API's document gives it as the `action` field's values; and
//! the web app's type check refuses a catalog without words for each.

/// The codes: conversations and contacts, the team, deals and quotes,
/// tasks and rules, campaigns and imports, integrations, then settings.
pub const AUDIT_ACTIONS: &[&str] = &[
    "assign",
    "transfer",
    "unassign",
    "close",
    "reopen",
    "send",
    "opt_in",
    "opt_out",
    "clear_opt_out",
    "merge",
    "merge_suggested",
    "erase",
    "export",
    "contact_export",
    "invite",
    "reissue_invite",
    "password_reset_link",
    "revoke_link",
    "update_user",
    "set_password",
    "change_password",
    "deal_create",
    "deal_update",
    "deal_moved",
    "stage_move",
    "pipeline",
    "quote_create",
    "quote_update",
    "quote_moved",
    "quote_sent",
    "quote_accepted",
    "quote_declined",
    "quote_invoiced",
    "quote_paid",
    "product_put",
    "product_delete",
    "task_update",
    "task_due",
    "task_cancelled_by_reply",
    "rule_create",
    "rule_update",
    "rule_delete",
    "rule_executed",
    "campaign_create",
    "campaign_paused",
    "campaign_resumed",
    "campaign_cancelled",
    "import_create",
    "lead_source_create",
    "lead_source_update",
    "lead_source_rotate",
    "lead_source_delete",
    "webhook_create",
    "webhook_update",
    "webhook_delete",
    "webhook_rotate_secret",
    "webhook_redeliver",
    "number_saved",
    "number_removed",
    "account_token_set",
    "account_token_removed",
    "business_profile",
    "business_hours",
    "business_hours_cleared",
    "rate_card",
    "consent_settings",
    "ai_settings",
    "dead_letters_redriven",
];

/// Whether `code` is one the audit log records.
pub fn is_audit_action(code: &str) -> bool {
    AUDIT_ACTIONS.contains(&code)
}

/// In debug builds, fails where a store is handed a line whose code is not
/// listed: the check both the DynamoDB store and the memory ones make.
#[track_caller]
pub fn debug_assert_listed(code: &str) {
    debug_assert!(is_audit_action(code), "the audit action {code:?} is not in AUDIT_ACTIONS");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_is_listed_once_and_reads_as_a_word() {
        let mut seen = std::collections::HashSet::new();
        for code in AUDIT_ACTIONS {
            assert!(seen.insert(code), "{code} is listed twice");
            assert!(!code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
        }
        assert!(is_audit_action("invite"));
        assert!(!is_audit_action("number.save"));
    }
}
