//! The user-facing error kinds shared by the command line and the TUI. A leaf: it imports nothing
//! of Outturn, so `cli` and `tui` can both use it without importing each other.

/// What the officer can do to get past a refusal. The store says what is wrong; each door says
/// how to fix it in its own words: the command line names the command, the TUI the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Give each row listed a variance comment for `fy` `period`, then close again (or close
    /// without them, when the officer must).
    AddComments {
        /// The financial year's label (`2025-26`).
        fy: String,
        /// The period's label (`P5`).
        period: String,
    },
    /// Reopen the year's financing, with a reason, before changing its funding lines.
    ReopenFinancing {
        /// The financial year's label (`2025-26`).
        fy: String,
    },
    /// Look the reference up among the records of this kind.
    ListThem(Records),
    /// Look the profile up among the saved import profiles, or save a new one.
    ListOrAddProfile,
    /// Reopen the closed period, with a reason, first.
    ReopenPeriod,
    /// Reopen the closed period with a reason, or date the entry in an open period.
    ReopenOrRedate,
    /// Give the path of a file made by a backup.
    GiveBackup,
    /// Confirm replacing a database that holds data (after backing it up).
    ForceRestore,
    /// Create the database (or a demo one).
    CreateDatabase,
    /// A funding line is taken out by withdrawing it, not by a zero amount.
    WithdrawFunding,
    /// Change the phase's existing comment instead of adding a second.
    EditComment {
        /// The comment's id.
        id: i64,
    },
    /// A milestone is completed by its own step, which takes the actual date.
    CompleteMilestone {
        /// True when the milestone is being added (add it first, then complete it).
        adding: bool,
    },
    /// Move or delete the actuals that refer to the record first.
    MoveActuals,
    /// An approved allocation changes through budget changes.
    ChangeBudget,
    /// A budget is reduced by a reduction change, not by a negative allocation.
    ReduceBudget,
    /// A withdrawn forecast stays withdrawn: enter a new one.
    NewForecast,
    /// Change the existing import profile instead of adding a second.
    EditProfile,
    /// Delete the code's mapping before mapping it again.
    RemapCode {
        /// The ledger code.
        code: String,
    },
}

/// The kinds of record a reference is looked up among, each shown by its own list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    /// Import batches.
    ImportBatches,
    /// Ledger codes mapped to phases.
    LedgerCodes,
    /// Budget changes.
    Changes,
    /// Variance comments.
    Comments,
    /// Milestones.
    Milestones,
    /// Benefits.
    Benefits,
    /// Programmes.
    Programmes,
    /// Phases.
    Phases,
    /// Decisions.
    Decisions,
    /// Frameworks.
    Frameworks,
    /// Contracts.
    Contracts,
    /// Forecasts.
    Forecasts,
}

/// An error in what the user typed: exit status 2, one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UserError(pub String);

/// The field of a record that an error is about, named by what it is rather than by how one face
/// spells it: the command line shows it as its option (`--amount`), the TUI moves the cursor to
/// the form field that holds it, an import names its column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A money amount (`--amount`).
    Amount,
    /// The body that took a decision (`--body`).
    Body,
    /// A programme or phase code (`--code`).
    Code,
    /// A contract reference (`--contract`).
    Contract,
    /// A date (`--date`).
    Date,
    /// A decision reference (`--decision`).
    Decision,
    /// A description (`--description`).
    Description,
    /// The version a record was read at (`--expected-version`).
    ExpectedVersion,
    /// A procurement framework (`--framework`).
    Framework,
    /// A financial year (`--fy`).
    Fy,
    /// The first year a change moves money from (`--from-fy`).
    FromFy,
    /// The phase a virement moves money from (`--from-phase`).
    FromPhase,
    /// The last year of a range, or the year a reprofile moves money to (`--to-fy`).
    ToFy,
    /// The phase a virement moves money to (`--to-phase`).
    ToPhase,
    /// A record's id (given positionally: `id`).
    Id,
    /// An import batch (positional: `batch`).
    Batch,
    /// A kind (`--kind`).
    Kind,
    /// A name or title (`--name`).
    Name,
    /// A phase (`--phase`).
    Phase,
    /// A programme (`--programme`).
    Programme,
    /// A yearly profile (`--profile`).
    Profile,
    /// A reason for the audit log (`--reason`).
    Reason,
    /// A reference (`--reference`).
    Reference,
    /// A status (`--status`).
    Status,
    /// A supplier (`--supplier`).
    Supplier,
    /// A contract's term in months (`--term`).
    Term,
    /// A contract value (`--value`).
    Value,
    /// A start date (`--start`).
    Start,
    /// Anything else, named as the user sees it (a setting key, a file's field).
    Other(String),
}

impl Field {
    const OPTIONS: &'static [(&'static str, Field)] = &[
        ("--amount", Field::Amount),
        ("--body", Field::Body),
        ("--code", Field::Code),
        ("--contract", Field::Contract),
        ("--date", Field::Date),
        ("--decision", Field::Decision),
        ("--description", Field::Description),
        ("--expected-version", Field::ExpectedVersion),
        ("--framework", Field::Framework),
        ("--fy", Field::Fy),
        ("--from-fy", Field::FromFy),
        ("--from-phase", Field::FromPhase),
        ("--to-fy", Field::ToFy),
        ("--to-phase", Field::ToPhase),
        ("id", Field::Id),
        ("batch", Field::Batch),
        ("--kind", Field::Kind),
        ("--name", Field::Name),
        ("--phase", Field::Phase),
        ("--programme", Field::Programme),
        ("--profile", Field::Profile),
        ("--reason", Field::Reason),
        ("--reference", Field::Reference),
        ("--status", Field::Status),
        ("--supplier", Field::Supplier),
        ("--term", Field::Term),
        ("--value", Field::Value),
        ("--start", Field::Start),
    ];

    /// How the command line names the field: its option (`--amount`), or `id`/`batch` for the
    /// positional arguments.
    pub fn option(&self) -> &str {
        match self {
            Field::Other(s) => s,
            known => Self::OPTIONS
                .iter()
                .find(|(_, f)| f == known)
                .map_or("", |(name, _)| name),
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.option())
    }
}

impl From<&str> for Field {
    /// Reads an option name, with or without its dashes (`--amount`, `amount`).
    fn from(s: &str) -> Self {
        let bare = s.trim_start_matches('-');
        Self::OPTIONS
            .iter()
            .find(|(name, _)| name.trim_start_matches('-') == bare)
            .map_or_else(|| Field::Other(s.to_string()), |(_, f)| f.clone())
    }
}

impl From<String> for Field {
    fn from(s: String) -> Self {
        Field::from(s.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Field;

    #[test]
    fn a_field_reads_its_option_with_or_without_dashes_and_prints_it_back() {
        assert_eq!(Field::from("--amount"), Field::Amount);
        assert_eq!(Field::from("phase"), Field::Phase);
        assert_eq!(Field::Phase.to_string(), "--phase");
        assert_eq!(Field::from("--to-fy").to_string(), "--to-fy");
        assert_eq!(Field::Id.to_string(), "id");
        assert_eq!(
            Field::from("rag.red_overspend_pct"),
            Field::Other("rag.red_overspend_pct".into())
        );
        assert_eq!(
            Field::from("rag.red_overspend_pct").to_string(),
            "rag.red_overspend_pct"
        );
    }
}
