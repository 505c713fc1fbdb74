//! The audit log as the record from which the books are reconstituted: `check` replays the row
//! images of every event, in id order, and compares the result with every table of the books.
//! A row the log does not account for (written, changed or deleted outside Outturn) is a finding
//! naming the table and the record. The actuals of a bulk import are accounted for by the batch's
//! count and SHA-256; a row of a batch edited later is compared by its image, and the batch's digest
//! is rebuilt from the image it had before that edit. An event that changes a row dated in a period
//! closed at that event's time (by the closed periods the log has replayed so far) is a finding:
//! Outturn refuses such writes, so a well-chained event doing it was forged. Reads only.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::engine::sql::Sql;
use chrono::NaiveDate;
use serde_json::Value;

use super::Result;
use super::capture::{self, Image, RowDigest};
use crate::domain::calendar::uk_date;
use crate::domain::{FinancialYear, Period};

/// How many findings one table lists before the rest are only counted.
const MAX_LINES: usize = 20;

/// A batch of actuals as the log says: its digest, and whether it was undone.
struct BatchState {
    n: i64,
    sha256: String,
    undone: bool,
}

/// The books as the log says.
#[derive(Default)]
struct Replayed {
    /// (table, key) -> image, for every row the log gives one.
    rows: HashMap<(String, String), String>,
    /// Actual ids written by an event after they were loaded, with their image before that.
    touched: HashMap<i64, Option<String>>,
    batches: BTreeMap<i64, BatchState>,
    /// The closed periods as the log says: key -> the last day each locks (ISO).
    closed: BTreeMap<String, String>,
    findings: Vec<String>,
}

