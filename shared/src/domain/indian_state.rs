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
}
