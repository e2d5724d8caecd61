//! The tokens one AI call used, and what they cost.

use super::ai_settings::AiSettings;

/// Tokens a provider counted for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AiUsage {
    /// Tokens sent (the prompt).
    pub input_tokens: u64,
    /// Tokens answered.
    pub output_tokens: u64,
}

impl AiUsage {
    /// The cost at the admin's per-1k prices, in the business's currency.
    pub fn cost(&self, settings: &AiSettings) -> f64 {
        // Token counts stay far below 2^52: the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        let (input, output) = (self.input_tokens as f64, self.output_tokens as f64);
        (input * settings.input_price_per_1k + output * settings.output_price_per_1k) / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_is_per_thousand_tokens_each_way() {
        let settings = AiSettings { input_price_per_1k: 0.5, output_price_per_1k: 2.0, ..AiSettings::default() };
        let usage = AiUsage { input_tokens: 1200, output_tokens: 300 };
        assert!((usage.cost(&settings) - 1.2).abs() < 1e-9);
        assert_eq!(AiUsage::default().cost(&settings), 0.0);
    }
}
