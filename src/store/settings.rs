//! Settings kept in the database (`setting` table): the two RAG thresholds of the monitoring
//! report, the two variance-commentary thresholds and the order in which funding meets spend
//! (`financing.order`). Each change is validated and audited in the caller's transaction. The report reads
//! them through [`super::figures::rag_thresholds`]; this module does not compute anything.

use super::engine::sql::{Optional, Sql};
use crate::sql_params as params;
use serde::Serialize;

use super::{Result, StoreError, audit};
use crate::domain::Money;
use crate::domain::cabinet::CommentThresholds;
use crate::domain::financing::FinancingOrder;
use crate::domain::report::{RagThresholds, parse_threshold_pct};

/// Red when the variance is over this percentage of the revised budget.
pub const RAG_RED: &str = "rag.red_overspend_pct";
/// Amber when the underspend is beyond this percentage of the revised budget.
pub const RAG_AMBER: &str = "rag.amber_underspend_pct";

/// A comment is required where |Variance| is over this percentage of the revised budget.
pub const COMMENT_PCT: &str = "comment.variance_pct";
/// ... or over this amount (money).
pub const COMMENT_AMOUNT: &str = "comment.variance_amount";

/// The order in which approved funding meets spend (see `domain::financing`).
pub const FINANCING_ORDER: &str = super::financing::ORDER_KEY;

/// Every setting Outturn knows, with what it means.
pub const KNOWN: [(&str, &str); 5] = [
    (
        RAG_RED,
        "Red when the variance is over +this % of the revised budget (percent, 0 to 100)",
    ),
    (
        RAG_AMBER,
        "Amber when the underspend is beyond this % of the revised budget (percent, 0 to 100)",
    ),
    (
        COMMENT_PCT,
        "A variance comment is required where |variance| is over this % of the revised budget (percent, 0 to 100)",
    ),
    (
        COMMENT_AMOUNT,
        "... or where |variance| is over this amount (money, e.g. 100000 or £100k)",
    ),
    (
        FINANCING_ORDER,
        "The order funding meets spend: every source once, comma separated (borrowing last by default)",
    ),
];

/// One setting: its value, and whether that is the built-in default (not stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting {
    pub key: String,
    pub value: String,
    pub is_default: bool,
    pub description: String,
}

fn known(key: &str) -> Result<&'static (&'static str, &'static str)> {
    KNOWN.iter().find(|(k, _)| *k == key.trim()).ok_or_else(|| {
        StoreError::invalid(
            "key",
            format!(
                "'{key}' is not a setting: the settings are {}",
                KNOWN.map(|(k, _)| k).join(", ")
            ),
        )
    })
}

fn default_value(key: &str) -> String {
    let d = RagThresholds::default();
    let c = CommentThresholds::default();
    match key {
        FINANCING_ORDER => FinancingOrder::default().text(),
        RAG_RED => d.red_overspend_pct.to_string(),
        COMMENT_PCT => c.pct.to_string(),
        COMMENT_AMOUNT => c.amount.plain(),
        _ => d.amber_underspend_pct.to_string(),
    }
}

/// Reads a setting's value as stored: the financing order normalised, money for the comment
/// amount (not negative), a percentage from 0 to 100 otherwise.
fn normalise(key: &str, value: &str) -> std::result::Result<String, String> {
    if key == FINANCING_ORDER {
        return FinancingOrder::parse(value)
            .map(|o| o.text())
            .map_err(|e| e.to_string());
    }
    if key == COMMENT_AMOUNT {
        let m = Money::parse(value).map_err(|e| e.to_string())?;
        if m.is_negative() {
            return Err(format!(
                "'{value}' is negative: give an amount of zero or more"
            ));
        }
        return Ok(m.plain());
    }
    parse_threshold_pct(value)
        .map(|d| d.to_string())
        .map_err(|e| e.to_string())
}

/// The variance-commentary thresholds saved in the database, or the defaults (10 %, £100,000).
pub fn comment_thresholds(conn: &impl Sql) -> Result<CommentThresholds> {
    let mut t = CommentThresholds::default();
    if let Some(v) = stored(conn, COMMENT_PCT)?
        && let Ok(d) = v.parse()
    {
        t.pct = d;
    }
    if let Some(v) = stored(conn, COMMENT_AMOUNT)?
        && let Ok(m) = Money::parse(&v)
    {
        t.amount = m;
    }
    Ok(t)
}

