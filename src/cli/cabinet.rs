//! The report as it goes to Cabinet, on the command line: `report list` (the snapshots held),
//! `report movement` (the bridge between two reports) and `comment add|edit|list` (variance
//! commentary). Thin over `ops::report`, `ops::comment` and `io::movement`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::args::{fy_arg, open, opt_fy_arg, period_arg};
use super::output::say;
use super::output::{Cell, Format, FormatArg, Listing, print_list};
use crate::domain::FinancialYear;
use crate::domain::Period;
use crate::error::UserError;
use crate::io::movement::{movement_table, write_movement_csv};
use crate::io::report::MoneyStyle;
use crate::ops::types::{Comment, SnapshotInfo};
use crate::ops::{comment, report};

/// Options of `outturn report movement`.
#[derive(Debug, Args)]
pub struct MovementArgs {
    /// The financial year: 2017-18.
    #[arg(long)]
    pub fy: String,
    /// The earlier report's period (P6): its snapshot if closed, the live position otherwise.
    #[arg(long)]
    pub from: String,
    /// The later report's period (P9).
    #[arg(long)]
    pub to: String,
    /// Only this programme (code).
    #[arg(long)]
    pub programme: Option<String>,
    /// Write the CSV to FILE (replaced whole, never half-written), or `-` for standard output.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

impl Listing for SnapshotInfo {
    fn headers() -> &'static [&'static str] {
        &[
            "Report",
            "FY",
            "Period",
            "Programmes",
            "Rows",
            "Taken by",
            "Taken at",
            "Source",
            "RAG red %",
            "RAG amber %",
        ]
    }

    fn cells(&self, _format: Format) -> Vec<Cell> {
        vec![
            self.kind.as_str().into(),
            self.fy.label().into(),
            self.period.label().into(),
            Cell::Num(self.programmes.to_string()),
            Cell::Num(self.rows.to_string()),
            self.who.as_str().into(),
            Cell::Num(self.at.clone()),
            self.source.as_str().into(),
            Cell::Num(self.thresholds.red_overspend_pct.to_string()),
            Cell::Num(self.thresholds.amber_underspend_pct.to_string()),
        ]
    }
}

/// How a report read from its snapshot says so: ` (closed: the snapshot taken AT by WHO)`.
pub fn frozen(s: &SnapshotInfo) -> String {
    format!(
        " (closed: the snapshot taken {} by {}{})",
        s.at,
        s.who,
        if s.source == "upgrade" {
            ", from the live figures when the database was upgraded"
        } else {
            ""
        }
    )
}

/// A writer of a whole file, never half-written (`report`'s own).
pub type WriteFile = fn(&Path, &[u8]) -> anyhow::Result<()>;

