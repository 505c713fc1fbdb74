//! `outturn import actuals|budgets|list|undo`: thin commands over `ops::import`. A failed import
//! prints every listed problem on standard error and exits with status 2, having written nothing.
//! A progress bar is drawn on standard error only when it is a terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};

use super::args::open;
use super::output::say;
use super::output::{Cell, Format, FormatArg, Listing, Table, count, print_list};
use crate::domain::ledger::{
    AmountShape, DateFormat, HeaderRule, ImportProfile, ProfileChange, parse_code_columns,
};
use crate::domain::text::escape_controls;
use crate::error::UserError;
use crate::io::import::{
    ActualsOptions, BudgetsOptions, ImportError, ImportOutcome, MappedOptions, parse_map,
};
use crate::ops::import::{self, ActualsImported};
use crate::ops::types::{Batch, LedgerCode};

/// `outturn import …`.
#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Import ledger actuals from a CSV extract or an Excel workbook: every row is checked
    /// first; one bad row and nothing is written.
    Actuals {
        /// The CSV file or .xlsx workbook (columns Date, Phase, Supplier, Description, Reference, Amount, and
        /// optionally Programme and Contract).
        file: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
        /// Check the file and show what would be imported, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Leave out rows already in the ledger (same reference, date, phase and amount)
        /// instead of refusing the file.
        #[arg(long)]
        skip_duplicates: bool,
        /// windows-1252 or utf-8 (default: detected).
        #[arg(long)]
        encoding: Option<String>,
        /// Refuse the file (exit status 2, nothing written) if any row has a warning: dated after
        /// today, or a reference already on another date or amount.
        #[arg(long)]
        strict: bool,
    },
    /// Import budget lines (one allocation per row for one financial year).
    Budgets {
        /// The CSV file or .xlsx workbook (columns Programme, Phase, Financial year, Amount,
        /// and optionally Phase name, Status, Decision).
        file: PathBuf,
        /// Create phases that do not exist yet (programmes must exist).
        #[arg(long)]
        create_missing: bool,
        #[command(flatten)]
        read: ReadArgs,
        /// Check the file and show what would be imported, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// windows-1252 or utf-8 (default: detected).
        #[arg(long)]
        encoding: Option<String>,
    },
    /// Import benefits: one row per benefit and financial year (columns Programme, Description,
    /// Kind, Financial year, Target, and optionally Phase, Owner); rows with the same programme,
    /// phase and description are one benefit.
    Benefits {
        /// The CSV file.
        file: PathBuf,
        /// Rename the file's columns: "Saving=Target,Year=Financial year".
        #[arg(long)]
        map: Option<String>,
        /// Check the file and show what would be imported, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// windows-1252 or utf-8 (default: detected).
        #[arg(long)]
        encoding: Option<String>,
    },
    /// Import funding lines (one per row: phase, financial year, source, amount).
    Funding {
        /// The CSV file or .xlsx workbook (columns Programme, Phase, Financial year, Source,
        /// Amount, and optionally Status, Funder, Spend by, Decision, Note).
        file: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
        /// Check the file and show what would be imported, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// windows-1252 or utf-8 (default: detected).
        #[arg(long)]
        encoding: Option<String>,
    },
    /// Saved import profiles: how one ledger's extract is read (its column names, header,
    /// encoding, date format and amount shape).
    #[command(subcommand)]
    Profile(ProfileCmd),
    /// The ledger code map: a ledger's code (or a pair such as cost centre and project, joined
    /// with +) to a phase and optionally a contract, for profiles with --code-columns.
    #[command(subcommand)]
    Codes(CodesCmd),
    /// List import batches.
    List(FormatArg),
    /// Undo an import batch: removes its rows in one transaction (recorded in the audit log).
    Undo {
        /// The batch id (see `outturn import list`).
        batch: i64,
    },
}

