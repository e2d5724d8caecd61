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
}

impl TemplateStatusChange {
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
