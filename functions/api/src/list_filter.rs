//! The `owner`, `tag` and `number` query parameters of the inbox lists.

use crate::ApiError;
use axum::http::StatusCode;
use parley::domain::tags::{normalize_tags, MAX_TAG_LEN};
use parley::ports::{ListFilter, OwnerFilter};

/// The longest business number id accepted (Meta's are about 15 digits).
const MAX_NUMBER_ID_LEN: usize = 32;

/// The filter parameters as they come in (each list's query struct names
/// them itself: `serde(flatten)` would turn its numbers into strings).
pub(crate) struct FilterParams {
    pub(crate) owner: Option<String>,
    pub(crate) tag: Option<String>,
    pub(crate) number: Option<String>,
}

fn invalid(name: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", format!("{name}: {message}"))
        .with_detail("parameter", serde_json::Value::String(name.to_owned()))
}

/// `#vip` or `vip` as the one tag it names (normalized), or `None` when blank.
pub(crate) fn tag_of(text: &str) -> Result<Option<String>, ApiError> {
    let text = text.trim().trim_start_matches('#');
    if text.trim().is_empty() {
        return Ok(None);
    }
    if text.len() > MAX_TAG_LEN {
        return Err(invalid("tag", "too long"));
    }
    let tags = normalize_tags(&[text.to_owned()]).map_err(|e| invalid("tag", &e.to_string()))?;
    Ok(tags.into_iter().next())
}

impl FilterParams {
    /// The filter, or a 422 naming the parameter that cannot be used.
    pub(crate) fn parse(&self) -> Result<ListFilter, ApiError> {
        let owner = match self.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            None => None,
            Some("unassigned") => Some(OwnerFilter::Unassigned),
            Some(email) => {
                let email = parley::domain::user::normalize_email(email);
                let well_formed = email.len() <= 254
                    && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
                    && !email.chars().any(char::is_whitespace);
                if !well_formed {
                    return Err(invalid("owner", "an e-mail address or unassigned"));
                }
                Some(OwnerFilter::Owner(email))
            }
        };
        let tag = self.tag.as_deref().map(tag_of).transpose()?.flatten();
        let number = match self.number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            None => None,
            Some(n) if n.len() <= MAX_NUMBER_ID_LEN && n.bytes().all(|b| b.is_ascii_digit()) => Some(n.to_owned()),
            Some(_) => return Err(invalid("number", "a business phone number id (digits)")),
        };
        Ok(ListFilter { owner, tag, number })
    }
}
