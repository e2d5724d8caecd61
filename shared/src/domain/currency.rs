//! Currencies (ISO 4217) a business may price and report in.

/// The active ISO 4217 codes (funds and metals left out: nobody prices a
/// WhatsApp conversation in gold).
const CODES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD \
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL \
HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD \
MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR \
SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND \
VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG";

/// Whether `code` is an active ISO 4217 currency (upper case).
pub fn is_currency(code: &str) -> bool {
    code.len() == 3 && CODES.split(' ').any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_active_codes_only() {
        for code in ["INR", "USD", "EUR", "BRL", "AED"] {
            assert!(is_currency(code), "{code}");
        }
        for code in ["inr", "XYZ", "US", "USDD", ""] {
            assert!(!is_currency(code), "{code}");
        }
    }
}