fn stored(conn: &impl Sql, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// One setting's value (the default when it was never set). An unknown key is an error that
/// lists the known ones.
pub fn get(conn: &impl Sql, key: &str) -> Result<Setting> {
    let (k, description) = known(key)?;
    let value = stored(conn, k)?;
    Ok(Setting {
        key: k.to_string(),
        is_default: value.is_none(),
        value: value.unwrap_or_else(|| default_value(k)),
        description: description.to_string(),
    })
}

/// Every known setting, in the order of [`KNOWN`].
pub fn list(conn: &impl Sql) -> Result<Vec<Setting>> {
    KNOWN.iter().map(|(k, _)| get(conn, k)).collect()
}

/// Sets a setting after checking the value (a percentage from 0 to 100), recording the change in
/// the audit log. Call inside a write transaction. Returns the value as stored (`5.0` -> `5`).
pub fn set(conn: &impl Sql, key: &str, value: &str) -> Result<String> {
    let (k, _) = known(key)?;
    let v = normalise(k, value).map_err(|e| StoreError::invalid(*k, e))?;
    let before = get(conn, k)?;
    // An update, else an insert: the same on both engines (a server keys a setting by council
    // and key, so an upsert's target would differ).
    let updated = conn.execute(
        "UPDATE setting SET value = ?2 WHERE key = ?1",
        params![k, v],
    )?;
    if updated == 0 {
        conn.execute(
            "INSERT INTO setting(key, value) VALUES (?1, ?2)",
            params![k, v],
        )?;
    }
    let after = get(conn, k)?;
    audit::record(conn, "set", "setting", None, Some(&before), Some(&after))?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{figures::rag_thresholds, open_in_memory};
    use rust_decimal::Decimal;

    #[test]
    fn thresholds_are_set_validated_and_audited() {
        let conn = open_in_memory().unwrap();
        assert_eq!(get(&conn, RAG_RED).unwrap().value, "5");
        assert!(get(&conn, RAG_RED).unwrap().is_default);
        assert_eq!(set(&conn, RAG_RED, "7.50").unwrap(), "7.5");
        assert_eq!(set(&conn, RAG_AMBER, "15").unwrap(), "15");
        let t = rag_thresholds(&conn).unwrap();
        assert_eq!(t.red_overspend_pct, Decimal::new(75, 1));
        assert_eq!(t.amber_underspend_pct, Decimal::new(15, 0));
        let all = list(&conn).unwrap();
        assert_eq!(all.len(), 5);
        assert!(all.iter().take(2).all(|s| !s.is_default));
        let events: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit WHERE entity = 'setting' AND action = 'set'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(events, 2);
        let after: String = conn
            .query_row(
                "SELECT after FROM audit WHERE entity = 'setting' ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(after.contains("\"value\":\"7.5\""), "{after}");
    }

    #[test]
    fn comment_thresholds_are_a_percentage_and_an_amount() {
        let conn = open_in_memory().unwrap();
        assert_eq!(get(&conn, COMMENT_PCT).unwrap().value, "10");
        assert_eq!(get(&conn, COMMENT_AMOUNT).unwrap().value, "100000.00");
        assert_eq!(set(&conn, COMMENT_AMOUNT, "£250k").unwrap(), "250000.00");
        assert_eq!(set(&conn, COMMENT_PCT, "7.5").unwrap(), "7.5");
        let t = comment_thresholds(&conn).unwrap();
        assert_eq!(t.amount, Money::from_pence(25_000_000));
        assert_eq!(t.pct, Decimal::new(75, 1));
        let e = set(&conn, COMMENT_AMOUNT, "-5").unwrap_err().to_string();
        assert!(
            e.starts_with("comment.variance_amount: '-5' is negative"),
            "{e}"
        );
        assert!(set(&conn, COMMENT_AMOUNT, "12.345").is_err());
    }

    #[test]
    fn the_financing_order_is_set_normalised_and_read_back() {
        let conn = open_in_memory().unwrap();
        assert_eq!(
            get(&conn, FINANCING_ORDER).unwrap().value,
            "grant,s106,cil,capital receipts,revenue,reserves,other,borrowing"
        );
        let stored = set(
            &conn,
            FINANCING_ORDER,
            "Borrowing, grant,s106,cil,capital-receipts,revenue,reserves,other",
        )
        .unwrap();
        assert_eq!(
            stored,
            "borrowing,grant,s106,cil,capital receipts,revenue,reserves,other"
        );
        assert_eq!(
            crate::store::financing::financing_order(&conn)
                .unwrap()
                .text(),
            stored
        );
        let e = set(&conn, FINANCING_ORDER, "grant,s106")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("financing.order: 'grant,s106' leaves out cil"),
            "{e}"
        );
    }

    #[test]
    fn bad_keys_and_values_are_refused_naming_them() {
        let conn = open_in_memory().unwrap();
        let e = set(&conn, "rag.red", "5").unwrap_err();
        assert!(e.is_user_error());
        assert!(e.to_string().contains("'rag.red' is not a setting"), "{e}");
        assert!(e.to_string().contains(RAG_AMBER), "{e}");
        let e = set(&conn, RAG_AMBER, "101").unwrap_err().to_string();
        assert!(e.starts_with("rag.amber_underspend_pct: '101'"), "{e}");
        assert!(set(&conn, RAG_AMBER, "-3").is_err());
        // Nothing was stored or audited by the refused attempts.
        let n: i64 = conn
            .query_row("SELECT count(*) FROM setting", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
}
