//! Variance commentary: the officer's explanation of a phase's variance and the action taken, for
//! a FY and period. One comment per phase, year and period (a second `add` is refused: edit it).
//! A comment for a closed period is part of that period's snapshot and cannot change.

use std::collections::HashMap;

use crate::sql_params as params;
use crate::store::engine::sql::{DbResult, Optional, Row, Sql};
use serde::Serialize;

use super::common::{required, the_one, within};
use super::rows::{fy_at as fy_col, period_at as period_col, rows as collect};
use crate::domain::text::MAX_NOTE;
use crate::domain::{FinancialYear, Period};
use crate::store::{Result, StoreError, audit, locks, now_stamp};

/// A variance comment as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: i64,
    pub programme_code: String,
    pub phase_code: String,
    pub phase_id: i64,
    pub fy: FinancialYear,
    pub period: Period,
    pub text: String,
    pub who: String,
    pub at: String,
    pub version: i64,
}

const COMMENT_SELECT: &str = "SELECT c.id, pr.code, ph.code, c.phase_id, c.fy, c.period, c.text, c.who, c.at, c.version
    FROM variance_comment c JOIN phase ph ON ph.id = c.phase_id JOIN programme pr ON pr.id = ph.programme_id";

fn comment_row(r: &Row<'_>) -> DbResult<Comment> {
    Ok(Comment {
        id: r.get(0)?,
        programme_code: r.get(1)?,
        phase_code: r.get(2)?,
        phase_id: r.get(3)?,
        fy: fy_col(r, 4)?,
        period: period_col(r, 5)?,
        text: r.get(6)?,
        who: r.get(7)?,
        at: r.get(8)?,
        version: r.get(9)?,
    })
}

/// One comment by id.
pub fn get_comment(conn: &impl Sql, id: i64) -> Result<Comment> {
    let rows = collect(
        conn,
        &format!("{COMMENT_SELECT} WHERE c.id = ?1"),
        [id],
        comment_row,
    )?;
    the_one(rows, "comment", id).map_err(|_| {
        StoreError::NotFound {
            field: "ID".into(),
            what: "comment",
            value: id.to_string(),
            hint: String::new(),
        }
        .with_fix(crate::error::Fix::ListThem(crate::error::Records::Comments))
    })
}

fn ensure_open(conn: &impl Sql, fy: FinancialYear, period: Period) -> Result<()> {
    locks::ensure_open(
        conn,
        &format!("a comment for {} {}", fy.label(), period.label()),
        fy.period_end(period),
    )
}

/// Adds the comment for a phase, FY and period. Refused when the period is closed or the phase
/// already has a comment for it.
pub fn add_comment(
    conn: &impl Sql,
    phase_id: i64,
    fy: FinancialYear,
    period: Period,
    text: &str,
) -> Result<i64> {
    required("--text", text)?;
    within("--text", text, MAX_NOTE)?;
    ensure_open(conn, fy, period)?;
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM variance_comment WHERE phase_id = ?1 AND fy = ?2 AND period = ?3",
            params![
                phase_id,
                i64::from(fy.start_year()),
                i64::from(period.number())
            ],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Err(StoreError::Refused(format!(
            "this phase already has a comment for {} {} (id {id})",
            fy.label(),
            period.label()
        ))
        .with_fix(crate::error::Fix::EditComment { id }));
    }
    let id: i64 = conn.query_row(
        "INSERT INTO variance_comment(phase_id, fy, period, text, who, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         RETURNING id",
        params![phase_id, i64::from(fy.start_year()), i64::from(period.number()), text, crate::store::current_user_on(conn)?, now_stamp()],
        |r| r.get(0),
    )?;
    let after = get_comment(conn, id)?;
    audit::record(conn, "add", "comment", Some(id), None::<&()>, Some(&after))?;
    Ok(id)
}

