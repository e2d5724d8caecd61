//! The repo's figures through the local stack (reported, never asserted),
//! one set per module. Run with `make bench`, which starts the emulators;
//! the arguments name the sets to take, in order (`inbound outbound
//! imports campaigns media`), and none takes them all.
//!
//! One binary, not one per set: each links the whole stack, and five
//! copies cost `make test` 0.6 GB of disk and four links for lints alone.

mod campaigns;
mod imports;
mod inbound;
mod media;
mod outbound;

const SETS: [&str; 5] = ["inbound", "outbound", "imports", "campaigns", "media"];

#[tokio::main]
async fn main() {
    // cargo bench adds flags of its own (`--bench`); the rest are set names.
    let named: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let sets: Vec<&str> = if named.is_empty() { SETS.to_vec() } else { named.iter().map(String::as_str).collect() };
    for set in sets {
        match set {
            "inbound" => inbound::take().await,
            "outbound" => outbound::take().await,
            "imports" => imports::take().await,
            "campaigns" => campaigns::take().await,
            "media" => media::take().await,
            other => {
                eprintln!("no figures named {other}; the sets are {}", SETS.join(", "));
                std::process::exit(2);
            }
        }
    }
}
