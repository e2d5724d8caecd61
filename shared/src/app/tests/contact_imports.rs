use super::fixture::{session, World, PHONE_NUMBER_ID};
use crate::app::contact_imports::{ContactImports, ImportChoice, ImportError, ImportPorts};
use crate::domain::contact_import::{ImportStatus, ROWS_PER_STEP};
use crate::domain::import_mapping::ImportTarget;
use crate::domain::{BusinessProfile, Role};
use crate::ports::memory::{MemoryFiles, MemoryImportQueue};
use crate::ports::ImportStore;
use std::sync::Arc;

struct Shop {
    w: World,
    files: MemoryFiles,
    queue: Arc<MemoryImportQueue>,
    imports: ContactImports,
}

async fn shop() -> Shop {
    let w = World::new();
    let profile = BusinessProfile { phone_number_id: Some(PHONE_NUMBER_ID.into()), ..BusinessProfile::default() };
    w.save_business(&profile).await;
    let files = MemoryFiles::default();
    let queue = Arc::new(MemoryImportQueue::default());
    let ports = ImportPorts::over_store(
        w.store.clone(),
        Arc::new(files.clone()),
        Arc::new(files.clone()),
        queue.clone(),
        w.clock.clone(),
    );
    Shop { imports: ContactImports::new(ports), w, files, queue }
}

/// A file of `rows` distinct numbers, every tenth one a repeat of the row before.
fn csv(rows: usize) -> String {
    let mut text = String::from("Name,Mobile,Stage\n");
    for i in 0..rows {
        let n = if i % 10 == 9 { i - 1 } else { i };
        text.push_str(&format!("Customer {i},98{n:08},qualified\n"));
    }
    text
}

async fn started(s: &Shop, file: &str) -> String {
    let manager = session("manager@shop.test", Role::Manager);
    let (job, link) = s.imports.create(&manager, "list.csv", file.len() as u64).await.unwrap();
    assert!(link.contains(&job.file_key()));
    assert!(matches!(s.imports.preview(&manager, &job.id).await, Err(ImportError::NotUploaded)));
    s.files.put(&job.file_key(), file.as_bytes());
    let mapping = vec![ImportTarget::Name, ImportTarget::Phone, ImportTarget::Stage];
    let choice = ImportChoice { mapping, pipeline: Some("sales".into()), tags: vec!["list".into()] };
    s.imports.start(&manager, &job.id, choice.clone()).await.unwrap();
    assert!(matches!(s.imports.start(&manager, &job.id, choice).await, Err(ImportError::Started)));
    job.id
}

/// Runs every step asked for until none is left; how many ran.
async fn drain(s: &Shop) -> usize {
    let mut ran = 0;
    loop {
        let asked = s.queue.take();
        if asked.is_empty() {
            return ran;
        }
        for id in asked {
            // A failed step is redelivered, as SQS would.
            if s.imports.run(&id).await.is_err() {
                s.imports.run(&id).await.unwrap();
            }
            ran += 1;
        }
    }
}

#[tokio::test]
async fn an_import_takes_its_rows_in_steps_and_a_lost_step_record_counts_nothing_twice() {
    let s = shop().await;
    let rows = ROWS_PER_STEP * 2 + ROWS_PER_STEP / 2;
    let id = started(&s, &csv(rows)).await;
    // The first step's rows are written but its record is lost: it runs again.
    s.w.store.fail_import_steps(1);
    assert_eq!(drain(&s).await, 3, "a step per ROWS_PER_STEP rows");
    let job = s.w.store.import(&id).await.unwrap().unwrap();
    assert_eq!((job.status, job.rows, job.next_row), (ImportStatus::Done, rows as u64, rows as u64));
    let c = job.counts;
    assert_eq!(c.created + c.updated + c.unchanged + c.rejected + c.skipped, rows as u64, "{c:?}");
    assert_eq!(c.skipped, (rows / 10) as u64, "every tenth row repeats a number");
    assert_eq!(c.created + c.unchanged, (rows - rows / 10) as u64, "one contact per number: {c:?}");
    assert!(c.unchanged <= ROWS_PER_STEP as u64, "only the step run twice finds its rows there");
    assert!(job.has_report, "the repeats are reported");

    // A step delivered again after the import finished does nothing.
    s.imports.run(&id).await.unwrap();
    assert_eq!(s.w.store.import(&id).await.unwrap().unwrap().counts, c);
}

#[tokio::test]
async fn two_workers_on_the_same_step_count_its_rows_once() {
    let s = shop().await;
    let id = started(&s, &csv(40)).await;
    s.queue.take();
    let (a, b) = tokio::join!(s.imports.run(&id), s.imports.run(&id));
    a.unwrap();
    b.unwrap();
    let job = s.w.store.import(&id).await.unwrap().unwrap();
    assert_eq!(job.status, ImportStatus::Done);
    assert_eq!(job.counts.created + job.counts.unchanged + job.counts.skipped, 40, "{:?}", job.counts);
    assert_eq!(job.counts.skipped, 4);
}

#[tokio::test]
async fn agents_cannot_import_and_a_file_that_is_not_csv_is_refused() {
    let s = shop().await;
    let agent = session("ravi@shop.test", Role::Agent);
    assert!(matches!(s.imports.create(&agent, "a.csv", 10).await, Err(ImportError::Forbidden)));
    let manager = session("manager@shop.test", Role::Manager);
    assert!(matches!(s.imports.create(&manager, "a.xlsx", 10).await, Err(ImportError::Invalid(_))));
    assert!(matches!(s.imports.create(&manager, "a.csv", 21 * 1024 * 1024).await, Err(ImportError::Invalid(_))));
}
