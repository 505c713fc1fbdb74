//! Resolving the references people type (programme and phase codes, decision references,
//! framework names, contract references) to ids, and the in-memory [`Directory`] an import uses to
//! resolve one on every row.

use super::common::{not_found, not_found_in};
use super::rows::rows as collect;
use crate::store::engine::sql::{Optional, Sql};
use crate::store::{Result, StoreError};

/// The id of the programme with `code`.
pub fn programme_id(conn: &impl Sql, code: &str) -> Result<i64> {
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
pub fn phase_ref(conn: &impl Sql, programme: Option<&str>, code: &str) -> Result<PhaseRef> {
    Directory::load(conn)?.phase(programme, code)
}

/// The id of the decision with `reference`.
pub fn decision_id(conn: &impl Sql, reference: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM decision WHERE reference = ?1",
        [reference.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        not_found_in(
            "decision",
            "decision",
            reference,
            crate::error::Records::Decisions,
        )
    })
}

/// The id of the framework called `name`.
pub fn framework_id(conn: &impl Sql, name: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM framework WHERE name = ?1",
        [name.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        not_found_in(
            "framework",
            "framework",
            name,
            crate::error::Records::Frameworks,
        )
    })
}

/// The id and phase id of the contract with `reference`.
pub fn contract_ref(conn: &impl Sql, reference: &str) -> Result<(i64, i64)> {
    conn.query_row(
        "SELECT id, phase_id FROM contract WHERE reference = ?1",
        [reference.trim()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?
    .ok_or_else(|| contract_not_found(reference))
}

fn contract_not_found(reference: &str) -> StoreError {
    not_found_in(
        "contract",
        "contract",
        reference,
        crate::error::Records::Contracts,
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
    pub fn load(conn: &impl Sql) -> Result<Self> {
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

    /// As [`phase_ref`]. The phase may be written `PROG/PHASE` (as the TUI shows it) instead of
    /// its code with the programme given apart; both together must agree.
    pub fn phase(&self, programme: Option<&str>, code: &str) -> Result<PhaseRef> {
        let code = code.trim();
        if !self.by_code.contains_key(code)
            && let Some((prog, phase)) = code.split_once('/')
        {
            let given = programme.map(str::trim).filter(|p| !p.is_empty());
            if let Some(g) = given
                && g != prog.trim()
            {
                return Err(StoreError::invalid(
                    "phase",
                    format!(
                        "'{code}' is a phase of programme {prog}, but the programme given is {g}"
                    ),
                ));
            }
            return self.phase(Some(prog), phase);
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::entities::test_support::{db, phase, programme};

    #[test]
    fn a_phase_code_in_two_programmes_needs_the_programme() {
        let conn = db();
        let school = programme(&conn, "SCH");
        let roads = programme(&conn, "RDS");
        let school_a = phase(&conn, school, "A");
        let roads_a = phase(&conn, roads, "A");
        let only = phase(&conn, roads, "B");
        let err = phase_ref(&conn, None, "A").unwrap_err().to_string();
        assert_eq!(
            err,
            "--phase: 'A' is a phase of several programmes (RDS, SCH): say which with --programme"
        );
        assert_eq!(
            phase_ref(&conn, Some("SCH"), " A ").unwrap(),
            PhaseRef {
                id: school_a,
                programme_id: school
            }
        );
        assert_eq!(phase_ref(&conn, Some(" "), "B").unwrap().id, only);
        let err = phase_ref(&conn, Some("SCH"), "B").unwrap_err().to_string();
        assert_eq!(err, "--phase: no phase 'B' in programme SCH; its phases: A");
        // PROG/PHASE, as the TUI shows it, is the same phase; with --programme they must agree.
        assert_eq!(phase_ref(&conn, None, "SCH/A").unwrap().id, school_a);
        assert_eq!(phase_ref(&conn, Some("SCH"), "SCH/A").unwrap().id, school_a);
        let err = phase_ref(&conn, Some("RDS"), "SCH/A")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "--phase: 'SCH/A' is a phase of programme SCH, but the programme given is RDS"
        );
        let d = Directory::load(&conn).unwrap();
        assert_eq!(d.phase(Some("RDS"), "A").unwrap().id, roads_a);
        assert_eq!(d.label(roads_a), "RDS/A");
        assert_eq!(d.label(999), "phase 999");
    }

    #[test]
    fn unknown_references_say_what_is_known() {
        let conn = db();
        let err = programme_id(&conn, "X").unwrap_err().to_string();
        assert_eq!(
            err,
            "--programme: no programme 'X'; there are no programmes yet"
        );
        programme(&conn, "SCH");
        programme(&conn, "RDS");
        let err = programme_id(&conn, "X").unwrap_err().to_string();
        assert_eq!(
            err,
            "--programme: no programme 'X'; known programmes: RDS, SCH"
        );
        // The store says what is missing and which list holds them; each door words the list.
        use crate::error::{Fix, Records};
        let err = decision_id(&conn, "D1").unwrap_err();
        assert_eq!(err.to_string(), "--decision: no decision 'D1'");
        assert_eq!(err.fix(), Some(&Fix::ListThem(Records::Decisions)));
        let err = framework_id(&conn, "F").unwrap_err();
        assert_eq!(err.to_string(), "--framework: no framework 'F'");
        assert_eq!(err.fix(), Some(&Fix::ListThem(Records::Frameworks)));
        let err = contract_ref(&conn, "C1").unwrap_err();
        assert_eq!(err.to_string(), "--contract: no contract 'C1'");
        assert_eq!(err.fix(), Some(&Fix::ListThem(Records::Contracts)));
        let dir_err = Directory::load(&conn).unwrap().contract("C1").unwrap_err();
        assert_eq!(dir_err.to_string(), err.to_string());
        assert_eq!(dir_err.fix(), err.fix());
    }
}
