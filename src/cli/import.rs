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
use crate::domain::text::escape_controls;
use crate::io::import::{
    ActualsOptions, BudgetsOptions, ImportError, ImportOutcome, MappedOptions, parse_map,
};
use crate::ops::import::{self, ActualsImported};
use crate::ops::types::Batch;

/// `outturn import …`.
#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Import ledger actuals from a CSV extract: every row is checked first; one bad row and
    /// nothing is written.
    Actuals {
        /// The CSV file (columns Date, Phase, Supplier, Description, Reference, Amount, and
        /// optionally Programme and Contract).
        file: PathBuf,
        /// Rename the file's columns: "Trans Date=Date,Net=Amount".
        #[arg(long)]
        map: Option<String>,
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
        /// The CSV file (columns Programme, Phase, Financial year, Amount, and optionally
        /// Phase name, Status, Decision).
        file: PathBuf,
        /// Create phases that do not exist yet (programmes must exist).
        #[arg(long)]
        create_missing: bool,
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
        /// The CSV file (columns Programme, Phase, Financial year, Source, Amount, and optionally
        /// Status, Funder, Spend by, Decision, Note).
        file: PathBuf,
        /// Rename the file's columns: "Year=Financial year,Value=Amount".
        #[arg(long)]
        map: Option<String>,
        /// Check the file and show what would be imported, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// windows-1252 or utf-8 (default: detected).
        #[arg(long)]
        encoding: Option<String>,
    },
    /// List import batches.
    List(FormatArg),
    /// Undo an import batch: removes its rows in one transaction (recorded in the audit log).
    Undo {
        /// The batch id (see `outturn import list`).
        batch: i64,
    },
}

/// Prints an import failure, every line, and gives its exit status.
fn failed(err: &ImportError) -> ExitCode {
    for line in err.lines() {
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
            "{} {} phases.",
            if o.batch_id.is_some() {
                "Created"
            } else {
                "Would create"
            },
            count(o.created_phases)
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
            "Batch", "Kind", "File", "Rows", "Total", "Who", "At", "Undone", "SHA-256",
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
            Cell::Num(rows),
            Cell::Num(total),
            self.who.as_str().into(),
            self.at.as_str().into(),
            self.undone_at.clone().unwrap_or_default().into(),
            sha.into(),
        ]
    }
}

/// Runs `outturn import …`.
pub fn run(db: &Path, c: &ImportCmd) -> anyhow::Result<ExitCode> {
    let mut conn = open(db)?;
    match c {
        ImportCmd::Actuals {
            file,
            map,
            dry_run,
            skip_duplicates,
            encoding,
            strict,
        } => {
            let map = match map.as_deref().map(parse_map).transpose() {
                Ok(m) => m.unwrap_or_default(),
                Err(err) => return Ok(failed(&err)),
            };
            let opts = ActualsOptions {
                map,
                dry_run: *dry_run,
                skip_duplicates: *skip_duplicates,
                encoding: encoding.clone(),
            };
            let result = with_progress(file, |p| {
                import::actuals(&mut conn, file, &opts, *strict, p)
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
            dry_run,
            encoding,
        } => {
            let opts = BudgetsOptions {
                create_missing: *create_missing,
                dry_run: *dry_run,
                encoding: encoding.clone(),
            };
            return Ok(run_import(file, "budget line", |p| {
                import::budgets(&mut conn, file, &opts, p)
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
                import::benefits(&mut conn, file, &opts, p)
            }));
        }
        ImportCmd::Funding {
            file,
            map,
            dry_run,
            encoding,
        } => {
            let opts = match MappedOptions::read(map.as_deref(), *dry_run, encoding.as_deref()) {
                Ok(o) => o,
                Err(err) => return Ok(failed(&err)),
            };
            return Ok(run_import(file, "funding line", |p| {
                import::funding(&mut conn, file, &opts, p)
            }));
        }
        ImportCmd::List(f) => print_list(&import::list(&conn)?, f.format)?,
        ImportCmd::Undo { batch } => {
            match import::undo(&mut conn, *batch).map_err(ImportError::from) {
                Ok(b) => say!(
                    "Undid batch {} ({}, {}): removed {}, total {}.",
                    b.id,
                    b.kind,
                    b.file_name,
                    crate::domain::text::counted(b.rows, "row"),
                    b.total.full()
                ),
                Err(err) => return Ok(failed(&err)),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
