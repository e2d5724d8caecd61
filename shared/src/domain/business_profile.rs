//! Who the business is: its name, and the country, currency and time zone
//! that phone numbers, money and days are read in.

use super::business_day::BusinessDay;
use super::country::calling_code;
use super::currency::is_currency;
use super::indian_state::indian_state;
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
    /// The Indian state or union territory the business is registered in
    /// (`MH`): a quote's place of supply is compared with it for GST.
    #[serde(default)]
    pub state: Option<String>,
    /// The tax registration printed on quotes and invoices (a GSTIN, a VAT
    /// number), as issued.
    #[serde(default)]
    pub tax_id: Option<String>,
    /// The postal address printed on quotes and invoices, a line per line.
    #[serde(default)]
    pub address: String,
    /// Whether opening a conversation tells the customer's phone their
    /// message was read (blue ticks).
    #[serde(default = "switched_on")]
    pub read_receipts: bool,
    /// Whether the customer sees "typing…" while staff write an answer.
    #[serde(default = "switched_on")]
    pub typing_indicator: bool,
}

fn switched_on() -> bool {
    true
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
            state: None,
            tax_id: None,
            address: String::new(),
            read_receipts: true,
            typing_indicator: true,
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
    /// Not a code of an Indian state or union territory.
    #[error("state must be the code of an Indian state or union territory, such as MH or KA")]
    State,
    /// Longer or stranger than any tax registration.
    #[error("the tax id is at most {MAX_TAX_ID} letters, digits, spaces, dots and dashes")]
    TaxId,
    /// Longer than an address.
    #[error("the address is at most {MAX_ADDRESS_LINES} lines of {MAX_ADDRESS_LINE} characters")]
    Address,
}

/// The longest business name kept.
pub const MAX_NAME: usize = 120;
/// The longest tax id kept (a GSTIN has 15 characters, EU VAT ids up to 14).
pub const MAX_TAX_ID: usize = 20;
/// The most address lines printed.
pub const MAX_ADDRESS_LINES: usize = 5;
/// The longest address line printed.
pub const MAX_ADDRESS_LINE: usize = 80;

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
            state: self.state.map(|s| s.trim().to_ascii_uppercase()).filter(|s| !s.is_empty()),
            tax_id: self.tax_id.map(|t| t.trim().to_ascii_uppercase()).filter(|t| !t.is_empty()),
            address: self.address.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n"),
            ..self
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
        if profile.state.as_deref().is_some_and(|s| indian_state(s).is_none()) {
            return Err(ProfileError::State);
        }
        let tax_id_ok = |t: &str| {
            t.len() <= MAX_TAX_ID && t.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'.' | b'-'))
        };
        if profile.tax_id.as_deref().is_some_and(|t| !tax_id_ok(t)) {
            return Err(ProfileError::TaxId);
        }
        let lines: Vec<&str> = profile.address.lines().collect();
        if lines.len() > MAX_ADDRESS_LINES || lines.iter().any(|l| l.chars().count() > MAX_ADDRESS_LINE) {
            return Err(ProfileError::Address);
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
            state: Some(" mh ".into()),
            tax_id: Some(" 27aaapl1234c1z5 ".into()),
            address: "  12 Linking Road \n\n Bandra West, Mumbai 400050 ".into(),
            ..BusinessProfile::default()
        }
    }

    #[test]
    fn the_documents_details_are_tidied_and_checked() {
        let p = profile("IN", "INR", "Asia/Kolkata").validated().unwrap();
        assert_eq!(p.state.as_deref(), Some("MH"));
        assert_eq!(p.tax_id.as_deref(), Some("27AAAPL1234C1Z5"));
        assert_eq!(p.address, "12 Linking Road\nBandra West, Mumbai 400050");
        let bad_state = BusinessProfile { state: Some("XX".into()), ..profile("IN", "INR", "Asia/Kolkata") };
        assert_eq!(bad_state.validated(), Err(ProfileError::State));
        let bad_tax =
            BusinessProfile { tax_id: Some("27AAAPL<script>".into()), ..profile("IN", "INR", "Asia/Kolkata") };
        assert_eq!(bad_tax.validated(), Err(ProfileError::TaxId));
        let long = BusinessProfile { address: "a\nb\nc\nd\ne\nf".into(), ..profile("IN", "INR", "Asia/Kolkata") };
        assert_eq!(long.validated(), Err(ProfileError::Address));
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
