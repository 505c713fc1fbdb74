//! Importing benefits: one row per benefit and financial year (columns Programme, Phase,
//! Description, Kind, Owner, Financial year, Target). Rows with the same programme, phase and
//! description are one benefit with a target per year; they must give the same kind and owner and
//! each year once. Programmes and phases must exist. All rows or none, one batch, undoable.

use crate::store::engine::sql::Sql;
use std::collections::HashMap;
use std::path::Path;

use super::batches::{ImportOutcome, Tally};
use super::problems::{ImportError, Lock, Problems, look_up_once};
use super::rows::{Cells, require_cells};
use super::whole::{RowImporter, WholeFile, import_whole_any};
use crate::domain::benefit::BenefitKind;
use crate::domain::calendar::uk_date;
use crate::domain::text::{MAX_TEXT, check_length};
use crate::domain::{FinancialYear, Money};
use crate::store::batches::BatchKind;
use crate::store::{StoreError, entities as e};

/// What `import benefits` is told: the same options as every mapped import.
pub type BenefitsOptions = super::header::MappedOptions;

const COLUMNS: &[(&str, bool)] = &[
    ("Programme", true),
    ("Description", true),
    ("Kind", true),
    ("Financial year", true),
    ("Target", true),
    ("Phase", false),
    ("Owner", false),
];
const C_PROGRAMME: usize = 0;
const C_DESCRIPTION: usize = 1;
const C_KIND: usize = 2;
const C_FY: usize = 3;
const C_TARGET: usize = 4;
const C_PHASE: usize = 5;
const C_OWNER: usize = 6;
const REQUIRED: &[(usize, &str)] = &[
    (C_PROGRAMME, "Programme"),
    (C_DESCRIPTION, "Description"),
    (C_KIND, "Kind"),
    (C_FY, "Financial year"),
    (C_TARGET, "Target"),
];

/// A benefit gathered from its rows.
struct Gathered {
    first_line: u64,
    label: String,
    benefit: e::NewBenefit,
}

fn message(err: StoreError) -> Result<String, StoreError> {
    match err.into_plain() {
        StoreError::NotFound {
            what, value, hint, ..
        } => Ok(format!("no {what} '{value}'{hint}")),
        other if other.is_user_error() => Ok(other.to_string()),
        other => Err(other),
    }
}

#[derive(Default)]
struct Lookups {
    programmes: HashMap<String, Result<i64, String>>,
    phases: HashMap<(String, String), Result<i64, String>>,
}

impl Lookups {
    fn programme(
        &mut self,
        conn: &impl Sql,
        code: &str,
    ) -> Result<Result<i64, String>, StoreError> {
        look_up_once(&mut self.programmes, code, || {
            e::programme_id(conn, code).map_err(message).transpose_err()
        })
    }

    fn phase(
        &mut self,
        conn: &impl Sql,
        programme: &str,
        code: &str,
    ) -> Result<Result<i64, String>, StoreError> {
        let key = (programme.to_string(), code.to_string());
        look_up_once(&mut self.phases, &key, || {
            e::phase_ref(conn, Some(programme), code)
                .map(|p| p.id)
                .map_err(message)
                .transpose_err()
        })
    }
}

/// Turns `Result<T, Result<String, StoreError>>` into `Result<Result<T, String>, StoreError>`.
trait TransposeErr<T> {
    fn transpose_err(self) -> Result<Result<T, String>, StoreError>;
}

impl<T> TransposeErr<T> for Result<T, Result<String, StoreError>> {
    fn transpose_err(self) -> Result<Result<T, String>, StoreError> {
        match self {
            Ok(v) => Ok(Ok(v)),
            Err(Ok(m)) => Ok(Err(m)),
            Err(Err(e)) => Err(e),
        }
    }
}

/// One checked row: the benefit it belongs to and its target.
struct Row {
    line: u64,
    programme_id: i64,
    programme: String,
    phase_id: Option<i64>,
    phase: String,
    description: String,
    kind: BenefitKind,
    owner: String,
    fy: FinancialYear,
    target: Money,
}

