//! `outturn programme|phase|decision|framework edit|delete`: correcting and retiring the records
//! figures rest on. Every edit takes `--expected-version` (from `list --format json`) and is
//! audited with the record before and after; a delete is refused while anything refers to the
//! record, naming what does.

use clap::Args;

use super::args::{date_arg, field};
use super::output::say;
use crate::domain::model::DeliveryStatus;
use crate::error::UserError;
use crate::ops::register::{self as ops, Which};
use crate::ops::types::{DecisionEdit, FrameworkEdit, PhaseEdit, ProgrammeEdit};

/// `--expected-version`, shared by every edit and delete.
#[derive(Debug, Args)]
pub struct Version {
    /// Refuse the change if the record is no longer at this version (from `list --format json`):
    /// someone else changed it since you read it.
    #[arg(long)]
    pub expected_version: Option<i64>,
}

/// `outturn programme edit CODE ...`.
#[derive(Debug, Args)]
pub struct ProgrammeEditArgs {
    /// The programme's code.
    pub programme: String,
    /// A new code.
    #[arg(long)]
    pub code: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub name: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub organisation: Option<String>,
    /// planned, active, delivered or closed.
    #[arg(long)]
    pub status: Option<String>,
    #[command(flatten)]
    pub version: Version,
}

/// `outturn phase edit PROG/PHASE ...` (or `--programme PROG PHASE`).
#[derive(Debug, Args)]
pub struct PhaseEditArgs {
    /// The phase: PROG/PHASE, or its code with --programme.
    pub phase: String,
    #[arg(long)]
    pub programme: Option<String>,
    /// A new code.
    #[arg(long)]
    pub code: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub name: Option<String>,
    /// planned -> active -> delivered -> closed (forward only).
    #[arg(long)]
    pub status: Option<String>,
    /// The responsible officer (empty clears it).
    #[arg(long, allow_hyphen_values = true)]
    pub officer: Option<String>,
    #[command(flatten)]
    pub version: Version,
}

/// `outturn decision edit REF ...` (an empty text clears an optional field).
#[derive(Debug, Args)]
pub struct DecisionEditArgs {
    /// The decision's reference.
    pub decision: String,
    /// A new reference.
    #[arg(long)]
    pub reference: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub body: Option<String>,
    #[arg(long)]
    pub date: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub item: Option<String>,
    /// yes or no.
    #[arg(long)]
    pub key_decision: Option<String>,
    /// yes or no.
    #[arg(long)]
    pub call_in: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub outcome: Option<String>,
    #[arg(long)]
    pub link: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub summary: Option<String>,
    #[command(flatten)]
    pub version: Version,
}

/// `outturn framework edit NAME ...` (an empty date clears it).
#[derive(Debug, Args)]
pub struct FrameworkEditArgs {
    /// The framework's name.
    pub framework: String,
    /// A new name.
    #[arg(long, allow_hyphen_values = true)]
    pub name: Option<String>,
    #[arg(long)]
    pub reference: Option<String>,
    #[arg(long)]
    pub planned_end: Option<String>,
    #[arg(long)]
    pub actual_end: Option<String>,
    #[command(flatten)]
    pub version: Version,
}

/// `outturn programme|phase|decision|framework delete WHICH`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The programme code, phase (PROG/PHASE), decision reference or framework name.
    pub which: String,
    /// The programme of a phase given by its code alone.
    #[arg(long)]
    pub programme: Option<String>,
    #[command(flatten)]
    pub version: Version,
}

fn status(s: &Option<String>) -> anyhow::Result<Option<DeliveryStatus>> {
    s.as_deref()
        .map(|s| field("--status", DeliveryStatus::parse(s)))
        .transpose()
}

fn yes_no(name: &str, s: &Option<String>) -> anyhow::Result<Option<bool>> {
    s.as_deref()
        .map(|v| match v.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" => Ok(true),
            "no" | "n" | "false" => Ok(false),
            _ => Err(UserError(format!("{name}: '{v}' is not yes or no")).into()),
        })
        .transpose()
}