/// How an imported file is read: renamed columns, a saved profile, a workbook's sheet.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// Rename the file's columns: "Their Name=Outturn Name,...", e.g. "Trans Date=Date,Net=Amount".
    #[arg(long, conflicts_with = "profile")]
    map: Option<String>,
    /// Read the file with a saved profile (see `outturn import profile list`): its renames,
    /// header rule (title lines above the header) and encoding, and for actuals its date format,
    /// amount shape and code columns.
    #[arg(long)]
    profile: Option<String>,
    /// The sheet of an Excel workbook to read (default: its first sheet).
    #[arg(long)]
    sheet: Option<String>,
}

impl ReadArgs {
    /// The options as typed, or the problem with `--map`.
    fn options(&self, dry_run: bool, encoding: Option<&str>) -> Result<MappedOptions, ImportError> {
        Ok(MappedOptions {
            sheet: self.sheet.clone(),
            ..MappedOptions::read(self.map.as_deref(), dry_run, encoding)?
        })
    }
}

/// `outturn import profile …`.
#[derive(Debug, Subcommand)]
pub enum ProfileCmd {
    /// Save a profile.
    Add {
        /// Its name, used as `outturn import actuals FILE --profile NAME`.
        name: String,
        #[command(flatten)]
        settings: ProfileArgs,
    },
    /// Change a saved profile: each setting given replaces the profile's own.
    Edit {
        /// The profile's name.
        name: String,
        /// A new name.
        #[arg(long)]
        rename: Option<String>,
        #[command(flatten)]
        settings: ProfileArgs,
    },
    /// List saved profiles.
    List(FormatArg),
    /// Delete a saved profile (batches keep the name they were imported with).
    Delete {
        /// The profile's name.
        name: String,
    },
}

/// `outturn import codes …`.
#[derive(Debug, Subcommand)]
pub enum CodesCmd {
    /// Map a ledger code to a phase (and optionally a contract).
    Add {
        /// The ledger's code: "CC100" or, for a pair of code columns, "CC100+PRJ7".
        code: String,
        /// The phase: PROG/PHASE.
        phase: String,
        /// The contract the code's spending is on (it must belong to the phase).
        #[arg(long)]
        contract: Option<String>,
    },
    /// Map every code of a two-column CSV (ledger code, PROG/PHASE; a header line naming them
    /// is skipped), all or none.
    Load {
        /// The CSV file.
        file: PathBuf,
    },
    /// List the code map.
    List(FormatArg),
    /// Remove a code from the map.
    Delete {
        /// The ledger code.
        code: String,
    },
}

impl Listing for LedgerCode {
    fn headers() -> &'static [&'static str] {
        &["Code", "Phase", "Contract"]
    }

    fn cells(&self, _format: Format) -> Vec<Cell> {
        vec![
            self.code.as_str().into(),
            self.phase.as_str().into(),
            self.contract.clone().unwrap_or_default().into(),
        ]
    }
}