fn parse_row(
    cells: &Cells,
    line: u64,
    conn: &impl Sql,
    lookups: &mut Lookups,
    lock: &Lock,
    problems: &mut Problems,
) -> Result<Option<Row>, StoreError> {
    let mut ok = require_cells(cells, line, REQUIRED, "benefit", problems);
    let mut bad = |column: &str, m: String| {
        problems.add(line, column, || m);
        false
    };
    for (c, column) in [(C_DESCRIPTION, "Description"), (C_OWNER, "Owner")] {
        if let Err(m) = check_length(cells.get(c), MAX_TEXT) {
            ok = bad(column, m);
        }
    }
    let fy_text = cells.get(C_FY);
    let fy = match FinancialYear::parse(fy_text) {
        Ok(y) if lock.through.is_some_and(|l| y.start() <= l) => {
            ok &= bad(
                "Financial year",
                lock.message(format!(
                    "a target for '{fy_text}' (which began {})",
                    uk_date(y.start())
                )),
            );
            None
        }
        Ok(y) => Some(y),
        Err(err) if !fy_text.is_empty() => {
            ok &= bad("Financial year", err.to_string());
            None
        }
        Err(_) => None,
    };
    let target_text = cells.get(C_TARGET);
    let target = match Money::parse(target_text) {
        Ok(m) if m.is_negative() => {
            ok &= bad(
                "Target",
                format!("'{target_text}' is below zero: a target is what is to be achieved"),
            );
            None
        }
        Ok(m) => Some(m),
        Err(err) if !target_text.is_empty() => {
            ok &= bad("Target", err.to_string());
            None
        }
        Err(_) => None,
    };
    let kind_text = cells.get(C_KIND);
    let kind = match BenefitKind::parse(kind_text) {
        Ok(k) => Some(k),
        Err(err) if !kind_text.is_empty() => {
            ok &= bad("Kind", err.to_string());
            None
        }
        Err(_) => None,
    };
    let programme = cells.get(C_PROGRAMME);
    let phase = cells.get(C_PHASE);
    let mut programme_id = None;
    let mut phase_id = None;
    if !programme.is_empty() {
        match lookups.programme(conn, programme)? {
            Ok(id) => programme_id = Some(id),
            Err(m) => ok &= bad("Programme", m),
        }
        if programme_id.is_some() && !phase.is_empty() {
            match lookups.phase(conn, programme, phase)? {
                Ok(id) => phase_id = Some(id),
                Err(m) => ok &= bad("Phase", m),
            }
        }
    }
    match (ok, programme_id, kind, fy, target) {
        (true, Some(programme_id), Some(kind), Some(fy), Some(target)) => Ok(Some(Row {
            line,
            programme_id,
            programme: programme.to_string(),
            phase_id,
            phase: phase.to_string(),
            description: cells.get(C_DESCRIPTION).to_string(),
            kind,
            owner: cells.get(C_OWNER).to_string(),
            fy,
            target,
        })),
        _ => Ok(None),
    }
}

/// Gathers rows into benefits, recording rows that disagree with the benefit's first row.
fn gather(rows: Vec<Row>, problems: &mut Problems) -> Vec<Gathered> {
    let mut out: Vec<Gathered> = Vec::new();
    let mut index: HashMap<(i64, Option<i64>, String), usize> = HashMap::new();
    for r in rows {
        let key = (r.programme_id, r.phase_id, r.description.clone());
        let Some(&i) = index.get(&key) else {
            index.insert(key, out.len());
            let label = if r.phase.is_empty() {
                r.programme.clone()
            } else {
                format!("{}/{}", r.programme, r.phase)
            };
            out.push(Gathered {
                first_line: r.line,
                label,
                benefit: e::NewBenefit {
                    programme_id: r.programme_id,
                    phase_id: r.phase_id,
                    description: r.description,
                    kind: r.kind,
                    owner: r.owner,
                    targets: vec![(r.fy, r.target)],
                },
            });
            continue;
        };
        let g = &mut out[i];
        let first = g.first_line;
        if g.benefit.kind != r.kind {
            problems.add(r.line, "Kind", || {
                format!(
                    "'{}' differs from '{}' given for this benefit on line {first}: use one kind",
                    r.kind.as_str(),
                    g.benefit.kind.as_str()
                )
            });
        } else if g.benefit.owner != r.owner {
            problems.add(r.line, "Owner", || {
                format!(
                    "'{}' differs from '{}' given for this benefit on line {first}: use one owner",
                    r.owner, g.benefit.owner
                )
            });
        } else if g.benefit.targets.iter().any(|(y, _)| *y == r.fy) {
            problems.add(r.line, "Financial year", || {
                format!("'{}' is given twice for this benefit (first on line {first}): give one target per year", r.fy.label())
            });
        } else {
            g.benefit.targets.push((r.fy, r.target));
        }
    }
    out
}

/// The benefits of a file, checked with lookups made once each.
#[derive(Default)]
struct BenefitImporter {
    lookups: Lookups,
}

impl RowImporter for BenefitImporter {
    type Row = Row;
    type Item = Gathered;

    fn parse(
        &mut self,
        cells: &Cells,
        line: u64,
        conn: &impl Sql,
        lock: &Lock,
        problems: &mut Problems,
    ) -> Result<Option<Row>, StoreError> {
        parse_row(cells, line, conn, &mut self.lookups, lock, problems)
    }

    fn gather(&mut self, rows: Vec<Row>, problems: &mut Problems) -> Vec<Gathered> {
        gather(rows, problems)
    }

    fn write(
        &mut self,
        conn: &impl Sql,
        batch_id: i64,
        _file_name: &str,
        benefits: &[Gathered],
        tally: &mut Tally<String>,
        problems: &mut Problems,
    ) -> Result<(), ImportError> {
        for g in benefits {
            match e::add_benefit(conn, &g.benefit) {
                Ok(id) => e::set_benefit_batch(conn, id, batch_id)?,
                Err(err) if err.is_user_error() => {
                    problems.add(g.first_line, "", || err.to_string());
                    continue;
                }
                Err(err) => return Err(err.into()),
            }
            for (fy, target) in &g.benefit.targets {
                tally.add(*fy, &g.label, target.pence(), 1);
            }
        }
        Ok(())
    }
}

/// Imports benefits and their targets: all rows or none, as one batch of kind `benefits`.
pub fn import_benefits(
    conn: &mut impl crate::store::engine::Store,
    path: &Path,
    opts: &BenefitsOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, ImportError> {
    let how = WholeFile {
        path,
        columns: COLUMNS,
        options: opts,
        kind: BatchKind::Benefits,
    };
    import_whole_any(conn, &how, &mut BenefitImporter::default(), progress)
}