fn opt_date(name: &str, s: &Option<String>) -> anyhow::Result<Option<Option<chrono::NaiveDate>>> {
    s.as_deref()
        .map(|v| {
            if v.trim().is_empty() {
                Ok(None)
            } else {
                date_arg(name, v).map(Some)
            }
        })
        .transpose()
}

/// `outturn programme edit`.
pub fn programme_edit(
    books: &mut impl crate::ops::Store,
    a: &ProgrammeEditArgs,
) -> anyhow::Result<()> {
    let edit = ProgrammeEdit {
        code: a.code.clone(),
        name: a.name.clone(),
        organisation: a.organisation.clone(),
        status: status(&a.status)?,
    };
    let which = Which::named(&a.programme);
    let after = ops::edit_programme(books, which, a.version.expected_version, &edit)?;
    say!(
        "Programme {} ({}, {}), version {}.",
        after.code,
        after.name,
        after.status,
        after.version
    );
    Ok(())
}

/// `outturn phase edit`.
pub fn phase_edit(books: &mut impl crate::ops::Store, a: &PhaseEditArgs) -> anyhow::Result<()> {
    let edit = PhaseEdit {
        code: a.code.clone(),
        name: a.name.clone(),
        status: status(&a.status)?,
        officer: a.officer.clone(),
    };
    let which = Which::Named {
        name: &a.phase,
        programme: a.programme.as_deref(),
    };
    let after = ops::edit_phase(books, which, a.version.expected_version, &edit)?;
    say!(
        "Phase {}/{} ({}, {}), version {}.",
        after.programme_code,
        after.code,
        after.name,
        after.status,
        after.version
    );
    Ok(())
}

/// `outturn decision edit`.
pub fn decision_edit(
    books: &mut impl crate::ops::Store,
    a: &DecisionEditArgs,
) -> anyhow::Result<()> {
    let edit = DecisionEdit {
        reference: a.reference.clone(),
        body: a.body.clone(),
        date: a
            .date
            .as_deref()
            .map(|d| date_arg("--date", d))
            .transpose()?,
        item: a.item.clone(),
        key_decision: yes_no("--key-decision", &a.key_decision)?,
        call_in: yes_no("--call-in", &a.call_in)?,
        outcome: a.outcome.clone(),
        link: a.link.clone(),
        summary: a.summary.clone(),
    };
    let which = Which::named(&a.decision);
    let after = ops::edit_decision(books, which, a.version.expected_version, &edit)?;
    say!("Decision {}, version {}.", after.reference, after.version);
    Ok(())
}

/// `outturn framework edit`.
pub fn framework_edit(
    books: &mut impl crate::ops::Store,
    a: &FrameworkEditArgs,
) -> anyhow::Result<()> {
    let edit = FrameworkEdit {
        name: a.name.clone(),
        reference: a.reference.clone(),
        planned_end: opt_date("--planned-end", &a.planned_end)?,
        actual_end: opt_date("--actual-end", &a.actual_end)?,
    };
    let which = Which::named(&a.framework);
    let after = ops::edit_framework(books, which, a.version.expected_version, &edit)?;
    say!("Framework {}, version {}.", after.name, after.version);
    Ok(())
}

/// Which record kind a `delete` names.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Programme,
    Phase,
    Decision,
    Framework,
}

/// `outturn programme|phase|decision|framework delete`.
pub fn delete(
    books: &mut impl crate::ops::Store,
    kind: Kind,
    a: &DeleteArgs,
) -> anyhow::Result<()> {
    let v = a.version.expected_version;
    let which = a.which.as_str();
    let named = Which::Named {
        name: which,
        programme: a.programme.as_deref(),
    };
    match kind {
        Kind::Programme => ops::delete_programme(books, Which::named(which), v)?,
        Kind::Phase => ops::delete_phase(books, named, v)?,
        Kind::Decision => ops::delete_decision(books, Which::named(which), v)?,
        Kind::Framework => ops::delete_framework(books, Which::named(which), v)?,
    }
    say!("Deleted {} {which}.", format!("{kind:?}").to_lowercase());
    Ok(())
}
