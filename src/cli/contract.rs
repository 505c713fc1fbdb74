//! `outturn contract add|list|exercise|vary`.

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Subcommand;
use serde::Serialize;

use super::args::{
    date_arg, money_arg, months_arg, open, opt_date_arg, opt_decision, opt_programme, phase_arg,
    rename, write,
};
use super::output::say;
use super::output::{
    Cell, Format, FormatArg, Listing, date_cell, money_cell, opt_date_cell, opt_text, print_list,
};
use crate::domain::Money;
use crate::domain::calendar::uk_date;
use crate::domain::model::Contract;
use crate::error::UserError;
use crate::store::entities as e;

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum ContractCmd {
    /// Add a contract.
    Add {
        #[arg(long)]
        reference: String,
        #[arg(long, default_value = "")]
        title: String,
        #[arg(long)]
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
        /// When the extension decision is due.
        #[arg(long)]
        extension_due: Option<String>,
    },
    /// List contracts.
    List {
        #[arg(long)]
        programme: Option<String>,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Exercise an extension option.
    Exercise {
        /// The contract reference.
        reference: String,
        /// The option id (default: the first unexercised one).
        #[arg(long)]
        option: Option<i64>,
        #[arg(long)]
        decision: Option<String>,
    },
    /// Vary a contract's value.
    Vary {
        reference: String,
        #[arg(long)]
        value: String,
    },
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
                    "{} months {}{}",
                    x.months,
                    if x.exercised { "exercised" } else { "option" },
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
            Cell::Num(format!("{} months", k.term_months)),
            opt_text(&k.framework),
            opt_date_cell(self.framework_end, format),
            ext.into(),
            k.title.as_str().into(),
        ]
    }
}

/// Runs `outturn contract …` on the database at `db`.
pub fn run(db: &Path, c: &ContractCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(db)?;
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
            extension_due,
        } => {
            let due = opt_date_arg("--extension-due", extension_due)?;
            let extensions = extension
                .iter()
                .map(|m| {
                    Ok(e::NewExtension {
                        months: months_arg("--extension", m)?,
                        value: Money::ZERO,
                        decision_due: due,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let k = e::NewContract {
                reference: reference.clone(),
                title: title.clone(),
                supplier: supplier.clone(),
                phase_id: phase_arg(&conn, programme.as_deref(), phase, "--phase")?,
                framework_id: framework
                    .as_deref()
                    .map(|f| e::framework_id(&conn, f).map_err(|e| rename(e, "--framework")))
                    .transpose()?,
                value: money_arg("--value", value)?,
                start: date_arg("--start", start)?,
                term_months: months_arg("--term", term)?,
                award_decision_id: opt_decision(&conn, award_decision)?,
                extensions,
                profile: Vec::new(),
            };
            let id = write(&mut conn, |tx| e::add_contract(tx, &k))?;
            say!(
                "Added contract {} (id {id}), {}.",
                k.reference.trim(),
                k.value.full()
            );
        }
        ContractCmd::List { programme, format } => {
            let items = e::list_contracts(&conn, opt_programme(&conn, programme)?, None)?;
            let frameworks = e::list_frameworks(&conn)?;
            let listed: Vec<ListedContract> = items
                .iter()
                .map(|k| ListedContract {
                    contract: k,
                    framework_end: k
                        .framework
                        .as_ref()
                        .and_then(|n| frameworks.iter().find(|f| &f.name == n))
                        .and_then(|f| f.end()),
                })
                .collect();
            print_list(&listed, format.format)?;
        }
        ContractCmd::Exercise {
            reference,
            option,
            decision,
        } => {
            let (cid, _) = e::contract_ref(&conn, reference)?;
            let k = e::get_contract(&conn, cid)?;
            let opt = match option {
                Some(id) => *id,
                None => k
                    .extensions
                    .iter()
                    .find(|x| !x.exercised)
                    .map(|x| x.id)
                    .ok_or_else(|| {
                        UserError(format!(
                            "contract {reference} has no unexercised extension option"
                        ))
                    })?,
            };
            let d = opt_decision(&conn, decision)?;
            write(&mut conn, |tx| e::exercise_extension(tx, opt, None, d))?;
            say!("Extension option {opt} of {reference} exercised.");
        }
        ContractCmd::Vary { reference, value } => {
            let (cid, _) = e::contract_ref(&conn, reference)?;
            let v = money_arg("--value", value)?;
            let k = e::get_contract(&conn, cid)?;
            write(&mut conn, |tx| e::set_contract_value(tx, cid, k.version, v))?;
            say!("Contract {reference} value now {}.", v.full());
        }
    }
    Ok(ExitCode::SUCCESS)
}
