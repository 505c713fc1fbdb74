//! Forging the audit log as an attacker who read the source would: recomputing the chain's
//! hashes, and appending well-formed events with the right hash.

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

/// The hash of an audit event as Outturn computes it (what an attacker who read the source would
/// recompute): SHA-256 over length-prefixed fields.
pub fn event_hash(prev: &str, row: &[Option<String>]) -> String {
    // row: id, at, who, action, entity, entity_id, before, after, as_name, images
    let mut h = Sha256::new();
    let nul = "\u{0}".to_string();
    let mut parts: Vec<String> = vec![prev.to_string()];
    parts.extend(row[..6].iter().map(|v| v.clone().unwrap_or_default()));
    parts.push(row[6].clone().unwrap_or(nul.clone()));
    parts.push(row[7].clone().unwrap_or(nul.clone()));
    if row[8].is_some() || row[9].is_some() {
        parts.push(row[8].clone().unwrap_or(nul.clone()));
        parts.push(row[9].clone().unwrap_or(nul));
    }
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Recomputes every hash of the chain, as an attacker covering their tracks would.
pub fn rehash_chain(conn: &Connection) {
    conn.execute_batch("DROP TRIGGER IF EXISTS audit_no_update")
        .unwrap();
    let rows: Vec<Vec<Option<String>>> = conn
        .prepare(
            "SELECT CAST(id AS TEXT), at, who, action, entity, CAST(entity_id AS TEXT), before, after, as_name, images
             FROM audit ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| (0..10).map(|i| r.get(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = "0".repeat(64);
    for row in rows {
        let hash = event_hash(&prev, &row);
        conn.execute(
            "UPDATE audit SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
            params![row[0], prev, hash],
        )
        .unwrap();
        prev = hash;
    }
}

/// Appends an event with the right chain hash, dated as the last event (never before it), by
/// "mallory": `action` on `entity` record `entity_id`, with `before`, `after` and the row `images`
/// (JSON text, as `check` replays them). Returns the event's id.
pub fn append_event(
    conn: &Connection,
    (action, entity, entity_id): (&str, &str, Option<i64>),
    before: Option<&str>,
    after: Option<&str>,
    images: &str,
) -> i64 {
    let (last, at, prev): (i64, String, String) = conn
        .query_row(
            "SELECT id, at, hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let id = last + 1;
    let row: Vec<Option<String>> = vec![
        Some(id.to_string()),
        Some(at.clone()),
        Some("mallory".into()),
        Some(action.into()),
        Some(entity.into()),
        entity_id.map(|e| e.to_string()),
        before.map(str::to_string),
        after.map(str::to_string),
        None,
        Some(images.into()),
    ];
    let hash = event_hash(&prev, &row);
    conn.execute(
        "INSERT INTO audit(id, at, who, action, entity, entity_id, before, after, images, prev_hash, hash)
         VALUES (?1, ?2, 'mallory', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![id, at, action, entity, entity_id, before, after, images, prev, hash],
    )
    .unwrap();
    id
}
