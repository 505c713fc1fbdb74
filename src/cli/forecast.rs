//! `outturn forecast add|list`: forecast outturns.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{ProgrammeYearList, fy_arg, money_arg, open, period_arg, phase_arg, write};
use super::output::say;
use super::output::{Cell, Format, Listing, money_cell};
use crate::domain::model::Forecast;
use crate::store::entities as e;

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
        /// The period it is entered as at (P6).
        #[arg(long)]
        period: String,
        #[arg(long)]
        amount: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// List forecasts.
    List(ProgrammeYearList),
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
        ]
    }
}

/// Runs `outturn forecast …` on the database at `db`.
pub fn run(db: &Path, c: &ForecastCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(db)?;
    match c {
        ForecastCmd::Add {
            programme,
            phase,
            fy,
            period,
            amount,
            note,
        } => {
            let f = e::NewForecast {
                phase_id: phase_arg(&conn, programme.as_deref(), phase, "--phase")?,
                fy: fy_arg("--fy", fy)?,
                as_at: period_arg("--period", period)?,
                amount: money_arg("--amount", amount)?,
                note: note.clone(),
            };
            write(&mut conn, |tx| e::set_forecast(tx, &f))?;
            say!(
                "Forecast {} for {} as at {}.",
                f.amount.full(),
                f.fy.label(),
                f.as_at.label()
            );
        }
        ForecastCmd::List(l) => l.print(&conn, e::list_forecasts)?,
    }
    Ok(ExitCode::SUCCESS)
}
