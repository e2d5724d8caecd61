//! Automation rules: the engine that runs them, the editor behind
//! `/api/rules`, the dry run and the day-one defaults.

pub mod defaults;
pub mod dry_run;
pub mod editor;
pub mod engine;
mod execution;
pub mod message_facts;

pub use dry_run::{DryRun, DryRunLine};
pub use editor::{RuleEditor, RuleError};
pub use engine::{RuleEngine, RulePorts};
