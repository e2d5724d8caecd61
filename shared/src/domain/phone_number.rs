//! A phone number typed by staff, made E.164 with the business's default
//! country, so that it names the same WhatsApp identity (`wa_id`) that the
//! customer's messages will carry.

use super::country::calling_code;

/// The E.164 bounds (country code included).
const MIN_DIGITS: usize = 8;
const MAX_DIGITS: usize = 15;
/// The usual length of a national mobile number (India, the NANP…): a typed
/// number this long after the country's code already holds that code.
const NATIONAL_DIGITS: usize = 10;

/// A number in E.164.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct E164(String);

impl E164 {
    /// `+919876543210`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits without `+`: how Meta spells the `wa_id`.
    pub fn wa_id(&self) -> &str {
        &self.0[1..]
    }
}

/// Why a typed number is not one. The messages never repeat the number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    /// Nothing typed.
    #[error("enter a phone number")]
    Empty,
    /// Letters or symbols other than spaces, dashes, dots, brackets and a leading `+`.
    #[error("a phone number has only digits, spaces, dashes, brackets and a leading +")]
    Characters,
    /// Fewer digits than any real number.
    #[error("the phone number is too short")]
    TooShort,
    /// More digits than E.164 allows.
    #[error("the phone number is too long (E.164 allows at most 15 digits with the country code)")]
    TooLong,
    /// An international number whose country code starts with 0.
    #[error("no country code starts with 0")]
    CountryCode,
    /// The default country is not a country.
    #[error("the business's default country is unknown")]
    UnknownCountry,
}

/// Normalizes what staff typed: `+91 98765-43210`, `0091 9876543210` and,
/// with default country `IN`, `098765 43210` or `9876543210` all become
/// `+919876543210`. A national number loses its trunk `0` and gains the
/// country's calling code.
pub fn normalize_phone(typed: &str, default_country: &str) -> Result<E164, PhoneNumberError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(PhoneNumberError::Empty);
    }
    let (international, rest) = match typed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, typed),
    };
    if !rest.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')')) {
        return Err(PhoneNumberError::Characters);
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let full = if international {
        digits
    } else if let Some(after) = digits.strip_prefix("00") {
        after.to_owned()
    } else {
        let code = calling_code(default_country).ok_or(PhoneNumberError::UnknownCountry)?;
        match digits.strip_prefix('0') {
            // The trunk prefix: a national number.
            Some(national) => format!("{code}{}", national.trim_start_matches('0')),
            // The country code typed without `+` (919876543210 in India):
            // longer than a national number with that code in front.
            None if digits.starts_with(code) && digits.len() >= code.len() + NATIONAL_DIGITS => digits,
            None => format!("{code}{digits}"),
        }
    };
    if full.len() < MIN_DIGITS {
        return Err(PhoneNumberError::TooShort);
    }
    if full.len() > MAX_DIGITS {
        return Err(PhoneNumberError::TooLong);
    }
    if full.starts_with('0') {
        return Err(PhoneNumberError::CountryCode);
    }
    Ok(E164(format!("+{full}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(typed: &str, country: &str) -> String {
        normalize_phone(typed, country).map(|e| e.as_str().to_owned()).unwrap_or_else(|e| panic!("{typed}: {e}"))
    }

    #[test]
    fn national_numbers_take_the_default_country() {
        assert_eq!(ok("98765 43210", "IN"), "+919876543210");
        assert_eq!(ok("098765-43210", "IN"), "+919876543210", "trunk 0 dropped");
        assert_eq!(ok("(631) 555-1181", "US"), "+16315551181");
        assert_eq!(ok("020 7946 0958", "GB"), "+442079460958");
        assert_eq!(ok("030 123456", "DE"), "+4930123456");
    }

    #[test]
    fn international_prefixes_win_over_the_default_country() {
        assert_eq!(ok("+91 98765 43210", "US"), "+919876543210");
        assert_eq!(ok("0091 98765 43210", "US"), "+919876543210");
        assert_eq!(ok("  +1 631.555.1181 ", "IN"), "+16315551181");
        assert_eq!(ok("919876543210", "IN"), "+919876543210", "country code typed without +");
        assert_eq!(ok("9123456789", "IN"), "+919123456789", "a national number that starts like the code");
    }

    #[test]
    fn the_wa_id_is_the_digits() {
        assert_eq!(normalize_phone("9876543210", "IN").unwrap().wa_id(), "919876543210");
    }

    #[test]
    fn refuses_what_cannot_be_a_number_without_repeating_it() {
        assert_eq!(normalize_phone("  ", "IN"), Err(PhoneNumberError::Empty));
        assert_eq!(normalize_phone("98765abc", "IN"), Err(PhoneNumberError::Characters));
        assert_eq!(normalize_phone("+91+98765", "IN"), Err(PhoneNumberError::Characters));
        assert_eq!(normalize_phone("12345", "IN"), Err(PhoneNumberError::TooShort));
        assert_eq!(normalize_phone("+123", "IN"), Err(PhoneNumberError::TooShort));
        assert_eq!(normalize_phone("+1234567890123456", "IN"), Err(PhoneNumberError::TooLong));
        assert_eq!(normalize_phone("98765432101234", "IN"), Err(PhoneNumberError::TooLong));
        assert_eq!(normalize_phone("+0123456789", "IN"), Err(PhoneNumberError::CountryCode));
        assert_eq!(normalize_phone("9876543210", "ZZ"), Err(PhoneNumberError::UnknownCountry));
        let error = normalize_phone("98765abc43210", "IN").unwrap_err().to_string();
        assert!(!error.contains("98765"), "{error}");
    }
}
