//! A CSV file read as spreadsheets write them (a UTF-8 byte-order mark,
//! commas, semicolons or tabs, quoted cells), and each of its rows judged
//! against the import's mapping: taken (with what it says), skipped (blank,
//! or a phone number an earlier row had) or rejected with its reason. All
//! of it is pure, so every worker step judges the whole file alike.

use super::contact_fields::MAX_VALUE_CHARS;
use super::import_mapping::ImportTarget;
use super::phone_number::{normalize_phone, E164};
use super::pipeline::Pipeline;
use super::tags::normalize_tags;
use std::collections::{BTreeMap, HashMap};

/// A file's columns and rows (cells trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// `,`, `;` or a tab.
    pub delimiter: char,
    /// The header row.
    pub columns: Vec<String>,
    /// The data rows, in file order.
    pub rows: Vec<Vec<String>>,
}

/// The delimiter the header line uses most, outside quotes.
fn sniff(first_line: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in first_line.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if *d == c {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b',', |(d, _)| *d)
}

/// Reads a file. Text that is not UTF-8 is read with replacement marks
/// rather than refused.
pub fn read_sheet(bytes: &[u8]) -> Result<Sheet, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    let first_line = text.lines().find(|l| !l.trim().is_empty()).ok_or("the file is empty")?;
    let delimiter = sniff(first_line);
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(text.as_bytes());
    let columns: Vec<String> =
        reader.headers().map_err(|e| format!("the header row: {e}"))?.iter().map(|c| c.trim().to_owned()).collect();
    if columns.iter().all(String::is_empty) {
        return Err("the first row should name the columns".into());
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("the file is not CSV past row {}: {e}", rows.len() + 2))?;
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(Sheet { delimiter: char::from(delimiter), columns, rows })
}

/// What a taken row says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowPlan {
    /// The number.
    pub phone: E164,
    /// The name, if given.
    pub name: Option<String>,
    /// Its tags and the import's.
    pub tags: Vec<String>,
    /// The owner for a new contact.
    pub owner: Option<String>,
    /// Custom fields.
    pub fields: BTreeMap<String, String>,
    /// The deal's stage, when the import makes deals.
    pub stage: Option<String>,
    /// The deal's value in minor units.
    pub value_minor: i64,
    /// A marketing opt-in.
    pub consent: bool,
}

/// A row's cells read so far.
#[derive(Default)]
struct Draft {
    name: Option<String>,
    tags: Vec<String>,
    owner: Option<String>,
    fields: BTreeMap<String, String>,
    value_minor: i64,
    consent: bool,
}

/// A row judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowVerdict {
    /// Imported.
    Take(RowPlan),
    /// Left out, not an error (blank, or a repeat).
    Skip(String),
    /// Refused, with the reason.
    Reject(String),
}

/// What rows are judged against.
#[derive(Debug, Clone, Copy)]
pub struct ImportRules<'a> {
    /// What each column is.
    pub mapping: &'a [ImportTarget],
    /// The header row (for reasons).
    pub columns: &'a [String],
    /// The business's default country, for national numbers.
    pub country: &'a str,
    /// Active teammates' e-mails, lower-case.
    pub teammates: &'a [String],
    /// The pipeline deals open in; `None` makes no deals.
    pub pipeline: Option<&'a Pipeline>,
    /// Tags every row gets.
    pub tags: &'a [String],
}

/// A cell a spreadsheet would run as a formula. A phone number's `+` is not one.
fn is_formula(cell: &str) -> bool {
    let mut chars = cell.chars();
    match chars.next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => chars.next().is_some_and(|c| !c.is_ascii_digit() && c != ' ' && c != '('),
        _ => false,
    }
}

/// `4,500.50`, `₹4500`, `4.500,50` in minor units (two decimals).
pub fn parse_value(cell: &str) -> Option<i64> {
    let kept: String = cell.chars().filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',').collect();
    if kept.is_empty() {
        return None;
    }
    let decimal = match (kept.rfind('.'), kept.rfind(',')) {
        (Some(d), Some(c)) => Some(d.max(c)),
        (Some(d), None) => (kept.matches('.').count() == 1 && kept.len() - d - 1 <= 2).then_some(d),
        (None, Some(c)) => (kept.matches(',').count() == 1 && kept.len() - c - 1 <= 2).then_some(c),
        (None, None) => None,
    };
    let (whole, fraction) = match decimal {
        Some(at) => (&kept[..at], &kept[at + 1..]),
        None => (kept.as_str(), ""),
    };
    let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
    let mut cents: String = fraction.chars().filter(char::is_ascii_digit).take(2).collect();
    while cents.len() < 2 {
        cents.push('0');
    }
    let major: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    major.checked_mul(100)?.checked_add(cents.parse::<i64>().ok()?)
}

