//! A change Meta made to a template's status (`message_template_status_update`):
//! approved, rejected, paused, disabled, reinstated…

use super::Millis;

/// One template status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateStatusChange {
    /// The template's name.
    pub name: String,
    /// Its language code, as Meta names it (`en_US`).
    pub language: String,
    /// The new status as Parley keeps it (`APPROVED`, `PAUSED`,
    /// `REJECTED`…); Meta's `REINSTATED` and `UNPAUSE` events are `APPROVED`.
    pub status: String,
    /// Why, when Meta said: a pause's description, a rejection's reason.
    pub reason: Option<String>,
    /// When Meta sent it: a change older than the one kept is ignored.
    pub at: Millis,
    /// The account whose catalog holds the template: Meta's entry id, until
    /// [`TemplateStatusChange::seen_from`] clears it for the deployment's own.
    pub waba_id: Option<String>,
}

impl TemplateStatusChange {
    /// The change as the catalog keys it: the deployment's own account
    /// (`own_waba_id`) is no account at all, as in [`super::template::Template`].
    /// A deployment that names no account of its own has only that one.
    pub fn seen_from(mut self, own_waba_id: &str) -> Self {
        if own_waba_id.is_empty() || self.waba_id.as_deref() == Some(own_waba_id) {
            self.waba_id = None;
        }
        self
    }

    /// The status Parley keeps for Meta's `event` (and, for a pause
    /// lifted, its `other_info.title`).
    pub fn status_of(event: &str, title: Option<&str>) -> String {
        match (event, title) {
            ("REINSTATED", _) | (_, Some("UNPAUSE")) => "APPROVED".to_owned(),
            (other, _) => other.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lifted_pause_and_a_reinstatement_make_the_template_approved_again() {
        assert_eq!(TemplateStatusChange::status_of("REINSTATED", None), "APPROVED");
        assert_eq!(TemplateStatusChange::status_of("PAUSED", Some("UNPAUSE")), "APPROVED");
        assert_eq!(TemplateStatusChange::status_of("PAUSED", Some("FIRST_PAUSE")), "PAUSED");
        assert_eq!(TemplateStatusChange::status_of("REJECTED", None), "REJECTED");
    }
}
