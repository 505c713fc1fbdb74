//! The append-only audit log: every change, in the same transaction as the change. Events are
//! chained by SHA-256 so that a history rewritten behind Outturn's back is detected by `check`.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::engine::sql::{Optional, Sql};
use crate::sql_params;

use super::capture::{self, Image};
use super::{Result, acting_name, now_stamp, os_login};

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: String,
    /// The operating-system login that made the change.
    pub who: String,
    /// The name given by `OUTTURN_USER`, recorded beside the login.
    pub as_name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The row images the event wrote (JSON list of [`Image`]), for replay by `check`.
    #[serde(skip)]
    pub images: Option<String>,
}

impl AuditEvent {
    /// Who, as shown: the login, with the name given beside it (`jsmith (as officer-a)`).
    pub fn who_label(&self) -> String {
        match &self.as_name {
            Some(n) => format!("{} (as {n})", self.who),
            None => self.who.clone(),
        }
    }
}

/// The hash of the empty chain (before the first event).
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of event `e` following the event whose hash is `prev`: SHA-256 over each part as its
/// byte length (u64, little-endian) and its UTF-8 bytes. PostgreSQL's `outturn_event_hash`
/// (store/engine/postgres/v1.sql) computes the same.
pub fn event_hash(prev: &str, e: &AuditEvent) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &e.id.to_string(),
        &e.at,
        &e.who,
        &e.action,
        &e.entity,
        &e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
        e.before.as_deref().unwrap_or("\u{0}"),
        e.after.as_deref().unwrap_or("\u{0}"),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    // Schema version 3 added these; an event without them hashes as it always did.
    if e.as_name.is_some() || e.images.is_some() {
        for part in [
            e.as_name.as_deref().unwrap_or("\u{0}"),
            e.images.as_deref().unwrap_or("\u{0}"),
        ] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    }
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// Records one event. `before`/`after` are JSON snapshots of the record (None when it did not or
/// no longer exists). Call inside the transaction that makes the change: the event also carries
/// the image of every row this connection wrote since the last event.
pub fn record<B: Serialize, A: Serialize>(
    conn: &impl Sql,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<i64> {
    record_with(conn, action, entity, entity_id, before, after, Vec::new())
}

/// [`record`], with `extra` entries after the rows noted (a bulk batch's digest).
pub fn record_with<B: Serialize, A: Serialize>(
    conn: &impl Sql,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<&B>,
    after: Option<&A>,
    extra: Vec<Image>,
) -> Result<i64> {
    let Some(c) = conn.as_sqlite() else {
        return append_on_server(conn, action, entity, entity_id, before, after, extra);
    };
    // No change is recorded (and so none commits) that leaves a total beyond what SQLite holds.
    super::limits::ensure_totals_fit(c)?;
    write_event(c, action, entity, entity_id, before, after, extra)
}

/// On a PostgreSQL server the event is written by the server (`outturn_audit_append`, the only
/// way into its log): the login is the session's, and the row images are those its triggers
/// captured in this transaction.
fn append_on_server<B: Serialize, A: Serialize>(
    conn: &impl Sql,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<&B>,
    after: Option<&A>,
    extra: Vec<Image>,
) -> Result<i64> {
    let before = before.map(serde_json::to_string).transpose()?;
    let after = after.map(serde_json::to_string).transpose()?;
    // A bulk load's digest goes after the rows the triggers noted, as on SQLite.
    let extra = (!extra.is_empty())
        .then(|| serde_json::to_string(&extra))
        .transpose()?;
    Ok(conn.query_row(
        "SELECT outturn_audit_append(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        sql_params![
            super::now_stamp(),
            action,
            entity,
            entity_id,
            before,
            after,
            super::acting_name(),
            extra
        ],
        |r| r.get(0),
    )?)
}

fn write_event<B: Serialize, A: Serialize>(
    conn: &Connection,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<&B>,
    after: Option<&A>,
    extra: Vec<Image>,
) -> Result<i64> {
    let before = before.map(serde_json::to_string).transpose()?;
    let after = after.map(serde_json::to_string).transpose()?;
    let mut images = capture::drain(conn)?;
    images.extend(extra);
    let images = serde_json::to_string(&images)?;
    let (last_id, prev): (i64, String) = conn
        .query_row(
            "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    let event = AuditEvent {
        id: last_id + 1,
        at: now_stamp(),
        who: os_login(),
        as_name: acting_name(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id,
        before,
        after,
        images: Some(images),
    };
    let hash = event_hash(&prev, &event);
    conn.execute(
        "INSERT INTO audit(id, at, who, action, entity, entity_id, before, after, prev_hash, hash, as_name, images)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            event.id,
            event.at,
            event.who,
            event.action,
            event.entity,
            event.entity_id,
            event.before,
            event.after,
            prev,
            hash,
            event.as_name,
            event.images
        ],
    )?;
    Ok(event.id)
}

