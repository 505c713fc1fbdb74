//! `outturn benefit add|edit|withdraw|realise|list`: the benefits a programme promised, their
//! targets per FY, what was realised as at a period, and their RAG (`domain::benefit`).

use super::output::say;
use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{field, fy_arg, money_arg, open, period_arg, year_amounts_arg};
use super::output::{Cell, Format, FormatArg, Listing, money_cell, print_list};
use crate::domain::benefit::{Benefit, BenefitKind, BenefitPosition};
use crate::domain::{Money, Period};
use crate::ops::benefit::{self as ops, BenefitChange, NewBenefit};
use crate::ops::types::NewRealisation;

#[derive(Debug, Subcommand)]
pub enum BenefitCmd {
    /// Add a benefit: a cashable saving, a non-cashable benefit or income, with targets per FY.
    Add {
        /// The programme (code).
        #[arg(long)]
        programme: String,
        /// The phase (code) it comes from, if one.
        #[arg(long)]
        phase: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        description: String,
        /// cashable, non-cashable or income.
        #[arg(long)]
        kind: String,
        /// Who answers for it.
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        owner: String,
        /// Targets per FY: "2018-19=£250k,2019-20=£500k".
        #[arg(long, default_value = "")]
        target: String,
    },
    /// Change a benefit (only what is given); --target replaces every target.
    Edit {
        id: i64,
        #[arg(long, conflicts_with = "no_phase")]
        phase: Option<String>,
        /// Detach the benefit from its phase.
        #[arg(long)]
        no_phase: bool,
        #[arg(long, allow_hyphen_values = true)]
        description: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        owner: Option<String>,
        #[arg(long)]
        target: Option<String>,
        /// Refuse if someone changed the benefit since this version was read.
        #[arg(long)]
        expected_version: Option<i64>,
    },
    /// Withdraw a benefit: kept and audited, left out of lists and reports.
    Withdraw {
        id: i64,
        #[arg(long)]
        expected_version: Option<i64>,
    },
    /// Enter what a benefit realised in a FY to the end of a period, and the further amount
    /// forecast by 31 March (a second entry for the same period replaces the first).
    Realise {
        id: i64,
        #[arg(long)]
        fy: String,
        /// The period it is entered as at (P6).
        #[arg(long)]
        period: String,
        /// Realised from 1 April to the end of the period.
        #[arg(long)]
        realised: String,
        /// The further amount expected from the end of the period to 31 March (default £0).
        #[arg(long)]
        forecast: Option<String>,
    },
    /// List benefits; with --fy, their target, realised, forecast and RAG for that year.
    List {
        #[arg(long)]
        programme: Option<String>,
        /// Show each benefit's position in this FY.
        #[arg(long)]
        fy: Option<String>,
        /// As at this period of --fy (default P12: the latest entry).
        #[arg(long, requires = "fy")]
        period: Option<String>,
        /// Include withdrawn benefits.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        format: FormatArg,
    },
}

impl Listing for Benefit {
    fn headers() -> &'static [&'static str] {
        &[
            "ID",
            "Programme",
            "Phase",
            "Description",
            "Kind",
            "Owner",
            "Status",
            "Targets",
            "Version",
        ]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        // On screen in £ like every other amount; plain decimals in CSV and JSON.
        let targets = match format {
            Format::Table => self.targets_shown(),
            _ => self.targets_text(),
        };
        vec![
            Cell::Num(self.id.to_string()),
            self.programme_code.as_str().into(),
            self.phase_code.clone().unwrap_or_default().into(),
            self.description.as_str().into(),
            self.kind.as_str().into(),
            self.owner.as_str().into(),
            self.status.as_str().into(),
            targets.into(),
            Cell::Num(self.version.to_string()),
        ]
    }
}

