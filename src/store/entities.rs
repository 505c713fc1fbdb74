//! Adding, changing and listing the tracked entities. Each write function expects to run inside the
//! caller's transaction (see [`super::write_tx`]), checks closed periods, and records an audit event.
//! References that people type (programme and phase codes, decision references, contract
//! references, framework names) are resolved here with messages that name the field and value.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::{Result, StoreError, audit, locks};
use crate::domain::model::*;
use crate::domain::profile::{Month, even_fy_profile};
use crate::domain::{FinancialYear, Money, Period};

/// A date as stored: `YYYY-MM-DD`.
pub(crate) fn iso(d: NaiveDate) -> String {
    IsoDate::new(d).as_str().to_owned()
}

/// A date's stored text, written without allocating (this runs once per row of a bulk import).
pub(crate) struct IsoDate {
    buf: [u8; 10],
    /// For years outside 0..=9999, which do not fit the fixed ten characters.
    other: Option<String>,
}

impl IsoDate {
    pub(crate) fn new(d: NaiveDate) -> Self {
        use chrono::Datelike;
        let (y, m, day) = (d.year(), d.month(), d.day());
        if !(0..=9999).contains(&y) {
            return IsoDate {
                buf: [0; 10],
                other: Some(format!("{y:04}-{m:02}-{day:02}")),
            };
        }
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let y = y as u32;
        IsoDate {
            buf: [
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(day / 10),
                digit(day),
            ],
            other: None,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match &self.other {
            Some(s) => s,
            // Ten ASCII digits and dashes: always UTF-8.
            None => std::str::from_utf8(&self.buf).unwrap_or_default(),
        }
    }
}

fn date_col(r: &Row, i: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = r.get(i)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn opt_date_col(r: &Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let s: Option<String> = r.get(i)?;
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

fn conv_err<E: std::error::Error + Send + Sync + 'static>(i: usize, e: E) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Integer, Box::new(e))
}

fn fy_col(r: &Row, i: usize) -> rusqlite::Result<FinancialYear> {
    FinancialYear::new(r.get(i)?).map_err(|e| conv_err(i, e))
}

fn period_col(r: &Row, i: usize) -> rusqlite::Result<Period> {
    Period::new(r.get(i)?).map_err(|e| conv_err(i, e))
}

fn money_col(r: &Row, i: usize) -> rusqlite::Result<Money> {
    Ok(Money::from_pence(r.get(i)?))
}

fn word_col<T>(
    r: &Row,
    i: usize,
    parse: fn(&str) -> Result<T, UnknownWord>,
) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    parse(&s).map_err(|e| conv_err(i, e))
}

fn collect<T>(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
    f: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map(p, f)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn not_found(field: &str, what: &'static str, value: &str, hint: String) -> StoreError {
    StoreError::NotFound {
        field: field.to_string(),
        what,
        value: value.to_string(),
        hint,
    }
}

// ---------------------------------------------------------------------------------------------
// Resolving references
// ---------------------------------------------------------------------------------------------

/// The id of the programme with `code`.
pub fn programme_id(conn: &Connection, code: &str) -> Result<i64> {
    let found = conn
        .query_row(
            "SELECT id FROM programme WHERE code = ?1",
            [code.trim()],
            |r| r.get(0),
        )
        .optional()?;
    match found {
        Some(id) => Ok(id),
        None => Err(Directory::load(conn)?.programme_not_found(code)),
    }
}

/// A phase resolved from its code (and programme code where the phase code is not unique).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseRef {
    pub id: i64,
    pub programme_id: i64,
}

/// Finds phase `code`, within `programme` when given. A code used in several programmes without a
/// programme given is an error that says to add one.
pub fn phase_ref(conn: &Connection, programme: Option<&str>, code: &str) -> Result<PhaseRef> {
    Directory::load(conn)?.phase(programme, code)
}

/// The id of the decision with `reference`.
pub fn decision_id(conn: &Connection, reference: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM decision WHERE reference = ?1",
        [reference.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        not_found(
            "decision",
            "decision",
            reference,
            "; list them with `outturn decision list`".into(),
        )
    })
}

/// The id of the framework called `name`.
pub fn framework_id(conn: &Connection, name: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM framework WHERE name = ?1",
        [name.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        not_found(
            "framework",
            "framework",
            name,
            "; list them with `outturn framework list`".into(),
        )
    })
}