fn yes_or_no(cell: &str) -> Option<bool> {
    match cell.to_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" | "não" | "nao" | "नहीं" => Some(false),
        "yes" | "y" | "true" | "1" | "opted in" | "opt-in" | "marketing" | "sim" | "sí" | "si" | "हाँ" | "हां" => {
            Some(true)
        }
        _ => None,
    }
}

/// Judges one row (no duplicate check).
fn judge(row: &[String], rules: &ImportRules<'_>) -> RowVerdict {
    if row.iter().all(String::is_empty) {
        return RowVerdict::Skip("blank row".into());
    }
    let header = |i: usize| rules.columns.get(i).map_or("?", String::as_str).to_owned();
    let mut plan = Draft { tags: rules.tags.to_vec(), ..Draft::default() };
    let mut phone = None;
    let mut stage_cell = None;
    for (i, target) in rules.mapping.iter().enumerate() {
        let cell = row.get(i).map_or("", String::as_str);
        if *target == ImportTarget::Ignore || cell.is_empty() {
            continue;
        }
        if *target != ImportTarget::Phone && is_formula(cell) {
            return RowVerdict::Reject(format!(
                "{}: a formula cell is refused (it could run in a spreadsheet)",
                header(i)
            ));
        }
        match target {
            ImportTarget::Ignore => {}
            ImportTarget::Phone => match normalize_phone(cell, rules.country) {
                Ok(number) => phone = Some(number),
                Err(e) => return RowVerdict::Reject(format!("{}: {e}", header(i))),
            },
            ImportTarget::Name => plan.name = Some(cell.chars().take(200).collect()),
            ImportTarget::Tags => plan.tags.extend(cell.split([',', ';', '|']).map(str::to_owned)),
            ImportTarget::Owner => match rules.teammates.iter().find(|t| t.eq_ignore_ascii_case(cell)) {
                Some(email) => plan.owner = Some(email.clone()),
                None => return RowVerdict::Reject(format!("{}: {cell} is not an active teammate", header(i))),
            },
            ImportTarget::Stage => stage_cell = Some(cell),
            ImportTarget::Value => match parse_value(cell) {
                Some(minor) => plan.value_minor = minor,
                None => return RowVerdict::Reject(format!("{}: {cell:?} is not an amount", header(i))),
            },
            ImportTarget::Consent => match yes_or_no(cell) {
                Some(yes) => plan.consent = yes,
                None => return RowVerdict::Reject(format!("{}: say yes or no", header(i))),
            },
            ImportTarget::Field(key) => {
                if cell.chars().count() > MAX_VALUE_CHARS {
                    return RowVerdict::Reject(format!("{}: longer than {MAX_VALUE_CHARS} characters", header(i)));
                }
                plan.fields.insert(key.clone(), cell.to_owned());
            }
        }
    }
    let Some(phone) = phone else { return RowVerdict::Reject("no phone number".into()) };
    let tags = match normalize_tags(&plan.tags) {
        Ok(tags) => tags,
        Err(e) => return RowVerdict::Reject(format!("tags: {e}")),
    };
    let stage = match rules.pipeline {
        None => None,
        Some(pipeline) => {
            let stage = match stage_cell {
                Some(cell) => pipeline
                    .stages
                    .iter()
                    .find(|s| s.id.eq_ignore_ascii_case(cell) || s.name.eq_ignore_ascii_case(cell)),
                None => pipeline.stages.first(),
            };
            match stage {
                Some(stage) => Some(stage.id.clone()),
                None => {
                    let asked = stage_cell.unwrap_or("");
                    return RowVerdict::Reject(format!("stage: {} has no stage {asked:?}", pipeline.name));
                }
            }
        }
    };
    let Draft { name, owner, fields, value_minor, consent, .. } = plan;
    RowVerdict::Take(RowPlan { phone, name, tags, owner, fields, stage, value_minor, consent })
}

