//! Settings → Numbers: every business number the deployment knows (those
//! admins set up, the profile's, and every one a customer wrote to), and
//! the admins' edits of what each is called and who takes its new
//! conversations.

use crate::domain::number_profile::{BadNumberProfile, NumberProfile, NumberProfileEdit};
use crate::domain::{AuditEntry, Millis, Role, Session};
use crate::ports::{BusinessNumbers, BusinessProfileStore, Clock, NumberProfileStore, StoreError, UserStore};
use std::collections::BTreeSet;
use std::sync::Arc;

/// A number as the settings screen and the inbox list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownNumber {
    /// Meta's `phone_number_id`.
    pub phone_number_id: String,
    /// What admins set up for it; `None` for a number only seen so far.
    pub profile: Option<NumberProfile>,
}

/// Why an edit is refused.
#[derive(Debug, thiserror::Error)]
pub enum NumberSettingsError {
    /// Only administrators set numbers up.
    #[error("only administrators set up business numbers")]
    Forbidden,
    /// A field Meta or the screens could not take.
    #[error(transparent)]
    Invalid(#[from] BadNumberProfile),
    /// The default owner is not an active teammate.
    #[error("the default owner must be an active teammate")]
    UnknownOwner,
    /// Another admin changed (or removed) the number since the form opened.
    #[error("someone else changed this number meanwhile; reload and try again")]
    Conflict,
    /// No such number set up.
    #[error("number not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The use case.
pub struct NumberSettings {
    profiles: Arc<dyn NumberProfileStore>,
    seen: Arc<dyn BusinessNumbers>,
    business: Arc<dyn BusinessProfileStore>,
    users: Arc<dyn UserStore>,
    clock: Arc<dyn Clock>,
}

impl NumberSettings {
    /// Over the profiles, the numbers customers wrote to, the business
    /// profile (its default number), the team and the clock.
    pub fn new(
        profiles: Arc<dyn NumberProfileStore>,
        seen: Arc<dyn BusinessNumbers>,
        business: Arc<dyn BusinessProfileStore>,
        users: Arc<dyn UserStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        NumberSettings { profiles, seen, business, users, clock }
    }

    /// Every number known, set-up ones first by name, then the others by id.
    pub async fn numbers(&self) -> Result<Vec<KnownNumber>, StoreError> {
        let mut profiles = self.profiles.number_profiles().await?;
        profiles.sort_by_key(|p| p.name.to_lowercase());
        let mut others: BTreeSet<String> = self.seen.known_numbers().await?.into_iter().collect();
        others.extend(self.business.business_profile().await?.and_then(|p| p.phone_number_id));
        for profile in &profiles {
            others.remove(&profile.phone_number_id);
        }
        let set_up =
            profiles.into_iter().map(|p| KnownNumber { phone_number_id: p.phone_number_id.clone(), profile: Some(p) });
        let seen = others.into_iter().map(|phone_number_id| KnownNumber { phone_number_id, profile: None });
        Ok(set_up.chain(seen).collect())
    }

    /// Adds number `id` or changes it, as of the form's `expected_updated_at`.
    pub async fn save(
        &self,
        actor: &Session,
        id: &str,
        edit: &NumberProfileEdit,
    ) -> Result<NumberProfile, NumberSettingsError> {
        if actor.role != Role::Admin {
            return Err(NumberSettingsError::Forbidden);
        }
        let now = self.clock.now().max(Millis(edit.expected_updated_at.map_or(0, |at| at.0 + 1)));
        let profile = NumberProfile::edited(id, edit, now)?;
        if let Some(owner) = &profile.default_owner {
            if !self.users.user(owner).await?.is_some_and(|u| u.active) {
                return Err(NumberSettingsError::UnknownOwner);
            }
        }
        let detail = serde_json::json!({"number": id, "name": profile.name, "default_owner": profile.default_owner});
        let audit = entry(actor, "number_saved", now, detail);
        if !self.profiles.save_number_profile(&profile, edit.expected_updated_at, &audit).await? {
            return Err(NumberSettingsError::Conflict);
        }
        tracing::info!(number = %id, "business number saved");
        Ok(profile)
    }

    /// Forgets what was set up for number `id` (its conversations stay; it
    /// is listed by its id again).
    pub async fn remove(&self, actor: &Session, id: &str, expected: Millis) -> Result<(), NumberSettingsError> {
        if actor.role != Role::Admin {
            return Err(NumberSettingsError::Forbidden);
        }
        let audit = entry(actor, "number_removed", self.clock.now(), serde_json::json!({"number": id}));
        if self.profiles.remove_number_profile(id, expected, &audit).await? {
            return Ok(());
        }
        let exists = self.profiles.number_profiles().await?.iter().any(|p| p.phone_number_id == id);
        Err(if exists { NumberSettingsError::Conflict } else { NumberSettingsError::NotFound })
    }
}

fn entry(actor: &Session, action: &str, at: Millis, detail: serde_json::Value) -> AuditEntry {
    AuditEntry { at, actor: actor.email.clone(), action: action.to_owned(), contact: None, detail: detail.to_string() }
}
