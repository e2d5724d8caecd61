//! Quote fonts read from a directory: on Lambda the api-quotes function's
//! layer (`/opt/fonts`), locally the repository's `shared/fonts`.

use crate::ports::FileError;
use crate::ports::QuoteFonts;
use crate::quote_pdf::fonts::FaceId;
use crate::quote_pdf::FontFiles;
use async_trait::async_trait;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Where Lambda mounts the fonts layer.
pub const LAYER_DIR: &str = "/opt/fonts";

/// The four files of a directory, read on the first quote drawn.
pub struct FontDirectory {
    dir: PathBuf,
    read: OnceLock<&'static FontFiles>,
}

impl FontDirectory {
    /// The fonts in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FontDirectory { dir: dir.into(), read: OnceLock::new() }
    }

    fn read_all(&self) -> Result<FontFiles, FileError> {
        let mut files: [Vec<u8>; 4] = Default::default();
        for (file, id) in files.iter_mut().zip(FaceId::ALL) {
            // 1.5 MB from the function's own disk, once per container: not
            // worth a blocking-pool hop.
            *file = std::fs::read(self.dir.join(id.file_name()))
                .map_err(|e| FileError(format!("the font {} could not be read: {e}", id.file_name())))?;
        }
        Ok(FontFiles::new(files))
    }
}

#[async_trait]
impl QuoteFonts for FontDirectory {
    async fn fonts(&self) -> Result<&'static FontFiles, FileError> {
        if let Some(files) = self.read.get() {
            return Ok(files);
        }
        let files = self.read_all()?;
        // Kept for the container's life, like the binary's own pages would be.
        Ok(self.read.get_or_init(|| Box::leak(Box::new(files))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_shipped_fonts_are_read_once_and_a_missing_one_is_named() {
        let shipped = FontDirectory::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts"));
        let first = shipped.fonts().await.unwrap();
        assert!(std::ptr::eq(first, shipped.fonts().await.unwrap()), "read once");
        assert!(crate::quote_pdf::fonts::Faces::parse(first).is_ok());
        let empty = FontDirectory::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
        let error = empty.fonts().await.unwrap_err().to_string();
        assert!(error.contains("NotoSans-Regular.ttf"), "{error}");
    }
}
