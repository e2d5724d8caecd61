//! A quotation reaches the customer on WhatsApp: its PDF, rendered from the
//! quote as it stands, is kept in the media bucket among the contact's own
//! files (so erasure takes it with them), and goes as a document with
//! "Accept" and "Ask a question" reply buttons while the customer's 24-hour
//! window is open, or as a utility template with the PDF as its header
//! (see [`crate::domain::quote_template`]) once it has closed. Either tap
//! comes back through [`crate::app::quote_replies`].

use crate::domain::business_day::BusinessDay;
use crate::domain::outbound::OutboundContent;
use crate::domain::outbound_media::{upload_key, MediaKind, OutboundFile};
use crate::domain::quote::{Quote, QuoteState};
use crate::domain::quote_template::{choose, quote_template_content, QuoteAnswers, QuoteTemplateValues};
use crate::domain::reply_button::ReplyButton;
use crate::domain::{BusinessProfile, Contact, Millis};
use crate::ports::{
    BusinessProfileStore, Clock, ConversationStore, FileError, MediaVault, QuoteFonts, StoreError, TemplateCatalog,
};
use crate::quote_pdf::{format_money, render_pdf, Party, QuoteDocument, QuotePdfError};
use std::sync::Arc;

/// Why a quote's PDF could not be made or kept.
#[derive(Debug, thiserror::Error)]
pub enum QuoteDeliveryError {
    /// The quote's contact is gone (erased or merged away).
    #[error("the quote's contact no longer exists")]
    NoContact,
    /// The PDF could not be rendered.
    #[error(transparent)]
    Pdf(#[from] QuotePdfError),
    /// The amounts do not fit.
    #[error(transparent)]
    Overflow(#[from] crate::domain::minor_units::AmountOverflow),
    /// The bucket failed.
    #[error("the quote's PDF could not be stored: {0}")]
    Bucket(#[from] FileError),
    /// The fonts could not be read (a broken deployment: the layer is missing).
    #[error("the quote's PDF could not be drawn: {0}")]
    Fonts(FileError),
    /// The window is closed and the catalog has no template a quote can go as.
    #[error("the customer's 24-hour window is closed and no approved utility template with a document header can carry a quotation; add one (its body may ask for customer_name, quote_number, total and valid_until) and sync templates")]
    NoTemplate,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A rendered quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteFile {
    /// `QT-2026-0001.pdf` (or the invoice's number once invoiced).
    pub filename: String,
    /// The PDF.
    pub bytes: Vec<u8>,
}

/// What a reply button of a quote's message says back: `quote:<id>:accept`.
pub fn button_id(quote_id: &str, answer: QuoteAnswer) -> String {
    format!("quote:{quote_id}:{}", answer.as_str())
}

/// The customer's answer to a quote, by the button they tapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteAnswer {
    /// "Accept".
    Accept,
    /// "Ask a question".
    Ask,
}

impl QuoteAnswer {
    fn as_str(self) -> &'static str {
        match self {
            QuoteAnswer::Accept => "accept",
            QuoteAnswer::Ask => "ask",
        }
    }

    /// The quote id and answer a button id carries, if it is one of ours.
    pub fn parse(button_id: &str) -> Option<(&str, QuoteAnswer)> {
        let rest = button_id.strip_prefix("quote:")?;
        let (id, answer) = rest.rsplit_once(':')?;
        let answer = match answer {
            "accept" => QuoteAnswer::Accept,
            "ask" => QuoteAnswer::Ask,
            _ => return None,
        };
        (id.starts_with("qt.") && id.len() <= 40).then_some((id, answer))
    }
}

/// The quote PDF and WhatsApp document use case.
pub struct QuoteDelivery {
    fonts: Arc<dyn QuoteFonts>,
    media: Arc<dyn MediaVault>,
    business: Arc<dyn BusinessProfileStore>,
    contacts: Arc<dyn ConversationStore>,
    templates: Arc<dyn TemplateCatalog>,
    clock: Arc<dyn Clock>,
}

impl QuoteDelivery {
    /// Wires the use case.
    pub fn new(
        fonts: Arc<dyn QuoteFonts>,
        media: Arc<dyn MediaVault>,
        business: Arc<dyn BusinessProfileStore>,
        contacts: Arc<dyn ConversationStore>,
        templates: Arc<dyn TemplateCatalog>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        QuoteDelivery { fonts, media, business, contacts, templates, clock }
    }

    /// The quote's PDF as it stands now, dated in the business's zone the
    /// day it was issued (a draft: today), so a copy fetched later is the
    /// same document.
    pub async fn render(&self, quote: &Quote) -> Result<QuoteFile, QuoteDeliveryError> {
        let contact = self.contacts.contact(&quote.contact_id).await?.ok_or(QuoteDeliveryError::NoContact)?;
        self.render_for(quote, &contact).await
    }

    async fn render_for(&self, quote: &Quote, contact: &Contact) -> Result<QuoteFile, QuoteDeliveryError> {
        let profile = self.business.business_profile().await?.unwrap_or_default();
        let day = BusinessDay::in_zone(&profile.time_zone).unwrap_or(BusinessDay::FixedOffset(0));
        let business = Party { name: profile.name.clone(), lines: business_lines(&profile) };
        let issued_on = day.day_of(issued_at(quote).unwrap_or_else(|| self.clock.now()));
        let document = QuoteDocument::from_quote(quote, business, customer(contact), issued_on)?;
        let number = quote.invoice_number.as_deref().unwrap_or(&quote.number);
        let fonts = self.fonts.fonts().await.map_err(QuoteDeliveryError::Fonts)?;
        Ok(QuoteFile { filename: format!("{number}.pdf"), bytes: render_pdf(&document, fonts)? })
    }

    /// Keeps `pdf` as the quote's file among its contact's (one key per
    /// quote: a newer rendering replaces the older); its key.
    pub async fn keep(&self, quote: &Quote, pdf: Vec<u8>) -> Result<String, QuoteDeliveryError> {
        let key = upload_key(&quote.contact_id, quote.id.trim_start_matches("qt."));
        self.media.put(&key, pdf, "application/pdf").await?;
        Ok(key)
    }

    /// Renders the quote, keeps the PDF among the contact's files (the same
    /// key each time, so a repeat replaces it) and gives the message that
    /// sends it: inside the window the document with a caption and the
    /// buttons; outside it the template that carries the document.
    pub async fn prepare(&self, quote: &Quote) -> Result<OutboundContent, QuoteDeliveryError> {
        let contact = self.contacts.contact(&quote.contact_id).await?.ok_or(QuoteDeliveryError::NoContact)?;
        let window_open = contact.window.is_open(self.clock.now());
        // Chosen before anything is rendered or stored: a closed window
        // without a template is refused having changed nothing.
        let template = if window_open {
            None
        } else {
            let catalog = self.templates.list_templates().await?;
            Some(choose(&catalog).cloned().ok_or(QuoteDeliveryError::NoTemplate)?)
        };
        let file = self.render_for(quote, &contact).await?;
        let size = file.bytes.len() as u64;
        let key = self.keep(quote, file.bytes).await?;
        let total = format_money(quote.totals()?.total_minor, &quote.currency);
        if let Some(template) = template {
            let values = QuoteTemplateValues {
                customer_name: customer(&contact).name,
                quote_number: quote.number.clone(),
                total,
                valid_until: quote.valid_until.clone(),
            };
            let answers = QuoteAnswers {
                accept: button_id(&quote.id, QuoteAnswer::Accept),
                ask: button_id(&quote.id, QuoteAnswer::Ask),
            };
            return Ok(quote_template_content(&template, &values, &key, &file.filename, &answers));
        }
        let caption = format!(
            "Quotation {} for {total}, valid until {}. Tap Accept to confirm, or ask us anything.",
            quote.number, quote.valid_until
        );
        Ok(OutboundContent::Media {
            file: OutboundFile {
                kind: MediaKind::Document,
                key,
                mime_type: "application/pdf".to_owned(),
                size,
                filename: Some(file.filename),
                caption: Some(caption),
                buttons: vec![
                    ReplyButton { id: button_id(&quote.id, QuoteAnswer::Accept), title: "Accept".to_owned() },
                    ReplyButton { id: button_id(&quote.id, QuoteAnswer::Ask), title: "Ask a question".to_owned() },
                ],
            },
        })
    }
}

/// What the documents print under the business's name: its address, then
/// its tax registration (`GSTIN …` under GST, `Tax id …` elsewhere).
fn business_lines(profile: &BusinessProfile) -> Vec<String> {
    let mut lines: Vec<String> = profile.address.lines().map(str::to_owned).collect();
    if let Some(id) = &profile.tax_id {
        let label = if profile.country == "IN" { "GSTIN" } else { "Tax id" };
        lines.push(format!("{label} {id}"));
    }
    lines
}

/// When the document was issued: an invoice when it was raised, a
/// quotation when it was first sent; `None` for a draft.
fn issued_at(quote: &Quote) -> Option<Millis> {
    let issuing = if quote.invoice_number.is_some() { QuoteState::Invoiced } else { QuoteState::Sent };
    quote.history.iter().find(|change| change.to == issuing).map(|change| change.at)
}

/// The customer as the quote names them: staff's name for them, else
/// their WhatsApp profile name.
fn customer(contact: &Contact) -> Party {
    let name = contact.display_name.clone().or_else(|| contact.name.clone()).unwrap_or_default();
    Party { name, lines: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_button_id_round_trips_and_nothing_else_parses() {
        for answer in [QuoteAnswer::Accept, QuoteAnswer::Ask] {
            assert_eq!(QuoteAnswer::parse(&button_id("qt.0a1b", answer)), Some(("qt.0a1b", answer)));
        }
        for other in ["confirm", "quote:qt.1:maybe", "quote:pr.1:accept", "quote::accept", "STOP_PROMOS"] {
            assert_eq!(QuoteAnswer::parse(other), None, "{other}");
        }
    }
}
