//! `outturn report`: the monthly monitoring report on screen or as CSV. Thin over `ops::report`,
//! `domain::report` and `io::report`: this module reads the options, picks the output and writes
//! files safely; it computes nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

pub use super::args::write_file_atomically;
use super::args::{field, open};
use super::output::say;
use crate::domain::calendar::{parse_month, uk_date};
use crate::domain::report::parse_threshold_pct;
use crate::domain::{FinancialYear, Period};
use crate::error::UserError;
use crate::io::report::{MoneyStyle, report_table, write_csv};
use crate::ops::report::{self as ops, ReportRequest};

/// Options of `outturn report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The financial year: 2017-18 (also 2017/18, FY2017-18).
    #[arg(long)]
    pub fy: Option<String>,
    /// The period the report is as at: 7 or P7 (P1 = April .. P12 = March), or a month 2017-10.
    #[arg(long)]
    pub period: Option<String>,
    /// The calendar month the report is as at, giving year and period together: 2017-10 is
    /// 2017-18 P7.
    #[arg(long)]
    pub month: Option<String>,
    /// Only this programme (code).
    #[arg(long)]
    pub programme: Option<String>,
    /// Write the CSV to FILE (replaced whole, never half-written), or `-` for standard output.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Red above this variance, in percent of the revised budget, for this report only
    /// (default: `config get rag.red_overspend_pct`, 5).
    #[arg(long, value_name = "PCT")]
    pub rag_red: Option<String>,
    /// Amber beyond this underspend, in percent of the revised budget, for this report only
    /// (default: `config get rag.amber_underspend_pct`, 10).
    #[arg(long, value_name = "PCT")]
    pub rag_amber: Option<String>,
    /// Other reports: `list` (the snapshots held), `movement` (the bridge between two reports),
    /// `progress` (the six-monthly progress report), `financing` (the financing statement).
    #[command(subcommand)]
    pub other: Option<OtherReport>,
}

/// Reports other than the monthly monitoring report.
#[derive(Debug, clap::Subcommand)]
pub enum OtherReport {
    /// List the snapshots held: the reports frozen when their periods were closed.
    List(super::output::FormatArg),
    /// The movement in revised budget between two reports of a year, by cause.
    Movement(super::cabinet::MovementArgs),
    /// The six-monthly progress report for Scrutiny: spend, milestones, benefits, commentary.
    Progress(super::progress::ProgressArgs),
    /// The financing statement: approved funding by source, the funding gap, and how actual to
    /// date is met from it in the configured order (`config get financing.order`).
    Financing(super::funding::FinancingArgs),
}

fn user(msg: impl Into<String>) -> anyhow::Error {
    UserError(msg.into()).into()
}

/// True for `2017-10`-shaped input (a month rather than a period number).
fn looks_like_month(s: &str) -> bool {
    let b = s.trim().as_bytes();
    b.len() > 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// Works out the (FY, period) of a report from `--fy`, `--period` and `--month`. `--period` takes
/// a period number or a month; `--month` gives both. Any two that disagree, or a missing year or
/// period, is an error saying what to give.
pub fn resolve_when(
    fy: Option<&str>,
    period: Option<&str>,
    month: Option<&str>,
) -> anyhow::Result<(FinancialYear, Period)> {
    let from_fy = fy
        .map(|s| field("--fy", FinancialYear::parse(s)))
        .transpose()?;
    let mut from_period: Option<(Option<FinancialYear>, Period)> = None;
    if let Some(p) = period {
        from_period = Some(if looks_like_month(p) {
            let (y, p) = field("--period", parse_month(p))?;
            (Some(y), p)
        } else {
            (None, field("--period", Period::parse(p))?)
        });
    }
    let from_month = month
        .map(|s| field("--month", parse_month(s)))
        .transpose()?;

    let mut year: Option<(FinancialYear, &str)> = from_fy.map(|y| (y, "--fy"));
    let mut per: Option<(Period, &str)> = None;
    let mut agree_year = |y: FinancialYear, from: &'static str| -> anyhow::Result<()> {
        match year {
            Some((have, by)) if have != y => Err(user(format!(
                "{from} gives the financial year {} but {by} gives {}: give one of them, or make them agree",
                y.label(),
                have.label()
            ))),
            _ => {
                year = Some((y, from));
                Ok(())
            }
        }
    };
    if let Some((y, _)) = from_period
        && let Some(y) = y
    {
        agree_year(y, "--period")?;
    }
    if let Some((y, _)) = from_month {
        agree_year(y, "--month")?;
    }
    if let Some((_, p)) = from_period {
        per = Some((p, "--period"));
    }
    if let Some((_, p)) = from_month {
        if let Some((have, by)) = per
            && have != p
        {
            return Err(user(format!(
                "--month gives period {} ({}) but {by} gives {}: give one of them, or make them agree",
                p.label(),
                p.month_name(),
                have.label()
            )));
        }
        per = Some((p, "--month"));
    }
    let Some((fy, _)) = year else {
        return Err(user(
            "--fy is missing: give the financial year, e.g. --fy 2017-18 (or the month, e.g. --month 2017-10)",
        ));
    };
    let Some((p, _)) = per else {
        return Err(user(
            "--period is missing: give the period, e.g. --period 7 for P7 (October) or --month 2017-10",
        ));
    };
    Ok((fy, p))
}

