//! The lookups of an actuals import: phases and contracts resolved from an in-memory
//! directory of the books, each once, and the ledger code map (a profile's code columns), with
//! each unknown code listed once with its lines and rows.

use std::collections::HashMap;

use super::problems::{LOOKUPS_CACHED, MAX_LISTED, Problems, look_up_once};
use super::rows::Cells;
use crate::domain::ledger::{CODE_JOIN, ImportProfile};
use crate::store::engine::sql::Sql;
use crate::store::{self, Field, StoreError, entities as e};

/// The first of the columns of an actuals file whose cells make a ledger code (see
/// `ImportProfile::code_columns`): after Date .. Sign (`actuals::ACTUAL_COLUMNS`).
pub(super) const A_CODE: usize = 11;

/// The message for a phase (or its programme) that cannot be found, and the column to blame.
pub(super) fn phase_problem(err: StoreError) -> Result<(&'static str, String), StoreError> {
    match err.into_plain() {
        StoreError::NotFound {
            field,
            what,
            value,
            hint,
        } => {
            let column = if field == Field::Programme {
                "Programme"
            } else {
                "Phase"
            };
            let hint = if hint.is_empty() {
                "; list phases with `outturn phase list`".to_string()
            } else {
                hint
            };
            Ok((column, format!("no {what} '{value}'{hint}")))
        }
        StoreError::Invalid { message, .. } => Ok((
            "Phase",
            message.replace("with --programme", "in a Programme column"),
        )),
        other if other.is_user_error() => Ok(("Phase", other.to_string())),
        other => Err(other),
    }
}

/// A phase id, or the column to blame and the message.
pub(super) type PhaseLookup = Result<i64, (&'static str, String)>;

/// Phase and contract references resolved in memory, each once: the directory answers
/// successes quickly, and the cache keeps a bad code's message from being built on every row.
pub(super) struct ActualLookups {
    directory: e::Directory,
    /// programme code ("" when none given) -> phase code -> phase id or problem.
    phases: HashMap<String, HashMap<String, PhaseLookup>>,
    /// How many answers `phases` holds (at most [`LOOKUPS_CACHED`]).
    phases_cached: usize,
    /// contract reference -> (contract id, its phase id) or message.
    contracts: HashMap<String, Result<(i64, i64), String>>,
    /// The ledger code map (empty unless the profile has code columns): code -> (phase id,
    /// contract id).
    codes: HashMap<String, (i64, Option<i64>)>,
    /// The code columns' names as the profile gives them, joined with `+`, to name in problems.
    code_label: String,
    /// Codes not in the map, each listed once: code -> its problem's place, lines and rows.
    unknown: HashMap<String, UnknownCode>,
}

/// A ledger code not in the map, as met so far.
#[derive(Default)]
struct UnknownCode {
    /// Where its problem is listed (None past the problems listed).
    listed: Option<usize>,
    /// Its first lines.
    lines: Vec<u64>,
    rows: u64,
}

/// How many lines of an unknown code are named.
const UNKNOWN_LINES_NAMED: usize = 5;

impl ActualLookups {
    pub(super) fn new(conn: &impl Sql) -> Result<Self, StoreError> {
        Ok(ActualLookups {
            directory: e::Directory::load(conn)?,
            phases: HashMap::new(),
            phases_cached: 0,
            contracts: HashMap::new(),
            codes: HashMap::new(),
            code_label: String::new(),
            unknown: HashMap::new(),
        })
    }

    /// Loads the code map for a profile with code columns.
    pub(super) fn with_codes(
        mut self,
        conn: &impl Sql,
        profile: Option<&ImportProfile>,
    ) -> Result<Self, StoreError> {
        if let Some(p) = profile.filter(|p| !p.code_columns.is_empty()) {
            self.codes = store::ledger_codes::code_map(conn)?;
            self.code_label = p.code_columns.join(CODE_JOIN);
        }
        Ok(self)
    }

    /// The phase and contract of the row's ledger code, or None when the code is not mapped
    /// (listed once, with its lines and rows counted).
    pub(super) fn ledger_code(
        &mut self,
        cells: &Cells,
        line: u64,
        columns: usize,
        problems: &mut Problems,
    ) -> Option<(i64, Option<i64>)> {
        let parts: Vec<&str> = (A_CODE..A_CODE + columns).map(|c| cells.get(c)).collect();
        let code = parts.join(CODE_JOIN);
        if let Some(found) = self.codes.get(&code) {
            return Some(*found);
        }
        let unknown = self.unknown.entry(code).or_default();
        if unknown.rows == 0 {
            unknown.listed = (problems.listed.len() < MAX_LISTED).then_some(problems.listed.len());
            problems.add(line, &self.code_label, String::new);
        }
        unknown.rows += 1;
        if unknown.lines.len() < UNKNOWN_LINES_NAMED {
            unknown.lines.push(line);
        }
        None
    }

    /// Writes the problem of each unknown code, now that its lines and rows are all counted.
    pub(super) fn name_unknown_codes(&self, problems: &mut Problems) {
        for (code, u) in &self.unknown {
            let Some(p) = u.listed.and_then(|i| problems.listed.get_mut(i)) else {
                continue;
            };
            let lines = u
                .lines
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let more = if u.rows > u.lines.len() as u64 {
                ", ..."
            } else {
                ""
            };
            p.message = format!(
                "ledger code '{code}' is not mapped ({} row{}: lines {lines}{more}): map it with \
                 `outturn import codes add \"{code}\" PROG/PHASE` and import the file again",
                u.rows,
                if u.rows == 1 { "" } else { "s" }
            );
        }
    }

    pub(super) fn label(&self, phase_id: i64) -> String {
        self.directory.label(phase_id)
    }

    pub(super) fn phase(&mut self, programme: &str, code: &str) -> Result<PhaseLookup, StoreError> {
        if let Some(r) = self.phases.get(programme).and_then(|m| m.get(code)) {
            return Ok(r.clone());
        }
        let given = Some(programme).filter(|p| !p.is_empty());
        let r = match self.directory.phase(given, code) {
            Ok(p) => Ok(p.id),
            Err(err) => Err(phase_problem(err)?),
        };
        if self.phases_cached < LOOKUPS_CACHED {
            self.phases_cached += 1;
            self.phases
                .entry(programme.to_string())
                .or_default()
                .insert(code.to_string(), r.clone());
        }
        Ok(r)
    }

    pub(super) fn contract(
        &mut self,
        reference: &str,
    ) -> Result<Result<(i64, i64), String>, StoreError> {
        let directory = &self.directory;
        look_up_once(&mut self.contracts, reference, || {
            match directory
                .contract(reference)
                .map_err(StoreError::into_plain)
            {
                Ok(c) => Ok(Ok(c)),
                Err(StoreError::NotFound {
                    what, value, hint, ..
                }) => Ok(Err(format!("no {what} '{value}'{hint}"))),
                Err(other) => Err(other),
            }
        })
    }
}