/// The date that decides whether a row of `table` lies in a closed period, from its image: what
/// the write paths give [`super::locks::ensure_open`] (an actual's date, a change's effective
/// date, a forecast's as-at date, a comment's period end). None for tables a close does not
/// lock row by row.
fn locked_date(table: &str, image: &str) -> Option<NaiveDate> {
    let v: Value = serde_json::from_str(image).ok()?;
    let text = |field: &str| {
        v.get(field)
            .and_then(Value::as_str)
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    match table {
        "actual" => text("date"),
        "budget_change" => text("effective_date"),
        "forecast" => text("as_at_date"),
        "variance_comment" => {
            let fy = FinancialYear::new(i32::try_from(v.get("fy")?.as_i64()?).ok()?).ok()?;
            let p = Period::new(u8::try_from(v.get("period")?.as_i64()?).ok()?).ok()?;
            Some(fy.period_end(p))
        }
        _ => None,
    }
}

/// `[5]` -> `5`, `[2017,10]` -> `2017,10`.
fn key_label(k: &str) -> String {
    k.trim_start_matches('[').trim_end_matches(']').to_string()
}

fn json_field(image: &str, field: &str) -> Option<i64> {
    serde_json::from_str::<Value>(image)
        .ok()
        .and_then(|v| v.get(field).and_then(Value::as_i64))
}

/// The columns in which two images differ, for the finding.
fn differences(table_image: &str, log_image: &str) -> String {
    let (Ok(Value::Object(t)), Ok(Value::Object(l))) = (
        serde_json::from_str::<Value>(table_image),
        serde_json::from_str::<Value>(log_image),
    ) else {
        return format!("the table holds {table_image}, the log says {log_image}");
    };
    let mut parts = Vec::new();
    for (k, tv) in &t {
        match l.get(k) {
            Some(lv) if lv == tv => {}
            Some(lv) => parts.push(format!("{k} is {tv} in the table, {lv} in the log")),
            None => parts.push(format!("{k} is {tv} in the table, absent from the log")),
        }
    }
    for k in l.keys().filter(|k| !t.contains_key(*k)) {
        parts.push(format!("{k} is in the log, not in the table"));
    }
    parts.join("; ")
}

impl Replayed {
    /// The last day locked by the closed periods in force, as the log says.
    fn lock(&self) -> Option<NaiveDate> {
        self.closed
            .values()
            .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .max()
    }

    /// A finding when event `event` changes a row of `table` dated on or before `lock`: Outturn
    /// refuses every such write, so the event was not written by Outturn.
    fn refuse_locked(
        &mut self,
        event: i64,
        lock: Option<NaiveDate>,
        (table, key): (&str, &str),
        images: [Option<&String>; 2],
    ) {
        let Some(lock) = lock else { return };
        if let [Some(b), Some(a)] = images
            && !json_differs(b, a)
        {
            return;
        }
        if let Some(date) = images
            .into_iter()
            .flatten()
            .filter_map(|i| locked_date(table, i))
            .filter(|d| *d <= lock)
            .min()
        {
            self.findings.push(format!(
                "audit: event {event} changes {} {} dated {}, in a period that was closed through {} when it was written: Outturn refuses that, so the event was not written by Outturn",
                table.replace('_', " "),
                key_label(key),
                uk_date(date),
                uk_date(lock)
            ));
        }
    }

    fn apply(&mut self, event: i64, images: Vec<Image>) {
        let lock = self.lock();
        for image in images {
            match image {
                Image::Row { t, k, b, a } => {
                    self.refuse_locked(event, lock, (&t, &k), [b.as_ref(), a.as_ref()]);
                    if t == "closed_period" {
                        match a.as_deref().and_then(|a| {
                            serde_json::from_str::<Value>(a)
                                .ok()?
                                .get("through_date")?
                                .as_str()
                                .map(str::to_string)
                        }) {
                            Some(through) => {
                                self.closed.insert(k.clone(), through);
                            }
                            None => {
                                self.closed.remove(&k);
                            }
                        }
                    }
                    let slot = (t, k);
                    if t_is_actual(&slot.0)
                        && let Some(id) = key_label(&slot.1).parse::<i64>().ok()
                        && !self.rows.contains_key(&slot)
                    {
                        self.touched.entry(id).or_insert_with(|| b.clone());
                    }
                    if let (Some(held), Some(before)) = (self.rows.get(&slot), &b)
                        && held != before
                        && json_differs(held, before)
                    {
                        self.findings.push(format!(
                            "{} {}: was changed outside Outturn before audit event {event} ({})",
                            slot.0,
                            key_label(&slot.1),
                            differences(before, held)
                        ));
                    }
                    match a {
                        Some(a) => {
                            self.rows.insert(slot, a);
                        }
                        None => {
                            self.rows.remove(&slot);
                        }
                    }
                }
                Image::Batch {
                    batch,
                    n,
                    sha256,
                    undone,
                    ..
                } => {
                    if undone {
                        if let Some(b) = self.batches.get_mut(&batch) {
                            b.undone = true;
                        }
                        self.rows.retain(|(t, _), image| {
                            !(t_is_actual(t) && json_field(image, "batch_id") == Some(batch))
                        });
                    } else {
                        self.batches.insert(
                            batch,
                            BatchState {
                                n,
                                sha256,
                                undone: false,
                            },
                        );
                    }
                }
            }
        }
    }
}

fn t_is_actual(t: &str) -> bool {
    t == "actual"
}

fn json_differs(a: &str, b: &str) -> bool {
    serde_json::from_str::<Value>(a).ok() != serde_json::from_str::<Value>(b).ok()
}

/// Replays the log's row images from its last baseline.
fn replay(conn: &impl Sql) -> Result<Replayed> {
    let mut state = Replayed::default();
    conn.query_each(
        "SELECT id, action, images FROM audit ORDER BY id",
        [],
        |r| {
            let id: i64 = r.get(0)?;
            let action: String = r.get(1)?;
            let images: Option<String> = r.get(2)?;
            // A baseline starts the books afresh (no lock in force before it: it writes the
            // closed periods and the rows they lock together).
            if action == "baseline" {
                let findings = std::mem::take(&mut state.findings);
                state = Replayed {
                    findings,
                    ..Default::default()
                };
            }
            let Some(images) = images else {
                return Ok(true);
            };
            match serde_json::from_str::<Vec<Image>>(&images) {
                Ok(list) => state.apply(id, list),
                Err(e) => state.findings.push(format!(
                    "audit: event {id}: its row images cannot be read ({e})"
                )),
            }
            Ok(true)
        },
    )?;
    Ok(state)
}

/// Each replayed table's name and the query of its rows as (key, image) in key order (for
/// `actual`, also batch and id, in id order): SQLite's JSON functions on a file; on a server the
/// functions its migration made per table, which write the same key and image text.
fn table_queries(conn: &impl Sql) -> Result<Vec<(String, String)>> {
    if let Some(c) = conn.as_sqlite() {
        return Ok(capture::tables(c)?
            .into_iter()
            .map(|t| {
                let sql = if t.name == "actual" {
                    // engine: SQLite only (json_* images from capture, the `main.` schema name)
                    format!(
                        "SELECT {}, {}, batch_id, id FROM main.actual ORDER BY id",
                        t.key_sql(""),
                        t.image_sql("")
                    )
                } else {
                    t.select_sql()
                };
                (t.name, sql)
            })
            .collect());
    }
    let names: Vec<String> = conn.query_map(
        "SELECT t FROM outturn_replayed_tables() AS t ORDER BY t COLLATE \"C\"",
        [],
        |r| r.get(0),
    )?;
    let mut out = Vec::new();
    for name in names {
        let key: Vec<String> = conn.query_map(
            "SELECT a.attname::text FROM pg_index i
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
              WHERE i.indrelid = to_regclass('public.' || quote_ident(?1)) AND i.indisprimary
                AND a.attname <> 'org_id'
              ORDER BY array_position(i.indkey::int2[], a.attnum)",
            [name.as_str()],
            |r| r.get(0),
        )?;
        let q = capture::quote(&name);
        let functions = |what: &str| capture::quote(&format!("outturn_{what}_{name}"));
        let order = if name == "actual" {
            "x.id".to_string()
        } else {
            key.iter()
                .map(|k| format!("x.{}", capture::quote(k)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let extra = if name == "actual" {
            ", x.batch_id, x.id"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {}(x), {}(x){extra} FROM {q} x ORDER BY {order}",
            functions("key"),
            functions("image")
        );
        out.push((name, sql));
    }
    Ok(out)
}

/// Collects a table's findings, listing up to [`MAX_LINES`].
struct Lines<'a> {
    table: &'a str,
    out: Vec<String>,
    more: usize,
}

impl Lines<'_> {
    fn push(&mut self, line: String) {
        if self.out.len() < MAX_LINES {
            self.out.push(line);
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.out.push(format!(
                "{}: {} more rows differ from the audit log",
                self.table, self.more
            ));
        }
        self.out
    }
}

/// Replays the audit log and compares every table of the books with it.
pub fn compare(conn: &impl Sql) -> Result<Vec<String>> {
    let mut state = replay(conn)?;
    let mut out = std::mem::take(&mut state.findings);
    // Images of batch rows as loaded, for rows edited since: (id -> (batch, image)).
    let mut originals: BTreeMap<i64, (i64, String)> = BTreeMap::new();
    for (id, before) in &state.touched {
        if let Some(b) = before
            && let Some(batch) = json_field(b, "batch_id")
        {
            originals.insert(*id, (batch, b.clone()));
        }
    }
    let mut digests: BTreeMap<i64, RowDigest> = BTreeMap::new();
    let mut seen_tables = HashSet::new();
    for (name, sql) in table_queries(conn)? {
        seen_tables.insert(name.clone());
        let actual = name == "actual";
        let mut lines = Lines {
            table: &name,
            out: Vec::new(),
            more: 0,
        };
        let mut seen: HashSet<String> = HashSet::new();
        conn.query_each(&sql, [], |r| {
            let key: String = r.get(0)?;
            let image: String = r.get(1)?;
            let slot = (name.clone(), key);
            if actual {
                let id: i64 = r.get(3)?;
                feed_originals(&mut originals, &mut digests, Some(id));
                if let Some(logged) = state.rows.get(&slot) {
                    if logged != &image && json_differs(logged, &image) {
                        lines.push(format!(
                            "actual {id}: differs from the audit log: {}",
                            differences(&image, logged)
                        ));
                    }
                    seen.insert(slot.1);
                    return Ok(true);
                }
                let batch: Option<i64> = r.get(2)?;
                let live = batch
                    .and_then(|b| state.batches.get(&b))
                    .is_some_and(|b| !b.undone);
                if live && !state.touched.contains_key(&id) {
                    if let Some(b) = batch {
                        digests.entry(b).or_default().add(&image);
                    }
                } else {
                    lines.push(format!(
                        "actual {id}: is not in the audit log (written outside Outturn)"
                    ));
                }
                return Ok(true);
            }
            match state.rows.get(&slot) {
                Some(logged) => {
                    if logged != &image && json_differs(logged, &image) {
                        lines.push(format!(
                            "{} {}: differs from the audit log: {}",
                            name,
                            key_label(&slot.1),
                            differences(&image, logged)
                        ));
                    }
                }
                None => lines.push(format!(
                    "{} {}: is not in the audit log (written outside Outturn)",
                    name,
                    key_label(&slot.1)
                )),
            }
            seen.insert(slot.1);
            Ok(true)
        })?;
        if actual {
            feed_originals(&mut originals, &mut digests, None);
        }
        let mut missing: Vec<&String> = state
            .rows
            .keys()
            .filter(|(table, k)| table == &name && !seen.contains(k))
            .map(|(_, k)| k)
            .collect();
        missing.sort();
        for k in missing {
            lines.push(format!(
                "{} {}: is in the audit log but not in the table (deleted outside Outturn)",
                name,
                key_label(k)
            ));
        }
        out.extend(lines.finish());
    }
    let mut gone: Vec<&String> = state
        .rows
        .keys()
        .filter(|(t, _)| !seen_tables.contains(t))
        .map(|(t, _)| t)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    gone.sort();
    for t in gone {
        out.push(format!(
            "{t}: the audit log holds rows of this table, which no longer exists"
        ));
    }
    for (id, b) in state.batches.iter().filter(|(_, b)| !b.undone) {
        let (n, sha) = digests.remove(id).unwrap_or_default().finish();
        if n != b.n || sha != b.sha256 {
            out.push(format!(
                "import batch {id}: its actuals are not the {} the audit log recorded ({n} found, or their contents differ): changed outside Outturn",
                b.n
            ));
        }
    }
    Ok(out)
}

/// Adds the original images of edited batch rows with ids below `upto` (all with `None`).
fn feed_originals(
    originals: &mut BTreeMap<i64, (i64, String)>,
    digests: &mut BTreeMap<i64, RowDigest>,
    upto: Option<i64>,
) {
    while let Some((&id, _)) = originals.first_key_value() {
        if upto.is_some_and(|u| id >= u) {
            break;
        }
        if let Some((_, (batch, image))) = originals.pop_first() {
            digests.entry(batch).or_default().add(&image);
        }
    }
}