/// With no `--fy`, `--period` or `--month`: the current financial year (of today, or
/// `OUTTURN_TODAY`) as at its last closed period, or as at the current period when none of it is
/// closed. Says which on stderr, so the CSV stays pure CSV.
fn default_when(conn: &impl crate::ops::Sql) -> anyhow::Result<(FinancialYear, Period)> {
    let today = super::tui::today()?;
    let fy = FinancialYear::containing(today);
    let closed = crate::ops::period::list_closed(conn)?
        .into_iter()
        .filter(|c| c.fy == fy)
        .map(|c| c.period)
        .max();
    let (period, why) = match closed {
        Some(p) => (p, "its last closed period"),
        None => (
            Period::of_date(today),
            "the current period: none of it is closed",
        ),
    };
    eprintln!(
        "Report for {} as at {} ({why}); give --fy and --period for another.",
        fy.label(),
        period.label()
    );
    Ok((fy, period))
}

fn threshold_arg(name: &str, s: &str) -> anyhow::Result<rust_decimal::Decimal> {
    field(name, parse_threshold_pct(s))
}

/// The year and period asked for (None: the default, which needs the books) and the RAG
/// thresholds given for this report, read from the options alone.
type Asked = (
    Option<(FinancialYear, Period)>,
    Option<rust_decimal::Decimal>,
    Option<rust_decimal::Decimal>,
);

fn asked(a: &ReportArgs) -> anyhow::Result<Asked> {
    let when = if a.fy.is_none() && a.period.is_none() && a.month.is_none() {
        None
    } else {
        Some(resolve_when(
            a.fy.as_deref(),
            a.period.as_deref(),
            a.month.as_deref(),
        )?)
    };
    let red = a
        .rag_red
        .as_deref()
        .map(|s| threshold_arg("--rag-red", s))
        .transpose()?;
    let amber = a
        .rag_amber
        .as_deref()
        .map(|s| threshold_arg("--rag-amber", s))
        .transpose()?;
    Ok((when, red, amber))
}

/// `outturn report` on the database at `db`: the options are checked before it is opened.
pub fn run(db: &Path, a: &ReportArgs) -> anyhow::Result<ExitCode> {
    match &a.other {
        Some(OtherReport::Progress(p)) => {
            return super::progress::run(db, p, write_file_atomically);
        }
        Some(OtherReport::Financing(f)) => return super::funding::report(db, f),
        Some(_) => {}
        None => {
            asked(a)?;
        }
    }
    let mut books = open(db)?;
    shared(&mut books, a)
}

