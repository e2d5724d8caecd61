use super::fixture::World;
use crate::app::deliver::{Deliver, JobOutcome, RetryPolicy};
use crate::app::quote_delivery::{QuoteDelivery, QuoteDeliveryError};
use crate::app::send_message::{SendCommand, SendError};
use crate::domain::outbound::{OutboundContent, SendRefusal};
use crate::domain::outbound_media::MediaRefusal;
use crate::domain::quote::{Quote, QuoteState};
use crate::domain::quote_line::QuoteLine;
use crate::domain::tax_scheme::TaxScheme;
use crate::domain::template::{Category, Template};
use crate::domain::template_component::{TemplateButton, TemplateHeader};
use crate::domain::template_inputs::{HeaderInput, MediaSource, StoredFile, TemplateInputs};
use crate::domain::{ContactId, Millis};
use crate::ports::memory::MemoryVault;
use crate::ports::{OutboxStore, TemplateCatalog};
use crate::whatsapp::send::SendOutcome;
use std::sync::Arc;

const DAY_MS: i64 = 24 * 3600 * 1000;

fn quote_for(contact: &ContactId) -> Quote {
    Quote {
        id: "qt.0a1b".into(),
        number: "QT-2026-0007".into(),
        invoice_number: None,
        contact_id: contact.clone(),
        deal_id: None,
        state: QuoteState::Draft,
        currency: "INR".into(),
        tax: TaxScheme::Gst { business_state: "MH".into(), customer_state: "MH".into() },
        lines: vec![QuoteLine {
            product_id: None,
            description: "Kurta".into(),
            quantity_milli: 2_000,
            unit: "pc".into(),
            unit_price_minor: 50_000,
            discount_bp: 0,
            tax_rate_bp: 500,
        }],
        valid_until: "2026-12-31".into(),
        terms: String::new(),
        history: vec![],
        created_by: "owner@shop.test".into(),
        created_at: Millis(1),
        updated_at: Millis(1),
    }
}

fn quote_ready() -> Template {
    let mut t = Template::body_only(
        "quote_ready",
        "en_US",
        Category::Utility,
        "APPROVED",
        "Hi {{1}}, your quotation {{2}} is attached.",
    );
    t.header = Some(TemplateHeader::Document);
    t.buttons = vec![
        TemplateButton::QuickReply { text: "Accept".into() },
        TemplateButton::QuickReply { text: "Ask a question".into() },
    ];
    t
}

fn delivery(w: &World, vault: &Arc<MemoryVault>) -> QuoteDelivery {
    QuoteDelivery::new(
        Arc::new(ShippedFonts),
        vault.clone(),
        w.store.clone(),
        w.store.clone(),
        w.store.clone(),
        w.clock.clone(),
    )
}

fn send(contact: &ContactId, content: OutboundContent) -> SendCommand {
    SendCommand {
        contact: contact.clone(),
        content,
        reply_to: None,
        idempotency_key: Some("quote:qt.0a1b:1".into()),
        actor: "owner@shop.test".into(),
    }
}

#[tokio::test]
async fn inside_the_window_a_quote_is_its_pdf_with_buttons() {
    let w = World::new();
    let vault = Arc::new(MemoryVault::default());
    let contact = w.customer_says("919812345678", "wamid.in1", "a quote please").await;
    let content = delivery(&w, &vault).prepare(&quote_for(&contact)).await.unwrap();
    let OutboundContent::Media { file } = content else { panic!("{content:?}") };
    assert_eq!(file.buttons.len(), 2);
    assert!(vault.object(&file.key).is_some_and(|b| b.starts_with(b"%PDF-")));
}

#[tokio::test]
async fn outside_the_window_without_a_template_nothing_is_rendered_or_kept() {
    let w = World::new();
    let vault = Arc::new(MemoryVault::default());
    let contact = w.customer_says("919812345678", "wamid.in1", "a quote please").await;
    w.clock.advance_ms(DAY_MS + 1);
    let marketing = Template::body_only("offer", "en_US", Category::Marketing, "APPROVED", "Hi {{1}}");
    w.store.put_templates(&[marketing]).await.unwrap();
    let refused = delivery(&w, &vault).prepare(&quote_for(&contact)).await;
    assert!(matches!(refused, Err(QuoteDeliveryError::NoTemplate)), "{refused:?}");
    assert!(vault.keys().is_empty(), "nothing kept for a quote that cannot go");
}