/// Judges every row; a phone number an earlier row took is skipped as a
/// repeat of that row (rows count from the header, as a spreadsheet shows them).
pub fn judge_rows(sheet: &Sheet, rules: &ImportRules<'_>) -> Vec<RowVerdict> {
    let mut first_line: HashMap<String, usize> = HashMap::new();
    sheet
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| match judge(row, rules) {
            RowVerdict::Take(plan) => match first_line.get(plan.phone.as_str()) {
                Some(line) => RowVerdict::Skip(format!("the same phone number as row {line}")),
                None => {
                    first_line.insert(plan.phone.as_str().to_owned(), i + 2);
                    RowVerdict::Take(plan)
                }
            },
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pipeline::Pipeline;

    const MESSY: &[u8] = "\u{feff}Name;Mobile;Tags;City;Stage;Value\n\
        Meena Iyer;+91 98200 12345;diwali|vip;Pune;qualified;\"4.500,50\"\n\
        Ravi;098470 12345;diwali;Surat;;\n\
        Meena again;9820012345;;;;\n\
        ;;;;;\n\
        \"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\";9820099999;;;;\n\
        Shortie;12;;;;\n\
        Owner-less;9820088888;;;won-ish;\n"
        .as_bytes();

    #[test]
    fn a_messy_spreadsheet_export_is_judged_row_by_row() {
        let sheet = read_sheet(MESSY).unwrap();
        assert_eq!((sheet.delimiter, sheet.columns[0].as_str(), sheet.rows.len()), (';', "Name", 7));
        let mapping: Vec<ImportTarget> = ["name", "phone", "tags", "fields.city", "stage", "value"]
            .into_iter()
            .map(|t| ImportTarget::try_from(t.to_owned()).unwrap())
            .collect();
        let pipeline = Pipeline::default_sales();
        let rules = ImportRules {
            mapping: &mapping,
            columns: &sheet.columns,
            country: "IN",
            teammates: &[],
            pipeline: Some(&pipeline),
            tags: &["import".to_owned()],
        };
        let verdicts = judge_rows(&sheet, &rules);
        let RowVerdict::Take(meena) = &verdicts[0] else { panic!("{:?}", verdicts[0]) };
        assert_eq!(meena.phone.as_str(), "+919820012345");
        assert_eq!(meena.tags, ["diwali", "import", "vip"]);
        assert_eq!((meena.stage.as_deref(), meena.value_minor), (Some("qualified"), 450_050));
        assert_eq!(meena.fields.get("city").map(String::as_str), Some("Pune"));
        let RowVerdict::Take(ravi) = &verdicts[1] else { panic!("{:?}", verdicts[1]) };
        assert_eq!((ravi.phone.as_str(), ravi.stage.as_deref()), ("+919847012345", Some("enquiry")));
        assert_eq!(verdicts[2], RowVerdict::Skip("the same phone number as row 2".into()));
        assert_eq!(verdicts[3], RowVerdict::Skip("blank row".into()));
        assert!(matches!(&verdicts[4], RowVerdict::Reject(r) if r.contains("formula")), "{:?}", verdicts[4]);
        assert!(matches!(&verdicts[5], RowVerdict::Reject(r) if r.contains("too short")), "{:?}", verdicts[5]);
        assert!(matches!(&verdicts[6], RowVerdict::Reject(r) if r.contains("no stage")), "{:?}", verdicts[6]);
    }

    #[test]
    fn amounts_read_as_people_write_them() {
        assert_eq!(parse_value("4500"), Some(450_000));
        assert_eq!(parse_value("₹4,500.5"), Some(450_050));
        assert_eq!(parse_value("4.500,50"), Some(450_050));
        assert_eq!(parse_value("1,234,567"), Some(123_456_700));
        assert_eq!(parse_value("abc"), None);
    }

    #[test]
    fn an_empty_file_or_one_without_a_header_is_refused() {
        assert!(read_sheet(b"").is_err());
        assert!(read_sheet(b"\xEF\xBB\xBF\n\n").is_err());
        assert_eq!(read_sheet(b"phone\tname\n1\t2\n").unwrap().delimiter, '\t');
    }
}
