//! The command line: thin subcommands over the operations (`ops`). Every value a person types is
//! read by the domain parsers; a bad value is a one-line error naming the option and the value,
//! exit status 2, with nothing changed (each command is one transaction).
//!
//! This module holds the parser ([`Cli`], [`Command`]) and the dispatch; each command family is a
//! child module holding its clap type and its handler. Handlers are given the database path and
//! their parsed options, never [`Cli`]: no child imports this module.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::UserError;
use crate::ops::types::StoreError;

pub mod actual;
pub mod allocation;
pub mod args;
pub mod audit;
pub mod backup;
pub mod benefit;
pub mod cabinet;
pub mod change;
pub mod check;
pub mod config;
pub mod contract;
pub mod correct;
pub mod decision;
pub mod errors;
pub mod forecast;
pub mod framework;
pub mod funding;
pub mod generate;
pub mod import;
pub mod init;
pub mod milestone;
pub mod output;
pub mod pack;
pub mod period;
pub mod phase;
pub mod programme;
pub mod progress;
pub mod report;
pub mod server;
pub mod summary;
pub mod tui;

/// Outturn: capital programme monitoring for UK councils, from decision to contract to payment.
#[derive(Debug, Parser)]
#[command(name = "outturn", version, about, long_about = None)]
pub struct Cli {
    // The help names this platform's own default (see [`DB_HELP`]).
    #[arg(long, global = true, env = "OUTTURN_DB", value_name = "PATH", help = DB_HELP)]
    pub db: Option<PathBuf>,
    /// Allow a connection without TLS to a PostgreSQL server on another machine.
    #[arg(long, global = true, env = "OUTTURN_PLAIN_TCP")]
    pub plain_tcp: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The help of `--db`, naming where this platform keeps the database by default (as
/// `directories` finds it: see `store::default_path`).
#[cfg(windows)]
const DB_HELP: &str = "The database file, or a PostgreSQL connection string (default: your data directory, e.g. %APPDATA%\\Outturn\\outturn\\data\\outturn.db)";
#[cfg(target_os = "macos")]
const DB_HELP: &str = "The database file, or a PostgreSQL connection string (default: your data directory, e.g. ~/Library/Application Support/uk.Outturn.outturn/outturn.db)";
#[cfg(not(any(windows, target_os = "macos")))]
const DB_HELP: &str = "The database file, or a PostgreSQL connection string (default: your data directory, e.g. ~/.local/share/outturn/outturn.db)";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database; --demo loads the demo programmes from the seed documents.
    Init {
        /// Load the demo programmes (Wolverhampton and Wirral).
        #[arg(long)]
        demo: bool,
        /// On a PostgreSQL server: the council the books are for (default: the database's name).
        #[arg(long)]
        council: Option<String>,
        /// On a PostgreSQL server: the council's first lead (default: your login).
        #[arg(long)]
        lead: Option<String>,
    },
    /// Programmes: add, list, edit, delete.
    #[command(subcommand)]
    Programme(programme::ProgrammeCmd),
    /// Phases (schemes within a programme): add, list, edit, delete.
    #[command(subcommand)]
    Phase(phase::PhaseCmd),
    /// Decisions (the approvals figures rest on): add, list, edit, delete.
    #[command(subcommand)]
    Decision(decision::DecisionCmd),
    /// Allocations (capital budget lines): add, list, profile, approve, withdraw.
    #[command(subcommand)]
    Allocation(allocation::AllocationCmd),
    /// Budget changes (reprofile, virement, addition, reduction): add, list, approve, reject, amend, withdraw.
    #[command(subcommand)]
    Change(change::ChangeCmd),
    /// Procurement frameworks: add, list, edit, delete.
    #[command(subcommand)]
    Framework(framework::FrameworkCmd),
    /// Contracts: add, list, exercise an extension, vary the value, edit, delete.
    #[command(subcommand)]
    Contract(contract::ContractCmd),
    /// Funding lines (how each phase's budget is paid for): add, edit, withdraw, list.
    #[command(subcommand)]
    Funding(funding::FundingCmd),
    /// Actuals (payments and invoice lines): add, list, delete.
    #[command(subcommand)]
    Actual(actual::ActualCmd),
    /// Forecast outturns: add, list, withdraw.
    #[command(subcommand)]
    Forecast(forecast::ForecastCmd),
    /// Benefits (savings, non-cashable benefits, income): add, edit, withdraw, realise, list.
    #[command(subcommand)]
    Benefit(benefit::BenefitCmd),
    /// Milestones of a phase: add, edit, complete, list (slippage in days and RAG).
    #[command(subcommand)]
    Milestone(milestone::MilestoneCmd),
    /// The audit log: who changed what, and when (newest first).
    Audit(audit::AuditArgs),
    /// Closed periods: close (keeping the report as a snapshot), reopen (with a reason), list.
    #[command(subcommand)]
    Period(period::PeriodCmd),
    /// Check the database: SQLite integrity, foreign keys, the budget rules, the schema, the audit
    /// chain, and every table against a replay of the audit log.
    Check(check::CheckArgs),
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
    /// The monthly monitoring report for a financial year as at a period, on screen or as CSV;
    /// `report list` (snapshots held), `report movement` (the bridge between two reports),
    /// `report progress` (six-monthly), `report financing` (the financing statement).
    #[command(args_conflicts_with_subcommands = true)]
    Report(report::ReportArgs),
    /// The committee pack: the report and what goes with it as one formatted Excel workbook.
    Pack(pack::PackArgs),
    /// Settings kept in the database: the RAG and variance-comment thresholds (set, get, list).
    #[command(subcommand)]
    Config(config::ConfigCmd),
    /// Variance commentary for the monitoring report: add, edit, list.
    #[command(subcommand)]
    Comment(cabinet::CommentCmd),
    /// Copy the books between a SQLite file and a PostgreSQL server, either way: every record,
    /// snapshot, batch and the audit log as written.
    Copy {
        /// The books copied: a SQLite file or a connection string.
        #[arg(long, value_name = "FROM")]
        from: PathBuf,
        /// Where to: new books made with init on a server (a lead's login), or a new SQLite file.
        #[arg(long, value_name = "TO")]
        to: PathBuf,
    },
    /// The team on a PostgreSQL server: who may read, write and close (leads only).
    #[command(subcommand)]
    Team(server::TeamCmd),
    /// Open the TUI on a fresh demo database in a temporary folder (your own database is untouched).
    Demo,
    /// Import actuals, budgets or funding from CSV extracts; list and undo import batches.
    #[command(subcommand)]
    Import(import::ImportCmd),
    /// Write synthetic actuals.csv and budgets.csv (for trying the import, or benchmarks).
    Gen(generate::GenArgs),
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

impl Command {
    /// The command's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Init { .. } => "init",
            Command::Programme(_) => "programme",
            Command::Phase(_) => "phase",
            Command::Decision(_) => "decision",
            Command::Allocation(_) => "allocation",
            Command::Change(_) => "change",
            Command::Framework(_) => "framework",
            Command::Contract(_) => "contract",
            Command::Actual(_) => "actual",
            Command::Forecast(_) => "forecast",
            Command::Benefit(_) => "benefit",
            Command::Milestone(_) => "milestone",
            Command::Audit(_) => "audit",
            Command::Period(_) => "period",
            Command::Check(_) => "check",
            Command::Backup { .. } => "backup",
            Command::Restore { .. } => "restore",
            Command::Demo => "demo",
            Command::Import(c) => match c {
                import::ImportCmd::Actuals { .. } => "import actuals",
                import::ImportCmd::Budgets { .. } => "import budgets",
                import::ImportCmd::Benefits { .. } => "import benefits",
                import::ImportCmd::Funding { .. } => "import funding",
                import::ImportCmd::Profile(_) => "import profile",
                import::ImportCmd::Codes(_) => "import codes",
                import::ImportCmd::List(_) => "import list",
                import::ImportCmd::Undo { .. } => "import undo",
            },
            Command::Gen(_) => "gen",
            Command::Summary { .. } => "summary",
            Command::Report(_) => "report",
            Command::Funding(_) => "funding",
            Command::Pack(_) => "pack",
            Command::Config(_) => "config",
            Command::Comment(_) => "comment",
            Command::Team(_) => "team",
            Command::Copy { .. } => "copy",
        }
    }
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

/// The database path from `--db`, `OUTTURN_DB`, or the default, resolved once: a symbolic link
/// is followed to the real file, which every command then opens, backs up or replaces.
pub fn db_path(cli: &Cli) -> PathBuf {
    crate::ops::books::db_path(cli.db.as_deref())
}

/// True for a command whose handler runs on books on either engine ([`shared`]).
fn runs_on_a_server(command: &Command) -> bool {
    matches!(
        command,
        Command::Programme(_)
            | Command::Phase(_)
            | Command::Decision(_)
            | Command::Framework(_)
            | Command::Allocation(_)
            | Command::Change(_)
            | Command::Config(_)
            | Command::Comment(_)
            | Command::Contract(_)
            | Command::Actual(_)
            | Command::Forecast(_)
            | Command::Funding(_)
            | Command::Benefit(_)
            | Command::Milestone(_)
            | Command::Import(_)
            | Command::Audit(_)
            | Command::Summary { .. }
            | Command::Period(_)
            | Command::Check(_)
            | Command::Report(_)
            | Command::Pack(_)
    )
}

/// Runs a command on books on either engine: a PostgreSQL server's here (a file's books reach
/// the same handlers through each command's `run`). Only commands [`runs_on_a_server`] names.
fn shared(books: &mut impl crate::ops::Store, command: &Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Programme(c) => programme::shared(books, c),
        Command::Phase(c) => phase::shared(books, c),
        Command::Decision(c) => decision::shared(books, c),
        Command::Framework(c) => framework::shared(books, c),
        Command::Allocation(c) => allocation::shared(books, c),
        Command::Change(c) => change::shared(books, c),
        Command::Config(c) => config::shared(books, c),
        Command::Comment(c) => cabinet::comment_shared(books, c),
        Command::Contract(c) => contract::shared(books, c),
        Command::Actual(c) => actual::shared(books, c),
        Command::Forecast(c) => forecast::shared(books, c),
        Command::Funding(c) => funding::shared(books, c),
        Command::Benefit(c) => benefit::shared(books, c),
        Command::Milestone(c) => milestone::shared(books, c),
        Command::Import(c) => import::shared(books, c),
        Command::Audit(a) => match &a.cmd {
            Some(audit::AuditCmd::Seal { out }) => audit::seal_of(books, out.as_deref()),
            None => audit::list(books, a),
        },
        Command::Summary { fy, programme } => {
            summary::shared(books, fy.as_deref(), programme.as_deref())
        }
        Command::Period(c) => period::shared(books, c),
        Command::Check(a) => check::shared(books, a),
        Command::Report(a) => report::shared(books, a),
        Command::Pack(a) => pack::shared(&*books, a),
        other => Err(server::not_here(other.name())),
    }
}

