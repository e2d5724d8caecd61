//! Who the business is: its name, and the country, currency and time zone
//! that phone numbers, money and days are read in.

use super::business_day::BusinessDay;
use super::country::calling_code;
use super::currency::is_currency;
use serde::{Deserialize, Serialize};

/// The business profile (one per deployment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessProfile {
    /// The business's name, as staff see it.
    pub name: String,
    /// ISO 3166-1 alpha-2: the country of numbers typed without a country code.
    pub country: String,
    /// ISO 4217: what estimates, deal values and reports are shown in.
    pub currency: String,
    /// IANA time zone (`Asia/Kolkata`): when a business day starts.
    pub time_zone: String,
    /// Meta's `phone_number_id` that new conversations start from; until
    /// set, the number the latest customer wrote to.
    pub phone_number_id: Option<String>,
}

impl Default for BusinessProfile {
    /// Parley's behaviour before the profile existed: an Indian shop.
    fn default() -> Self {
        BusinessProfile {
            name: String::new(),
            country: "IN".to_owned(),
            currency: "INR".to_owned(),
            time_zone: "Asia/Kolkata".to_owned(),
            phone_number_id: None,
        }
    }
}

/// Why a profile cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The name is longer than a name.
    #[error("the business name is at most {MAX_NAME} characters")]
    NameTooLong,
    /// Not an ISO 3166-1 alpha-2 code.
    #[error("country must be an ISO 3166-1 alpha-2 code such as IN or US")]
    Country,
    /// Not an ISO 4217 code.
    #[error("currency must be an ISO 4217 code such as INR or USD")]
    Currency,
    /// Not shaped like an IANA zone name, or not in the zone database.
    #[error("time zone must be an IANA name such as Asia/Kolkata or UTC")]
    TimeZone,
    /// Not Meta's numeric id.
    #[error("the WhatsApp phone number id is Meta's numeric id")]
    PhoneNumberId,
}

/// The longest business name kept.
pub const MAX_NAME: usize = 120;

/// The first part of every IANA zone name in use (besides `UTC`).
const ZONE_AREAS: &[&str] = &[
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
    "Etc",
];

impl BusinessProfile {
    /// Trims and upper-cases what staff typed, then checks every field.
    pub fn validated(self) -> Result<Self, ProfileError> {
        let profile = BusinessProfile {
            name: self.name.split_whitespace().collect::<Vec<_>>().join(" "),
            country: self.country.trim().to_ascii_uppercase(),
            currency: self.currency.trim().to_ascii_uppercase(),
            time_zone: self.time_zone.trim().to_owned(),
            phone_number_id: self.phone_number_id.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()),
        };
        if profile.name.chars().count() > MAX_NAME {
            return Err(ProfileError::NameTooLong);
        }
        if calling_code(&profile.country).is_none() {
            return Err(ProfileError::Country);
        }
        if !is_currency(&profile.currency) {
            return Err(ProfileError::Currency);
        }
        if !is_time_zone_name(&profile.time_zone) || BusinessDay::in_zone(&profile.time_zone).is_err() {
            return Err(ProfileError::TimeZone);
        }
        if profile.phone_number_id.as_deref().is_some_and(|p| p.len() > 32 || !p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ProfileError::PhoneNumberId);
        }
        Ok(profile)
    }
}

/// Whether `name` has the shape of an IANA zone: `UTC`, or a known area
/// then one or two `/`-separated parts of letters, digits, `_`, `-`, `+`.
fn is_time_zone_name(name: &str) -> bool {
    if name == "UTC" {
        return true;
    }
    let mut parts = name.split('/');
    let area_known = parts.next().is_some_and(|area| ZONE_AREAS.contains(&area));
    let rest: Vec<&str> = parts.collect();
    let part_ok = |p: &&str| {
        !p.is_empty()
            && p.len() <= 30
            && p.starts_with(|c: char| c.is_ascii_uppercase())
            && p.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+'))
    };
    area_known && (1..=2).contains(&rest.len()) && rest.iter().all(part_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(country: &str, currency: &str, zone: &str) -> BusinessProfile {
        BusinessProfile {
            name: "  Asha   Textiles ".into(),
            country: country.into(),
            currency: currency.into(),
            time_zone: zone.into(),
            phone_number_id: Some(" 106540352242922 ".into()),
        }
    }

    #[test]
    fn defaults_are_todays_indian_behaviour() {
        let d = BusinessProfile::default();
        assert_eq!((d.country.as_str(), d.currency.as_str(), d.time_zone.as_str()), ("IN", "INR", "Asia/Kolkata"));
        assert_eq!(d.clone().validated(), Ok(d));
    }

    #[test]
    fn tidies_what_was_typed() {
        let p = profile(" us ", "usd", "America/New_York").validated().unwrap();
        assert_eq!(p.name, "Asha Textiles");
        assert_eq!((p.country.as_str(), p.currency.as_str()), ("US", "USD"));
        assert_eq!(p.phone_number_id.as_deref(), Some("106540352242922"));
        for zone in ["UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Asia/Kolkata"] {
            assert!(profile("IN", "INR", zone).validated().is_ok(), "{zone}");
        }
    }

    #[test]
    fn refuses_unknown_codes_and_zone_shapes() {
        assert_eq!(profile("XX", "INR", "UTC").validated(), Err(ProfileError::Country));
        assert_eq!(profile("IND", "INR", "UTC").validated(), Err(ProfileError::Country));
        assert_eq!(profile("IN", "RUP", "UTC").validated(), Err(ProfileError::Currency));
        for zone in [
            "",
            "Kolkata",
            "Mars/Olympus",
            "Asia/Atlantis",
            "Asia/",
            "Asia/kolkata",
            "Asia/Kol kata",
            "Asia/../x",
            "IST",
        ] {
            assert_eq!(profile("IN", "INR", zone).validated(), Err(ProfileError::TimeZone), "{zone}");
        }
        let mut long = profile("IN", "INR", "UTC");
        long.name = "x".repeat(MAX_NAME + 1);
        assert_eq!(long.validated(), Err(ProfileError::NameTooLong));
        let mut id = profile("IN", "INR", "UTC");
        id.phone_number_id = Some("12ab".into());
        assert_eq!(id.validated(), Err(ProfileError::PhoneNumberId));
    }
}
