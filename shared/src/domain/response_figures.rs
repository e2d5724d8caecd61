//! First-response figures kept as running aggregates (a count, a sum and a
//! fixed histogram per day and agent), so that the report reads a few small
//! items instead of every contact.
//!
//! The median and the 90th percentile are read off the histogram: the
//! nearest-rank sample's bucket, reported as that bucket's upper bound. So
//! they are approximate: never below the true value, and at most one bucket
//! above it (buckets are 5 to 15 seconds wide up to a minute, then about a
//! third of their bound at most). The count is exact; the mean is exact.

/// The buckets' upper bounds, in seconds (a sample `s` falls in the first
/// bucket whose bound is `>= s`); one more bucket holds everything longer.
pub const BUCKET_BOUNDS: [i64; 40] = [
    5, 10, 15, 20, 30, 45, 60, 90, 120, 150, 180, 240, 300, 360, 420, 480, 600, 720, 900, 1_200, 1_500, 1_800, 2_400,
    3_000, 3_600, 5_400, 7_200, 10_800, 14_400, 21_600, 28_800, 43_200, 57_600, 86_400, 129_600, 172_800, 259_200,
    345_600, 432_000, 604_800,
];

/// How many buckets a histogram has.
pub const BUCKETS: usize = BUCKET_BOUNDS.len() + 1;

/// The bucket a response time (milliseconds) falls in.
pub fn bucket_of(ms: i64) -> usize {
    let seconds = ms.max(0).saturating_add(999) / 1000;
    BUCKET_BOUNDS.iter().position(|bound| seconds <= *bound).unwrap_or(BUCKET_BOUNDS.len())
}

/// Aggregated first responses of one group (a day and agent, or any sum of those).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseFigures {
    /// Conversations answered.
    pub count: u64,
    /// Their response times added up, in milliseconds.
    pub sum_ms: i64,
    /// How many fell in each bucket.
    pub buckets: [u64; BUCKETS],
}

impl Default for ResponseFigures {
    fn default() -> Self {
        ResponseFigures { count: 0, sum_ms: 0, buckets: [0; BUCKETS] }
    }
}

impl ResponseFigures {
    /// Adds one response time.
    pub fn record(&mut self, ms: i64) {
        self.count += 1;
        self.sum_ms = self.sum_ms.saturating_add(ms);
        self.buckets[bucket_of(ms)] += 1;
    }

    /// Adds another group's figures.
    pub fn merge(&mut self, other: &ResponseFigures) {
        self.count += other.count;
        self.sum_ms = self.sum_ms.saturating_add(other.sum_ms);
        for (mine, theirs) in self.buckets.iter_mut().zip(other.buckets) {
            *mine += theirs;
        }
    }

    /// The nearest-rank percentile `p` (0..=100), as its bucket's upper
    /// bound in seconds (the last, open bucket: its lower bound).
    pub fn percentile_seconds(&self, p: u32) -> Option<i64> {
        if self.count == 0 {
            return None;
        }
        let rank = (u64::from(p.min(100)) * self.count).div_ceil(100).max(1);
        let mut seen = 0;
        for (bucket, count) in self.buckets.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Some(BUCKET_BOUNDS.get(bucket).copied().unwrap_or(BUCKET_BOUNDS[BUCKET_BOUNDS.len() - 1]));
            }
        }
        None
    }

    /// The mean, in whole seconds.
    pub fn mean_seconds(&self) -> Option<i64> {
        let count = i64::try_from(self.count).ok().filter(|c| *c > 0)?;
        Some(self.sum_ms / count / 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::metrics::percentile;

    #[test]
    fn buckets_are_ordered_and_cover_everything() {
        assert!(BUCKET_BOUNDS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(5_000), 0);
        assert_eq!(bucket_of(5_001), 1);
        assert_eq!(bucket_of(3_600_000), BUCKET_BOUNDS.iter().position(|b| *b == 3_600).unwrap());
        assert_eq!(bucket_of(30 * 86_400_000), BUCKETS - 1);
    }

    #[test]
    fn percentiles_bound_the_exact_ones_from_above_within_a_bucket() {
        let samples: Vec<i64> = [3, 12, 40, 65, 200, 700, 3_000, 4_000, 90_000, 100_000].map(|s| s * 1000).to_vec();
        let mut figures = ResponseFigures::default();
        samples.iter().for_each(|ms| figures.record(*ms));
        let mut sorted = samples.clone();
        sorted.sort_unstable();
        for p in [50, 90] {
            let exact = percentile(&sorted, p).unwrap() / 1000;
            let approximate = figures.percentile_seconds(p).unwrap();
            assert!(approximate >= exact, "p{p}: {approximate} < {exact}");
            assert_eq!(bucket_of(approximate * 1000), bucket_of(exact * 1000), "p{p}: the same bucket");
        }
        assert_eq!(figures.count, 10);
        assert_eq!(figures.mean_seconds(), Some(19_802));
        assert!(figures.percentile_seconds(50).unwrap() <= figures.percentile_seconds(90).unwrap());
    }

    #[test]
    fn merged_groups_count_as_one() {
        let (mut a, mut b) = (ResponseFigures::default(), ResponseFigures::default());
        a.record(1_000);
        b.record(600_000);
        b.record(700_000);
        a.merge(&b);
        assert_eq!(a.count, 3);
        assert_eq!(a.percentile_seconds(50), Some(600));
        assert_eq!(ResponseFigures::default().percentile_seconds(50), None);
    }
}
