//! The audit log as the officer reads it: who changed what, and when, newest first, narrowed by
//! date, by the kind of record (named in the words people type) and by number.

use crate::store::{self, audit as store_audit};

pub use crate::store::audit::{AuditEvent, AuditFilter};

/// The kinds of record the audit log names, each with the words people may type for it (the
/// first is the one to suggest).
const KINDS: &[(&str, &[&str])] = &[
    ("programme", &["programme", "programmes"]),
    ("phase", &["phase", "phases"]),
    ("decision", &["decision", "decisions"]),
    ("allocation", &["allocation", "allocations"]),
    (
        "budget_change",
        &["change", "changes", "budget_change", "budget-change"],
    ),
    ("framework", &["framework", "frameworks"]),
    ("contract", &["contract", "contracts"]),
    ("actual", &["actual", "actuals"]),
    ("forecast", &["forecast", "forecasts"]),
    ("funding", &["funding", "fundings"]),
    ("period", &["period", "periods"]),
    (
        "import_batch",
        &["import", "imports", "import_batch", "import-batch", "batch"],
    ),
    ("setting", &["setting", "settings", "config"]),
    ("snapshot", &["snapshot", "snapshots"]),
    ("comment", &["comment", "comments"]),
    ("benefit", &["benefit", "benefits"]),
    (
        "benefit_realisation",
        &[
            "realisation",
            "realisations",
            "benefit_realisation",
            "benefit-realisation",
        ],
    ),
    ("milestone", &["milestone", "milestones"]),
];

/// The kind of record the log names for `word` as typed ("Change" is `budget_change`), if any.
pub fn kind_named(word: &str) -> Option<&'static str> {
    let t = word.trim().to_ascii_lowercase();
    KINDS
        .iter()
        .find(|(_, words)| words.contains(&t.as_str()))
        .map(|(name, _)| *name)
}

/// The word to suggest for each kind of record, in order.
pub fn kind_words() -> Vec<&'static str> {
    KINDS.iter().map(|(_, w)| w[0]).collect()
}

/// The events `filter` picks, newest first.
pub fn list(
    books: &impl crate::store::engine::sql::Sql,
    filter: &AuditFilter,
) -> store::Result<Vec<AuditEvent>> {
    store_audit::list(books, filter)
}
