//! `outturn forecast add|list|withdraw`: forecast outturns, entered as at a date.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{
    ProgrammeYearList, date_arg, fy_arg, money_arg, open, opt_fy_arg, period_arg, shorthand_note,
};
use super::output::say;
use super::output::{Cell, Format, Listing, date_cell, money_cell, opt_date_cell, print_list};
use super::tui::today;
use crate::domain::calendar::uk_date;
use crate::domain::model::Forecast;
use crate::domain::{FinancialYear, Period};
use crate::ops::forecast as ops;

#[derive(Debug, Subcommand)]
pub enum ForecastCmd {
    /// Enter a forecast outturn for a phase and FY as at a period.
    Add {
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        phase: String,
        #[arg(long)]
        fy: String,
        /// The period of --fy it is entered as at (P6): as at the end of that period.
        #[arg(long, conflicts_with = "as_at")]
        period: Option<String>,
        /// The date it is entered as at (a later year's forecast may be entered as at today);
        /// default: today, or the end of --fy if that is earlier.
        #[arg(long)]
        as_at: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        note: String,
    },
    /// List forecasts (withdrawn ones included, marked).
    List(ProgrammeYearList),
    /// Withdraw a mistaken forecast: the report ignores it.
    Withdraw {
        /// The forecast id (from `forecast list`).
        id: i64,
        /// Why it is withdrawn.
        #[arg(long, allow_hyphen_values = true)]
        reason: String,
        #[arg(long)]
        expected_version: Option<i64>,
    },
}

impl Listing for Forecast {
    fn headers() -> &'static [&'static str] {
        &[
            "Programme",
            "Phase",
            "FY",
            "As at",
            "Forecast outturn",
            "Note",
            "Id",
            "As at date",
            "Withdrawn",
        ]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        vec![
            self.programme_code.as_str().into(),
            self.phase_code.as_str().into(),
            self.fy.label().into(),
            self.as_at.label().into(),
            money_cell(self.amount, format),
            self.note.as_str().into(),
            Cell::Num(self.id.to_string()),
            date_cell(self.as_at_date, format),
            opt_date_cell(self.withdrawn_on, format),
        ]
    }
}

/// Runs `outturn forecast …` on the database at `db`.
pub fn run(db: &Path, c: &ForecastCmd) -> anyhow::Result<ExitCode> {
    let mut books = open(db)?;
    shared(&mut books, c)
}

/// The `forecast` subcommands, on books on either engine (a file or a server).
pub fn shared(books: &mut impl crate::ops::Store, c: &ForecastCmd) -> anyhow::Result<ExitCode> {
    match c {
        ForecastCmd::Add {
            programme,
            phase,
            fy,
            period,
            as_at,
            amount,
            note,
        } => {
            let fy = fy_arg("--fy", fy)?;
            let date = match (period, as_at) {
                (Some(p), _) => fy.period_end(period_arg("--period", p)?),
                (None, Some(d)) => date_arg("--as-at", d)?,
                (None, None) => today()?.min(fy.end()),
            };
            let money = money_arg("--amount", amount)?;
            let ops::Entered { id, replaced } = ops::enter(
                books,
                &ops::NewForecast {
                    programme: programme.clone(),
                    phase: phase.clone(),
                    fy,
                    as_at: date,
                    amount: money,
                    note: note.clone(),
                },
            )?;
            let at = FinancialYear::containing(date);
            say!(
                "Forecast {id}: {}{} for {} as at {} ({} {}){}.",
                money.full(),
                shorthand_note(amount, money),
                fy.label(),
                uk_date(date),
                at.label(),
                Period::of_date(date).label(),
                replaced
                    .map(|r| format!(
                        ", replacing {} as at {}",
                        r.amount.full(),
                        uk_date(r.as_at_date)
                    ))
                    .unwrap_or_default()
            );
        }
        ForecastCmd::Withdraw {
            id,
            reason,
            expected_version,
        } => {
            let on = today()?;
            let f = ops::withdraw(books, *id, *expected_version, reason, on)?;
            say!(
                "Forecast {id} withdrawn: {} for {}/{} {} as at {} no longer counts.",
                f.amount.full(),
                f.programme_code,
                f.phase_code,
                f.fy.label(),
                uk_date(f.as_at_date)
            );
        }
        ForecastCmd::List(l) => {
            let fy = opt_fy_arg("--fy", &l.fy)?;
            print_list(
                &ops::list(books, l.programme.as_deref(), fy)?,
                l.format.format,
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
