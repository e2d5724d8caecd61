//! The business profile: defaults until an admin saves one, validated,
//! audited, readable by everyone; and the rate card estimates use.

use parley_e2e::TestStack;
use serde_json::json;

#[tokio::test]
async fn defaults_until_an_admin_saves_a_valid_profile() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let agent = t.teammate(&admin, "agent@shop.test", "agent").await;
    let (status, profile) = t.get(&agent, "/api/business").await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(
        (&profile["country"], &profile["currency"], &profile["time_zone"]),
        (&json!("IN"), &json!("INR"), &json!("Asia/Kolkata"))
    );
    assert_eq!(profile["configured"], false);

    let good = json!({"name": "Corner Shop", "country": "us", "currency": "usd", "time_zone": "America/New_York"});
    for (field, bad) in [
        ("country", "XX"),
        ("currency", "RUP"),
        ("time_zone", "Mars/Base"),
        ("time_zone", "EST5EDT x"),
        // The right shape, but not in the zone database: no day could be placed in it.
        ("time_zone", "Asia/Atlantis"),
        ("state", "XX"),
        ("tax_id", "27AAAPL1234C1Z5<b>"),
    ] {
        let mut body = good.clone();
        body[field] = json!(bad);
        let (status, answer) = t.request(&admin, "PUT", "/api/business", Some(&body)).await;
        assert_eq!(status, 422, "{field}={bad}: {answer}");
        let named = match field {
            "time_zone" => "time zone",
            "tax_id" => "tax id",
            _ => field,
        };
        assert!(answer["error"]["message"].as_str().unwrap().contains(named), "{answer}");
    }
    let (_, unchanged) = t.get(&agent, "/api/business").await;
    assert_eq!(unchanged["configured"], false, "refused saves change nothing");

    let (status, saved) = t.request(&admin, "PUT", "/api/business", Some(&good)).await;
    assert_eq!(status, 200, "{saved}");
    let (_, read) = t.get(&agent, "/api/business").await;
    assert_eq!(
        (&read["name"], &read["country"], &read["currency"]),
        (&json!("Corner Shop"), &json!("US"), &json!("USD"))
    );
    assert_eq!(read["configured"], true);
    assert_eq!((&read["state"], &read["tax_id"], &read["address"]), (&json!(null), &json!(null), &json!("")));

    // What quotes and invoices print: tidied, and read back as saved.
    let mut documents = good.clone();
    documents["state"] = json!(" ny ");
    assert_eq!(t.request(&admin, "PUT", "/api/business", Some(&documents)).await.0, 422, "not an Indian state");
    documents["state"] = json!(" mh ");
    documents["tax_id"] = json!(" 27aaapl1234c1z5 ");
    documents["address"] = json!("12 Linking Road\n\n  Bandra West, Mumbai ");
    let (status, saved) = t.request(&admin, "PUT", "/api/business", Some(&documents)).await;
    assert_eq!(status, 200, "{saved}");
    let (_, read) = t.get(&agent, "/api/business").await;
    assert_eq!(
        (&read["state"], &read["tax_id"], &read["address"]),
        (&json!("MH"), &json!("27AAAPL1234C1Z5"), &json!("12 Linking Road\nBandra West, Mumbai"))
    );

    let (status, _) = t.request(&agent, "PUT", "/api/business", Some(&good)).await;
    assert_eq!(status, 403);

    // The day in the business's own calendar, New York's now.
    let new_york = parley::domain::BusinessDay::in_zone("America/New_York").unwrap();
    let day = new_york.day_of(parley::ports::Clock::now(&*t.clock));
    let (_, audit) = t.get(&admin, &format!("/api/audit?day={day}")).await;
    let line = audit["items"].as_array().unwrap().iter().find(|l| l["action"] == "business_profile").cloned();
    let line = line.unwrap_or_else(|| panic!("no audit line: {audit}"));
    assert_eq!((&line["actor"], &line["detail"]["currency"]), (&json!(parley_e2e::ADMIN_EMAIL), &json!("USD")));
}

#[tokio::test]
async fn the_rate_card_is_the_one_estimates_use() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let (status, card) = t.get(&admin, "/api/rate_card").await;
    assert_eq!(status, 200, "{card}");
    let india = parley::domain::pricing::RateCards::default();
    assert_eq!(card["fallback"]["currency"], india.fallback.currency.as_str());
    let marketing = india.by_prefix["91"].per_message[&parley::domain::template::Category::Marketing];
    assert_eq!(card["by_prefix"]["91"]["per_message"]["marketing"], marketing);
    assert_eq!(card["by_prefix"]["91"]["currency"], "INR", "Meta publishes an INR card for India");
}

#[tokio::test]
async fn a_brazilian_business_is_quoted_brazils_usd_rates_not_indian_rupees() {
    let t = TestStack::start().await;
    let admin = t.login().await;
    let brazil = json!({"name": "Loja", "country": "BR", "currency": "BRL", "time_zone": "America/Sao_Paulo"});
    assert_eq!(t.request(&admin, "PUT", "/api/business", Some(&brazil)).await.0, 200);
    let (_, card) = t.get(&admin, "/api/rate_card").await;
    let currencies: Vec<&str> = card["by_prefix"]
        .as_object()
        .unwrap()
        .values()
        .chain([&card["fallback"]])
        .map(|line| line["currency"].as_str().unwrap())
        .collect();
    assert!(!currencies.contains(&"INR"), "{card}");
    // Meta publishes no BRL card: Brazil's market rates in USD.
    assert_eq!(card["by_prefix"]["55"]["currency"], "USD");
    assert_eq!(card["by_prefix"]["55"]["per_message"]["marketing"], 6, "US$0.0625, to the cent");

    t.customer_says("5511987654321", "Ana", "Oi").await;
    assert_eq!(t.post(&admin, "/api/templates/sync", &json!({}), None).await.0, 200);
    let id = t.contacts(&admin).await[0]["id"].as_str().unwrap().to_owned();
    let promo =
        json!({"type": "template", "template": {"name": "diwali_sale", "language": "en_US", "params": ["Ana"]}});
    let (status, queued) = t.post(&admin, &format!("/api/contacts/{id}/messages"), &promo, None).await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!((&queued["estimate"]["currency"], &queued["estimate"]["amount_minor"]), (&json!("USD"), &json!(6)));
}
