//! Amounts in minor units as a printed document shows them: the currency's
//! own number of decimals, Indian digit grouping (lakh, crore) with ₹ for
//! rupees, thousands grouping with the ISO code in front for the rest. Also
//! the rates and quantities printed beside them.

/// How many decimals `currency` (ISO 4217) has: 0 for the yen and its
/// kind, 3 for the Gulf and North African dinars, 2 for everything else.
pub fn exponent(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "UYI" | "VND"
        | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// `minor` units of `currency` ready to print: `₹1,23,456.78`,
/// `USD 1,234.50`, `JPY 1,500`.
pub fn format_money(minor: i64, currency: &str) -> String {
    let number = format_amount(minor, currency);
    if currency == "INR" {
        format!("₹{number}")
    } else {
        format!("{currency} {number}")
    }
}

/// The number alone (no symbol or code), grouped as the currency's
/// readers expect.
pub fn format_amount(minor: i64, currency: &str) -> String {
    let exponent = exponent(currency);
    let scale = 10u64.pow(exponent);
    let magnitude = minor.unsigned_abs();
    let whole = group(magnitude / scale, currency == "INR");
    let sign = if minor < 0 { "-" } else { "" };
    if exponent == 0 {
        format!("{sign}{whole}")
    } else {
        let fraction = magnitude % scale;
        format!("{sign}{whole}.{fraction:0width$}", width = exponent as usize)
    }
}

/// Digits with commas: the last three together, then pairs in the Indian
/// system (12,34,567) or threes elsewhere (1,234,567).
fn group(value: u64, indian: bool) -> String {
    let digits = value.to_string();
    let (head, last_three) = digits.split_at(digits.len().saturating_sub(3));
    let size = if indian { 2 } else { 3 };
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = head;
    while !rest.is_empty() {
        let (left, right) = rest.split_at(rest.len().saturating_sub(size));
        groups.push(right);
        rest = left;
    }
    groups.reverse();
    groups.push(last_three);
    groups.join(",")
}

/// A rate in basis points as a percentage without trailing zeros:
/// 1800 → `18%`, 1250 → `12.5%`, 925 → `9.25%`.
pub fn format_percent(basis_points: u32) -> String {
    format!("{}%", decimal(u64::from(basis_points), 100))
}

/// A quantity in thousandths without trailing zeros: 2500 → `2.5`.
pub fn format_quantity(quantity_milli: i64) -> String {
    let sign = if quantity_milli < 0 { "-" } else { "" };
    format!("{sign}{}", decimal(quantity_milli.unsigned_abs(), 1_000))
}

fn decimal(value: u64, scale: u64) -> String {
    let whole = value / scale;
    let fraction = value % scale;
    if fraction == 0 {
        return whole.to_string();
    }
    let width = scale.ilog10() as usize;
    let digits = format!("{fraction:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupees_group_in_lakhs_and_crores() {
        assert_eq!(format_money(12_345_678, "INR"), "₹1,23,456.78");
        assert_eq!(format_money(123_456_789_012, "INR"), "₹1,23,45,67,890.12");
        assert_eq!(format_money(99_999, "INR"), "₹999.99");
        assert_eq!(format_money(100_000, "INR"), "₹1,000.00");
        assert_eq!(format_money(5, "INR"), "₹0.05");
        assert_eq!(format_money(0, "INR"), "₹0.00");
    }

    #[test]
    fn other_currencies_group_in_thousands_behind_their_code() {
        assert_eq!(format_money(123_450, "USD"), "USD 1,234.50");
        assert_eq!(format_money(123_456_789, "EUR"), "EUR 1,234,567.89");
        assert_eq!(format_money(99_900, "GBP"), "GBP 999.00");
        assert_eq!(format_money(1_000_000, "AED"), "AED 10,000.00");
    }

    #[test]
    fn zero_and_three_decimal_currencies() {
        assert_eq!(format_money(1_500, "JPY"), "JPY 1,500");
        assert_eq!(format_money(1_234_567, "KRW"), "KRW 1,234,567");
        assert_eq!(format_money(7, "VND"), "VND 7");
        assert_eq!(format_money(1_234_567, "KWD"), "KWD 1,234.567");
        assert_eq!(format_money(5, "BHD"), "BHD 0.005");
        assert_eq!(format_amount(10_250, "OMR"), "10.250");
    }

    #[test]
    fn rates_and_quantities_drop_trailing_zeros() {
        assert_eq!(format_percent(1_800), "18%");
        assert_eq!(format_percent(1_250), "12.5%");
        assert_eq!(format_percent(925), "9.25%");
        assert_eq!(format_percent(0), "0%");
        assert_eq!(format_quantity(2_500), "2.5");
        assert_eq!(format_quantity(3_000), "3");
        assert_eq!(format_quantity(1), "0.001");
        assert_eq!(format_quantity(1_250_050), "1250.05");
    }

    #[test]
    fn the_largest_amount_prints() {
        assert_eq!(format_amount(i64::MAX, "USD"), "92,233,720,368,547,758.07");
        assert_eq!(format_amount(i64::MIN, "JPY"), "-9,223,372,036,854,775,808");
    }
}
