//! The three CRCs the AWS SDK checksums S3 bodies with, and nothing else.
//!
//! aws-smithy-checksums (through aws-sdk-s3) asks crates.io's crc-fast for
//! CRC-32, CRC-32C and CRC-64/NVME only. crc-fast links the lookup tables of
//! all fifty algorithms it knows, 680 KB that no linker can drop because the
//! table is chosen by a runtime match (awesomized/crc-fast-rust#61), and
//! random tables hardly compress: they were a sixth of every gzipped
//! function that reaches S3. This crate answers the same calls with the
//! `crc` crate's byte-at-a-time tables, 4 KB for the three; S3 bodies here
//! are exports, imports and quote PDFs of a few megabytes at most, so the
//! slower loop costs milliseconds at worst.

use crc::Crc;

static CRC32_ISO_HDLC: Crc<u32> = Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
static CRC32_ISCSI: Crc<u32> = Crc::<u32>::new(&crc::CRC_32_ISCSI);
static CRC64_NVME: Crc<u64> = Crc::<u64>::new(&crc::CRC_64_NVME);

/// The algorithms the SDK names; crc-fast's other variants are left out, so
/// a new caller of one fails to compile rather than computing a wrong sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrcAlgorithm {
    Crc32IsoHdlc,
    Crc32Iscsi,
    Crc64Nvme,
}

/// A running checksum; `finalize` can be called at any point and the digest
/// kept, as crc-fast allows.
#[derive(Clone)]
pub struct Digest(Running);

#[derive(Clone)]
enum Running {
    Crc32IsoHdlc(crc::Digest<'static, u32>),
    Crc32Iscsi(crc::Digest<'static, u32>),
    Crc64Nvme(crc::Digest<'static, u64>),
}

impl Digest {
    pub fn new(algorithm: CrcAlgorithm) -> Self {
        Self(match algorithm {
            CrcAlgorithm::Crc32IsoHdlc => Running::Crc32IsoHdlc(CRC32_ISO_HDLC.digest()),
            CrcAlgorithm::Crc32Iscsi => Running::Crc32Iscsi(CRC32_ISCSI.digest()),
            CrcAlgorithm::Crc64Nvme => Running::Crc64Nvme(CRC64_NVME.digest()),
        })
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.0 {
            Running::Crc32IsoHdlc(digest) | Running::Crc32Iscsi(digest) => digest.update(bytes),
            Running::Crc64Nvme(digest) => digest.update(bytes),
        }
    }

    /// The checksum so far, widened to 64 bits for the 32-bit algorithms.
    pub fn finalize(&self) -> u64 {
        match self.0.clone() {
            Running::Crc32IsoHdlc(digest) | Running::Crc32Iscsi(digest) => u64::from(digest.finalize()),
            Running::Crc64Nvme(digest) => digest.finalize(),
        }
    }

    pub fn algorithm(&self) -> CrcAlgorithm {
        match self.0 {
            Running::Crc32IsoHdlc(_) => CrcAlgorithm::Crc32IsoHdlc,
            Running::Crc32Iscsi(_) => CrcAlgorithm::Crc32Iscsi,
            Running::Crc64Nvme(_) => CrcAlgorithm::Crc64Nvme,
        }
    }
}

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Digest").field("algorithm", &self.algorithm()).finish_non_exhaustive()
    }
}

/// The checksum of `bytes` in one call.
pub fn checksum(algorithm: CrcAlgorithm, bytes: &[u8]) -> u64 {
    let mut digest = Digest::new(algorithm);
    digest.update(bytes);
    digest.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The check values of the CRC catalogue (reveng.sourceforge.io) for the
    // nine bytes "123456789", the same ones crc-fast's own tests use.
    const CHECK_INPUT: &[u8] = b"123456789";

    #[test]
    fn each_algorithm_gives_the_catalogue_check_value() {
        assert_eq!(checksum(CrcAlgorithm::Crc32IsoHdlc, CHECK_INPUT), 0xcbf4_3926);
        assert_eq!(checksum(CrcAlgorithm::Crc32Iscsi, CHECK_INPUT), 0xe306_9283);
        assert_eq!(checksum(CrcAlgorithm::Crc64Nvme, CHECK_INPUT), 0xae8b_1486_0a79_9888);
    }

    #[test]
    fn a_body_fed_in_pieces_sums_as_it_does_whole() {
        let body: Vec<u8> = (0..10_000u32).map(|i| (i * 31 % 251) as u8).collect();
        for algorithm in [CrcAlgorithm::Crc32IsoHdlc, CrcAlgorithm::Crc32Iscsi, CrcAlgorithm::Crc64Nvme] {
            let mut digest = Digest::new(algorithm);
            for piece in body.chunks(777) {
                digest.update(piece);
            }
            assert_eq!(digest.finalize(), checksum(algorithm, &body), "{algorithm:?}");
        }
    }

    #[test]
    fn finalize_leaves_the_digest_running() {
        let mut digest = Digest::new(CrcAlgorithm::Crc32IsoHdlc);
        digest.update(b"12345");
        let partial = digest.finalize();
        digest.update(b"6789");
        assert_eq!(partial, checksum(CrcAlgorithm::Crc32IsoHdlc, b"12345"));
        assert_eq!(digest.finalize(), 0xcbf4_3926);
    }

    #[test]
    fn an_empty_body_sums_to_the_algorithms_empty_value() {
        assert_eq!(checksum(CrcAlgorithm::Crc32IsoHdlc, b""), 0);
        assert_eq!(checksum(CrcAlgorithm::Crc64Nvme, b""), 0);
    }
}
