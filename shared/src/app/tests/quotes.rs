use super::fixture::{session, World};
use crate::app::business_calendar::BusinessCalendar;
use crate::app::deals::Deals;
use crate::app::quotes::{QuoteDraft, Quotes};
use crate::domain::quote::QuoteAction;
use crate::domain::quote_line::QuoteLine;
use crate::domain::tax_scheme::TaxScheme;
use crate::domain::{ContactId, Millis, Role};

/// 31 December 2026, 19:00 UTC: already 00:30 on 1 January 2027 in India.
const NEW_YEAR_IN_INDIA: Millis = Millis(1_798_743_600_000);

fn quotes(w: &World) -> Quotes {
    let deals = Deals::new(w.store.clone(), w.store.clone(), w.store.clone(), w.clock.clone(), true);
    let calendar = BusinessCalendar::new(w.store.clone());
    Quotes::new(w.store.clone(), w.store.clone(), w.store.clone(), deals, w.clock.clone(), calendar, true)
}

fn draft(contact: &ContactId) -> QuoteDraft {
    QuoteDraft {
        contact: contact.clone(),
        deal_id: None,
        currency: "INR".into(),
        tax: TaxScheme::Gst { business_state: "MH".into(), customer_state: "MH".into() },
        lines: vec![QuoteLine {
            product_id: None,
            description: "Kurta".into(),
            quantity_milli: 1_000,
            unit: "pc".into(),
            unit_price_minor: 49_900,
            discount_bp: 0,
            tax_rate_bp: 500,
        }],
        valid_until: "2027-01-31".into(),
        terms: String::new(),
    }
}

#[tokio::test]
async fn numbers_take_the_year_of_the_business_not_of_utc() {
    let w = World::new();
    let owner = session("owner@shop.test", Role::Admin);
    let contact = w.customer_says("919812345678", "wamid.in1", "a quote please").await;
    w.clock.set(NEW_YEAR_IN_INDIA);
    let quotes = quotes(&w);
    let quote = quotes.create(&owner, draft(&contact)).await.unwrap();
    assert_eq!(quote.number, "QT-2027-0001", "Mumbai is in 2027 while UTC is still in 2026");
    quotes.act(&owner, &quote.id, QuoteAction::Send).await.unwrap();
    quotes.act(&owner, &quote.id, QuoteAction::Accept).await.unwrap();
    let invoiced = quotes.act(&owner, &quote.id, QuoteAction::Invoice).await.unwrap();
    assert_eq!(invoiced.invoice_number.as_deref(), Some("INV-2027-0001"));
    let second = quotes.create(&owner, draft(&contact)).await.unwrap();
    assert_eq!(second.number, "QT-2027-0002", "one series per year");
}

#[tokio::test]
async fn a_repeated_action_changes_nothing_and_a_stale_one_is_refused() {
    let w = World::new();
    let owner = session("owner@shop.test", Role::Admin);
    let contact = w.customer_says("919812345678", "wamid.in1", "a quote please").await;
    let quotes = quotes(&w);
    let quote = quotes.create(&owner, draft(&contact)).await.unwrap();
    let sent = quotes.act(&owner, &quote.id, QuoteAction::Send).await.unwrap();
    let again = quotes.act(&owner, &quote.id, QuoteAction::Send).await.unwrap();
    assert_eq!(again.history.len(), sent.history.len(), "a second Send (a retry) adds no history");
    assert!(quotes.act(&owner, &quote.id, QuoteAction::Invoice).await.is_err(), "a sent quote cannot be invoiced");
}