/// Changes a comment's text, checked against the version the editor read. Refused when its period
/// is closed.
pub fn edit_comment(
    conn: &impl Sql,
    id: i64,
    expected_version: Option<i64>,
    text: &str,
) -> Result<Comment> {
    required("--text", text)?;
    within("--text", text, MAX_NOTE)?;
    let before = get_comment(conn, id)?;
    ensure_open(conn, before.fy, before.period)?;
    locks::bump_version(
        conn,
        "variance_comment",
        id,
        expected_version.unwrap_or(before.version),
    )?;
    conn.execute(
        "UPDATE variance_comment SET text = ?2, who = ?3, at = ?4 WHERE id = ?1",
        params![id, text, crate::store::current_user_on(conn)?, now_stamp()],
    )?;
    let after = get_comment(conn, id)?;
    audit::record(
        conn,
        "edit",
        "comment",
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

/// Comments, optionally of one FY and one period, by programme, phase, year and period.
pub fn list_comments(
    conn: &impl Sql,
    fy: Option<FinancialYear>,
    period: Option<Period>,
) -> Result<Vec<Comment>> {
    collect(
        conn,
        &format!(
            "{COMMENT_SELECT} WHERE (CAST(?1 AS BIGINT) IS NULL OR c.fy = ?1) AND (CAST(?2 AS BIGINT) IS NULL OR c.period = ?2)
             ORDER BY pr.code, ph.code, c.fy, c.period"
        ),
        params![fy.map(|y| i64::from(y.start_year())), period.map(|p| i64::from(p.number()))],
        comment_row,
    )
}

/// The comment text of each phase (by id) for FY `fy` as at `period`.
pub fn comments_for(
    conn: &impl Sql,
    fy: FinancialYear,
    period: Period,
) -> Result<HashMap<i64, String>> {
    Ok(collect(
        conn,
        "SELECT phase_id, text FROM variance_comment WHERE fy = ?1 AND period = ?2",
        params![i64::from(fy.start_year()), i64::from(period.number())],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?
    .into_iter()
    .collect())
}

/// Carries each phase's comment for `fy` `from` forward to `to` where the phase has none for
/// `to`: a new comment (audited, editable as any other) whose text is marked "(carried from
/// P7)". Returns the comments added, by programme and phase. Refused when `to` is closed.
pub fn carry_comments(
    conn: &impl Sql,
    fy: FinancialYear,
    from: Period,
    to: Period,
) -> Result<Vec<Comment>> {
    ensure_open(conn, fy, to)?;
    let have: std::collections::HashSet<i64> = list_comments(conn, Some(fy), Some(to))?
        .into_iter()
        .map(|c| c.phase_id)
        .collect();
    let mut added = Vec::new();
    for c in list_comments(conn, Some(fy), Some(from))? {
        if have.contains(&c.phase_id) {
            continue;
        }
        let text = crate::domain::text::carried(&c.text, &from.label());
        let id = add_comment(conn, c.phase_id, fy, to, &text)?;
        added.push(get_comment(conn, id)?);
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::open_in_memory;
    use rusqlite::Connection;

    fn setup() -> Connection {
        let conn = open_in_memory().unwrap();
        conn.execute_batch(
            "INSERT INTO programme(id, code, name) VALUES (1, 'P', 'P');
             INSERT INTO phase(id, programme_id, code, name) VALUES (1, 1, 'A', 'A');",
        )
        .unwrap();
        conn
    }

    #[test]
    fn one_comment_per_phase_and_period_edited_with_its_version() {
        let conn = setup();
        let (fy, p7) = (FinancialYear::new(2017).unwrap(), Period::new(7).unwrap());
        let id = add_comment(&conn, 1, fy, p7, "Slippage: tender late").unwrap();
        let e = add_comment(&conn, 1, fy, p7, "again").unwrap_err();
        assert_eq!(e.fix(), Some(&crate::error::Fix::EditComment { id }), "{e}");
        assert!(add_comment(&conn, 1, fy, p7, "  ").is_err());
        let c = edit_comment(&conn, id, Some(1), "Slippage: tender re-run").unwrap();
        assert_eq!((c.version, c.text.as_str()), (2, "Slippage: tender re-run"));
        assert!(edit_comment(&conn, id, Some(1), "stale").is_err());
        assert_eq!(
            comments_for(&conn, fy, p7).unwrap()[&1],
            "Slippage: tender re-run"
        );
        assert!(
            comments_for(&conn, fy, Period::new(8).unwrap())
                .unwrap()
                .is_empty()
        );
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit WHERE entity = 'comment'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn a_closed_period_keeps_its_comments() {
        let conn = setup();
        let (fy, p7) = (FinancialYear::new(2017).unwrap(), Period::new(7).unwrap());
        let id = add_comment(&conn, 1, fy, p7, "x").unwrap();
        locks::close_period(&conn, fy, p7).unwrap();
        let e = edit_comment(&conn, id, None, "y").unwrap_err();
        assert!(matches!(e.plain(), StoreError::Closed(_)), "{e}");
        assert!(add_comment(&conn, 1, fy, Period::new(6).unwrap(), "z").is_err());
        assert!(add_comment(&conn, 1, fy, Period::new(8).unwrap(), "z").is_ok());
    }

    #[test]
    fn comments_are_carried_where_the_later_period_has_none() {
        let conn = setup();
        conn.execute_batch(
            "INSERT INTO phase(id, programme_id, code, name) VALUES (2, 1, 'B', 'B');",
        )
        .unwrap();
        let fy = FinancialYear::new(2017).unwrap();
        let (p7, p8) = (Period::new(7).unwrap(), Period::new(8).unwrap());
        add_comment(&conn, 1, fy, p7, "Tender late").unwrap();
        add_comment(&conn, 2, fy, p7, "Supplier slow").unwrap();
        add_comment(&conn, 2, fy, p8, "Supplier replaced").unwrap();
        let added = carry_comments(&conn, fy, p7, p8).unwrap();
        // A's is carried, marked; B keeps its own P8 comment.
        assert_eq!(added.len(), 1);
        assert_eq!(
            (added[0].phase_id, added[0].text.as_str()),
            (1, "Tender late (carried from P7)")
        );
        let p8s = comments_for(&conn, fy, p8).unwrap();
        assert_eq!(p8s[&2], "Supplier replaced");
        // Carried again, nothing is left to carry.
        assert!(carry_comments(&conn, fy, p7, p8).unwrap().is_empty());
        // Four adds audited (three typed, one carried).
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit WHERE entity = 'comment'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 4);
    }
}
