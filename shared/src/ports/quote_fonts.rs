//! Where quote PDFs' fonts come from.

use super::FileError;
use crate::quote_pdf::FontFiles;
use async_trait::async_trait;

/// The fonts quotes are drawn with. On Lambda they ship in a layer of the
/// one function that draws quotes, beside its code rather than in it.
#[async_trait]
pub trait QuoteFonts: Send + Sync {
    /// The files: read on first use, then kept for the process's life.
    async fn fonts(&self) -> Result<&'static FontFiles, FileError>;
}