/// The `report` forms that run on books on either engine (a file or a server): the monitoring
/// report, `report list` and `report movement`; the others are refused here, naming themselves.
pub fn shared(books: &mut impl crate::ops::Store, a: &ReportArgs) -> anyhow::Result<ExitCode> {
    match &a.other {
        Some(OtherReport::List(f)) => return super::cabinet::run_list(books, f),
        Some(OtherReport::Movement(m)) => {
            return super::cabinet::run_movement(books, m, write_file_atomically);
        }
        Some(OtherReport::Progress(p)) => {
            return super::progress::shared(books, p, write_file_atomically);
        }
        Some(OtherReport::Financing(f)) => return super::funding::report_shared(books, f),
        None => {}
    }
    let (when, red, amber) = asked(a)?;
    let (fy, period) = match when {
        Some(w) => w,
        None => default_when(books)?,
    };
    let read = ops::report(
        books,
        &ReportRequest {
            fy,
            period,
            programme: a.programme.clone(),
            rag_red: red,
            rag_amber: amber,
        },
    )?;
    let (cabinet, snapshot) = (read.report, read.snapshot);
    let thresholds = cabinet.report.thresholds;
    let frozen = snapshot
        .as_ref()
        .map(super::cabinet::frozen)
        .unwrap_or_default();
    let report = &cabinet.report;

    match a.csv.as_deref() {
        Some(p) if p.as_os_str() == "-" => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            write_csv(&cabinet, &mut out)?;
            out.flush()?;
        }
        Some(path) => {
            let mut buf = Vec::new();
            write_csv(&cabinet, &mut buf)?;
            write_file_atomically(path, &buf)?;
            let phases = report
                .rows
                .iter()
                .filter(|r| r.kind == crate::domain::report::RowKind::Phase)
                .count();
            say!(
                "Wrote the {} {} report{frozen} ({}, {} in all) to {}.",
                fy.label(),
                period.label(),
                crate::domain::text::counted(phases as u64, "phase row"),
                crate::domain::text::counted(report.rows.len() as u64, "row"),
                path.display()
            );
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            writeln!(
                out,
                "Capital monitoring {} as at {} ({}){frozen}, year to date {} to {}. RAG: Red over +{} % variance or spend + commitments over budget; Amber any overspend or underspend beyond {} %.",
                fy.label(),
                period.label(),
                period.month_name(),
                uk_date(fy.start()),
                uk_date(fy.period_end(period)),
                thresholds.red_overspend_pct,
                thresholds.amber_underspend_pct
            )?;
            report_table(report, &cabinet.after_rag, MoneyStyle::Screen).write_text(&mut out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn when(
        fy: Option<&str>,
        p: Option<&str>,
        m: Option<&str>,
    ) -> Result<(String, String), String> {
        resolve_when(fy, p, m)
            .map(|(y, p)| (y.label(), p.label()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn year_and_period_from_any_consistent_spelling() {
        let ok = Ok(("2017-18".to_string(), "P7".to_string()));
        assert_eq!(when(Some("2017-18"), Some("7"), None), ok);
        assert_eq!(when(Some("FY2017/18"), Some("P7"), None), ok);
        assert_eq!(when(None, None, Some("2017-10")), ok);
        assert_eq!(when(None, Some("2017-10"), None), ok);
        assert_eq!(when(Some("2017-18"), Some("7"), Some("2017-10")), ok);
        // January 2018 is P10 of 2017-18, not of 2018-19.
        assert_eq!(
            when(None, None, Some("2018-01")),
            Ok(("2017-18".to_string(), "P10".to_string()))
        );
    }

    #[test]
    fn missing_impossible_or_disagreeing_is_an_error_naming_the_option() {
        let e = when(Some("2017-18"), Some("13"), None).unwrap_err();
        assert!(e.starts_with("--period: '13' is not a period"), "{e}");
        let e = when(Some("2017-19"), Some("7"), None).unwrap_err();
        assert!(
            e.starts_with("--fy: '2017-19' is not a financial year"),
            "{e}"
        );
        let e = when(None, Some("7"), None).unwrap_err();
        assert!(e.starts_with("--fy is missing"), "{e}");
        let e = when(Some("2017-18"), None, None).unwrap_err();
        assert!(e.starts_with("--period is missing"), "{e}");
        let e = when(Some("2018-19"), None, Some("2017-10")).unwrap_err();
        assert!(
            e.contains("--month gives the financial year 2017-18 but --fy gives 2018-19"),
            "{e}"
        );
        let e = when(Some("2017-18"), Some("8"), Some("2017-10")).unwrap_err();
        assert!(
            e.contains("--month gives period P7 (October) but --period gives P8"),
            "{e}"
        );
        let e = when(None, None, Some("2017-13")).unwrap_err();
        assert!(e.starts_with("--month: '2017-13' is not a month"), "{e}");
        for e in [
            resolve_when(Some("2017-18"), Some("0"), None).unwrap_err(),
            resolve_when(None, None, None).unwrap_err(),
        ] {
            assert!(e.downcast_ref::<UserError>().is_some(), "{e}");
        }
    }

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        std::fs::write(&path, "old").unwrap();
        write_file_atomically(&path, b"new,csv\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new,csv\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let e = write_file_atomically(&dir.path().join("nope/r.csv"), b"x").unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
    }
}
