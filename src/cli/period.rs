//! `outturn period close|reopen|list`: closed periods, over `store::locks`.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::args::{fy_arg, open, period_arg};
use super::output::{Cell, Format, Listing, date_cell, print_list};
use super::output::{outln, say};
use crate::domain::calendar::uk_date;
use crate::ops::period as ops;
use crate::ops::types::ClosedPeriod;

/// `outturn period`: closing and reopening periods.
#[derive(Debug, Subcommand)]
pub enum PeriodCmd {
    /// Close a period: everything dated on or before its end is locked and its report is kept as a
    /// snapshot (e.g. `period close 2017-18 P7`). Refused while a row beyond the variance-comment
    /// threshold has no comment.
    Close {
        /// The financial year (2017-18).
        fy: String,
        /// The period (P7 = October).
        period: String,
        /// Close even though rows beyond the comment threshold have no comment (they are listed).
        #[arg(long)]
        allow_missing_comments: bool,
    },
    /// Reopen a closed period (and every later one), discarding their snapshots; the reason goes in
    /// the audit log.
    Reopen {
        /// The financial year (2017-18).
        fy: String,
        /// The period (P7).
        period: String,
        /// Why it is reopened (required).
        #[arg(long, allow_hyphen_values = true)]
        reason: String,
    },
    /// List the closed periods.
    List {
        /// table (aligned), csv or json.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

impl Listing for ClosedPeriod {
    fn headers() -> &'static [&'static str] {
        &["FY", "Period", "Locked through", "Closed by", "Closed at"]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        vec![
            self.fy.label().into(),
            self.period.label().into(),
            date_cell(self.through, format),
            self.who.as_str().into(),
            Cell::Num(self.at.clone()),
        ]
    }
}

/// `outturn period ...`.
pub fn run(db: &Path, c: &PeriodCmd) -> anyhow::Result<ExitCode> {
    let mut books = open(db)?;
    shared(&mut books, c)
}

/// `outturn period ...` on books on either engine (a file or a server; on a server only a lead
/// may close and reopen: the server refuses anyone else).
pub fn shared(books: &mut impl crate::ops::Store, c: &PeriodCmd) -> anyhow::Result<ExitCode> {
    match c {
        PeriodCmd::Close {
            fy,
            period,
            allow_missing_comments,
        } => {
            let (fy, period) = (fy_arg("FY", fy)?, period_arg("PERIOD", period)?);
            let closed = ops::close(books, fy, period, *allow_missing_comments)?;
            say!(
                "Closed {} {}: everything dated on or before {} is locked. Its report is kept as a snapshot ({}, {}; its financing statement beside it, {}; `outturn report list`).",
                fy.label(),
                period.label(),
                uk_date(fy.period_end(period)),
                crate::domain::text::counted(closed.snapshot.rows as u64, "row"),
                crate::domain::text::counted(closed.snapshot.programmes as u64, "programme"),
                crate::domain::text::counted(closed.financing.rows as u64, "row")
            );
            if !closed.uncommented.is_empty() {
                outln!(
                    "Closed without a comment on {} row{} beyond the threshold: {}.",
                    closed.uncommented.len(),
                    if closed.uncommented.len() == 1 {
                        ""
                    } else {
                        "s"
                    },
                    closed.uncommented.join("; ")
                );
            }
        }
        PeriodCmd::Reopen { fy, period, reason } => {
            let (fy, period) = (fy_arg("FY", fy)?, period_arg("PERIOD", period)?);
            let r = ops::reopen(books, fy, period, reason)?;
            let (n, gone, lock) = (r.periods, r.discarded, r.locked_through);
            say!(
                "Reopened {} {} ({n} closed period{} removed, {} snapshot{} discarded); {}.",
                fy.label(),
                period.label(),
                if n == 1 { "" } else { "s" },
                gone.len(),
                if gone.len() == 1 { "" } else { "s" },
                match lock {
                    Some(d) => format!("still locked through {}", uk_date(d)),
                    None => "no period is closed now".to_string(),
                }
            );
        }
        PeriodCmd::List { format } => print_list(&ops::list_closed(books)?, *format)?,
    }
    Ok(ExitCode::SUCCESS)
}