/// Records the whole of the books as one `baseline` event (after a schema upgrade), from which
/// `check` replays.
pub fn record_baseline(conn: &Connection, note: &str) -> Result<i64> {
    capture::ensure_table(conn)?;
    capture::drain(conn)?;
    let all = capture::baseline(conn)?;
    write_event(
        conn,
        "baseline",
        "database",
        None,
        None::<&()>,
        Some(&note),
        all,
    )
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only events at or after this date (`YYYY-MM-DD`).
    pub since: Option<chrono::NaiveDate>,
    /// Only events about this entity (`contract`).
    pub entity: Option<String>,
    /// At most this many, newest first.
    pub limit: Option<usize>,
}

/// Events, newest first.
pub fn list(conn: &impl Sql, filter: &AuditFilter) -> Result<Vec<AuditEvent>> {
    let since = filter.since.map(|d| d.format("%Y-%m-%d").to_string());
    let sql =
        "SELECT id, at, who, action, entity, entity_id, before, after, as_name, CAST(NULL AS TEXT)
         FROM audit
         WHERE (CAST(?1 AS TEXT) IS NULL OR at >= ?1) AND (CAST(?2 AS TEXT) IS NULL OR entity = ?2)
         ORDER BY id DESC";
    Ok(match filter.limit {
        Some(l) => {
            let limit = i64::try_from(l).unwrap_or(i64::MAX);
            conn.query_map(
                &format!("{sql} LIMIT ?3"),
                sql_params![since, filter.entity, limit],
                event_row,
            )?
        }
        None => conn.query_map(sql, sql_params![since, filter.entity], event_row)?,
    })
}
/// How many events the log holds.
pub fn count(conn: &impl Sql) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM audit", sql_params![], |r| r.get(0))?)
}

/// An event from a row of
/// `SELECT id, at, who, action, entity, entity_id, before, after, as_name, images`.
pub(crate) fn event_row(
    r: &super::engine::sql::Row<'_>,
) -> super::engine::sql::DbResult<AuditEvent> {
    Ok(AuditEvent {
        id: r.get(0)?,
        at: r.get(1)?,
        who: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        before: r.get(6)?,
        after: r.get(7)?,
        as_name: r.get(8)?,
        images: r.get(9)?,
    })
}

/// The last event about a record, for "changed by X at T" messages.
pub fn last_change(conn: &impl Sql, entity: &str, id: i64) -> Result<Option<AuditEvent>> {
    Ok(conn
        .query_row(
            "SELECT id, at, who, action, entity, entity_id, before, after, as_name, CAST(NULL AS TEXT)
             FROM audit WHERE entity = ?1 AND entity_id = ?2 ORDER BY id DESC LIMIT 1",
            sql_params![entity, id],
            event_row,
        )
        .optional()?)
}

/// Verifies the hash chain, that ids run 1, 2, 3 ... without a gap and that no event is dated
/// before the one it follows; returns one line per broken link. Shared SQL: on a PostgreSQL
/// server, the council's own log.
pub fn verify_chain(conn: &impl Sql) -> Result<Vec<String>> {
    verify_chain_where(conn, "", sql_params![])
}

