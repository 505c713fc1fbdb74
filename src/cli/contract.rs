//! `outturn contract add|list|exercise|vary|edit|delete`.

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Subcommand;
use serde::Serialize;

use super::args::{
    date_arg, field, money_arg, months_arg, open, opt_date_arg, parse_month, shorthand_note,
};
use super::output::say;
use super::output::{
    Cell, Format, FormatArg, Listing, date_cell, money_cell, opt_date_cell, opt_text, print_list,
};
use super::tui::today;
use crate::domain::Money;
use crate::domain::calendar::uk_date;
use crate::domain::model::Contract;
use crate::error::{Field, UserError};
use crate::ops::contract::{self as ops, ContractChange, Exercise, NewContract, Vary};
use crate::ops::records::ExtensionValues;
use crate::ops::register::Which;
use crate::ops::types::StoreError;

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum ContractCmd {
    /// Add a contract.
    Add {
        #[arg(long)]
        reference: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        title: String,
        #[arg(long, allow_hyphen_values = true)]
        supplier: String,
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        phase: String,
        #[arg(long)]
        framework: Option<String>,
        /// The contract value (a ceiling).
        #[arg(long)]
        value: String,
        /// Start date.
        #[arg(long)]
        start: String,
        /// Term in months.
        #[arg(long)]
        term: String,
        #[arg(long)]
        award_decision: Option<String>,
        /// An extension option of N months (repeatable).
        #[arg(long)]
        extension: Vec<String>,
        /// The estimated value of an extension option (repeatable, paired with --extension in
        /// order; an option without one adds nothing when exercised unless given then).
        #[arg(long)]
        extension_value: Vec<String>,
        /// When an extension decision is due (repeatable, paired with --extension in order).
        #[arg(long)]
        extension_due: Vec<String>,
    },
    /// List contracts.
    List {
        #[arg(long)]
        programme: Option<String>,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Exercise an extension option: its value is profiled over its months after the current end.
    Exercise {
        /// The contract reference.
        reference: String,
        /// The option id (default: the first unexercised one).
        #[arg(long)]
        option: Option<i64>,
        /// The value it adds (default: the option's estimate).
        #[arg(long)]
        value: Option<String>,
        /// The decision exercising it.
        #[arg(long)]
        decision: Option<String>,
        /// The date it is exercised (default: today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Vary a contract's value from a month: the difference is spread from that month to the end.
    Vary {
        reference: String,
        /// The new value of the contract.
        #[arg(long)]
        value: String,
        /// The first month it takes effect (2025-11; default: the contract's first month).
        #[arg(long)]
        effective: Option<String>,
        /// The decision varying it.
        #[arg(long)]
        decision: Option<String>,
        #[arg(long)]
        expected_version: Option<i64>,
    },
    /// Correct a contract's title, supplier, framework or award decision.
    Edit(ContractEditArgs),
    /// Delete a contract no actual refers to.
    Delete {
        reference: String,
        #[arg(long)]
        expected_version: Option<i64>,
    },
}

/// `outturn contract edit REF ...`: the options (an empty --framework or --award-decision clears it).
#[derive(Debug, clap::Args)]
pub struct ContractEditArgs {
    pub reference: String,
    #[arg(long, allow_hyphen_values = true)]
    pub title: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub supplier: Option<String>,
    #[arg(long)]
    pub framework: Option<String>,
    #[arg(long)]
    pub award_decision: Option<String>,
    /// Refuse the edit if the contract is no longer at this version.
    #[arg(long)]
    pub expected_version: Option<i64>,
}

/// A contract as listed: the record (all that JSON shows) and the end of its framework.
#[derive(Serialize)]
#[serde(transparent)]
struct ListedContract<'a> {
    contract: &'a Contract,
    #[serde(skip)]
    framework_end: Option<NaiveDate>,
}

impl Listing for ListedContract<'_> {
    fn headers() -> &'static [&'static str] {
        &[
            "Reference",
            "Programme",
            "Phase",
            "Supplier",
            "Value",
            "Start",
            "Term",
            "Framework",
            "Framework end",
            "Extensions",
            "Title",
        ]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        let k = self.contract;
        let ext = k
            .extensions
            .iter()
            .map(|x| {
                format!(
                    "{} months {} {}{}",
                    x.months,
                    if x.exercised { "exercised" } else { "option" },
                    x.exercised_value.unwrap_or(x.value).full(),
                    x.decision_due
                        .map(|d| format!(", decision due {}", uk_date(d)))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        vec![
            k.reference.as_str().into(),
            k.programme_code.as_str().into(),
            k.phase_code.as_str().into(),
            k.supplier.as_str().into(),
            money_cell(k.value, format),
            date_cell(k.start, format),
            Cell::Num(format!("{} months", k.current_term_months())),
            opt_text(&k.framework),
            opt_date_cell(self.framework_end, format),
            ext.into(),
            k.title.as_str().into(),
        ]
    }
}

/// Runs `outturn contract …` on the database at `db`.
pub fn run(db: &Path, c: &ContractCmd) -> anyhow::Result<ExitCode> {
    let mut books = open(db)?;
    shared(&mut books, c)
}

/// The `contract` subcommands, on books on either engine (a file or a server).
pub fn shared(books: &mut impl crate::ops::Store, c: &ContractCmd) -> anyhow::Result<ExitCode> {
    match c {
        ContractCmd::Add {
            reference,
            title,
            supplier,
            programme,
            phase,
            framework,
            value,
            start,
            term,
            award_decision,
            extension,
            extension_value,
            extension_due,
        } => {
            for (opt, n) in [
                ("--extension-value", extension_value.len()),
                ("--extension-due", extension_due.len()),
            ] {
                if n > extension.len() {
                    return Err(UserError(format!(
                        "{opt}: given {n} times for {} --extension option(s): they pair in order",
                        extension.len()
                    ))
                    .into());
                }
            }
            let extensions = extension
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    Ok(ExtensionValues {
                        months: months_arg("--extension", m)?,
                        value: extension_value
                            .get(i)
                            .map(|v| money_arg("--extension-value", v))
                            .transpose()?
                            .unwrap_or(Money::ZERO),
                        due: extension_due
                            .get(i)
                            .map(|d| date_arg("--extension-due", d))
                            .transpose()?,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let k = NewContract {
                reference: reference.clone(),
                title: title.clone(),
                supplier: supplier.clone(),
                programme: programme.clone(),
                phase: phase.clone(),
                framework: framework.clone(),
                value: money_arg("--value", value)?,
                start: date_arg("--start", start)?,
                term_months: months_arg("--term", term)?,
                award_decision: award_decision.clone(),
                extensions,
                profile: Vec::new(),
            };
            ops::add(books, &k)?;
            say!(
                "Added contract {}, {}{}.",
                k.reference.trim(),
                k.value.full(),
                shorthand_note(value, k.value)
            );
        }
        ContractCmd::List { programme, format } => {
            let items = ops::list(books, programme.as_deref())?;
            let listed: Vec<ListedContract> = items
                .iter()
                .map(|k| ListedContract {
                    contract: &k.contract,
                    framework_end: k.framework_end,
                })
                .collect();
            print_list(&listed, format.format)?;
        }
        ContractCmd::Exercise {
            reference,
            option,
            value,
            decision,
            date,
        } => exercise(books, reference, *option, value, decision, date)?,
        ContractCmd::Vary {
            reference,
            value,
            effective,
            decision,
            expected_version,
        } => {
            let v = money_arg("--value", value)?;
            let vary = Vary {
                value: v,
                effective: effective
                    .as_deref()
                    .map(|m| field("--effective", parse_month(m)))
                    .transpose()?,
                decision: decision.clone(),
                expected_version: *expected_version,
                date: today()?,
            };
            let varied = ops::vary(books, Which::named(reference), &vary)?;
            let (k, after, from) = (varied.before, varied.after, varied.effective);
            let spread = if from > after.end_month() {
                format!(
                    "all in {}, after the term ended in {}",
                    from.key(),
                    after.end_month().key()
                )
            } else {
                format!("over {} to {}", from.key(), after.end_month().key())
            };
            say!(
                "Contract {} varied from {} to {} effective {}: {} {spread}{}.",
                after.reference,
                k.value.full(),
                after.value.full(),
                from.key(),
                (after.value - k.value).full(),
                shorthand_note(value, v),
            );
        }
        ContractCmd::Edit(a) => {
            let cleared = |s: &Option<String>| {
                s.as_deref()
                    .map(|v| (!v.trim().is_empty()).then(|| v.to_string()))
            };
            let edit = ContractChange {
                title: a.title.clone(),
                supplier: a.supplier.clone(),
                framework: cleared(&a.framework),
                award_decision: cleared(&a.award_decision),
            };
            let which = Which::named(&a.reference);
            let after =
                ops::edit(books, which, a.expected_version, &edit).map_err(award_decision)?;
            say!(
                "Contract {} edited, version {}.",
                after.reference,
                after.version
            );
        }
        ContractCmd::Delete {
            reference,
            expected_version,
        } => {
            ops::delete(books, Which::named(reference), *expected_version)?;
            say!("Deleted contract {reference}.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// An unknown award decision is said as the option it was given in.
fn award_decision(err: StoreError) -> anyhow::Error {
    let award = matches!(
        err.plain(),
        StoreError::NotFound {
            field: Field::Decision,
            ..
        }
    );
    let err = anyhow::Error::new(err);
    if award {
        err.context("--award-decision")
    } else {
        err
    }
}

/// `outturn contract exercise`.
fn exercise(
    books: &mut impl crate::ops::Store,
    reference: &str,
    option: Option<i64>,
    value: &Option<String>,
    decision: &Option<String>,
    date: &Option<String>,
) -> anyhow::Result<()> {
    let v = value
        .as_deref()
        .map(|s| money_arg("--value", s))
        .transpose()?;
    let on = match opt_date_arg("--date", date)? {
        Some(d) => d,
        None => today()?,
    };
    let done = ops::exercise(
        books,
        &Exercise {
            contract: Some(reference.to_string()),
            option,
            expected_version: None,
            value: v,
            decision: decision.clone(),
            date: on,
        },
    )?;
    let (opt, after) = (done.option, done.after);
    say!(
        "Extension option {opt} of {reference} exercised: {} added{}, value now {}, term now {} months to {}.",
        done.added.full(),
        value
            .as_deref()
            .zip(v)
            .map(|(s, v)| shorthand_note(s, v))
            .unwrap_or_default(),
        after.value.full(),
        after.current_term_months(),
        after.end_month().key()
    );
    Ok(())
}