/// Runs `outturn report list`: the snapshots held.
pub fn run_list(conn: &impl crate::ops::Sql, f: &FormatArg) -> anyhow::Result<ExitCode> {
    print_list(&report::snapshots(conn)?, f.format)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `outturn report movement`: the bridge between two reports of a year.
pub fn run_movement(
    conn: &impl crate::ops::Sql,
    a: &MovementArgs,
    write_file: WriteFile,
) -> anyhow::Result<ExitCode> {
    let fy = fy_arg("--fy", &a.fy)?;
    let (from, to) = (period_arg("--from", &a.from)?, period_arg("--to", &a.to)?);
    if to <= from {
        return Err(UserError(format!(
            "--to: {} is not after --from {}: give the earlier report in --from, e.g. --from P6 --to P9",
            to.label(),
            from.label()
        ))
        .into());
    }
    let report::Movement {
        from_basis,
        to_basis,
        rows,
    } = report::movement(conn, fy, from, to, a.programme.as_deref())?;
    match a.csv.as_deref() {
        Some(p) if p.as_os_str() == "-" => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            write_movement_csv(fy, from, to, &rows, &mut out)?;
            out.flush()?;
        }
        Some(path) => {
            let mut buf = Vec::new();
            write_movement_csv(fy, from, to, &rows, &mut buf)?;
            write_file(path, &buf)?;
            say!(
                "Wrote the {} movement from {} to {} ({}) to {}.",
                fy.label(),
                from_basis,
                to_basis,
                crate::domain::text::counted(rows.len() as u64, "row"),
                path.display()
            );
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            writeln!(
                out,
                "Movement in revised budget {} from {} to {}, by cause.",
                fy.label(),
                from_basis,
                to_basis
            )?;
            movement_table(fy, from, to, &rows, MoneyStyle::Screen).write_text(&mut out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `outturn comment`: variance commentary.
#[derive(Debug, Subcommand)]
pub enum CommentCmd {
    /// Add the comment for a phase's variance in a year as at a period (one per phase and period).
    Add {
        /// The programme (code), when the phase code is not unique.
        #[arg(long)]
        programme: Option<String>,
        /// The phase (code).
        #[arg(long)]
        phase: String,
        /// The financial year: 2017-18.
        #[arg(long)]
        fy: String,
        /// The period of the report it explains: P7.
        #[arg(long)]
        period: String,
        /// The reason for the variance and the action taken.
        #[arg(long, allow_hyphen_values = true)]
        text: String,
    },
    /// Change a comment's text.
    Edit {
        /// The comment's id (from `comment list`).
        id: i64,
        #[arg(long, allow_hyphen_values = true)]
        text: String,
        /// Refuse if the comment changed since this version (from `comment list --format json`).
        #[arg(long)]
        expected_version: Option<i64>,
    },
    /// Carry each phase's comment of one period forward to a later one where that phase has none,
    /// marked "(carried from P7)" and editable like any other (a carried comment satisfies the
    /// close).
    Carry {
        /// The financial year: 2017-18.
        #[arg(long)]
        fy: String,
        /// The period whose comments are carried: P7.
        #[arg(long)]
        from: String,
        /// The period they are carried to (default: the one after --from).
        #[arg(long)]
        to: Option<String>,
    },
    /// List comments.
    List {
        #[arg(long)]
        fy: Option<String>,
        #[arg(long)]
        period: Option<String>,
        #[command(flatten)]
        format: FormatArg,
    },
}

impl Listing for Comment {
    fn headers() -> &'static [&'static str] {
        &[
            "Id",
            "Programme",
            "Phase",
            "FY",
            "Period",
            "Comment",
            "By",
            "At",
            "Version",
        ]
    }

    fn cells(&self, _format: Format) -> Vec<Cell> {
        vec![
            Cell::Num(self.id.to_string()),
            self.programme_code.as_str().into(),
            self.phase_code.as_str().into(),
            self.fy.label().into(),
            self.period.label().into(),
            self.text.as_str().into(),
            self.who.as_str().into(),
            Cell::Num(self.at.clone()),
            Cell::Num(self.version.to_string()),
        ]
    }
}

/// Runs `outturn comment ...`.
pub fn run_comment(db: &Path, c: &CommentCmd) -> anyhow::Result<ExitCode> {
    comment_shared(&mut open(db)?, c)
}

/// `outturn comment …` on books on either engine (a file or a server).
pub fn comment_shared(
    conn: &mut impl crate::ops::Store,
    c: &CommentCmd,
) -> anyhow::Result<ExitCode> {
    match c {
        CommentCmd::Add {
            programme,
            phase,
            fy,
            period,
            text,
        } => {
            let (fy, period): (FinancialYear, Period) =
                (fy_arg("--fy", fy)?, period_arg("--period", period)?);
            let id = comment::add(conn, programme.as_deref(), phase, fy, period, text)?;
            say!(
                "Added comment {id} for {phase} {} {}.",
                fy.label(),
                period.label()
            );
        }
        CommentCmd::Edit {
            id,
            text,
            expected_version,
        } => {
            let c = comment::edit(conn, *id, *expected_version, text)?;
            say!(
                "Changed comment {id} ({}/{} {} {}); now version {}.",
                c.programme_code,
                c.phase_code,
                c.fy.label(),
                c.period.label(),
                c.version
            );
        }
        CommentCmd::Carry { fy, from, to } => {
            let fy = fy_arg("--fy", fy)?;
            let from = period_arg("--from", from)?;
            let to = to.as_deref().map(|p| period_arg("--to", p)).transpose()?;
            let c = comment::carry(conn, fy, from, to)?;
            say!(
                "Carried {} comment{} of {} {} to {}{}{}",
                c.added.len(),
                if c.added.len() == 1 { "" } else { "s" },
                fy.label(),
                from.label(),
                c.to.label(),
                if c.kept > 0 {
                    format!(
                        " ({} phase{} already had one for {}, kept as {})",
                        c.kept,
                        if c.kept == 1 { "" } else { "s" },
                        c.to.label(),
                        if c.kept == 1 { "it is" } else { "they are" }
                    )
                } else {
                    String::new()
                },
                if c.added.is_empty() {
                    ".".to_string()
                } else {
                    format!(
                        ": {}; change one with `outturn comment edit ID --text ...`.",
                        c.added
                            .iter()
                            .map(|k| format!("{}/{} (id {})", k.programme_code, k.phase_code, k.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            );
        }
        CommentCmd::List { fy, period, format } => {
            let fy = opt_fy_arg("--fy", fy)?;
            let period = period
                .as_deref()
                .map(|p| period_arg("--period", p))
                .transpose()?;
            print_list(&comment::list(conn, fy, period)?, format.format)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
