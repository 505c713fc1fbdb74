//! `outturn check`: SQLite's own integrity and foreign-key checks plus the domain invariants that
//! the write paths keep (profiles add up, actuals sit in the right period, no year moved below
//! zero, the audit chain unbroken and in time order, the running totals in `actual_total` equal to
//! the actuals, the schema exactly Outturn's, every table equal to what replaying the audit log
//! gives, and each closed period's kept report equal to what the rows its close locked add up
//! to). Reads only; each finding is one line a person can act on.

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::store::engine::sql::{DbResult, Row, Sql};

use super::{Result, audit};
use crate::domain::{FinancialYear, Money, Period};

/// What `check` found: how many checks ran and one line per finding.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckReport {
    /// The number of checks run.
    pub checks: usize,
    /// One line per problem; empty when the database is sound.
    pub findings: Vec<String>,
    /// The checks of SQLite's own file that do not apply to books on a PostgreSQL server (the
    /// server keeps its pages and foreign keys itself), or do not run there yet: not run.
    pub not_run: Vec<&'static str>,
}

impl CheckReport {
    /// True when nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

fn rows<T>(conn: &impl Sql, sql: &str, f: impl FnMut(&Row<'_>) -> DbResult<T>) -> Result<Vec<T>> {
    Ok(conn.query_map(sql, [], f)?)
}

fn pounds(p: i64) -> String {
    Money::from_pence(p).full()
}

fn fy_label(y: i64) -> String {
    i32::try_from(y)
        .ok()
        .and_then(|y| FinancialYear::new(y).ok())
        .map(|f| f.label())
        .unwrap_or_else(|| format!("year {y}"))
}

/// SQLite's page-level integrity check.
fn integrity(conn: &Connection) -> Result<Vec<String>> {
    // engine: SQLite only (PRAGMA integrity_check)
    let lines = rows(conn, "PRAGMA integrity_check", |r| r.get::<_, String>(0))?;
    Ok(lines
        .into_iter()
        .filter(|l| l != "ok")
        .map(|l| format!("integrity: {}", l.replace('\n', " ")))
        .collect())
}

/// Rows that point at a parent that does not exist.
fn foreign_keys(conn: &Connection) -> Result<Vec<String>> {
    // engine: SQLite only (PRAGMA foreign_key_check)
    let found = rows(conn, "PRAGMA foreign_key_check", |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    Ok(found
        .into_iter()
        .map(|(table, rowid, parent)| {
            let row = rowid.map(|r| format!(" row {r}")).unwrap_or_default();
            format!("foreign key: {table}{row} refers to a {parent} that does not exist")
        })
        .collect())
}

/// Every allocation's per-FY profile adds up to its amount and lies within its years.
fn allocation_profiles(conn: &impl Sql) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (id, amount, profiled) in rows(
        conn,
        "SELECT a.id, a.amount_pence, CAST(coalesce(sum(p.amount_pence), 0) AS BIGINT)
         FROM allocation a LEFT JOIN allocation_profile p ON p.allocation_id = a.id
         GROUP BY a.id, a.amount_pence HAVING a.amount_pence <> coalesce(sum(p.amount_pence), 0) ORDER BY a.id",
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )? {
        out.push(format!(
            "allocation {id}: its profile adds up to {}, not its amount {}",
            pounds(profiled),
            pounds(amount)
        ));
    }
    for (id, fy, first, last) in rows(
        conn,
        "SELECT a.id, p.fy, a.first_fy, a.last_fy FROM allocation a
         JOIN allocation_profile p ON p.allocation_id = a.id
         WHERE p.fy < a.first_fy OR p.fy > a.last_fy ORDER BY a.id, p.fy",
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        },
    )? {
        out.push(format!(
            "allocation {id}: its profile has a share in {}, outside its years {} to {}",
            fy_label(fy),
            fy_label(first),
            fy_label(last)
        ));
    }
    Ok(out)
}

/// Every actual is on an existing phase (and contract), with a readable date whose FY and period
/// match the stored ones.
fn actuals(conn: &impl Sql) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (id, phase) in rows(
        conn,
        "SELECT a.id, a.phase_id FROM actual a WHERE NOT EXISTS (SELECT 1 FROM phase WHERE id = a.phase_id) ORDER BY a.id",
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    )? {
        out.push(format!(
            "actual {id}: is on phase id {phase}, which does not exist"
        ));
    }
    for (id, contract) in rows(
        conn,
        "SELECT a.id, a.contract_id FROM actual a WHERE a.contract_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM contract WHERE id = a.contract_id) ORDER BY a.id",
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    )? {
        out.push(format!(
            "actual {id}: is against contract id {contract}, which does not exist"
        ));
    }
    for (id, date, fy, period) in rows(
        conn,
        "SELECT id, date, fy, period FROM actual ORDER BY id",
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        },
    )? {
        let Ok(d) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
            out.push(format!("actual {id}: its date '{date}' is not a date"));
            continue;
        };
        let want_fy = FinancialYear::containing(d);
        let want_p = Period::of_date(d);
        if i64::from(want_fy.start_year()) != fy || i64::from(want_p.number()) != period {
            out.push(format!(
                "actual {id}: dated {date} is filed under {} P{period}, but that date is in {} {}",
                fy_label(fy),
                want_fy.label(),
                want_p.label()
            ));
        }
    }
    Ok(out)
}