/// The id and phase id of the contract with `reference`.
pub fn contract_ref(conn: &Connection, reference: &str) -> Result<(i64, i64)> {
    conn.query_row(
        "SELECT id, phase_id FROM contract WHERE reference = ?1",
        [reference.trim()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?
    .ok_or_else(|| contract_not_found(reference))
}

fn contract_not_found(reference: &str) -> StoreError {
    not_found(
        "contract",
        "contract",
        reference,
        "; list them with `outturn contract list`".into(),
    )
}

/// A phase of the directory: (phase id, programme id, programme code, phase code).
type DirectoryPhase = (i64, i64, String, String);

/// Every programme, phase and contract code, read once, to resolve references in memory with
/// the answers and messages of [`programme_id`], [`phase_ref`] and [`contract_ref`]. An import
/// resolves a reference on every row, away from the database.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Programme code -> id, in code order.
    programmes: std::collections::BTreeMap<String, i64>,
    /// Every phase, in (programme code, phase code) order.
    phases: Vec<DirectoryPhase>,
    /// Phase code -> indexes into `phases`.
    by_code: std::collections::HashMap<String, Vec<usize>>,
    /// Phase id -> index into `phases`.
    by_id: std::collections::HashMap<i64, usize>,
    /// Contract reference -> (contract id, phase id).
    contracts: std::collections::HashMap<String, (i64, i64)>,
}

impl Directory {
    pub fn load(conn: &Connection) -> Result<Self> {
        let mut d = Directory {
            programmes: collect(conn, "SELECT code, id FROM programme", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .into_iter()
            .collect(),
            phases: collect(
                conn,
                "SELECT phase.id, programme_id, programme.code, phase.code FROM phase
                 JOIN programme ON programme.id = programme_id ORDER BY programme.code, phase.code",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?,
            contracts: collect(
                conn,
                "SELECT reference, id, phase_id FROM contract",
                [],
                |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))),
            )?
            .into_iter()
            .collect(),
            ..Directory::default()
        };
        for (i, (id, _, _, code)) in d.phases.iter().enumerate() {
            d.by_code.entry(code.clone()).or_default().push(i);
            d.by_id.insert(*id, i);
        }
        Ok(d)
    }

    fn programme_not_found(&self, code: &str) -> StoreError {
        let hint = if self.programmes.is_empty() {
            "; there are no programmes yet".into()
        } else {
            let known: Vec<&str> = self.programmes.keys().map(String::as_str).collect();
            format!("; known programmes: {}", known.join(", "))
        };
        not_found("programme", "programme", code, hint)
    }

    /// As [`phase_ref`].
    pub fn phase(&self, programme: Option<&str>, code: &str) -> Result<PhaseRef> {
        let code = code.trim();
        let found = self.by_code.get(code).map(Vec::as_slice).unwrap_or(&[]);
        let phase = |i: &usize| {
            let (id, programme_id, _, _) = &self.phases[*i];
            PhaseRef {
                id: *id,
                programme_id: *programme_id,
            }
        };
        if let Some(p) = programme.map(str::trim).filter(|p| !p.is_empty()) {
            let pid = *self
                .programmes
                .get(p)
                .ok_or_else(|| self.programme_not_found(p))?;
            return found
                .iter()
                .find(|i| self.phases[**i].1 == pid)
                .map(phase)
                .ok_or_else(|| {
                    let known: Vec<&str> = self
                        .phases
                        .iter()
                        .filter(|ph| ph.1 == pid)
                        .map(|ph| ph.3.as_str())
                        .collect();
                    not_found(
                        "phase",
                        "phase",
                        code,
                        format!(" in programme {p}; its phases: {}", known.join(", ")),
                    )
                });
        }
        match found {
            [i] => Ok(phase(i)),
            [] => Err(not_found("phase", "phase", code, String::new())),
            many => Err(StoreError::invalid(
                "phase",
                format!(
                    "'{code}' is a phase of several programmes ({}): say which with --programme",
                    many.iter()
                        .map(|i| self.phases[*i].2.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// As [`contract_ref`].
    pub fn contract(&self, reference: &str) -> Result<(i64, i64)> {
        self.contracts
            .get(reference.trim())
            .copied()
            .ok_or_else(|| contract_not_found(reference))
    }

    /// `programme/phase` for a phase id, or `phase N` if there is no such phase.
    pub fn label(&self, phase_id: i64) -> String {
        match self.by_id.get(&phase_id) {
            Some(i) => format!("{}/{}", self.phases[*i].2, self.phases[*i].3),
            None => format!("phase {phase_id}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Programmes and phases
// ---------------------------------------------------------------------------------------------

/// A programme to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewProgramme {
    pub code: String,
    pub name: String,
    pub organisation: String,
    pub status: DeliveryStatus,
}

fn required(field: &str, v: &str) -> Result<()> {
    if v.trim().is_empty() {
        Err(StoreError::invalid(field, "is empty: it is required"))
    } else {
        Ok(())
    }
}

/// Adds a programme; its code must be new.
pub fn add_programme(conn: &Connection, p: &NewProgramme) -> Result<i64> {
    required("--code", &p.code)?;
    required("--name", &p.name)?;
    if programme_id(conn, &p.code).is_ok() {
        return Err(StoreError::invalid(
            "--code",
            format!("programme '{}' already exists", p.code.trim()),
        ));
    }
    conn.execute(
        "INSERT INTO programme(code, name, organisation, status) VALUES (?1, ?2, ?3, ?4)",
        params![
            p.code.trim(),
            p.name.trim(),
            p.organisation.trim(),
            p.status.as_str()
        ],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(conn, "add", "programme", Some(id), None::<&()>, Some(p))?;
    Ok(id)
}

const PROGRAMME_SELECT: &str =
    "SELECT id, code, name, organisation, status, version FROM programme";

fn programme_row(r: &Row) -> rusqlite::Result<Programme> {
    Ok(Programme {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        organisation: r.get(3)?,
        status: word_col(r, 4, DeliveryStatus::parse)?,
        version: r.get(5)?,
    })
}

/// Every programme, by code.
pub fn list_programmes(conn: &Connection) -> Result<Vec<Programme>> {
    collect(
        conn,
        &format!("{PROGRAMME_SELECT} ORDER BY code"),
        [],
        programme_row,
    )
}

/// A phase to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewPhase {
    pub programme_id: i64,
    pub code: String,
    pub name: String,
    pub status: DeliveryStatus,
    pub officer: Option<String>,
}

/// Adds a phase; its code must be new within the programme.
pub fn add_phase(conn: &Connection, p: &NewPhase) -> Result<i64> {
    required("--code", &p.code)?;
    required("--name", &p.name)?;
    let exists: Option<i64> = conn
        .query_row(
            "SELECT id FROM phase WHERE programme_id = ?1 AND code = ?2",
            params![p.programme_id, p.code.trim()],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Err(StoreError::invalid(
            "--code",
            format!("phase '{}' already exists in this programme", p.code.trim()),
        ));
    }
    conn.execute(
        "INSERT INTO phase(programme_id, code, name, status, officer) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            p.programme_id,
            p.code.trim(),
            p.name.trim(),
            p.status.as_str(),
            p.officer
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
        ],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(conn, "add", "phase", Some(id), None::<&()>, Some(p))?;
    Ok(id)
}

const PHASE_SELECT: &str = "SELECT phase.id, programme_id, programme.code, phase.code, phase.name, phase.status, officer, phase.version FROM phase JOIN programme ON programme.id = programme_id";

fn phase_row(r: &Row) -> rusqlite::Result<Phase> {
    Ok(Phase {
        id: r.get(0)?,
        programme_id: r.get(1)?,
        programme_code: r.get(2)?,
        code: r.get(3)?,
        name: r.get(4)?,
        status: word_col(r, 5, DeliveryStatus::parse)?,
        officer: r.get(6)?,
        version: r.get(7)?,
    })
}

/// Phases, optionally of one programme, by programme code and phase code.
pub fn list_phases(conn: &Connection, programme_id: Option<i64>) -> Result<Vec<Phase>> {
    collect(
        conn,
        &format!(
            "{PHASE_SELECT} WHERE ?1 IS NULL OR programme_id = ?1 ORDER BY programme.code, phase.code"
        ),
        [programme_id],
        phase_row,
    )
}

/// One phase by id.
pub fn get_phase(conn: &Connection, id: i64) -> Result<Phase> {
    Ok(conn.query_row(
        &format!("{PHASE_SELECT} WHERE phase.id = ?1"),
        [id],
        phase_row,
    )?)
}

// ---------------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------------

/// A decision to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewDecision {
    pub reference: String,
    pub programme_id: Option<i64>,
    pub body: String,
    pub date: NaiveDate,
    pub item: Option<String>,
    pub key_decision: bool,
    pub call_in: bool,
    pub outcome: String,
    pub link: Option<String>,
    pub summary: String,
}

/// Adds a decision; its reference must be new.
pub fn add_decision(conn: &Connection, d: &NewDecision) -> Result<i64> {
    required("--reference", &d.reference)?;
    required("--body", &d.body)?;
    if decision_id(conn, &d.reference).is_ok() {
        return Err(StoreError::invalid(
            "--reference",
            format!("decision '{}' already exists", d.reference.trim()),
        ));
    }
    conn.execute(
        "INSERT INTO decision(reference, programme_id, body, decision_date, item, key_decision, call_in, outcome, link, summary)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            d.reference.trim(),
            d.programme_id,
            d.body.trim(),
            iso(d.date),
            d.item,
            d.key_decision,
            d.call_in,
            d.outcome.trim(),
            d.link,
            d.summary
        ],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(conn, "add", "decision", Some(id), None::<&()>, Some(d))?;
    Ok(id)
}

/// Every decision, oldest first.
pub fn list_decisions(conn: &Connection) -> Result<Vec<Decision>> {
    collect(
        conn,
        "SELECT decision.id, reference, programme.code, body, decision_date, item, key_decision, call_in, outcome, link, summary, decision.version
         FROM decision LEFT JOIN programme ON programme.id = programme_id ORDER BY decision_date, decision.id",
        [],
        |r| {
            Ok(Decision {
                id: r.get(0)?,
                reference: r.get(1)?,
                programme_code: r.get(2)?,
                body: r.get(3)?,
                date: date_col(r, 4)?,
                item: r.get(5)?,
                key_decision: r.get(6)?,
                call_in: r.get(7)?,
                outcome: r.get(8)?,
                link: r.get(9)?,
                summary: r.get(10)?,
                version: r.get(11)?,
            })
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Allocations
// ---------------------------------------------------------------------------------------------

/// An allocation to add. With no profile, a range is split evenly and marked as assumed.
#[derive(Debug, Clone, Serialize)]
pub struct NewAllocation {
    pub phase_id: i64,
    pub first_fy: FinancialYear,
    pub last_fy: FinancialYear,
    pub amount: Money,
    pub status: AllocationStatus,
    pub decision_id: Option<i64>,
    pub profile: Option<Vec<(FinancialYear, Money)>>,
    pub note: String,
}

/// Adds an allocation with its per-FY profile.
pub fn add_allocation(conn: &Connection, a: &NewAllocation) -> Result<i64> {
    if a.last_fy < a.first_fy {
        return Err(StoreError::invalid(
            "--to-fy",
            format!(
                "'{}' is before the first year {}",
                a.last_fy.label(),
                a.first_fy.label()
            ),
        ));
    }
    if a.amount <= Money::ZERO {
        return Err(StoreError::invalid(
            "--amount",
            format!(
                "'{}' must be more than zero (reduce a budget with `outturn change add --kind reduction`)",
                a.amount.plain()
            ),
        ));
    }
    locks::ensure_open(conn, "an allocation for a year", a.first_fy.start())?;
    let (profile, assumed) = match &a.profile {
        Some(p) => {
            for (fy, _) in p {
                if *fy < a.first_fy || *fy > a.last_fy {
                    return Err(StoreError::invalid(
                        "--profile",
                        format!(
                            "{} is outside the allocation's years {} to {}",
                            fy.label(),
                            a.first_fy.label(),
                            a.last_fy.label()
                        ),
                    ));
                }
            }
            let total: Money = p.iter().map(|(_, m)| *m).sum();
            if total != a.amount {
                return Err(StoreError::invalid(
                    "--profile",
                    format!(
                        "the years add up to {}, not the amount {}",
                        total.full(),
                        a.amount.full()
                    ),
                ));
            }
            (p.clone(), false)
        }
        None => (
            even_fy_profile(a.amount, a.first_fy, a.last_fy),
            a.first_fy != a.last_fy,
        ),
    };
    conn.execute(
        "INSERT INTO allocation(phase_id, first_fy, last_fy, amount_pence, status, decision_id, profile_assumed, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            a.phase_id,
            a.first_fy.start_year(),
            a.last_fy.start_year(),
            a.amount.pence(),
            a.status.as_str(),
            a.decision_id,
            assumed,
            a.note
        ],
    )?;
    let id = conn.last_insert_rowid();
    for (fy, amount) in &profile {
        conn.execute(
            "INSERT INTO allocation_profile(allocation_id, fy, amount_pence) VALUES (?1, ?2, ?3)",
            params![id, fy.start_year(), amount.pence()],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::invalid("--profile", format!("{} is given twice", fy.label()))
            }
            e => e.into(),
        })?;
    }
    let after = get_allocation(conn, id)?;
    audit::record(
        conn,
        "add",
        "allocation",
        Some(id),
        None::<&()>,
        Some(&after),
    )?;
    Ok(id)
}

const ALLOCATION_SELECT: &str = "SELECT allocation.id, programme.code, phase.code, first_fy, last_fy, amount_pence, allocation.status, decision.reference, profile_assumed, note, allocation.version
    FROM allocation JOIN phase ON phase.id = phase_id JOIN programme ON programme.id = phase.programme_id
    LEFT JOIN decision ON decision.id = decision_id";

fn allocation_rows(
    conn: &Connection,
    filter: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Allocation>> {
    let mut out = collect(
        conn,
        &format!(
            "{ALLOCATION_SELECT} {filter} ORDER BY programme.code, phase.code, first_fy, allocation.id"
        ),
        p,
        |r| {
            Ok(Allocation {
                id: r.get(0)?,
                programme_code: r.get(1)?,
                phase_code: r.get(2)?,
                first_fy: fy_col(r, 3)?,
                last_fy: fy_col(r, 4)?,
                amount: money_col(r, 5)?,
                status: word_col(r, 6, AllocationStatus::parse)?,
                decision_reference: r.get(7)?,
                profile_assumed: r.get(8)?,
                profile: Vec::new(),
                note: r.get(9)?,
                version: r.get(10)?,
            })
        },
    )?;
    for a in &mut out {
        a.profile = collect(
            conn,
            "SELECT fy, amount_pence FROM allocation_profile WHERE allocation_id = ?1 ORDER BY fy",
            [a.id],
            |r| {
                Ok(ProfileLine {
                    fy: fy_col(r, 0)?,
                    amount: money_col(r, 1)?,
                })
            },
        )?;
    }
    Ok(out)
}

/// One allocation by id.
pub fn get_allocation(conn: &Connection, id: i64) -> Result<Allocation> {
    allocation_rows(conn, "WHERE allocation.id = ?1", [id])?
        .into_iter()
        .next()
        .ok_or_else(|| not_found("allocation", "allocation", &id.to_string(), String::new()))
}

/// Allocations, optionally only those with a share in `fy` or of one programme.
pub fn list_allocations(
    conn: &Connection,
    programme_id: Option<i64>,
    fy: Option<FinancialYear>,
) -> Result<Vec<Allocation>> {
    allocation_rows(
        conn,
        "WHERE (?1 IS NULL OR phase.programme_id = ?1) AND (?2 IS NULL OR (first_fy <= ?2 AND last_fy >= ?2))",
        params![programme_id, fy.map(|f| f.start_year())],
    )
}

/// Replaces an allocation's per-FY profile (reprofiling an assumed split); clears the assumed mark.
pub fn set_allocation_profile(
    conn: &Connection,
    id: i64,
    expected_version: i64,
    profile: &[(FinancialYear, Money)],
) -> Result<()> {
    let before = get_allocation(conn, id)?;
    locks::ensure_open(conn, "an allocation for a year", before.first_fy.start())?;
    let total: Money = profile.iter().map(|(_, m)| *m).sum();
    if total != before.amount {
        return Err(StoreError::invalid(
            "--profile",
            format!(
                "the years add up to {}, not the allocation's {}",
                total.full(),
                before.amount.full()
            ),
        ));
    }
    if let Some((fy, _)) = profile
        .iter()
        .find(|(fy, _)| *fy < before.first_fy || *fy > before.last_fy)
    {
        return Err(StoreError::invalid(
            "--profile",
            format!("{} is outside the allocation's years", fy.label()),
        ));
    }
    locks::bump_version(conn, "allocation", id, expected_version)?;
    conn.execute(
        "DELETE FROM allocation_profile WHERE allocation_id = ?1",
        [id],
    )?;
    for (fy, amount) in profile {
        conn.execute(
            "INSERT INTO allocation_profile(allocation_id, fy, amount_pence) VALUES (?1, ?2, ?3)",
            params![id, fy.start_year(), amount.pence()],
        )?;
    }
    conn.execute(
        "UPDATE allocation SET profile_assumed = 0 WHERE id = ?1",
        [id],
    )?;
    let after = get_allocation(conn, id)?;
    audit::record(
        conn,
        "reprofile",
        "allocation",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Budget changes
// ---------------------------------------------------------------------------------------------

/// A budget change to add. `from` and `to` are (phase id, FY).
#[derive(Debug, Clone, Serialize)]
pub struct NewChange {
    pub kind: ChangeKind,
    pub amount: Money,
    pub from: Option<(i64, FinancialYear)>,
    pub to: Option<(i64, FinancialYear)>,
    pub effective: NaiveDate,
    pub status: ChangeStatus,
    pub decision_id: Option<i64>,
    pub reason: String,
}

/// Pence of approved allocations plus approved changes for phase ?1 in FY ?2 (any date).
pub(crate) const APPROVED_BUDGET_SQL: &str = "SELECT
           coalesce((SELECT sum(p.amount_pence) FROM allocation_profile p JOIN allocation a ON a.id = p.allocation_id
                     WHERE a.phase_id = ?1 AND p.fy = ?2 AND a.status = 'approved'), 0)
         + coalesce((SELECT sum(amount_pence) FROM budget_change WHERE status = 'approved' AND to_phase_id = ?1 AND to_fy = ?2), 0)
         - coalesce((SELECT sum(amount_pence) FROM budget_change WHERE status = 'approved' AND from_phase_id = ?1 AND from_fy = ?2), 0)";

/// The budget a phase has in a year from approved allocations and approved changes (any date).
pub fn approved_budget(conn: &Connection, phase_id: i64, fy: FinancialYear) -> Result<Money> {
    let pence: i64 = conn.query_row(
        APPROVED_BUDGET_SQL,
        params![phase_id, fy.start_year()],
        |r| r.get(0),
    )?;
    Ok(Money::from_pence(pence))
}

fn check_change_shape(c: &NewChange) -> Result<()> {
    let shape_ok = match c.kind {
        ChangeKind::Reprofile => {
            matches!((c.from, c.to), (Some((fp, ff)), Some((tp, tf))) if fp == tp && ff != tf)
        }
        ChangeKind::Virement => {
            matches!((c.from, c.to), (Some((fp, _)), Some((tp, _))) if fp != tp)
        }
        ChangeKind::Addition => c.from.is_none() && c.to.is_some(),
        ChangeKind::Reduction => c.from.is_some() && c.to.is_none(),
    };
    if shape_ok {
        return Ok(());
    }
    let how = match c.kind {
        ChangeKind::Reprofile => {
            "a reprofile moves money between two different years of one phase: give --phase, --from-fy and --to-fy"
        }
        ChangeKind::Virement => {
            "a virement moves money between two different phases: give --from-phase, --to-phase and --fy"
        }
        ChangeKind::Addition => {
            "an addition adds to one phase and year: give --to-phase (or --phase) and --fy, no --from-phase"
        }
        ChangeKind::Reduction => {
            "a reduction takes from one phase and year: give --from-phase (or --phase) and --fy, no --to-phase"
        }
    };
    Err(StoreError::invalid(
        "--kind",
        format!("'{}': {how}", c.kind),
    ))
}

fn ensure_budget_to_move(conn: &Connection, c: &NewChange) -> Result<()> {
    if let Some((phase, fy)) = c.from {
        let have = approved_budget(conn, phase, fy)?;
        if have < c.amount {
            let p = get_phase(conn, phase)?;
            return Err(StoreError::invalid(
                "--amount",
                format!(
                    "{} cannot move out of {}/{} in {}: its approved budget there is {}",
                    c.amount.full(),
                    p.programme_code,
                    p.code,
                    fy.label(),
                    have.full()
                ),
            ));
        }
    }
    Ok(())
}

/// Adds a budget change. An approved change may not move out more than the year has.
pub fn add_change(conn: &Connection, c: &NewChange) -> Result<i64> {
    if c.amount <= Money::ZERO {
        return Err(StoreError::invalid(
            "--amount",
            format!(
                "'{}' must be more than zero: the kind says which way money moves",
                c.amount.plain()
            ),
        ));
    }
    check_change_shape(c)?;
    locks::ensure_open(conn, "a budget change", c.effective)?;
    if c.status == ChangeStatus::Approved {
        ensure_budget_to_move(conn, c)?;
    }
    conn.execute(
        "INSERT INTO budget_change(kind, amount_pence, from_phase_id, from_fy, to_phase_id, to_fy, effective_date, status, decision_id, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            c.kind.as_str(),
            c.amount.pence(),
            c.from.map(|f| f.0),
            c.from.map(|f| f.1.start_year()),
            c.to.map(|t| t.0),
            c.to.map(|t| t.1.start_year()),
            iso(c.effective),
            c.status.as_str(),
            c.decision_id,
            c.reason
        ],
    )?;
    let id = conn.last_insert_rowid();
    let after = get_change(conn, id)?;
    audit::record(
        conn,
        "add",
        "budget_change",
        Some(id),
        None::<&()>,
        Some(&after),
    )?;
    Ok(id)
}

const CHANGE_SELECT: &str = "SELECT c.id, c.kind, c.amount_pence, c.from_phase_id, fpr.code, fp.code, c.from_fy, c.to_phase_id, tpr.code, tp.code, c.to_fy, c.effective_date, c.status, d.reference, c.reason, c.version
    FROM budget_change c
    LEFT JOIN phase fp ON fp.id = c.from_phase_id LEFT JOIN programme fpr ON fpr.id = fp.programme_id
    LEFT JOIN phase tp ON tp.id = c.to_phase_id LEFT JOIN programme tpr ON tpr.id = tp.programme_id
    LEFT JOIN decision d ON d.id = c.decision_id";

fn side(r: &Row, i: usize) -> rusqlite::Result<Option<BudgetSide>> {
    let id: Option<i64> = r.get(i)?;
    Ok(match id {
        Some(phase_id) => Some(BudgetSide {
            phase_id,
            programme_code: r.get(i + 1)?,
            phase_code: r.get(i + 2)?,
            fy: fy_col(r, i + 3)?,
        }),
        None => None,
    })
}

fn change_row(r: &Row) -> rusqlite::Result<BudgetChange> {
    Ok(BudgetChange {
        id: r.get(0)?,
        kind: word_col(r, 1, ChangeKind::parse)?,
        amount: money_col(r, 2)?,
        from: side(r, 3)?,
        to: side(r, 7)?,
        effective: date_col(r, 11)?,
        status: word_col(r, 12, ChangeStatus::parse)?,
        decision_reference: r.get(13)?,
        reason: r.get(14)?,
        version: r.get(15)?,
    })
}

/// One budget change by id.
pub fn get_change(conn: &Connection, id: i64) -> Result<BudgetChange> {
    conn.query_row(
        &format!("{CHANGE_SELECT} WHERE c.id = ?1"),
        [id],
        change_row,
    )
    .optional()?
    .ok_or_else(|| {
        not_found(
            "change",
            "budget change",
            &id.to_string(),
            "; list them with `outturn change list`".into(),
        )
    })
}

/// Budget changes, optionally touching one programme or FY, by effective date.
pub fn list_changes(
    conn: &Connection,
    programme_id: Option<i64>,
    fy: Option<FinancialYear>,
) -> Result<Vec<BudgetChange>> {
    collect(
        conn,
        &format!(
            "{CHANGE_SELECT} WHERE (?1 IS NULL OR fp.programme_id = ?1 OR tp.programme_id = ?1)
             AND (?2 IS NULL OR c.from_fy = ?2 OR c.to_fy = ?2) ORDER BY c.effective_date, c.id"
        ),
        params![programme_id, fy.map(|f| f.start_year())],
        change_row,
    )
}

/// Approves or rejects a proposed change (optionally recording the decision).
pub fn decide_change(
    conn: &Connection,
    id: i64,
    expected_version: Option<i64>,
    status: ChangeStatus,
    decision_id: Option<i64>,
) -> Result<()> {
    let before = get_change(conn, id)?;
    if before.status != ChangeStatus::Proposed {
        return Err(StoreError::Refused(format!(
            "change {id} is already {}: only a proposed change can be approved or rejected",
            before.status
        )));
    }
    if status == ChangeStatus::Proposed {
        return Err(StoreError::invalid(
            "status",
            "a change can be approved or rejected",
        ));
    }
    locks::ensure_open(conn, "a budget change", before.effective)?;
    if status == ChangeStatus::Approved {
        let shape = NewChange {
            kind: before.kind,
            amount: before.amount,
            from: before.from.as_ref().map(|s| (s.phase_id, s.fy)),
            to: before.to.as_ref().map(|s| (s.phase_id, s.fy)),
            effective: before.effective,
            status,
            decision_id,
            reason: before.reason.clone(),
        };
        ensure_budget_to_move(conn, &shape)?;
    }
    locks::bump_version(
        conn,
        "budget_change",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE budget_change SET status = ?2, decision_id = coalesce(?3, decision_id) WHERE id = ?1",
        params![id, status.as_str(), decision_id],
    )?;
    let after = get_change(conn, id)?;
    audit::record(
        conn,
        status.as_str(),
        "budget_change",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Frameworks and contracts
// ---------------------------------------------------------------------------------------------

/// A framework to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewFramework {
    pub name: String,
    pub reference: String,
    pub planned_end: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
}

/// Adds a framework; its name must be new.
pub fn add_framework(conn: &Connection, f: &NewFramework) -> Result<i64> {
    required("--name", &f.name)?;
    if framework_id(conn, &f.name).is_ok() {
        return Err(StoreError::invalid(
            "--name",
            format!("framework '{}' already exists", f.name.trim()),
        ));
    }
    conn.execute(
        "INSERT INTO framework(name, reference, planned_end, actual_end) VALUES (?1, ?2, ?3, ?4)",
        params![
            f.name.trim(),
            f.reference.trim(),
            f.planned_end.map(iso),
            f.actual_end.map(iso)
        ],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(conn, "add", "framework", Some(id), None::<&()>, Some(f))?;
    Ok(id)
}

/// Every framework, by name.
pub fn list_frameworks(conn: &Connection) -> Result<Vec<Framework>> {
    collect(
        conn,
        "SELECT id, name, reference, planned_end, actual_end, version FROM framework ORDER BY name",
        [],
        |r| {
            Ok(Framework {
                id: r.get(0)?,
                name: r.get(1)?,
                reference: r.get(2)?,
                planned_end: opt_date_col(r, 3)?,
                actual_end: opt_date_col(r, 4)?,
                version: r.get(5)?,
            })
        },
    )
}

/// An extension option to add with a contract.
#[derive(Debug, Clone, Serialize)]
pub struct NewExtension {
    pub months: u32,
    pub value: Money,
    pub decision_due: Option<NaiveDate>,
}

/// A contract to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewContract {
    pub reference: String,
    pub title: String,
    pub supplier: String,
    pub phase_id: i64,
    pub framework_id: Option<i64>,
    pub value: Money,
    pub start: NaiveDate,
    pub term_months: u32,
    pub award_decision_id: Option<i64>,
    pub extensions: Vec<NewExtension>,
    /// An explicit monthly profile; empty for the even split.
    pub profile: Vec<(Month, Money)>,
}

/// Adds a contract with its extension options and any explicit profile.
pub fn add_contract(conn: &Connection, c: &NewContract) -> Result<i64> {
    required("--reference", &c.reference)?;
    required("--supplier", &c.supplier)?;
    if c.value.is_negative() {
        return Err(StoreError::invalid(
            "--value",
            format!(
                "'{}' is negative: a contract value is a ceiling",
                c.value.plain()
            ),
        ));
    }
    if c.term_months == 0 || c.term_months > 600 {
        return Err(StoreError::invalid(
            "--term",
            format!("'{}' months: a term runs 1 to 600 months", c.term_months),
        ));
    }
    if contract_ref(conn, &c.reference).is_ok() {
        return Err(StoreError::invalid(
            "--reference",
            format!("contract '{}' already exists", c.reference.trim()),
        ));
    }
    if !c.profile.is_empty() {
        let total: Money = c.profile.iter().map(|(_, m)| *m).sum();
        if total != c.value {
            return Err(StoreError::invalid(
                "--profile",
                format!(
                    "the months add up to {}, not the value {}",
                    total.full(),
                    c.value.full()
                ),
            ));
        }
    }
    locks::ensure_open(conn, "a contract starting", c.start)?;
    conn.execute(
        "INSERT INTO contract(reference, title, supplier, phase_id, framework_id, value_pence, original_value_pence, start_date, term_months, award_decision_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9)",
        params![
            c.reference.trim(),
            c.title.trim(),
            c.supplier.trim(),
            c.phase_id,
            c.framework_id,
            c.value.pence(),
            iso(c.start),
            c.term_months,
            c.award_decision_id
        ],
    )?;
    let id = conn.last_insert_rowid();
    for e in &c.extensions {
        if e.months == 0 || e.months > 600 {
            return Err(StoreError::invalid(
                "--extension",
                format!("'{}' months: an extension runs 1 to 600 months", e.months),
            ));
        }
        conn.execute(
            "INSERT INTO extension_option(contract_id, months, value_pence, decision_due) VALUES (?1, ?2, ?3, ?4)",
            params![id, e.months, e.value.pence(), e.decision_due.map(iso)],
        )?;
    }
    for (m, a) in &c.profile {
        conn.execute(
            "INSERT INTO contract_profile(contract_id, month, amount_pence) VALUES (?1, ?2, ?3)",
            params![id, m.key(), a.pence()],
        )?;
    }
    let after = get_contract(conn, id)?;
    audit::record(conn, "add", "contract", Some(id), None::<&()>, Some(&after))?;
    Ok(id)
}

const CONTRACT_SELECT: &str = "SELECT c.id, c.reference, c.title, c.supplier, c.phase_id, pr.code, ph.code, f.name, c.value_pence, c.original_value_pence, c.start_date, c.term_months, d.reference, c.version
    FROM contract c JOIN phase ph ON ph.id = c.phase_id JOIN programme pr ON pr.id = ph.programme_id
    LEFT JOIN framework f ON f.id = c.framework_id LEFT JOIN decision d ON d.id = c.award_decision_id";

fn contracts_where(
    conn: &Connection,
    filter: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Contract>> {
    let mut out = collect(
        conn,
        &format!("{CONTRACT_SELECT} {filter} ORDER BY c.reference"),
        p,
        |r| {
            Ok(Contract {
                id: r.get(0)?,
                reference: r.get(1)?,
                title: r.get(2)?,
                supplier: r.get(3)?,
                phase_id: r.get(4)?,
                programme_code: r.get(5)?,
                phase_code: r.get(6)?,
                framework: r.get(7)?,
                value: money_col(r, 8)?,
                original_value: money_col(r, 9)?,
                start: date_col(r, 10)?,
                term_months: r.get(11)?,
                award_decision_reference: r.get(12)?,
                extensions: Vec::new(),
                version: r.get(13)?,
            })
        },
    )?;
    for c in &mut out {
        c.extensions = collect(
            conn,
            "SELECT e.id, e.contract_id, e.months, e.value_pence, e.decision_due, e.exercised, d.reference, e.version
             FROM extension_option e LEFT JOIN decision d ON d.id = e.decision_id WHERE e.contract_id = ?1 ORDER BY e.id",
            [c.id],
            |r| {
                Ok(ExtensionOption {
                    id: r.get(0)?,
                    contract_id: r.get(1)?,
                    months: r.get(2)?,
                    value: money_col(r, 3)?,
                    decision_due: opt_date_col(r, 4)?,
                    exercised: r.get(5)?,
                    decision_reference: r.get(6)?,
                    version: r.get(7)?,
                })
            },
        )?;
    }
    Ok(out)
}

/// One contract by id.
pub fn get_contract(conn: &Connection, id: i64) -> Result<Contract> {
    contracts_where(conn, "WHERE c.id = ?1", [id])?
        .into_iter()
        .next()
        .ok_or_else(|| not_found("contract", "contract", &id.to_string(), String::new()))
}

/// Contracts, optionally of one programme or phase, by reference.
pub fn list_contracts(
    conn: &Connection,
    programme_id: Option<i64>,
    phase_id: Option<i64>,
) -> Result<Vec<Contract>> {
    contracts_where(
        conn,
        "WHERE (?1 IS NULL OR ph.programme_id = ?1) AND (?2 IS NULL OR c.phase_id = ?2)",
        params![programme_id, phase_id],
    )
}

/// The explicit monthly profile of a contract (empty when it uses the even split).
pub fn contract_explicit_profile(
    conn: &Connection,
    contract_id: i64,
) -> Result<Vec<(Month, Money)>> {
    let rows = collect(
        conn,
        "SELECT month, amount_pence FROM contract_profile WHERE contract_id = ?1 ORDER BY month",
        [contract_id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, p)| Month::parse_key(&m).map(|m| (m, Money::from_pence(p))))
        .collect())
}

/// The full monthly profile of a contract (explicit or even, plus exercised extensions).
pub fn contract_profile(conn: &Connection, c: &Contract) -> Result<Vec<(Month, Money)>> {
    let explicit = contract_explicit_profile(conn, c.id)?;
    let exts: Vec<(u32, Money)> = c
        .extensions
        .iter()
        .filter(|e| e.exercised)
        .map(|e| (e.months, e.value))
        .collect();
    Ok(crate::domain::profile::contract_profile(
        c.start,
        c.term_months,
        c.value,
        &explicit,
        &exts,
    ))
}

/// Exercises an extension option (recording the decision when given).
pub fn exercise_extension(
    conn: &Connection,
    option_id: i64,
    expected_version: Option<i64>,
    decision_id: Option<i64>,
) -> Result<()> {
    let contract_id: i64 = conn
        .query_row(
            "SELECT contract_id FROM extension_option WHERE id = ?1",
            [option_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            not_found(
                "--option",
                "extension option",
                &option_id.to_string(),
                String::new(),
            )
        })?;
    let before = get_contract(conn, contract_id)?;
    let opt = before
        .extensions
        .iter()
        .find(|e| e.id == option_id)
        .ok_or_else(|| {
            not_found(
                "--option",
                "extension option",
                &option_id.to_string(),
                String::new(),
            )
        })?;
    if opt.exercised {
        return Err(StoreError::Refused(format!(
            "extension option {option_id} of {} is already exercised",
            before.reference
        )));
    }
    locks::bump_version(
        conn,
        "extension_option",
        option_id,
        expected_version.unwrap_or(opt.version),
    )?;
    conn.execute(
        "UPDATE extension_option SET exercised = 1, decision_id = coalesce(?2, decision_id) WHERE id = ?1",
        params![option_id, decision_id],
    )?;
    let after = get_contract(conn, contract_id)?;
    locks::ensure_profile_open(
        conn,
        &format!("exercising this option of contract {}", before.reference),
        &contract_profile(conn, &before)?,
        &contract_profile(conn, &after)?,
    )?;
    audit::record(
        conn,
        "exercise",
        "contract",
        Some(contract_id),
        Some(&before),
        Some(&after),
    )?;
    Ok(())
}

/// Changes a contract's value (a variation). A rise over 10 % of the award value is flagged on the dashboard.
pub fn set_contract_value(
    conn: &Connection,
    id: i64,
    expected_version: i64,
    value: Money,
) -> Result<()> {
    let before = get_contract(conn, id)?;
    if value.is_negative() {
        return Err(StoreError::invalid(
            "--value",
            format!("'{}' is negative", value.plain()),
        ));
    }
    let has_profile = !contract_explicit_profile(conn, id)?.is_empty();
    if has_profile {
        return Err(StoreError::Refused(format!(
            "contract {} has an explicit profile: change the profile, not the value",
            before.reference
        )));
    }
    locks::bump_version(conn, "contract", id, expected_version)?;
    conn.execute(
        "UPDATE contract SET value_pence = ?2 WHERE id = ?1",
        params![id, value.pence()],
    )?;
    let after = get_contract(conn, id)?;
    locks::ensure_profile_open(
        conn,
        &format!("the new value of contract {}", before.reference),
        &contract_profile(conn, &before)?,
        &contract_profile(conn, &after)?,
    )?;
    audit::record(
        conn,
        "edit",
        "contract",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Actuals
// ---------------------------------------------------------------------------------------------

/// An actual to add.
#[derive(Debug, Clone, Serialize)]
pub struct NewActual {
    pub phase_id: i64,
    pub contract_id: Option<i64>,
    pub date: NaiveDate,
    pub supplier: String,
    pub description: String,
    pub reference: String,
    pub amount: Money,
}

/// Checks an actual against its contract's phase.
pub fn check_actual_contract(conn: &Connection, a: &NewActual) -> Result<()> {
    if let Some(cid) = a.contract_id {
        let phase: i64 =
            conn.query_row("SELECT phase_id FROM contract WHERE id = ?1", [cid], |r| {
                r.get(0)
            })?;
        if phase != a.phase_id {
            let c = get_contract(conn, cid)?;
            let p = get_phase(conn, a.phase_id)?;
            return Err(StoreError::invalid(
                "--contract",
                format!(
                    "contract '{}' belongs to phase {}/{}, not {}/{}",
                    c.reference, c.programme_code, c.phase_code, p.programme_code, p.code
                ),
            ));
        }
    }
    Ok(())
}

/// Inserts an actual row (no audit, no checks): the bulk path for imports, which audit the batch.
pub fn insert_actual_row(conn: &Connection, a: &NewActual, batch_id: Option<i64>) -> Result<i64> {
    insert_actual_fields(
        conn,
        &ActualFields {
            phase_id: a.phase_id,
            contract_id: a.contract_id,
            date: a.date,
            supplier: &a.supplier,
            description: &a.description,
            reference: &a.reference,
            amount_pence: a.amount.pence(),
        },
        batch_id,
    )
}

/// An actual to insert, borrowing its text (an import keeps the text of many rows in one buffer).
pub struct ActualFields<'a> {
    pub phase_id: i64,
    pub contract_id: Option<i64>,
    pub date: NaiveDate,
    pub supplier: &'a str,
    pub description: &'a str,
    pub reference: &'a str,
    pub amount_pence: i64,
}

/// Inserts one actual as given, with no checks (see [`insert_actual_row`]); returns its id.
pub fn insert_actual_fields(
    conn: &Connection,
    a: &ActualFields,
    batch_id: Option<i64>,
) -> Result<i64> {
    ActualInserter::new(conn)?.insert(a, batch_id)
}

/// Inserts actuals one after another through one prepared statement (an import's bulk path).
pub struct ActualInserter<'c> {
    conn: &'c Connection,
    st: rusqlite::CachedStatement<'c>,
}

impl<'c> ActualInserter<'c> {
    pub fn new(conn: &'c Connection) -> Result<Self> {
        let st = conn.prepare_cached(
            "INSERT INTO actual(phase_id, contract_id, date, fy, period, supplier, description, reference, amount_pence, batch_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        Ok(ActualInserter { conn, st })
    }

    /// Inserts one actual as given, with no checks; returns its id.
    pub fn insert(&mut self, a: &ActualFields, batch_id: Option<i64>) -> Result<i64> {
        let st = &mut self.st;
        // Every parameter is bound on every row, so none keeps the previous row's value.
        st.raw_bind_parameter(1, a.phase_id)?;
        st.raw_bind_parameter(2, a.contract_id)?;
        st.raw_bind_parameter(3, IsoDate::new(a.date).as_str())?;
        st.raw_bind_parameter(4, FinancialYear::containing(a.date).start_year())?;
        st.raw_bind_parameter(5, Period::of_date(a.date).number())?;
        st.raw_bind_parameter(6, a.supplier)?;
        st.raw_bind_parameter(7, a.description)?;
        st.raw_bind_parameter(8, a.reference)?;
        st.raw_bind_parameter(9, a.amount_pence)?;
        st.raw_bind_parameter(10, batch_id)?;
        st.raw_execute()?;
        Ok(self.conn.last_insert_rowid())
    }
}

/// Adds one actual (entered by hand).
pub fn add_actual(conn: &Connection, a: &NewActual) -> Result<i64> {
    locks::ensure_open(conn, "an actual", a.date)?;
    check_actual_contract(conn, a)?;
    let id = insert_actual_row(conn, a, None)?;
    let after = get_actual(conn, id)?;
    audit::record(conn, "add", "actual", Some(id), None::<&()>, Some(&after))?;
    Ok(id)
}

pub(crate) const ACTUAL_SELECT: &str = "SELECT a.id, pr.code, ph.code, c.reference, a.date, a.fy, a.period, a.supplier, a.description, a.reference, a.amount_pence, a.batch_id, a.version
    FROM actual a JOIN phase ph ON ph.id = a.phase_id JOIN programme pr ON pr.id = ph.programme_id
    LEFT JOIN contract c ON c.id = a.contract_id";

pub(crate) fn actual_row(r: &Row) -> rusqlite::Result<Actual> {
    Ok(Actual {
        id: r.get(0)?,
        programme_code: r.get(1)?,
        phase_code: r.get(2)?,
        contract_reference: r.get(3)?,
        date: date_col(r, 4)?,
        fy: fy_col(r, 5)?,
        period: period_col(r, 6)?,
        supplier: r.get(7)?,
        description: r.get(8)?,
        reference: r.get(9)?,
        amount: money_col(r, 10)?,
        batch_id: r.get(11)?,
        version: r.get(12)?,
    })
}

/// One actual by id.
pub fn get_actual(conn: &Connection, id: i64) -> Result<Actual> {
    conn.query_row(
        &format!("{ACTUAL_SELECT} WHERE a.id = ?1"),
        [id],
        actual_row,
    )
    .optional()?
    .ok_or_else(|| not_found("id", "actual", &id.to_string(), String::new()))
}

/// Which actuals to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActualFilter {
    pub programme_id: Option<i64>,
    pub phase_id: Option<i64>,
    pub fy: Option<FinancialYear>,
    /// Only this period (with `fy`).
    pub period: Option<Period>,
    /// Supplier contains this (case-insensitive).
    pub supplier: Option<String>,
    /// Description or reference contains this (case-insensitive).
    pub text: Option<String>,
}

/// Actuals by date then id, paged: `offset` rows skipped, at most `limit` returned.
pub fn list_actuals(
    conn: &Connection,
    f: &ActualFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<Actual>> {
    collect(
        conn,
        &format!(
            "{ACTUAL_SELECT} WHERE (?1 IS NULL OR ph.programme_id = ?1) AND (?2 IS NULL OR a.phase_id = ?2)
             AND (?3 IS NULL OR a.fy = ?3) AND (?4 IS NULL OR a.period = ?4)
             AND (?5 IS NULL OR a.supplier LIKE '%' || ?5 || '%')
             AND (?6 IS NULL OR a.description LIKE '%' || ?6 || '%' OR a.reference LIKE '%' || ?6 || '%')
             ORDER BY a.date, a.id LIMIT ?7 OFFSET ?8"
        ),
        params![
            f.programme_id,
            f.phase_id,
            f.fy.map(|y| y.start_year()),
            f.period.map(|p| p.number()),
            f.supplier,
            f.text,
            limit as i64,
            offset as i64
        ],
        actual_row,
    )
}

/// Deletes one actual (refused in a closed period or if changed since read).
pub fn delete_actual(conn: &Connection, id: i64, expected_version: Option<i64>) -> Result<()> {
    let before = get_actual(conn, id)?;
    locks::ensure_open(conn, "an actual", before.date)?;
    locks::bump_version(
        conn,
        "actual",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute("DELETE FROM actual WHERE id = ?1", [id])?;
    audit::record(
        conn,
        "delete",
        "actual",
        Some(id),
        Some(&before),
        None::<&()>,
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Forecasts
// ---------------------------------------------------------------------------------------------

/// A forecast to enter.
#[derive(Debug, Clone, Serialize)]
pub struct NewForecast {
    pub phase_id: i64,
    pub fy: FinancialYear,
    pub as_at: Period,
    pub amount: Money,
    pub note: String,
}

/// Enters a forecast outturn as at a period; a second one for the same phase, FY and period
/// replaces the first (both kept in the audit log).
pub fn set_forecast(conn: &Connection, f: &NewForecast) -> Result<i64> {
    locks::ensure_open(conn, "a forecast as at", f.fy.period_end(f.as_at))?;
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM forecast WHERE phase_id = ?1 AND fy = ?2 AND as_at_period = ?3",
            params![f.phase_id, f.fy.start_year(), f.as_at.number()],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(id) => {
            let before = get_forecast(conn, id)?;
            conn.execute(
                "UPDATE forecast SET amount_pence = ?2, note = ?3, version = version + 1 WHERE id = ?1",
                params![id, f.amount.pence(), f.note],
            )?;
            let after = get_forecast(conn, id)?;
            audit::record(
                conn,
                "edit",
                "forecast",
                Some(id),
                Some(&before),
                Some(&after),
            )?;
            Ok(id)
        }
        None => {
            conn.execute(
                "INSERT INTO forecast(phase_id, fy, as_at_period, amount_pence, note) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![f.phase_id, f.fy.start_year(), f.as_at.number(), f.amount.pence(), f.note],
            )?;
            let id = conn.last_insert_rowid();
            let after = get_forecast(conn, id)?;
            audit::record(conn, "add", "forecast", Some(id), None::<&()>, Some(&after))?;
            Ok(id)
        }
    }
}

const FORECAST_SELECT: &str = "SELECT f.id, pr.code, ph.code, f.fy, f.as_at_period, f.amount_pence, f.note, f.version
    FROM forecast f JOIN phase ph ON ph.id = f.phase_id JOIN programme pr ON pr.id = ph.programme_id";

fn forecast_row(r: &Row) -> rusqlite::Result<Forecast> {
    Ok(Forecast {
        id: r.get(0)?,
        programme_code: r.get(1)?,
        phase_code: r.get(2)?,
        fy: fy_col(r, 3)?,
        as_at: period_col(r, 4)?,
        amount: money_col(r, 5)?,
        note: r.get(6)?,
        version: r.get(7)?,
    })
}

/// One forecast by id.
pub fn get_forecast(conn: &Connection, id: i64) -> Result<Forecast> {
    Ok(conn.query_row(
        &format!("{FORECAST_SELECT} WHERE f.id = ?1"),
        [id],
        forecast_row,
    )?)
}

/// Forecasts, optionally of one programme or FY.
pub fn list_forecasts(
    conn: &Connection,
    programme_id: Option<i64>,
    fy: Option<FinancialYear>,
) -> Result<Vec<Forecast>> {
    collect(
        conn,
        &format!(
            "{FORECAST_SELECT} WHERE (?1 IS NULL OR ph.programme_id = ?1) AND (?2 IS NULL OR f.fy = ?2)
             ORDER BY pr.code, ph.code, f.fy, f.as_at_period"
        ),
        params![programme_id, fy.map(|y| y.start_year())],
        forecast_row,
    )
}