#[tokio::test]
async fn outside_the_window_the_template_carries_the_pdf_by_a_link_signed_at_each_attempt() {
    let w = World::new();
    let vault = Arc::new(MemoryVault::default());
    let contact = w.customer_says("919812345678", "wamid.in1", "a quote please").await;
    w.clock.advance_ms(DAY_MS + 1);
    w.store.put_templates(&[quote_ready()]).await.unwrap();
    let content = delivery(&w, &vault).prepare(&quote_for(&contact)).await.unwrap();
    let OutboundContent::Template { name, inputs, .. } = &content else { panic!("{content:?}") };
    assert_eq!(name, "quote_ready");
    let key = inputs.stored_header().map(|f| f.key.clone()).unwrap();

    let sender = w.send_message().with_uploads(vault.clone());
    sender.send(send(&contact, content.clone())).await.unwrap();
    let job = w.queue.enqueued().remove(0);
    let stored = w.store.outbound(&job).await.unwrap().unwrap().message;
    let OutboundContent::Template { inputs, .. } = &stored.content else { panic!("{:?}", stored.content) };
    assert_eq!(inputs.stored_header().map(|f| f.mime_type.as_str()), Some("application/pdf"), "the bucket's type");

    w.whatsapp.then(SendOutcome::Accepted { wamid: "wamid.OUT".into() });
    let deliver = Deliver::new(w.store.clone(), w.whatsapp.clone(), RetryPolicy::default()).with_media(vault.clone());
    assert_eq!(deliver.deliver(&job).await.unwrap(), JobOutcome::Done);
    let body = w.whatsapp.requests()[0].body();
    let document = &body["template"]["components"][0]["parameters"][0]["document"];
    assert!(document["link"].as_str().unwrap().starts_with(&format!("memory://{key}")), "{body}");
    assert_eq!(document["filename"], "QT-2026-0007.pdf");
    assert!(!body.to_string().contains("\"stored\""), "the bucket key is ours, not Meta's");
}

#[tokio::test]
async fn a_template_header_from_another_contacts_files_or_a_missing_file_is_refused() {
    let w = World::new();
    let vault = Arc::new(MemoryVault::default());
    let asha = w.customer_says("919812345678", "wamid.in1", "a quote please").await;
    let ravi = w.customer_says("919812345679", "wamid.in2", "me too").await;
    w.store.put_templates(&[quote_ready()]).await.unwrap();
    let ravis = delivery(&w, &vault).prepare(&quote_for(&ravi)).await.unwrap();
    let OutboundContent::Media { file } = ravis else { panic!("in his window") };
    let template = |key: &str| OutboundContent::Template {
        name: "quote_ready".into(),
        language: "en_US".into(),
        params: vec!["Asha".into(), "QT-1".into()],
        inputs: TemplateInputs {
            header: Some(HeaderInput::Document {
                document: MediaSource::Stored(StoredFile { key: key.to_owned(), mime_type: "application/pdf".into() }),
                filename: None,
            }),
            ..TemplateInputs::default()
        },
    };
    let sender = w.send_message().with_uploads(vault.clone());
    let refusal = |e: SendError| match e {
        SendError::Refused(SendRefusal::Media(r)) => r,
        other => panic!("{other:?}"),
    };
    let foreign = sender.send(send(&asha, template(&file.key))).await.unwrap_err();
    assert_eq!(refusal(foreign), MediaRefusal::ForeignKey);
    let missing = crate::domain::outbound_media::upload_key(&asha, "0000");
    let absent = sender.send(send(&asha, template(&missing))).await.unwrap_err();
    assert_eq!(refusal(absent), MediaRefusal::NotUploaded);
    assert!(w.queue.enqueued().is_empty());
}

#[tokio::test]
async fn an_invoice_prints_the_business_address_and_gstin_cites_its_quotation_and_keeps_its_date() {
    use crate::domain::quote::QuoteChange;
    use crate::domain::BusinessProfile;

    let w = World::new();
    let vault = Arc::new(MemoryVault::default());
    let contact = w.customer_says("919812345678", "wamid.in1", "a quote please").await;
    let profile = BusinessProfile {
        name: "Asha Textiles".into(),
        state: Some("MH".into()),
        tax_id: Some("27AAAPL1234C1Z5".into()),
        address: "12 Linking Road\nBandra West, Mumbai".into(),
        ..BusinessProfile::default()
    };
    w.save_business(&profile).await;
    let mut invoice = quote_for(&contact);
    invoice.state = QuoteState::Invoiced;
    invoice.invoice_number = Some("INV-2026-0003".into());
    // Invoiced at T0: already 15 November 2023 in India, where the business is.
    let raised = crate::app::tests::fixture::T0;
    invoice.history = vec![QuoteChange { to: QuoteState::Invoiced, by: "owner@shop.test".into(), at: raised }];
    w.clock.advance_ms(40 * DAY_MS);
    let file = delivery(&w, &vault).render(&invoice).await.unwrap();
    assert_eq!(file.filename, "INV-2026-0003.pdf");
    let text = crate::quote_pdf::tests::pdftotext(&file.bytes, "invoice-business", "-layout");
    for expected in [
        "12 Linking Road",
        "Bandra West, Mumbai",
        "GSTIN 27AAAPL1234C1Z5",
        "Against quotation QT-2026-0007",
        "Date 2023-11-15",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
}

/// The fonts as they ship.
struct ShippedFonts;

#[async_trait::async_trait]
impl crate::ports::QuoteFonts for ShippedFonts {
    async fn fonts(&self) -> Result<&'static crate::quote_pdf::FontFiles, crate::ports::FileError> {
        Ok(crate::quote_pdf::tests::shipped_fonts())
    }
}
