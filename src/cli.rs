//! The command line: thin subcommands over domain + store + io. Every value a person types is read
//! by the domain parsers; a bad value is a one-line error naming the option and the value, exit
//! status 2, with nothing changed (each command is one transaction).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use rusqlite::Connection;

use crate::domain::calendar::{parse_date, uk_date};
use crate::domain::model::*;
use crate::domain::{FinancialYear, Money, Period};
use crate::io::table::{Cell, Format, Table};
use crate::store::{self, StoreError, entities as e};

/// Outturn: capital programme monitoring for UK councils, from decision to contract to payment.
#[derive(Debug, Parser)]
#[command(name = "outturn", version, about, long_about = None)]
pub struct Cli {
    /// The database file (default: your data directory, e.g. ~/.local/share/outturn/outturn.db).
    #[arg(long, global = true, env = "OUTTURN_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database; --demo loads the demo programmes from the seed documents.
    Init {
        /// Load the demo programmes (Wolverhampton and Wirral).
        #[arg(long)]
        demo: bool,
    },
    /// Programmes: add, list.
    #[command(subcommand)]
    Programme(ProgrammeCmd),
    /// Phases (schemes within a programme): add, list.
    #[command(subcommand)]
    Phase(PhaseCmd),
    /// Decisions (the approvals figures rest on): add, list.
    #[command(subcommand)]
    Decision(DecisionCmd),
    /// Allocations (capital budget lines): add, list, profile.
    #[command(subcommand)]
    Allocation(AllocationCmd),
    /// Budget changes (reprofile, virement, addition, reduction): add, list, approve, reject.
    #[command(subcommand)]
    Change(ChangeCmd),
    /// Procurement frameworks: add, list.
    #[command(subcommand)]
    Framework(FrameworkCmd),
    /// Contracts: add, list, exercise an extension, vary the value.
    #[command(subcommand)]
    Contract(ContractCmd),
    /// Actuals (payments and invoice lines): add, list, delete.
    #[command(subcommand)]
    Actual(ActualCmd),
    /// Forecast outturns: add, list.
    #[command(subcommand)]
    Forecast(ForecastCmd),
    /// The audit log: who changed what, and when (newest first).
    Audit(crate::cli_rely::AuditArgs),
    /// Closed periods: close, reopen (with a reason), list.
    #[command(subcommand)]
    Period(crate::cli_rely::PeriodCmd),
    /// Check the database: SQLite integrity, foreign keys, the budget rules, the audit chain.
    Check,
    /// Back the database up to FILE (safe while it is in use); the file is readable by you only.
    Backup {
        /// The backup file to write.
        file: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Replace the database with a backup, after checking the backup; refused while in use.
    Restore {
        /// The backup file to restore from.
        file: PathBuf,
        /// Replace a database that holds data.
        #[arg(long)]
        force: bool,
    },
    /// The monthly monitoring report for a financial year as at a period, on screen or as CSV.
    Report(crate::cli_report::ReportArgs),
    /// Settings kept in the database: the RAG thresholds (set, get, list).
    #[command(subcommand)]
    Config(crate::cli_report::ConfigCmd),
    /// Open the TUI on a fresh demo database in a temporary folder (your own database is untouched).
    Demo,
    /// Import actuals or budgets from CSV extracts; list and undo import batches.
    #[command(subcommand)]
    Import(crate::cli_import::ImportCmd),
    /// Write synthetic actuals.csv and budgets.csv (for trying the import, or benchmarks).
    Gen(crate::cli_import::GenArgs),
    /// Per programme, phase and FY: approved budget, pending approval, committed, actual, headroom.
    Summary {
        /// Only this financial year (2017-18).
        #[arg(long)]
        fy: Option<String>,
        /// Only this programme (code).
        #[arg(long)]
        programme: Option<String>,
    },
}

/// `--format` for lists.
#[derive(Debug, Args, Clone, Copy)]
pub struct FormatArg {
    /// table (aligned), csv or json.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Subcommand)]
pub enum ProgrammeCmd {
    /// Add a programme.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        organisation: String,
        /// planned, active, delivered or closed.
        #[arg(long, default_value = "active")]
        status: String,
    },
    /// List programmes.
    List(FormatArg),
}

#[derive(Debug, Subcommand)]
pub enum PhaseCmd {
    /// Add a phase to a programme.
    Add {
        #[arg(long)]
        programme: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// planned, active, delivered or closed.
        #[arg(long, default_value = "active")]
        status: String,
        /// The responsible officer.
        #[arg(long)]
        officer: Option<String>,
    },
    /// List phases.
    List {
        #[arg(long)]
        programme: Option<String>,
        #[command(flatten)]
        format: FormatArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum DecisionCmd {
    /// Record a decision.
    Add {
        /// A unique reference (e.g. WOL-COU-2017-11-08-6).
        #[arg(long)]
        reference: String,
        /// Council, Cabinet, a committee, or an officer under delegation.
        #[arg(long)]
        body: String,
        /// Meeting or decision date (26/08/2022 or 2022-08-26).
        #[arg(long)]
        date: String,
        /// The programme it concerns.
        #[arg(long)]
        programme: Option<String>,
        /// Item or minute reference.
        #[arg(long)]
        item: Option<String>,
        /// A key decision.
        #[arg(long)]
        key: bool,
        /// Subject to call-in.
        #[arg(long)]
        call_in: bool,
        #[arg(long, default_value = "approved")]
        outcome: String,
        /// Link or document reference.
        #[arg(long)]
        link: Option<String>,
        #[arg(long, default_value = "")]
        summary: String,
    },
    /// List decisions.
    List(FormatArg),
}

#[derive(Debug, Subcommand)]
pub enum AllocationCmd {
    /// Add an allocation for one FY (--fy) or a range (--fy .. --to-fy).
    Add {
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        phase: String,
        /// The (first) financial year, 2017-18.
        #[arg(long)]
        fy: String,
        /// The last financial year of a range.
        #[arg(long)]
        to_fy: Option<String>,
        /// £3.0m, 1,378,513.09, ...
        #[arg(long)]
        amount: String,
        /// approved, projected or withdrawn.
        #[arg(long, default_value = "approved")]
        status: String,
        /// The decision reference it rests on.
        #[arg(long)]
        decision: Option<String>,
        /// Per-FY split: "2018-19=£6m,2019-20=£5m" (default: even split, marked assumed).
        #[arg(long)]
        profile: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// List allocations.
    List {
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        fy: Option<String>,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Set an allocation's per-FY profile (replaces an assumed even split).
    Profile {
        /// The allocation id (from `allocation list`).
        id: i64,
        /// "2018-19=£6m,2019-20=£5m"
        #[arg(long)]
        profile: String,
    },
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum ChangeCmd {
    /// Propose or record a budget change.
    Add {
        /// reprofile, virement, addition or reduction.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        programme: Option<String>,
        /// The phase (reprofile, addition, reduction).
        #[arg(long)]
        phase: Option<String>,
        /// The phase money leaves (virement).
        #[arg(long)]
        from_phase: Option<String>,
        /// The phase money goes to (virement).
        #[arg(long)]
        to_phase: Option<String>,
        /// The year (virement, addition, reduction).
        #[arg(long)]
        fy: Option<String>,
        /// The year money leaves (reprofile).
        #[arg(long)]
        from_fy: Option<String>,
        /// The year money goes to (reprofile).
        #[arg(long)]
        to_fy: Option<String>,
        /// Effective date (default today).
        #[arg(long)]
        effective: Option<String>,
        /// proposed, approved or rejected.
        #[arg(long, default_value = "proposed")]
        status: String,
        #[arg(long)]
        decision: Option<String>,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// List budget changes.
    List {
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        fy: Option<String>,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Approve a proposed change.
    Approve {
        id: i64,
        #[arg(long)]
        decision: Option<String>,
    },
    /// Reject a proposed change.
    Reject {
        id: i64,
        #[arg(long)]
        decision: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum FrameworkCmd {
    /// Add a framework.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        reference: String,
        #[arg(long)]
        planned_end: Option<String>,
        #[arg(long)]
        actual_end: Option<String>,
    },
    /// List frameworks.
    List(FormatArg),
}

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

#[derive(Debug, Subcommand)]
pub enum ActualCmd {
    /// Add an actual.
    Add {
        #[arg(long)]
        date: String,
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        phase: String,
        #[arg(long)]
        contract: Option<String>,
        #[arg(long, default_value = "")]
        supplier: String,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long, default_value = "")]
        reference: String,
        /// Negative for credits: -£12.50 or (12.50).
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
    },
    /// List actuals.
    List {
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        phase: Option<String>,
        #[arg(long)]
        fy: Option<String>,
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        supplier: Option<String>,
        /// At most this many rows.
        #[arg(long, default_value_t = 1000)]
        limit: u64,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Delete an actual.
    Delete { id: i64 },
    /// Change an actual's amount, date, supplier, description or reference.
    Edit(crate::cli_rely::ActualEditArgs),
}

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
    List {
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        fy: Option<String>,
        #[command(flatten)]
        format: FormatArg,
    },
}

pub use crate::error::UserError;

/// Wraps a parse error with the option it came from.
pub fn field<T, E: std::fmt::Display>(name: &str, r: Result<T, E>) -> anyhow::Result<T> {
    r.map_err(|e| UserError(format!("{name}: {e}")).into())
}

/// Reads a money option.
pub fn money_arg(name: &str, s: &str) -> anyhow::Result<Money> {
    field(name, Money::parse(s))
}

/// Reads a financial year option.
pub fn fy_arg(name: &str, s: &str) -> anyhow::Result<FinancialYear> {
    field(name, FinancialYear::parse(s))
}

/// Reads a date option.
pub fn date_arg(name: &str, s: &str) -> anyhow::Result<NaiveDate> {
    field(name, parse_date(s))
}

/// Reads a period option.
pub fn period_arg(name: &str, s: &str) -> anyhow::Result<Period> {
    field(name, Period::parse(s))
}

/// Reads "2018-19=£6m,2019-20=£5m".
pub fn profile_arg(s: &str) -> anyhow::Result<Vec<(FinancialYear, Money)>> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|part| {
            let (y, m) = part.split_once('=').ok_or_else(|| {
                UserError(format!(
                    "--profile: '{part}' should be YEAR=AMOUNT, e.g. 2018-19=£6m"
                ))
            })?;
            Ok((fy_arg("--profile", y)?, money_arg("--profile", m)?))
        })
        .collect()
}

/// The exit status for an error: 2 for what the user typed or asked for, 1 otherwise.
pub fn exit_code_for(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<UserError>().is_some() || err.downcast_ref::<clap::Error>().is_some() {
        return 2;
    }
    match err.downcast_ref::<StoreError>() {
        Some(s) if s.is_user_error() => 2,
        _ => 1,
    }
}

/// The database path from `--db`, `OUTTURN_DB`, or the default.
pub fn db_path(cli: &Cli) -> PathBuf {
    cli.db.clone().unwrap_or_else(store::default_path)
}

pub(crate) fn open(cli: &Cli) -> anyhow::Result<Connection> {
    Ok(store::open_existing(&db_path(cli))?)
}

fn opt_programme(conn: &Connection, p: &Option<String>) -> anyhow::Result<Option<i64>> {
    Ok(p.as_deref().map(|c| e::programme_id(conn, c)).transpose()?)
}

fn opt_decision(conn: &Connection, d: &Option<String>) -> anyhow::Result<Option<i64>> {
    Ok(d.as_deref()
        .map(|r| e::decision_id(conn, r).map_err(|e| rename(e, "--decision")))
        .transpose()?)
}

fn rename(err: StoreError, to: &str) -> StoreError {
    match err {
        StoreError::NotFound {
            what, value, hint, ..
        } => StoreError::NotFound {
            field: to.to_string(),
            what,
            value,
            hint,
        },
        StoreError::Invalid { message, .. } => StoreError::Invalid {
            field: to.to_string(),
            message,
        },
        other => other,
    }
}

fn phase_arg(
    conn: &Connection,
    programme: Option<&str>,
    phase: &str,
    opt: &str,
) -> anyhow::Result<i64> {
    Ok(e::phase_ref(conn, programme, phase)
        .map_err(|e| rename(e, opt))?
        .id)
}

/// Runs one write in a transaction: all of it or none of it.
pub(crate) fn write<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Connection) -> store::Result<T>,
) -> anyhow::Result<T> {
    let tx = store::write_tx(conn)?;
    let out = f(&tx)?;
    tx.commit()?;
    Ok(out)
}

pub(crate) fn print_table(
    t: &Table,
    format: Format,
    json: impl FnOnce() -> serde_json::Result<String>,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Table => t.write_text(&mut out)?,
        Format::Csv => t.write_csv(&mut out)?,
        Format::Json => writeln!(out, "{}", json()?)?,
    }
    Ok(())
}

fn money_cell(m: Money, format: Format) -> Cell {
    Cell::Num(match format {
        Format::Csv | Format::Json => m.plain(),
        Format::Table => m.bracketed(),
    })
}

fn date_cell(d: NaiveDate, format: Format) -> Cell {
    Cell::Num(match format {
        Format::Table => uk_date(d),
        _ => d.format("%Y-%m-%d").to_string(),
    })
}

fn opt_text(s: &Option<String>) -> Cell {
    Cell::Text(s.clone().unwrap_or_default())
}

fn yes_no(b: bool) -> Cell {
    Cell::Text(if b { "yes" } else { "no" }.into())
}

/// Runs the command line. `None` for the command (the TUI) is handled by `main`.
pub fn run(cli: &Cli, command: &Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Init { demo } => init(cli, *demo),
        Command::Programme(c) => programme(cli, c),
        Command::Phase(c) => phase(cli, c),
        Command::Decision(c) => decision(cli, c),
        Command::Allocation(c) => allocation(cli, c),
        Command::Change(c) => change(cli, c),
        Command::Framework(c) => framework(cli, c),
        Command::Contract(c) => contract(cli, c),
        Command::Actual(c) => actual(cli, c),
        Command::Forecast(c) => forecast(cli, c),
        Command::Audit(a) => crate::cli_rely::audit_cmd(cli, a),
        Command::Period(c) => crate::cli_rely::period_cmd(cli, c),
        Command::Check => crate::cli_rely::check_cmd(cli),
        Command::Backup { file, force } => crate::cli_rely::backup_cmd(cli, file, *force),
        Command::Restore { file, force } => crate::cli_rely::restore_cmd(cli, file, *force),
        Command::Demo => crate::cli_tui::demo(),
        Command::Import(c) => crate::cli_import::import(cli, c),
        Command::Gen(a) => crate::cli_import::gen_files(cli, a),
        Command::Summary { fy, programme } => summary(cli, fy.as_deref(), programme.as_deref()),
        Command::Report(a) => crate::cli_report::report(cli, a),
        Command::Config(c) => crate::cli_report::config(cli, c),
    }
}

/// Creates the database (loading the demo when asked); refuses one that already holds data.
pub fn init(cli: &Cli, demo: bool) -> anyhow::Result<ExitCode> {
    let path = db_path(cli);
    let mut conn = store::open(&path).with_context(|| format!("opening {}", path.display()))?;
    if store::holds_data(&conn)? {
        return Err(UserError(format!(
            "{} already holds data: nothing was changed (use another --db, or back it up and remove it first)",
            path.display()
        ))
        .into());
    }
    if demo {
        write(&mut conn, crate::io::demo::load_all)?;
        println!(
            "Created {} with the demo programmes (Wolverhampton, Wirral).",
            path.display()
        );
    } else {
        println!("Created {}.", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn programme(cli: &Cli, c: &ProgrammeCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(cli)?;
    match c {
        ProgrammeCmd::Add {
            code,
            name,
            organisation,
            status,
        } => {
            let p = e::NewProgramme {
                code: code.clone(),
                name: name.clone(),
                organisation: organisation.clone(),
                status: field("--status", DeliveryStatus::parse(status))?,
            };
            let id = write(&mut conn, |tx| e::add_programme(tx, &p))?;
            println!("Added programme {} (id {id}).", p.code.trim());
        }
        ProgrammeCmd::List(f) => {
            let items = e::list_programmes(&conn)?;
            let mut t = Table::new(&["Code", "Name", "Organisation", "Status"]);
            for p in &items {
                t.push(vec![
                    p.code.as_str().into(),
                    p.name.as_str().into(),
                    p.organisation.as_str().into(),
                    p.status.as_str().into(),
                ]);
            }
            print_table(&t, f.format, || serde_json::to_string_pretty(&items))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn phase(cli: &Cli, c: &PhaseCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(cli)?;
    match c {
        PhaseCmd::Add {
            programme,
            code,
            name,
            status,
            officer,
        } => {
            let p = e::NewPhase {
                programme_id: e::programme_id(&conn, programme)
                    .map_err(|e| rename(e, "--programme"))?,
                code: code.clone(),
                name: name.clone(),
                status: field("--status", DeliveryStatus::parse(status))?,
                officer: officer.clone(),
            };
            let id = write(&mut conn, |tx| e::add_phase(tx, &p))?;
            println!(
                "Added phase {}/{} (id {id}).",
                programme.trim(),
                p.code.trim()
            );
        }
        PhaseCmd::List { programme, format } => {
            let items = e::list_phases(&conn, opt_programme(&conn, programme)?)?;
            let mut t = Table::new(&["Programme", "Code", "Name", "Status", "Officer"]);
            for p in &items {
                t.push(vec![
                    p.programme_code.as_str().into(),
                    p.code.as_str().into(),
                    p.name.as_str().into(),
                    p.status.as_str().into(),
                    opt_text(&p.officer),
                ]);
            }
            print_table(&t, format.format, || serde_json::to_string_pretty(&items))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn decision(cli: &Cli, c: &DecisionCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(cli)?;
    match c {
        DecisionCmd::Add {
            reference,
            body,
            date,
            programme,
            item,
            key,
            call_in,
            outcome,
            link,
            summary,
        } => {
            let d = e::NewDecision {
                reference: reference.clone(),
                programme_id: opt_programme(&conn, programme)?,
                body: body.clone(),
                date: date_arg("--date", date)?,
                item: item.clone(),
                key_decision: *key,
                call_in: *call_in,
                outcome: outcome.clone(),
                link: link.clone(),
                summary: summary.clone(),
            };
            let id = write(&mut conn, |tx| e::add_decision(tx, &d))?;
            println!("Added decision {} (id {id}).", d.reference.trim());
        }
        DecisionCmd::List(f) => {
            let items = e::list_decisions(&conn)?;
            let mut t = Table::new(&[
                "Reference",
                "Date",
                "Body",
                "Item",
                "Key",
                "Call-in",
                "Outcome",
                "Summary",
            ]);
            for d in &items {
                t.push(vec![
                    d.reference.as_str().into(),
                    date_cell(d.date, f.format),
                    d.body.as_str().into(),
                    opt_text(&d.item),
                    yes_no(d.key_decision),
                    yes_no(d.call_in),
                    d.outcome.as_str().into(),
                    d.summary.as_str().into(),
                ]);
            }
            print_table(&t, f.format, || serde_json::to_string_pretty(&items))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn allocation(cli: &Cli, c: &AllocationCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(cli)?;
    match c {
        AllocationCmd::Add {
            programme,
            phase,
            fy,
            to_fy,
            amount,
            status,
            decision,
            profile,
            note,
        } => {
            let first = fy_arg("--fy", fy)?;
            let a = e::NewAllocation {
                phase_id: phase_arg(&conn, programme.as_deref(), phase, "--phase")?,
                first_fy: first,
                last_fy: to_fy
                    .as_deref()
                    .map(|s| fy_arg("--to-fy", s))
                    .transpose()?
                    .unwrap_or(first),
                amount: money_arg("--amount", amount)?,
                status: field("--status", AllocationStatus::parse(status))?,
                decision_id: opt_decision(&conn, decision)?,
                profile: profile.as_deref().map(profile_arg).transpose()?,
                note: note.clone(),
            };
            let id = write(&mut conn, |tx| e::add_allocation(tx, &a))?;
            let added = e::get_allocation(&conn, id)?;
            println!(
                "Added allocation {id}: {} for {}/{} {}{}.",
                added.amount.full(),
                added.programme_code,
                added.phase_code,
                fy_range(added.first_fy, added.last_fy),
                if added.profile_assumed {
                    " (profile assumed: even split)"
                } else {
                    ""
                }
            );
        }
        AllocationCmd::List {
            programme,
            fy,
            format,
        } => {
            let fy = fy.as_deref().map(|s| fy_arg("--fy", s)).transpose()?;
            let items = e::list_allocations(&conn, opt_programme(&conn, programme)?, fy)?;
            let mut t = Table::new(&[
                "Id",
                "Programme",
                "Phase",
                "Years",
                "Amount",
                "Status",
                "Profile",
                "Assumed",
                "Decision",
            ]);
            for a in &items {
                let profile = a
                    .profile
                    .iter()
                    .map(|l| format!("{} {}", l.fy.label(), money_text(l.amount, format.format)))
                    .collect::<Vec<_>>()
                    .join("; ");
                t.push(vec![
                    Cell::Num(a.id.to_string()),
                    a.programme_code.as_str().into(),
                    a.phase_code.as_str().into(),
                    fy_range(a.first_fy, a.last_fy).into(),
                    money_cell(a.amount, format.format),
                    a.status.as_str().into(),
                    profile.into(),
                    yes_no(a.profile_assumed),
                    opt_text(&a.decision_reference),
                ]);
            }
            print_table(&t, format.format, || serde_json::to_string_pretty(&items))?;
        }
        AllocationCmd::Profile { id, profile } => {
            let p = profile_arg(profile)?;
            let before = e::get_allocation(&conn, *id).map_err(|e| rename(e, "id"))?;
            write(&mut conn, |tx| {
                e::set_allocation_profile(tx, *id, before.version, &p)
            })?;
            println!("Allocation {id} reprofiled.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn money_text(m: Money, f: Format) -> String {
    match f {
        Format::Table => m.full(),
        _ => m.plain(),
    }
}

fn fy_range(a: FinancialYear, b: FinancialYear) -> String {
    if a == b {
        a.label()
    } else {
        format!("{} to {}", a.label(), b.label())
    }
}

fn change(cli: &Cli, c: &ChangeCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(cli)?;
    match c {
        ChangeCmd::Add {
            kind,
            amount,
            programme,
            phase,
            from_phase,
            to_phase,
            fy,
            from_fy,
            to_fy,
            effective,
            status,
            decision,
            reason,
        } => {
            let kind = field("--kind", ChangeKind::parse(kind))?;
            let prog = programme.as_deref();
            let ph = |o: &Option<String>, name: &str| -> anyhow::Result<Option<i64>> {
                o.as_deref()
                    .map(|p| phase_arg(&conn, prog, p, name))
                    .transpose()
            };
            let phase_id = ph(phase, "--phase")?;
            let from_phase = ph(from_phase, "--from-phase")?.or(phase_id);
            let to_phase = ph(to_phase, "--to-phase")?.or(phase_id);
            let year = fy.as_deref().map(|s| fy_arg("--fy", s)).transpose()?;
            let from_year = from_fy
                .as_deref()
                .map(|s| fy_arg("--from-fy", s))
                .transpose()?
                .or(year);
            let to_year = to_fy
                .as_deref()
                .map(|s| fy_arg("--to-fy", s))
                .transpose()?
                .or(year);
            let pair = |p: Option<i64>, y: Option<FinancialYear>| p.zip(y);
            let (from, to) = match kind {
                ChangeKind::Addition => (None, pair(to_phase, to_year)),
                ChangeKind::Reduction => (pair(from_phase, from_year), None),
                _ => (pair(from_phase, from_year), pair(to_phase, to_year)),
            };
            let ch = e::NewChange {
                kind,
                amount: money_arg("--amount", amount)?,
                from,
                to,
                effective: match effective {
                    Some(s) => date_arg("--effective", s)?,
                    None => chrono::Local::now().date_naive(),
                },
                status: field("--status", ChangeStatus::parse(status))?,
                decision_id: opt_decision(&conn, decision)?,
                reason: reason.clone(),
            };
            let id = write(&mut conn, |tx| e::add_change(tx, &ch))?;
            println!(
                "Added {} {id} ({}, {}).",
                ch.kind,
                ch.amount.full(),
                ch.status
            );
        }
        ChangeCmd::List {
            programme,
            fy,
            format,
        } => {
            let fy = fy.as_deref().map(|s| fy_arg("--fy", s)).transpose()?;
            let items = e::list_changes(&conn, opt_programme(&conn, programme)?, fy)?;
            let mut t = Table::new(&[
                "Id",
                "Kind",
                "Amount",
                "From",
                "To",
                "Effective",
                "Status",
                "Decision",
                "Reason",
            ]);
            let side = |s: &Option<BudgetSide>| {
                s.as_ref()
                    .map(|s| format!("{}/{} {}", s.programme_code, s.phase_code, s.fy.label()))
                    .unwrap_or_default()
            };
            for c in &items {
                t.push(vec![
                    Cell::Num(c.id.to_string()),
                    c.kind.as_str().into(),
                    money_cell(c.amount, format.format),
                    side(&c.from).into(),
                    side(&c.to).into(),
                    date_cell(c.effective, format.format),
                    c.status.as_str().into(),
                    opt_text(&c.decision_reference),
                    c.reason.as_str().into(),
                ]);
            }
            print_table(&t, format.format, || serde_json::to_string_pretty(&items))?;
        }
        ChangeCmd::Approve { id, decision } | ChangeCmd::Reject { id, decision } => {
            let status = if matches!(c, ChangeCmd::Approve { .. }) {
                ChangeStatus::Approved
            } else {
                ChangeStatus::Rejected
            };
            let d = opt_decision(&conn, decision)?;
            write(&mut conn, |tx| e::decide_change(tx, *id, None, status, d))?;
            println!("Change {id} {status}.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn framework(cli: &Cli, c: &FrameworkCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(cli)?;
    match c {
        FrameworkCmd::Add {
            name,
            reference,
            planned_end,
            actual_end,
        } => {
            let f = e::NewFramework {
                name: name.clone(),
                reference: reference.clone(),
                planned_end: planned_end
                    .as_deref()
                    .map(|s| date_arg("--planned-end", s))
                    .transpose()?,
                actual_end: actual_end
                    .as_deref()
                    .map(|s| date_arg("--actual-end", s))
                    .transpose()?,
            };
            let id = write(&mut conn, |tx| e::add_framework(tx, &f))?;
            println!("Added framework {} (id {id}).", f.name.trim());
        }
        FrameworkCmd::List(f) => {
            let items = e::list_frameworks(&conn)?;
            let mut t = Table::new(&["Name", "Reference", "Planned end", "Actual end"]);
            for fw in &items {
                t.push(vec![
                    fw.name.as_str().into(),
                    fw.reference.as_str().into(),
                    fw.planned_end
                        .map(|d| date_cell(d, f.format))
                        .unwrap_or(Cell::Text(String::new())),
                    fw.actual_end
                        .map(|d| date_cell(d, f.format))
                        .unwrap_or(Cell::Text(String::new())),
                ]);
            }
            print_table(&t, f.format, || serde_json::to_string_pretty(&items))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn months_arg(name: &str, s: &str) -> anyhow::Result<u32> {
    let t = s
        .trim()
        .trim_end_matches("months")
        .trim_end_matches('m')
        .trim();
    match t.parse::<u32>() {
        Ok(n) if (1..=600).contains(&n) => Ok(n),
        _ => Err(UserError(format!(
            "{name}: '{s}' is not a number of months (1 to 600)"
        ))
        .into()),
    }
}

fn contract(cli: &Cli, c: &ContractCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(cli)?;
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
            let due = extension_due
                .as_deref()
                .map(|s| date_arg("--extension-due", s))
                .transpose()?;
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
            println!(
                "Added contract {} (id {id}), {}.",
                k.reference.trim(),
                k.value.full()
            );
        }
        ContractCmd::List { programme, format } => {
            let items = e::list_contracts(&conn, opt_programme(&conn, programme)?, None)?;
            let mut t = Table::new(&[
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
            ]);
            let frameworks = e::list_frameworks(&conn)?;
            for k in &items {
                let fw_end = k
                    .framework
                    .as_ref()
                    .and_then(|n| frameworks.iter().find(|f| &f.name == n))
                    .and_then(|f| f.end());
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
                t.push(vec![
                    k.reference.as_str().into(),
                    k.programme_code.as_str().into(),
                    k.phase_code.as_str().into(),
                    k.supplier.as_str().into(),
                    money_cell(k.value, format.format),
                    date_cell(k.start, format.format),
                    Cell::Num(format!("{} months", k.term_months)),
                    opt_text(&k.framework),
                    fw_end
                        .map(|d| date_cell(d, format.format))
                        .unwrap_or(Cell::Text(String::new())),
                    ext.into(),
                    k.title.as_str().into(),
                ]);
            }
            print_table(&t, format.format, || serde_json::to_string_pretty(&items))?;
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
            println!("Extension option {opt} of {reference} exercised.");
        }
        ContractCmd::Vary { reference, value } => {
            let (cid, _) = e::contract_ref(&conn, reference)?;
            let v = money_arg("--value", value)?;
            let k = e::get_contract(&conn, cid)?;
            write(&mut conn, |tx| e::set_contract_value(tx, cid, k.version, v))?;
            println!("Contract {reference} value now {}.", v.full());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn actual(cli: &Cli, c: &ActualCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(cli)?;
    match c {
        ActualCmd::Add {
            date,
            programme,
            phase,
            contract,
            supplier,
            description,
            reference,
            amount,
        } => {
            let a = e::NewActual {
                phase_id: phase_arg(&conn, programme.as_deref(), phase, "--phase")?,
                contract_id: contract
                    .as_deref()
                    .map(|r| {
                        e::contract_ref(&conn, r)
                            .map(|c| c.0)
                            .map_err(|e| rename(e, "--contract"))
                    })
                    .transpose()?,
                date: date_arg("--date", date)?,
                supplier: supplier.clone(),
                description: description.clone(),
                reference: reference.clone(),
                amount: money_arg("--amount", amount)?,
            };
            let id = write(&mut conn, |tx| e::add_actual(tx, &a))?;
            println!(
                "Added actual {id}: {} on {}.",
                a.amount.full(),
                uk_date(a.date)
            );
        }
        ActualCmd::List {
            programme,
            phase,
            fy,
            period,
            supplier,
            limit,
            format,
        } => {
            let filter = e::ActualFilter {
                programme_id: opt_programme(&conn, programme)?,
                phase_id: phase
                    .as_deref()
                    .map(|p| phase_arg(&conn, programme.as_deref(), p, "--phase"))
                    .transpose()?,
                fy: fy.as_deref().map(|s| fy_arg("--fy", s)).transpose()?,
                period: period
                    .as_deref()
                    .map(|s| period_arg("--period", s))
                    .transpose()?,
                supplier: supplier.clone(),
                text: None,
            };
            let items = e::list_actuals(&conn, &filter, 0, *limit)?;
            let mut t = Table::new(&[
                "Id",
                "Date",
                "FY",
                "Period",
                "Programme",
                "Phase",
                "Contract",
                "Supplier",
                "Description",
                "Reference",
                "Amount",
            ]);
            for a in &items {
                t.push(vec![
                    Cell::Num(a.id.to_string()),
                    date_cell(a.date, format.format),
                    a.fy.label().into(),
                    a.period.label().into(),
                    a.programme_code.as_str().into(),
                    a.phase_code.as_str().into(),
                    opt_text(&a.contract_reference),
                    a.supplier.as_str().into(),
                    a.description.as_str().into(),
                    a.reference.as_str().into(),
                    money_cell(a.amount, format.format),
                ]);
            }
            print_table(&t, format.format, || serde_json::to_string_pretty(&items))?;
        }
        ActualCmd::Delete { id } => {
            write(&mut conn, |tx| e::delete_actual(tx, *id, None))?;
            println!("Deleted actual {id}.");
        }
        ActualCmd::Edit(a) => {
            drop(conn);
            return crate::cli_rely::actual_edit_cmd(cli, a);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn forecast(cli: &Cli, c: &ForecastCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(cli)?;
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
            println!(
                "Forecast {} for {} as at {}.",
                f.amount.full(),
                f.fy.label(),
                f.as_at.label()
            );
        }
        ForecastCmd::List {
            programme,
            fy,
            format,
        } => {
            let fy = fy.as_deref().map(|s| fy_arg("--fy", s)).transpose()?;
            let items = e::list_forecasts(&conn, opt_programme(&conn, programme)?, fy)?;
            let mut t = Table::new(&[
                "Programme",
                "Phase",
                "FY",
                "As at",
                "Forecast outturn",
                "Note",
            ]);
            for f in &items {
                t.push(vec![
                    f.programme_code.as_str().into(),
                    f.phase_code.as_str().into(),
                    f.fy.label().into(),
                    f.as_at.label().into(),
                    money_cell(f.amount, format.format),
                    f.note.as_str().into(),
                ]);
            }
            print_table(&t, format.format, || serde_json::to_string_pretty(&items))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The summary: for each FY (or the one asked for), each phase with figures: approved budget
/// (revised at year end), pending approval, committed (at year end), actual (whole year), headroom.
fn summary(cli: &Cli, fy: Option<&str>, programme: Option<&str>) -> anyhow::Result<ExitCode> {
    let conn = open(cli)?;
    let years = match fy {
        Some(s) => vec![fy_arg("--fy", s)?],
        None => store::figures::years_with_figures(&conn)?,
    };
    let pid = programme.map(|p| e::programme_id(&conn, p)).transpose()?;
    let mut t = Table::new(&[
        "FY",
        "Programme",
        "Phase",
        "Name",
        "Approved budget",
        "Pending approval",
        "Committed",
        "Actual",
        "Headroom",
        "Profile",
    ]);
    let allocations = e::list_allocations(&conn, pid, None)?;
    for year in years {
        let report = store::figures::report(&conn, year, Period::LAST, pid)?;
        for r in &report.rows {
            let assumed = r.kind == crate::domain::report::RowKind::Phase
                && allocations.iter().any(|a| {
                    a.profile_assumed
                        && a.programme_code == r.programme_code
                        && a.phase_code == r.phase_code
                        && a.first_fy <= year
                        && a.last_fy >= year
                });
            t.push(vec![
                year.label().into(),
                r.programme_code.as_str().into(),
                r.phase_code.as_str().into(),
                r.phase_name.as_str().into(),
                Cell::Num(r.revised.full()),
                Cell::Num(r.pending.full()),
                Cell::Num(r.commitments.full()),
                Cell::Num(r.actual_to_date.full()),
                Cell::Num(r.headroom.bracketed()),
                if assumed { "assumed" } else { "" }.into(),
            ]);
        }
    }
    t.write_text(&mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}
