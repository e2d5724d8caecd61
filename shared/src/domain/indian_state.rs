//! Indian states and union territories, by their ISO 3166-2:IN code: where
//! a GST supply happens decides CGST+SGST (same state) or IGST (across).

/// Current ISO 3166-2:IN subdivision codes (2023: CG, OD, TS, UK and the
/// merged DH replace CT, OR, TG, UT, DN and DD).
const CODES: [&str; 36] = [
    "AN", "AP", "AR", "AS", "BR", "CH", "CG", "DH", "DL", "GA", "GJ", "HR", "HP", "JK", "JH", "KA", "KL", "LA", "LD",
    "MP", "MH", "MN", "ML", "MZ", "NL", "OD", "PB", "PY", "RJ", "SK", "TN", "TS", "TR", "UP", "UK", "WB",
];

/// `code` tidied (trimmed, upper case) when it names an Indian state or
/// union territory.
pub fn indian_state(code: &str) -> Option<String> {
    let code = code.trim().to_ascii_uppercase();
    CODES.contains(&code.as_str()).then_some(code)
}

/// The name printed for a state or union territory code (as
/// [`indian_state`] returns it), e.g. on an invoice's place of supply.
pub fn indian_state_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "AN" => "Andaman and Nicobar Islands",
        "AP" => "Andhra Pradesh",
        "AR" => "Arunachal Pradesh",
        "AS" => "Assam",
        "BR" => "Bihar",
        "CH" => "Chandigarh",
        "CG" => "Chhattisgarh",
        "DH" => "Dadra and Nagar Haveli and Daman and Diu",
        "DL" => "Delhi",
        "GA" => "Goa",
        "GJ" => "Gujarat",
        "HR" => "Haryana",
        "HP" => "Himachal Pradesh",
        "JK" => "Jammu and Kashmir",
        "JH" => "Jharkhand",
        "KA" => "Karnataka",
        "KL" => "Kerala",
        "LA" => "Ladakh",
        "LD" => "Lakshadweep",
        "MP" => "Madhya Pradesh",
        "MH" => "Maharashtra",
        "MN" => "Manipur",
        "ML" => "Meghalaya",
        "MZ" => "Mizoram",
        "NL" => "Nagaland",
        "OD" => "Odisha",
        "PB" => "Punjab",
        "PY" => "Puducherry",
        "RJ" => "Rajasthan",
        "SK" => "Sikkim",
        "TN" => "Tamil Nadu",
        "TS" => "Telangana",
        "TR" => "Tripura",
        "UP" => "Uttar Pradesh",
        "UK" => "Uttarakhand",
        "WB" => "West Bengal",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_current_codes_only() {
        assert_eq!(indian_state(" mh ").as_deref(), Some("MH"));
        assert_eq!(indian_state("KA").as_deref(), Some("KA"));
        for stale_or_wrong in ["OR", "UT", "XX", "", "MAH"] {
            assert_eq!(indian_state(stale_or_wrong), None, "{stale_or_wrong}");
        }
    }

    #[test]
    fn every_code_has_a_name() {
        for code in CODES {
            assert!(indian_state_name(code).is_some(), "{code}");
        }
        assert_eq!(indian_state_name("MH"), Some("Maharashtra"));
        assert_eq!(indian_state_name("OR"), None);
    }
}