/// No approved change moves more out of a phase and year than the budget it has there.
fn budgets_not_overdrawn(conn: &impl Sql) -> Result<Vec<String>> {
    let sides = rows(
        conn,
        "SELECT DISTINCT c.from_phase_id, c.from_fy, coalesce(pr.code || '/' || ph.code, 'phase id ' || c.from_phase_id)
         FROM budget_change c LEFT JOIN phase ph ON ph.id = c.from_phase_id
         LEFT JOIN programme pr ON pr.id = ph.programme_id
         WHERE c.status = 'approved' AND c.from_phase_id IS NOT NULL ORDER BY 1, 2 NULLS FIRST",
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for (phase, fy, name) in sides {
        // Same arithmetic as entities::approved_budget, over raw years so a bad year still shows.
        let have: i64 = conn.query_row(
            crate::store::entities::APPROVED_BUDGET_SQL,
            [phase, fy],
            |r| r.get(0),
        )?;
        if have < 0 {
            out.push(format!(
                "budget: approved changes move more out of {name} in {} than it has: its approved budget there is {}",
                fy_label(fy),
                pounds(have)
            ));
        }
    }
    Ok(out)
}

/// Refuses (inside the caller's transaction, before it commits) a change that leaves a phase and
/// year with approved changes moving more out of it than its budget there: the state `check`
/// would flag. `field` and `what` name what the user gave.
pub fn refuse_overdrawn(conn: &impl Sql, field: &str, what: &str) -> Result<()> {
    match budgets_not_overdrawn(conn)?.into_iter().next() {
        Some(finding) => Err(super::StoreError::invalid(
            field,
            format!(
                "{what} is refused: {}; nothing was changed",
                finding.trim_start_matches("budget: ")
            ),
        )),
        None => Ok(()),
    }
}

/// A contract's explicit monthly profile adds up to its value.
fn contract_profiles(conn: &impl Sql) -> Result<Vec<String>> {
    let found = rows(
        conn,
        "SELECT c.reference, c.value_pence, CAST(sum(p.amount_pence) AS BIGINT) FROM contract c
         JOIN contract_profile p ON p.contract_id = c.id
         GROUP BY c.id, c.reference, c.value_pence HAVING sum(p.amount_pence) <> c.value_pence ORDER BY c.reference",
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )?;
    Ok(found
        .into_iter()
        .map(|(reference, value, profiled)| {
            format!(
                "contract {reference}: its monthly profile adds up to {}, not its value {}",
                pounds(profiled),
                pounds(value)
            )
        })
        .collect())
}

/// Each closed period's lock date is the end of that period.
fn closed_periods(conn: &impl Sql) -> Result<Vec<String>> {
    let found = rows(
        conn,
        "SELECT fy, period, through_date FROM closed_period ORDER BY fy, period",
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for (fy, period, through) in found {
        let want = i32::try_from(fy)
            .ok()
            .and_then(|y| FinancialYear::new(y).ok())
            .zip(u8::try_from(period).ok().and_then(|p| Period::new(p).ok()))
            .map(|(y, p)| y.period_end(p).format("%Y-%m-%d").to_string());
        if want.as_deref() != Some(through.as_str()) {
            out.push(format!(
                "closed period {} P{period}: locked through {through}, which is not the end of that period",
                fy_label(fy)
            ));
        }
    }
    Ok(out)
}

/// How many differing running totals are listed before the rest are only counted.
const MAX_TOTAL_LINES: usize = 20;

/// `actual_total` holds exactly the grouped sums of `actual`: every (year, phase, period,
/// contract) key, with the same amount and count, and no total left for actuals that are gone.
fn actual_totals(conn: &impl Sql) -> Result<Vec<String>> {
    let found = rows(
        conn,
        "SELECT fy, phase_id, period, contract_id, CAST(sum(t_amount) AS BIGINT),
                CAST(sum(t_n) AS BIGINT), CAST(sum(a_amount) AS BIGINT), CAST(sum(a_n) AS BIGINT),
                coalesce((SELECT pr.code || '/' || ph.code FROM phase ph
                          JOIN programme pr ON pr.id = ph.programme_id WHERE ph.id = phase_id),
                         'phase id ' || phase_id),
                CASE WHEN contract_id = 0 THEN 'no contract'
                     ELSE coalesce((SELECT 'contract ' || c.reference FROM contract c
                                    WHERE c.id = contract_id), 'contract id ' || contract_id) END
         FROM (SELECT fy, phase_id, period, contract_id, amount_pence AS t_amount, n AS t_n,
                      0 AS a_amount, 0 AS a_n FROM actual_total
               UNION ALL
               SELECT fy, phase_id, period, coalesce(contract_id, 0), 0, 0, sum(amount_pence), count(*)
               FROM actual GROUP BY fy, phase_id, period, coalesce(contract_id, 0)) AS both_sides
         GROUP BY fy, phase_id, period, contract_id
         HAVING sum(t_amount) <> sum(a_amount) OR sum(t_n) <> sum(a_n)
         ORDER BY fy, phase_id, period, contract_id",
        |r| {
            Ok((
                [
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                ],
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
            ))
        },
    )?;
    let mut out: Vec<String> = found
        .iter()
        .take(MAX_TOTAL_LINES)
        .map(|([fy, period, held, held_n, sum, n], phase, contract)| {
            let (fy, period, held, held_n, sum, n) = (*fy, *period, *held, *held_n, *sum, *n);
            // Named by the officer's codes; an id only for a phase or contract that is gone.
            let key = format!("{} P{period} {phase} ({contract})", fy_label(fy));
            let actuals = |n: i64| match n {
                1 => "1 actual".to_string(),
                n => format!("{n} actuals"),
            };
            if held_n == 0 {
                format!(
                    "actual totals: {key} has no running total, but its actuals add up to {} over {}",
                    pounds(sum),
                    actuals(n)
                )
            } else if n == 0 {
                format!(
                    "actual totals: {key} holds {} over {}, but there are no actuals there",
                    pounds(held),
                    actuals(held_n)
                )
            } else {
                format!(
                    "actual totals: {key} holds {} over {}, but its actuals add up to {} over {}",
                    pounds(held),
                    actuals(held_n),
                    pounds(sum),
                    actuals(n)
                )
            }
        })
        .collect();
    if found.len() > MAX_TOTAL_LINES {
        out.push(format!(
            "actual totals: {} more totals differ from their actuals",
            found.len() - MAX_TOTAL_LINES
        ));
    }
    Ok(out)
}

/// (type, name) -> (table, SQL) of every schema object.
type Schema = std::collections::BTreeMap<(String, String), (String, Option<String>)>;

fn read_schema(c: &Connection) -> Result<Schema> {
    // engine: SQLite only (sqlite_master)
    const OBJECTS: &str = "SELECT type, name, tbl_name, sql FROM main.sqlite_master
         WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name";
    rows(c, OBJECTS, |r| {
        Ok((
            (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
            (r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?),
        ))
    })
    .map(|v| v.into_iter().collect())
}

/// The schema this binary writes, read once per process from a fresh database.
fn expected_schema() -> Result<&'static Schema> {
    static EXPECTED: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    if let Some(s) = EXPECTED.get() {
        return Ok(s);
    }
    let fresh = super::open_in_memory()?;
    let schema = read_schema(&fresh)?;
    Ok(EXPECTED.get_or_init(|| schema))
}

/// The schema: every table, index, trigger and view, with its SQL, against a fresh database
/// migrated to the version this binary writes. Anything added (a trigger that drops audit events),
/// dropped (the append-only triggers) or changed is a finding. (Bulk imports drop and rebuild the
/// indexes of `actual` inside their transaction, so a crash never leaves one missing either.)
fn schema(conn: &Connection) -> Result<Vec<String>> {
    let want = expected_schema()?;
    let have = read_schema(conn)?;
    let mut out = Vec::new();
    for ((kind, name), (table, sql)) in want {
        match have.get(&(kind.clone(), name.clone())) {
            None => out.push(format!(
                "schema: the {kind} {name} on {table} is missing: restore a backup taken before it went"
            )),
            Some((_, s)) if s != sql => out.push(format!(
                "schema: the {kind} {name} on {table} differs from Outturn's definition: restore a backup"
            )),
            Some(_) => {}
        }
    }
    for ((kind, name), (table, _)) in &have {
        if !want.contains_key(&(kind.clone(), name.clone())) {
            out.push(format!(
                "schema: the {kind} {name} on {table} is not Outturn's: it was added outside Outturn (drop it, or restore a backup)"
            ));
        }
    }
    Ok(out)
}

/// One check: the findings it makes (None: it does not run on these books' engine).
type Check<'c> = Option<Box<dyn Fn() -> Result<Vec<String>> + 'c>>;

/// Runs every check. Reads only, from one snapshot (a read transaction; on a server, REPEATABLE
/// READ): a writer committing meanwhile cannot make the tables and the audit log seem to
/// disagree.
pub fn run(conn: &impl Sql) -> Result<CheckReport> {
    if let Some(c) = conn.as_sqlite() {
        let snapshot = c.unchecked_transaction()?;
        let report = run_checks(&*snapshot)?;
        snapshot.rollback()?;
        return Ok(report);
    }
    conn.execute_batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
    let report = run_checks(conn);
    conn.execute_batch("ROLLBACK")?;
    report
}

fn run_checks(conn: &impl Sql) -> Result<CheckReport> {
    // SQLite's own file: its pages, its foreign keys (the server keeps both itself) and its
    // schema as `sqlite_master` holds it. The replay of the log runs on both engines.
    let file = conn.as_sqlite();
    let on_file = |check: fn(&Connection) -> Result<Vec<String>>| -> Check<'_> {
        file.map(|c| Box::new(move || check(c)) as Box<dyn Fn() -> Result<Vec<String>>>)
    };
    let checks: [(&str, Check<'_>); 12] = [
        ("integrity", on_file(integrity)),
        ("foreign key", on_file(foreign_keys)),
        ("allocations", Some(Box::new(|| allocation_profiles(conn)))),
        ("actuals", Some(Box::new(|| actuals(conn)))),
        ("budget", Some(Box::new(|| budgets_not_overdrawn(conn)))),
        ("contracts", Some(Box::new(|| contract_profiles(conn)))),
        ("closed periods", Some(Box::new(|| closed_periods(conn)))),
        ("audit", Some(Box::new(|| audit::verify_chain(conn)))),
        ("actual totals", Some(Box::new(|| actual_totals(conn)))),
        ("schema", on_file(schema)),
        (
            "audit replay",
            Some(Box::new(|| super::replay::compare(conn))),
        ),
        (
            "closed reports",
            Some(Box::new(|| {
                super::check_locked::snapshots_match_locked_rows(conn)
            })),
        ),
    ];
    let mut report = CheckReport::default();
    for (name, check) in checks {
        let Some(check) = check else {
            report.not_run.push(name);
            continue;
        };
        report.checks += 1;
        match check() {
            Ok(found) => report.findings.extend(found),
            // A damaged file can stop a check part-way: that is a finding, not the end of the run.
            Err(e) => report.findings.push(format!(
                "{name}: could not be checked: {}",
                e.to_string().replace('\n', " ")
            )),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::open_in_memory;

    #[test]
    fn demo_database_is_clean() {
        let mut conn = open_in_memory().unwrap();
        let tx = crate::store::write_tx(&mut conn).unwrap();
        crate::io::demo::load_all(&tx).unwrap();
        tx.commit().unwrap();
        let r = run(&conn).unwrap();
        assert_eq!(r.findings, Vec::<String>::new());
        assert_eq!(r.checks, 12);
    }

    #[test]
    fn many_wrong_totals_are_listed_up_to_a_limit_then_counted() {
        let mut conn = open_in_memory().unwrap();
        let tx = crate::store::write_tx(&mut conn).unwrap();
        crate::io::demo::load_all(&tx).unwrap();
        tx.commit().unwrap();
        // 25 stale totals in 2030-31, phase 2, no contract: 20 listed and "5 more".
        for p in 1..=12_i64 {
            for phase in [2_i64, 3] {
                conn.execute(
                    "INSERT INTO actual_total VALUES (2030, ?1, ?2, 0, 100, 1)",
                    [phase, p],
                )
                .unwrap();
            }
        }
        conn.execute(
            "INSERT INTO actual_total VALUES (2031, 2, 1, 0, 100, 1)",
            [],
        )
        .unwrap();
        let r = run(&conn).unwrap();
        assert_eq!(r.findings.len(), MAX_TOTAL_LINES + 1, "{:?}", r.findings);
        assert_eq!(
            r.findings[0],
            "actual totals: 2030-31 P1 WOL-DTP/PH2 (no contract) holds £1.00 over 1 actual, but there are no actuals there"
        );
        assert_eq!(
            r.findings[MAX_TOTAL_LINES],
            "actual totals: 5 more totals differ from their actuals"
        );
    }
}
