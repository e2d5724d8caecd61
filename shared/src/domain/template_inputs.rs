//! The values staff give a template beyond its positional body parameters:
//! the header's value, named body parameters, and the buttons' values. Each
//! is shaped like Meta's parameter object, so the request to Meta is a
//! direct translation.

use serde::{Deserialize, Serialize};

/// Where a media header's file is. Serialized as Meta's media object
/// (`{"link": "https://…"}` or `{"id": "<media id>"}`), or as
/// `{"stored": "<key>"}` for a file in the business's own media bucket,
/// which the sender signs a fresh link to at each attempt (a quotation's
/// PDF outside the 24-hour window).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaSource {
    /// An https URL Meta downloads the file from.
    Link(String),
    /// A media id from an earlier upload to Meta.
    Id(String),
    /// A file among the contact's own in the media bucket.
    Stored(StoredFile),
}

/// A file in the business's media bucket, sent as a template header.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    /// Its key (under the contact's prefix).
    pub key: String,
    /// Its type, as the bucket has it once the send has checked it.
    pub mime_type: String,
}

/// The header's value, one kind per header format.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HeaderInput {
    /// The text header's one parameter.
    Text {
        /// The value.
        text: String,
        /// The placeholder's name, for a named template; filled in from the
        /// catalog when the message is queued.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parameter_name: Option<String>,
    },
    /// An image header.
    Image {
        /// The picture.
        image: MediaSource,
    },
    /// A video header.
    Video {
        /// The video.
        video: MediaSource,
    },
    /// A document header.
    Document {
        /// The file.
        document: MediaSource,
        /// The name the customer sees.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filename: Option<String>,
    },
    /// A location header; coordinates are decimal degrees written out as
    /// text, as Meta's examples send them.
    Location {
        /// Latitude, -90 to 90.
        latitude: String,
        /// Longitude, -180 to 180.
        longitude: String,
        /// The place's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Its address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
}

impl HeaderInput {
    /// The header format this value fits.
    pub fn format_name(&self) -> &'static str {
        match self {
            HeaderInput::Text { .. } => "TEXT",
            HeaderInput::Image { .. } => "IMAGE",
            HeaderInput::Video { .. } => "VIDEO",
            HeaderInput::Document { .. } => "DOCUMENT",
            HeaderInput::Location { .. } => "LOCATION",
        }
    }
}

/// A body parameter of a named template.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedParam {
    /// The placeholder's name, without braces.
    pub parameter_name: String,
    /// The value.
    pub text: String,
}

/// A button's value, by the button's place in the template (from 0).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ButtonInput {
    /// What replaces `{{1}}` at the end of a URL button's address.
    Url {
        /// The button's place.
        index: u8,
        /// The suffix.
        text: String,
    },
    /// The code a copy-code button copies.
    CopyCode {
        /// The button's place.
        index: u8,
        /// The code (at most 15 characters).
        coupon_code: String,
    },
    /// What a quick reply sends back when tapped (instead of its label).
    QuickReply {
        /// The button's place.
        index: u8,
        /// The payload.
        payload: String,
    },
}

impl ButtonInput {
    /// The button's place.
    pub fn index(&self) -> u8 {
        match self {
            ButtonInput::Url { index, .. }
            | ButtonInput::CopyCode { index, .. }
            | ButtonInput::QuickReply { index, .. } => *index,
        }
    }
}

/// Everything but the positional body parameters.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TemplateInputs {
    /// The header's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<HeaderInput>,
    /// Named body parameters (named templates only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub named: Vec<NamedParam>,
    /// Button values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<ButtonInput>,
}

impl TemplateInputs {
    /// The header's file from the bucket, with its type as the bucket has it.
    pub fn with_stored_type(mut self, mime_type: &str) -> Self {
        if let Some(
            HeaderInput::Image { image: MediaSource::Stored(file) }
            | HeaderInput::Video { video: MediaSource::Stored(file) }
            | HeaderInput::Document { document: MediaSource::Stored(file), .. },
        ) = &mut self.header
        {
            mime_type.clone_into(&mut file.mime_type);
        }
        self
    }

    /// Nothing beyond the positional body parameters.
    pub fn is_empty(&self) -> bool {
        self.header.is_none() && self.named.is_empty() && self.buttons.is_empty()
    }

    /// The header's file, when it is one of the business's own.
    pub fn stored_header(&self) -> Option<&StoredFile> {
        let source = match self.header.as_ref()? {
            HeaderInput::Image { image } => image,
            HeaderInput::Video { video } => video,
            HeaderInput::Document { document, .. } => document,
            HeaderInput::Text { .. } | HeaderInput::Location { .. } => return None,
        };
        match source {
            MediaSource::Stored(file) => Some(file),
            MediaSource::Link(_) | MediaSource::Id(_) => None,
        }
    }
}