/// [`verify_chain`] over the events `filter` (a `WHERE` clause, or nothing) selects: on a
/// server read by its DBA, one council's log at a time.
pub fn verify_chain_where(
    conn: &impl Sql,
    filter: &str,
    params: impl super::engine::sql::Params,
) -> Result<Vec<String>> {
    let events = conn.query_map(
        &format!(
            "SELECT id, at, who, action, entity, entity_id, before, after, as_name, images, prev_hash, hash
             FROM audit {filter} ORDER BY id"
        ),
        params,
        |r| {
            let e = event_row(r)?;
            Ok((e, r.get::<_, String>(10)?, r.get::<_, String>(11)?))
        },
    )?;
    let mut prev = GENESIS.to_string();
    let mut prev_at = String::new();
    let mut expected_id = 1;
    let mut findings = Vec::new();
    for (e, prev_hash, hash) in events {
        if e.id != expected_id {
            findings.push(format!(
                "audit: event {expected_id} is missing (next is {})",
                e.id
            ));
        }
        if prev_hash != prev {
            findings.push(format!(
                "audit: event {} does not follow the event before it",
                e.id
            ));
        }
        if event_hash(&prev_hash, &e) != hash {
            findings.push(format!(
                "audit: event {} was altered after it was written",
                e.id
            ));
        }
        if e.at < prev_at {
            findings.push(format!(
                "audit: event {} is dated {}, before the event before it ({prev_at}): it was backdated",
                e.id, e.at
            ));
        }
        prev = hash;
        prev_at = e.at;
        expected_id = e.id + 1;
    }
    Ok(findings)
}

/// The head of the chain: the last event's id, hash and time, and how many events there are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Seal {
    pub id: i64,
    pub hash: String,
    pub count: i64,
    pub at: String,
}

/// The seal of the log as it stands (None when it is empty).
pub fn seal(conn: &impl Sql) -> Result<Option<Seal>> {
    let head: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT id, hash, at FROM audit ORDER BY id DESC LIMIT 1",
            sql_params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(match head {
        Some((id, hash, at)) => Some(Seal {
            id,
            hash,
            count: count(conn)?,
            at,
        }),
        None => None,
    })
}

/// Findings when the log no longer holds what `seal` recorded: the sealed event gone or with
/// another hash, or fewer events up to it. With [`verify_chain`] clean, the log up to the seal
/// is then exactly the one sealed.
pub fn verify_seal(conn: &impl Sql, seal: &Seal) -> Result<Vec<String>> {
    let held: Option<String> = conn
        .query_row("SELECT hash FROM audit WHERE id = ?1", [seal.id], |r| {
            r.get(0)
        })
        .optional()?;
    let mut out = Vec::new();
    match held {
        None => out.push(format!(
            "seal: event {} (sealed at {}) is no longer in the log: the log was cut back",
            seal.id, seal.at
        )),
        Some(h) if h != seal.hash => out.push(format!(
            "seal: event {} no longer has the sealed hash {}: the log up to it was rewritten",
            seal.id, seal.hash
        )),
        Some(_) => {}
    }
    let up_to: i64 = conn.query_row(
        "SELECT count(*) FROM audit WHERE id <= ?1",
        [seal.id],
        |r| r.get(0),
    )?;
    if up_to != seal.count {
        out.push(format!(
            "seal: the log holds {up_to} events up to event {}, the seal says {}",
            seal.id, seal.count
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::open_in_memory;

    #[test]
    fn chain_verifies_and_detects_tampering() {
        let conn = open_in_memory().unwrap();
        record(&conn, "add", "programme", Some(1), None::<&()>, Some(&"a")).unwrap();
        record(&conn, "edit", "programme", Some(1), Some(&"a"), Some(&"b")).unwrap();
        assert!(verify_chain(&conn).unwrap().is_empty());
        // The triggers refuse edits and deletes.
        assert!(conn.execute("UPDATE audit SET who = 'x'", []).is_err());
        assert!(conn.execute("DELETE FROM audit", []).is_err());
        // Someone who drops the trigger is still caught.
        conn.execute_batch(
            "DROP TRIGGER audit_no_update; UPDATE audit SET who = 'mallory' WHERE id = 1;",
        )
        .unwrap();
        let f = verify_chain(&conn).unwrap();
        assert_eq!(f, vec!["audit: event 1 was altered after it was written"]);
    }

    #[test]
    fn list_is_newest_first_and_filters() {
        let conn = open_in_memory().unwrap();
        record(&conn, "add", "programme", Some(1), None::<&()>, Some(&1)).unwrap();
        record(&conn, "add", "contract", Some(7), None::<&()>, Some(&2)).unwrap();
        let all = list(&conn, &AuditFilter::default()).unwrap();
        assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), vec![2, 1]);
        let c = list(
            &conn,
            &AuditFilter {
                entity: Some("contract".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].after.as_deref(), Some("2"));
        assert_eq!(last_change(&conn, "contract", 7).unwrap().unwrap().id, 2);
    }
}