/// Runs `outturn import codes …`.
fn run_codes(conn: &mut impl crate::ops::Store, c: &CodesCmd) -> anyhow::Result<ExitCode> {
    match c {
        CodesCmd::Add {
            code,
            phase,
            contract,
        } => {
            let added = import::add_code(conn, code, phase, contract.as_deref())?;
            say!(
                "Mapped ledger code {} to {}{}.",
                added.code,
                added.phase,
                added
                    .contract
                    .map(|c| format!(" (contract {c})"))
                    .unwrap_or_default()
            );
        }
        CodesCmd::Load { file } => match import::load_codes(conn, file) {
            Ok(n) => say!("Mapped {} ledger codes from {}.", count(n), file.display()),
            Err(err) => return Ok(failed(&err)),
        },
        CodesCmd::List(f) => print_list(&import::list_codes(conn)?, f.format)?,
        CodesCmd::Delete { code } => {
            let gone = import::delete_code(conn, code)?;
            say!("Removed ledger code {} (was {}).", gone.code, gone.phase);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A profile's settings as typed.
#[derive(Debug, clap::Args)]
pub struct ProfileArgs {
    /// Rename the file's columns: "Trans Date=Date,Net (£)=Amount" (Outturn's columns, and
    /// Debit, Credit and Sign for those amount shapes).
    #[arg(long)]
    map: Option<String>,
    /// Where the header is: `find` (the first line within the first 20 holding every mapped
    /// column; the default) or a number of lines to skip above it.
    #[arg(long)]
    header: Option<String>,
    /// windows-1252 or utf-8 (default: detected).
    #[arg(long)]
    encoding: Option<String>,
    /// dd/mm/yyyy (the default), dd-mon-yyyy, dd.mm.yyyy, yyyy-mm-dd or excel (a serial day).
    #[arg(long)]
    date_format: Option<String>,
    /// signed (one Amount column; the default), debit-credit (a row with both refused),
    /// debit-credit-net (both netted) or sign-column (Amount with a DR/CR Sign column).
    #[arg(long)]
    amount: Option<String>,
    /// The file columns that make the ledger code looked up in the code map instead of a
    /// Phase column: "Cost Centre,Project" (joined with +: CC100+PRJ7); "" for none.
    #[arg(long)]
    code_columns: Option<String>,
}

fn typed<T>(name: &str, r: Result<T, String>) -> anyhow::Result<T> {
    r.map_err(|e| UserError(format!("{name}: {e}")).into())
}

impl ProfileArgs {
    /// The settings given, as a change to a profile.
    fn change(&self) -> anyhow::Result<ProfileChange> {
        let map = match self.map.as_deref().map(parse_map).transpose() {
            Ok(m) => m,
            Err(e) => return Err(UserError(e.to_string()).into()),
        };
        Ok(ProfileChange {
            name: None,
            map,
            header: self
                .header
                .as_deref()
                .map(|h| typed("--header", HeaderRule::parse(h)))
                .transpose()?,
            encoding: self.encoding.clone().map(Some),
            date_format: self
                .date_format
                .as_deref()
                .map(|d| typed("--date-format", DateFormat::parse(d)))
                .transpose()?,
            amount: self
                .amount
                .as_deref()
                .map(|a| typed("--amount", AmountShape::parse(a)))
                .transpose()?,
            code_columns: self
                .code_columns
                .as_deref()
                .map(|c| typed("--code-columns", parse_code_columns(c)))
                .transpose()?,
        })
    }
}

impl Listing for ImportProfile {
    fn headers() -> &'static [&'static str] {
        &[
            "Name",
            "Header",
            "Encoding",
            "Date format",
            "Amount",
            "Code columns",
            "Map",
        ]
    }

    fn cells(&self, _format: Format) -> Vec<Cell> {
        vec![
            self.name.as_str().into(),
            self.header.label().into(),
            self.encoding
                .clone()
                .unwrap_or_else(|| "detect".into())
                .into(),
            self.date_format.name().into(),
            self.amount.name().into(),
            self.code_columns.join(",").into(),
            self.map_text().into(),
        ]
    }
}

/// Runs `outturn import profile …`.
fn run_profile(conn: &mut impl crate::ops::Store, c: &ProfileCmd) -> anyhow::Result<()> {
    match c {
        ProfileCmd::Add { name, settings } => {
            let new = settings.change()?.applied_to(&ImportProfile {
                name: name.trim().to_string(),
                map: Vec::new(),
                header: HeaderRule::Find,
                encoding: None,
                date_format: DateFormat::DayMonthYearSlash,
                amount: AmountShape::Signed,
                code_columns: Vec::new(),
            });
            import::add_profile(conn, &new)?;
            say!("Added import profile {}.", new.name);
        }
        ProfileCmd::Edit {
            name,
            rename,
            settings,
        } => {
            let change = ProfileChange {
                name: rename.clone(),
                ..settings.change()?
            };
            let now = import::edit_profile(conn, name, &change)?;
            say!("Changed import profile {}.", now.name);
        }
        ProfileCmd::List(f) => print_list(&import::list_profiles(conn)?, f.format)?,
        ProfileCmd::Delete { name } => {
            let gone = import::delete_profile(conn, name)?;
            say!("Deleted import profile {}.", gone.name);
        }
    }
    Ok(())
}

/// Prints an import failure, every line, and gives its exit status.
fn failed(err: &ImportError) -> ExitCode {
    // A full disk, a lock held too long: what to do, not the engine's words.
    let lines = match super::errors::condition_advice(err) {
        Some(advice) => vec![advice],
        None => err.lines(),
    };
    for line in lines {
        eprintln!("{}", escape_controls(&line, false));
    }
    ExitCode::from(if err.is_user_error() { 2 } else { 1 })
}

/// A progress bar over the file's bytes when standard error is a terminal and the file is big
/// enough to wait for; hidden otherwise.
fn progress_bar(file: &Path) -> ProgressBar {
    let big = std::fs::metadata(file)
        .map(|m| m.len() > 1 << 20)
        .unwrap_or(false);
    if !big || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} checking {bar:40} {bytes}/{total_bytes} ({eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Runs `f` with a progress bar over `file` (see [`progress_bar`]), cleared when it is done.
fn with_progress<T>(file: &Path, f: impl FnOnce(&mut dyn FnMut(u64, u64)) -> T) -> T {
    let bar = progress_bar(file);
    let result = f(&mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    result
}

/// Runs an import of `file` with a progress bar, then prints what it did (`what`: "row", said "rows" for more than one) or why
/// it failed; gives the exit status.
fn run_import(
    file: &Path,
    what: &str,
    f: impl FnOnce(&mut dyn FnMut(u64, u64)) -> Result<ImportOutcome, ImportError>,
) -> ExitCode {
    match with_progress(file, f) {
        Ok(o) => {
            print_outcome(&o, what);
            ExitCode::SUCCESS
        }
        Err(err) => failed(&err),
    }
}

/// Prints the warnings of an import, one line each, on standard error.
fn print_warnings(o: &ImportOutcome) {
    for w in &o.warnings {
        eprintln!("warning: {}", escape_controls(&w.to_string(), false));
    }
}

fn print_outcome(o: &ImportOutcome, what: &str) {
    print_warnings(o);
    if o.encoding_detected {
        say!(
            "Read {} as Windows-1252 (it is not valid UTF-8, as Excel on Windows saves it); \
             force another reading with --encoding.",
            o.file_name
        );
    }
    match o.batch_id {
        Some(id) => say!(
            "Imported {} from {} as batch {id}: total {}.",
            crate::domain::text::counted(o.rows, what),
            o.file_name,
            o.total.full()
        ),
        None => say!(
            "Dry run: {} from {} would be imported, total {}; nothing was written.",
            crate::domain::text::counted(o.rows, what),
            o.file_name,
            o.total.full()
        ),
    }
    if o.skipped_duplicates > 0 {
        say!(
            "Left out {} already in the ledger (--skip-duplicates).",
            crate::domain::text::counted(o.skipped_duplicates, "row")
        );
    }
    if o.created_phases > 0 {
        say!(
            "{} {}.",
            if o.batch_id.is_some() {
                "Created"
            } else {
                "Would create"
            },
            crate::domain::text::counted(o.created_phases, "phase")
        );
    }
    let mut t = Table::new(&["FY", "Phase", "Rows", "Total"]);
    for (fy, phase, rows, total) in &o.by_fy_phase {
        t.push(vec![
            fy.label().into(),
            phase.as_str().into(),
            Cell::Num(count(*rows)),
            Cell::Num(total.bracketed()),
        ]);
    }
    t.push(vec![
        "Total".into(),
        "".into(),
        Cell::Num(count(o.rows)),
        Cell::Num(o.total.bracketed()),
    ]);
    let _ = t.write_text(&mut std::io::stdout().lock());
}

impl Listing for Batch {
    fn headers() -> &'static [&'static str] {
        &[
            "Batch", "Kind", "File", "Profile", "Rows", "Total", "Who", "At", "Undone", "SHA-256",
        ]
    }

    fn cells(&self, format: Format) -> Vec<Cell> {
        let (rows, total, sha) = match format {
            Format::Table => (
                count(self.rows),
                self.total.bracketed(),
                self.sha256.chars().take(12).collect(),
            ),
            _ => (
                self.rows.to_string(),
                self.total.plain(),
                self.sha256.clone(),
            ),
        };
        vec![
            Cell::Num(self.id.to_string()),
            self.kind.as_str().into(),
            self.file_name.as_str().into(),
            self.profile.clone().unwrap_or_default().into(),
            Cell::Num(rows),
            Cell::Num(total),
            self.who.as_str().into(),
            self.at.as_str().into(),
            self.undone_at.clone().unwrap_or_default().into(),
            sha.into(),
        ]
    }
}

/// Runs `outturn import …` on books on either engine (a file or a server).
pub fn shared(books: &mut impl crate::ops::Store, c: &ImportCmd) -> anyhow::Result<ExitCode> {
    match c {
        ImportCmd::Actuals {
            file,
            read,
            dry_run,
            skip_duplicates,
            encoding,
            strict,
        } => {
            let read_opts = match read.options(*dry_run, encoding.as_deref()) {
                Ok(o) => o,
                Err(err) => return Ok(failed(&err)),
            };
            let opts = ActualsOptions {
                map: read_opts.map,
                dry_run: *dry_run,
                skip_duplicates: *skip_duplicates,
                encoding: encoding.clone(),
                profile: None,
                sheet: read_opts.sheet,
            };
            let result = with_progress(file, |p| match &read.profile {
                Some(name) => import::actuals_with_profile(books, file, name, &opts, *strict, p),
                None => import::actuals(books, file, &opts, *strict, p),
            });
            return Ok(match result {
                Ok(ActualsImported::Imported(o)) => {
                    print_outcome(&o, "row");
                    ExitCode::SUCCESS
                }
                Ok(ActualsImported::Warned(o)) => {
                    print_warnings(&o);
                    eprintln!(
                        "Refused under --strict: {} row(s) with warnings; nothing was written.",
                        o.warnings.len()
                    );
                    ExitCode::from(2)
                }
                Err(err) => failed(&err),
            });
        }
        ImportCmd::Budgets {
            file,
            create_missing,
            read,
            dry_run,
            encoding,
        } => {
            let read_opts = match read.options(*dry_run, encoding.as_deref()) {
                Ok(o) => o,
                Err(err) => return Ok(failed(&err)),
            };
            let opts = BudgetsOptions {
                create_missing: *create_missing,
                dry_run: *dry_run,
                encoding: encoding.clone(),
                map: read_opts.map,
                profile: None,
                sheet: read_opts.sheet,
            };
            let profile = read.profile.as_deref();
            return Ok(run_import(file, "budget line", |p| {
                import::budgets_with_profile(books, file, &opts, profile, p)
            }));
        }
        ImportCmd::Benefits {
            file,
            map,
            dry_run,
            encoding,
        } => {
            let opts = match MappedOptions::read(map.as_deref(), *dry_run, encoding.as_deref()) {
                Ok(o) => o,
                Err(err) => return Ok(failed(&err)),
            };
            return Ok(run_import(file, "benefit target", |p| {
                import::benefits(books, file, &opts, p)
            }));
        }
        ImportCmd::Funding {
            file,
            read,
            dry_run,
            encoding,
        } => {
            let opts = match read.options(*dry_run, encoding.as_deref()) {
                Ok(o) => o,
                Err(err) => return Ok(failed(&err)),
            };
            let profile = read.profile.as_deref();
            return Ok(run_import(file, "funding line", |p| {
                import::funding_with_profile(books, file, &opts, profile, p)
            }));
        }
        ImportCmd::List(f) => print_list(&import::list(&*books)?, f.format)?,
        ImportCmd::Undo { batch } => match import::undo(books, *batch).map_err(ImportError::from) {
            Ok(b) => say!(
                "Undid batch {} ({}, {}): removed {}, total {}.",
                b.id,
                b.kind,
                b.file_name,
                crate::domain::text::counted(b.rows, "row"),
                b.total.full()
            ),
            Err(err) => return Ok(failed(&err)),
        },
        ImportCmd::Profile(c) => run_profile(books, c)?,
        ImportCmd::Codes(c) => return run_codes(books, c),
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `outturn import …` on the database at `db`.
pub fn run(db: &Path, c: &ImportCmd) -> anyhow::Result<ExitCode> {
    shared(&mut open(db)?, c)
}