impl Listing for BenefitPosition {
    fn headers() -> &'static [&'static str] {
        &[
            "ID",
            "Programme",
            "Phase",
            "Description",
            "Kind",
            "Owner",
            "Financial year",
            "As at",
            "Target",
            "Entered",
            "Realised to date",
            "Further forecast",
            "Expected",
            "Variance",
            "RAG",
        ]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        let b = &self.benefit;
        vec![
            Cell::Num(b.id.to_string()),
            b.programme_code.as_str().into(),
            b.phase_code.clone().unwrap_or_default().into(),
            b.description.as_str().into(),
            b.kind.as_str().into(),
            b.owner.as_str().into(),
            self.fy.label().into(),
            self.as_at.label().into(),
            money_cell(self.target, format),
            self.entered.map(|p| p.label()).unwrap_or_default().into(),
            money_cell(self.realised, format),
            money_cell(self.forecast, format),
            money_cell(self.expected, format),
            money_cell(self.variance, format),
            self.rag.label().into(),
        ]
    }
}

fn kind_arg(s: &str) -> anyhow::Result<BenefitKind> {
    field("--kind", BenefitKind::parse(s))
}

/// Runs `outturn benefit …` on the database at `db`.
pub fn run(db: &Path, c: &BenefitCmd) -> anyhow::Result<ExitCode> {
    let mut books = open(db)?;
    shared(&mut books, c)
}

/// The `benefit` subcommands, on books on either engine (a file or a server).
pub fn shared(books: &mut impl crate::ops::Store, c: &BenefitCmd) -> anyhow::Result<ExitCode> {
    match c {
        BenefitCmd::Add {
            programme,
            phase,
            description,
            kind,
            owner,
            target,
        } => {
            let b = NewBenefit {
                programme: programme.clone(),
                phase: phase.clone(),
                description: description.clone(),
                kind: kind_arg(kind)?,
                owner: owner.clone(),
                targets: year_amounts_arg("--target", target)?,
            };
            let id = ops::add(books, &b)?;
            let total = Money::sum(b.targets.iter().map(|(_, m)| *m));
            say!(
                "Added benefit {id} ({}), targets totalling {}.",
                b.kind.as_str(),
                total.full()
            );
        }
        BenefitCmd::Edit {
            id,
            phase,
            no_phase,
            description,
            kind,
            owner,
            target,
            expected_version,
        } => {
            let phase = match (phase, no_phase) {
                (Some(p), _) => Some(Some(p.clone())),
                (None, true) => Some(None),
                (None, false) => None,
            };
            let edit = BenefitChange {
                phase,
                description: description.clone(),
                kind: kind.as_deref().map(kind_arg).transpose()?,
                owner: owner.clone(),
                targets: target
                    .as_deref()
                    .map(|t| year_amounts_arg("--target", t))
                    .transpose()?,
            };
            let b = ops::edit(books, *id, *expected_version, &edit)?;
            say!(
                "Benefit {} is now at version {}: targets {}.",
                b.id,
                b.version,
                b.targets_shown()
            );
        }
        BenefitCmd::Withdraw {
            id,
            expected_version,
        } => {
            let b = ops::withdraw(books, *id, *expected_version)?;
            say!("Withdrew benefit {} ({}).", b.id, b.description);
        }
        BenefitCmd::Realise {
            id,
            fy,
            period,
            realised,
            forecast,
        } => {
            let r = NewRealisation {
                benefit_id: *id,
                fy: fy_arg("--fy", fy)?,
                as_at: period_arg("--period", period)?,
                realised: money_arg("--realised", realised)?,
                forecast: forecast
                    .as_deref()
                    .map(|f| money_arg("--forecast", f))
                    .transpose()?
                    .unwrap_or(Money::ZERO),
            };
            ops::realise(books, &r)?;
            say!(
                "Benefit {id}: realised {} in {} to the end of {}, a further {} forecast by year end (expected {}).",
                r.realised.full(),
                r.fy.label(),
                r.as_at.label(),
                r.forecast.full(),
                (r.realised + r.forecast).full()
            );
        }
        BenefitCmd::List {
            programme,
            fy,
            period,
            all,
            format,
        } => match fy {
            None => print_list(
                &ops::list(books, programme.as_deref(), *all)?,
                format.format,
            )?,
            Some(fy) => {
                let fy = fy_arg("--fy", fy)?;
                let as_at = period
                    .as_deref()
                    .map(|p| period_arg("--period", p))
                    .transpose()?
                    .unwrap_or(Period::LAST);
                let positions = ops::positions(books, programme.as_deref(), *all, fy, as_at)?;
                print_list(&positions, format.format)?;
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}