/// Opens the TUI on the books `--db` names: a file's, or a server's.
pub fn open_tui(cli: &Cli) -> anyhow::Result<ExitCode> {
    if let Some(db) = cli.db.as_deref()
        && let Some((conninfo, shown)) = crate::ops::server::conninfo(db)
    {
        return tui::on_server(&server::Server {
            conninfo: &conninfo,
            shown: &shown,
            plain_tcp: cli.plain_tcp,
        });
    }
    tui::open(&db_path(cli))
}

/// Runs the command line. `None` for the command (the TUI) is handled by `main`.
pub fn run(cli: &Cli, command: &Command) -> anyhow::Result<ExitCode> {
    if let Command::Copy { from, to } = command {
        return server::copy(from, to, cli.plain_tcp);
    }
    if let Some(db) = cli.db.as_deref()
        && let Some((conninfo, shown)) = crate::ops::server::conninfo(db)
    {
        let at = server::Server {
            conninfo: &conninfo,
            shown: &shown,
            plain_tcp: cli.plain_tcp,
        };
        return match command {
            Command::Init {
                demo,
                council,
                lead,
            } => server::init(&at, *demo, council.as_deref(), lead.as_deref()),
            Command::Team(c) => server::team(&at, c),
            Command::Backup { file, force } => server::backup(&at, file, *force),
            Command::Restore { file, .. } => server::restore(&at, file),
            Command::Demo => tui::demo(),
            Command::Gen(a) => generate::on_server(&at, a),
            other if runs_on_a_server(other) => {
                let mut books = server::connect(&at)?;
                shared(&mut books, other)
            }
            other => Err(server::not_yet(&shown, other.name())),
        };
    }
    let db = db_path(cli);
    let db = db.as_path();
    match command {
        Command::Init { demo, .. } => init::run(db, *demo),
        Command::Team(_) => Err(server::team_on_a_file(db)),
        Command::Copy { .. } => unreachable!("copy is run before --db is read"),
        Command::Programme(c) => programme::run(db, c),
        Command::Phase(c) => phase::run(db, c),
        Command::Decision(c) => decision::run(db, c),
        Command::Allocation(c) => allocation::run(db, c),
        Command::Change(c) => change::run(db, c),
        Command::Framework(c) => framework::run(db, c),
        Command::Contract(c) => contract::run(db, c),
        Command::Actual(c) => actual::run(db, c),
        Command::Forecast(c) => forecast::run(db, c),
        Command::Benefit(c) => benefit::run(db, c),
        Command::Milestone(c) => milestone::run(db, c),
        Command::Audit(a) => audit::run(db, a),
        Command::Period(c) => period::run(db, c),
        Command::Check(a) => check::run(db, a),
        Command::Backup { file, force } => backup::backup(db, file, *force),
        Command::Restore { file, force } => backup::restore(db, file, *force),
        Command::Demo => tui::demo(),
        Command::Import(c) => import::run(db, c),
        Command::Gen(a) => generate::run(db, a),
        Command::Summary { fy, programme } => summary::run(db, fy.as_deref(), programme.as_deref()),
        Command::Report(a) => report::run(db, a),
        Command::Funding(c) => funding::run(db, c),
        Command::Pack(a) => pack::run(db, a),
        Command::Config(c) => config::run(db, c),
        Command::Comment(c) => cabinet::run_comment(db, c),
    }
}
