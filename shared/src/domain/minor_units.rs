//! Exact money arithmetic in minor units (paise, cents): integer maths with
//! one documented rounding rule, so the browser's preview, the server's
//! totals and the PDF always agree to the paisa.

/// Basis points in one whole (100% = 10 000 bp).
pub const BASIS_POINTS: i128 = 10_000;

/// Thousandths in one unit of quantity.
pub const QUANTITY_SCALE: i128 = 1_000;

/// An amount that does not fit in an `i64` of minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the amounts add up to more than can be counted")]
pub struct AmountOverflow;

/// `numerator / denominator` rounded half up (half a paisa rounds to a whole
/// one). Both are non-negative: quotes never hold negative amounts.
pub fn divide_half_up(numerator: i128, denominator: i128) -> Result<i64, AmountOverflow> {
    if numerator < 0 || denominator <= 0 {
        return Err(AmountOverflow);
    }
    let doubled = numerator.checked_mul(2).ok_or(AmountOverflow)?;
    let rounded = (doubled + denominator) / (2 * denominator);
    i64::try_from(rounded).map_err(|_| AmountOverflow)
}

/// `part` basis points of `amount`, rounded half up.
pub fn share(amount: i64, basis_points: u32) -> Result<i64, AmountOverflow> {
    divide_half_up(i128::from(amount) * i128::from(basis_points), BASIS_POINTS)
}

/// A sum that refuses to wrap.
pub fn checked_sum(amounts: impl IntoIterator<Item = i64>) -> Result<i64, AmountOverflow> {
    amounts.into_iter().try_fold(0i64, |total, amount| total.checked_add(amount).ok_or(AmountOverflow))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_up_and_the_rest_to_the_nearest() {
        assert_eq!(divide_half_up(5, 10), Ok(1));
        assert_eq!(divide_half_up(4, 10), Ok(0));
        assert_eq!(divide_half_up(15, 10), Ok(2));
        assert_eq!(divide_half_up(14, 10), Ok(1));
        assert_eq!(divide_half_up(0, 7), Ok(0));
        assert_eq!(divide_half_up(20, 10), Ok(2));
    }

    #[test]
    fn shares_are_exact_basis_points() {
        assert_eq!(share(10_000, 1_800), Ok(1_800));
        // 18% of ₹0.25 is 4.5 paise: rounds up to 5.
        assert_eq!(share(25, 1_800), Ok(5));
        assert_eq!(share(24, 1_800), Ok(4));
        assert_eq!(share(i64::MAX, 10_000), Ok(i64::MAX));
    }

    #[test]
    fn refuses_what_does_not_fit_or_is_negative() {
        assert_eq!(share(i64::MAX, 10_001), Err(AmountOverflow));
        assert_eq!(divide_half_up(-1, 10), Err(AmountOverflow));
        assert_eq!(divide_half_up(1, 0), Err(AmountOverflow));
        assert_eq!(checked_sum([i64::MAX, 1]), Err(AmountOverflow));
        assert_eq!(checked_sum([40, 2]), Ok(42));
    }
}
