//! The ledger code map: a council ledger's code (or a pair joined with `+`, such as cost centre
//! and project) to a phase and optionally a contract. Each write is audited in its transaction.
//! Codes are matched exactly, after trimming.

use std::collections::HashMap;

use crate::sql_params as params;
use crate::store::engine::sql::{Optional, Sql};
use serde::Serialize;

use crate::domain::text::MAX_TEXT;
use crate::store::entities::common::{required, within};
use crate::store::entities::rows::rows as collect;
use crate::store::entities::{Directory, contract_ref};
use crate::store::{Result, StoreError, audit};

/// One code of the map, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerCode {
    /// The ledger's code: `CC100+PRJ7`.
    pub code: String,
    /// The phase it stands for: `PROG/PHASE`.
    pub phase: String,
    /// The contract it stands for, if any.
    pub contract: Option<String>,
}

/// Maps `code` to phase `phase` (`PROG/PHASE`, or a phase code unique across programmes) and
/// optionally to contract `contract` (which must belong to that phase). A code mapped already
/// is refused: delete it first.
pub fn add_code(
    conn: &impl Sql,
    code: &str,
    phase: &str,
    contract: Option<&str>,
) -> Result<LedgerCode> {
    required("code", code)?;
    within("code", code, MAX_TEXT)?;
    let code = code.trim();
    let dir = Directory::load(conn)?;
    let (programme, phase_code) = match phase.trim().split_once('/') {
        Some((p, c)) => (Some(p.trim()), c.trim()),
        None => (None, phase.trim()),
    };
    let phase_id = dir.phase(programme, phase_code)?.id;
    let contract_id = match contract.map(str::trim).filter(|c| !c.is_empty()) {
        Some(reference) => {
            let (id, its_phase) = contract_ref(conn, reference)?;
            if its_phase != phase_id {
                return Err(StoreError::invalid(
                    "--contract",
                    format!(
                        "contract '{reference}' belongs to phase {}, not {}",
                        dir.label(its_phase),
                        dir.label(phase_id)
                    ),
                ));
            }
            Some(id)
        }
        None => None,
    };
    let held: Option<i64> = conn
        .query_row("SELECT id FROM ledger_code WHERE code = ?1", [code], |r| {
            r.get(0)
        })
        .optional()?;
    if held.is_some() {
        return Err(
            StoreError::invalid("code", format!("ledger code '{code}' is mapped already"))
                .with_fix(crate::error::Fix::RemapCode {
                    code: code.to_string(),
                }),
        );
    }
    let id: i64 = conn.query_row(
        "INSERT INTO ledger_code(code, phase_id, contract_id) VALUES (?1, ?2, ?3) RETURNING id",
        params![code, phase_id, contract_id],
        |r| r.get(0),
    )?;
    let added = LedgerCode {
        code: code.to_string(),
        phase: dir.label(phase_id),
        contract: contract
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty()),
    };
    audit::record(
        conn,
        "add",
        "ledger_code",
        Some(id),
        None::<&()>,
        Some(&added),
    )?;
    Ok(added)
}

/// Every code of the map, by code.
pub fn list_codes(conn: &impl Sql) -> Result<Vec<LedgerCode>> {
    let dir = Directory::load(conn)?;
    let rows: Vec<(String, i64, Option<String>)> = collect(
        conn,
        "SELECT l.code, l.phase_id, c.reference FROM ledger_code l
         LEFT JOIN contract c ON c.id = l.contract_id ORDER BY l.code",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(rows
        .into_iter()
        .map(|(code, phase_id, contract)| LedgerCode {
            code,
            phase: dir.label(phase_id),
            contract,
        })
        .collect())
}

/// Removes `code` from the map.
pub fn delete_code(conn: &impl Sql, code: &str) -> Result<LedgerCode> {
    let code = code.trim();
    let Some(before) = list_codes(conn)?.into_iter().find(|c| c.code == code) else {
        return Err(StoreError::NotFound {
            field: "code".into(),
            what: "ledger code",
            value: code.to_string(),
            hint: String::new(),
        }
        .with_fix(crate::error::Fix::ListThem(
            crate::error::Records::LedgerCodes,
        )));
    };
    let id: i64 = conn.query_row("SELECT id FROM ledger_code WHERE code = ?1", [code], |r| {
        r.get(0)
    })?;
    conn.execute("DELETE FROM ledger_code WHERE id = ?1", [id])?;
    audit::record(
        conn,
        "delete",
        "ledger_code",
        Some(id),
        Some(&before),
        None::<&()>,
    )?;
    Ok(before)
}

/// The whole map for an import: code -> (phase id, contract id).
pub fn code_map(conn: &impl Sql) -> Result<HashMap<String, (i64, Option<i64>)>> {
    let rows: Vec<(String, i64, Option<i64>)> = collect(
        conn,
        "SELECT code, phase_id, contract_id FROM ledger_code",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(rows.into_iter().map(|(c, p, k)| (c, (p, k))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::DeliveryStatus;
    use crate::store::Books;
    use crate::store::entities as e;

    #[test]
    fn a_code_maps_to_a_phase_once_and_a_contract_of_another_phase_is_refused() {
        let mut books = Books::in_memory().unwrap();
        let tx = books.begin().unwrap();
        let p = e::add_programme(
            &tx,
            &e::NewProgramme {
                code: "P".into(),
                name: "Prog".into(),
                organisation: String::new(),
                status: DeliveryStatus::Active,
            },
        )
        .unwrap();
        for code in ["A", "B"] {
            e::add_phase(
                &tx,
                &e::NewPhase {
                    programme_id: p,
                    code: code.into(),
                    name: code.into(),
                    status: DeliveryStatus::Active,
                    officer: None,
                },
            )
            .unwrap();
        }
        let added = add_code(&tx, " CC1+PRJ1 ", "P/A", None).unwrap();
        assert_eq!(
            (added.code.as_str(), added.phase.as_str()),
            ("CC1+PRJ1", "P/A")
        );
        assert!(add_code(&tx, "CC1+PRJ1", "P/B", None).is_err());
        assert!(add_code(&tx, "CC2", "P/Z", None).is_err());
        add_code(&tx, "CC2", "B", None).unwrap();
        let map = code_map(&tx).unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(list_codes(&tx).unwrap()[1].phase, "P/B");
        delete_code(&tx, "CC2").unwrap();
        assert!(delete_code(&tx, "CC2").is_err());
        assert_eq!(list_codes(&tx).unwrap().len(), 1);
        tx.commit().unwrap();
    }
}
