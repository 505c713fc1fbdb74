//! A bulk load into PostgreSQL: its transaction and locks ([`bulk_transaction`]); for actuals, ids taken from the table's own sequence (so that an
//! import knows each row's id as it writes it, for its lines, its audit digest and its
//! warnings, as on SQLite), then the rows sent by `COPY ... FROM STDIN`, which the server's
//! statement-level triggers check and total once per chunk, not once per row.

use std::io::Write;

use super::sql::{PgConn, Sql, Value};
use crate::domain::{FinancialYear, Period};
use crate::store::entities::ActualFields;
use crate::store::entities::common::IsoDate;
use crate::store::{Result, StoreError};

/// Runs a bulk load `load` (an import) in one REPEATABLE READ transaction on a server, committed
/// when it succeeds and `commit` is true (false: a dry run, rolled back), rolled back otherwise.
///
/// For its whole length it holds the council's two write locks, taken before the transaction's
/// snapshot: the write lock every step holds while it runs (`PgBooks::write`; each step's audit
/// event is appended under it), then the lock on the lock date, shared (a close, which takes it
/// alone, waits for the load, as for any write in flight). Officers' steps wait for the load and
/// then take their turns with its rows in view; the load itself, long as it is, never meets a
/// change committed after its snapshot, and is never the one stopped. Taken in the order every
/// step takes them (the write lock, then the lock date), so no two wait for each other.
///
/// The locks, not the isolation level, keep the load apart from other writers: SERIALIZABLE
/// would add nothing, and its predicate locks on a million rows read and written ran the
/// server out of shared memory ("increase max_pred_locks_per_transaction") when officers were
/// writing during the load.
pub fn bulk_transaction<T, E: From<StoreError>>(
    conn: &impl Sql,
    commit: bool,
    load: impl FnOnce() -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    conn.execute_batch(
        "SELECT pg_advisory_lock(43, o::int), pg_advisory_lock_shared(42, o::int)
         FROM (SELECT outturn_org() AS o) x",
    )
    .map_err(StoreError::from)?;
    let begun = conn
        .execute_batch("BEGIN ISOLATION LEVEL REPEATABLE READ")
        .map_err(StoreError::from);
    let done = begun.map_err(E::from).and_then(|()| load());
    let end = if done.is_ok() && commit {
        "COMMIT"
    } else {
        "ROLLBACK"
    };
    let ended = conn.execute_batch(end).map_err(StoreError::from);
    let unlocked = conn
        .execute_batch(
            "SELECT pg_advisory_unlock_shared(42, o::int), pg_advisory_unlock(43, o::int)
             FROM (SELECT outturn_org() AS o) x",
        )
        .map_err(StoreError::from);
    let out = done?;
    ended?;
    unlocked?;
    Ok(out)
}

/// Takes `n` new ids for actuals from their sequence into `ids`, in increasing order. Other
/// officers writing at once take others: each id is this load's alone.
pub fn take_actual_ids(conn: &PgConn, n: usize, ids: &mut Vec<i64>) -> Result<()> {
    ids.clear();
    if n == 0 {
        return Ok(());
    }
    // The sequence is named once, not looked up for each id, and the ids come back as one
    // array: a row per id cost 3.5 µs each in the client, seven times the server's nextval.
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    let seq: String = conn.query_row("SELECT pg_get_serial_sequence('actual', 'id')", [], |r| {
        r.get(0)
    })?;
    // A constant sequence: `nextval(expr)` opened the sequence anew for every id (8x slower).
    let sql = format!(
        "SELECT array_agg(v) FROM (SELECT nextval('{}'::regclass) AS v
                                   FROM generate_series(1, $1::bigint)) ids",
        seq.replace('\'', "''")
    );
    let row = conn
        .client()
        .query_one(sql.as_str(), &[&n])
        .map_err(|e| StoreError::from(conn.noted(e)))?;
    let mut got: Vec<i64> = row
        .try_get::<_, Option<Vec<i64>>>(0)
        .map_err(|e| StoreError::from(conn.noted(e)))?
        .unwrap_or_default();
    got.sort_unstable();
    ids.extend(got);
    Ok(())
}

/// Sends `rows` (each with its id) as actuals of batch `batch_id` in one `COPY`. The council
/// is looked up once for the statement (`(SELECT outturn_org())`), not once a row as the
/// column's default would (that took 1.8 s of a 131,072-row chunk).
pub fn copy_actuals<'a>(
    conn: &PgConn,
    rows: impl Iterator<Item = (i64, ActualFields<'a>)>,
    batch_id: i64,
) -> Result<()> {
    let mut text = String::with_capacity(1 << 20);
    for (id, a) in rows {
        use std::fmt::Write as _;
        let _ = write!(text, "{id}\t{}\t", a.phase_id);
        match a.contract_id {
            Some(c) => {
                let _ = write!(text, "{c}");
            }
            None => text.push_str("\\N"),
        }
        let _ = write!(
            text,
            "\t{}\t{}\t{}\t",
            IsoDate::new(a.date).as_str(),
            FinancialYear::containing(a.date).start_year(),
            Period::of_date(a.date).number()
        );
        for (i, t) in [a.supplier, a.description, a.reference]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                text.push('\t');
            }
            copy_text(&mut text, t);
        }
        let _ = writeln!(text, "\t{}\t{batch_id}", a.amount_pence);
    }
    // Row-level security refuses COPY into `actual` itself: the rows go into a temporary table
    // of this transaction, then into `actual` by one INSERT (its statement triggers run once).
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS outturn_actual_load (
             id BIGINT, phase_id BIGINT, contract_id BIGINT, date TEXT COLLATE \"C\", fy BIGINT,
             period BIGINT, supplier TEXT COLLATE \"C\", description TEXT COLLATE \"C\",
             reference TEXT COLLATE \"C\", amount_pence BIGINT, batch_id BIGINT
         ) ON COMMIT DROP",
    )?;
    {
        let mut client = conn.client();
        let mut writer = client
            .copy_in("COPY pg_temp.outturn_actual_load FROM STDIN")
            .map_err(|e| StoreError::from(conn.noted(e)))?;
        writer
            .write_all(text.as_bytes())
            .map_err(|e| StoreError::Server(format!("sending actuals to the server: {e}")))?;
        writer
            .finish()
            .map_err(|e| StoreError::from(conn.noted(e)))?;
    }
    conn.execute_batch(
        "INSERT INTO actual (id, phase_id, contract_id, date, fy, period, supplier, description,
                             reference, amount_pence, batch_id, org_id)
         SELECT id, phase_id, contract_id, date, fy, period, supplier, description, reference,
                amount_pence, batch_id, (SELECT outturn_org()) FROM pg_temp.outturn_actual_load;
         TRUNCATE pg_temp.outturn_actual_load",
    )?;
    Ok(())
}

/// Copies rows into `table` (these columns) in one `COPY` and one `INSERT`: `rows` is given a
/// function to pass each row to, in order, and the rows go through a temporary table of the
/// transaction shaped like `table` (row-level security refuses `COPY` into the table itself).
/// The table's statement triggers run once, over every row. Returns how many rows were copied.
/// (`outturn copy --to` a server: one round trip a row took over ten minutes for a million
/// actuals.)
pub fn copy_rows_in(
    conn: &PgConn,
    table: &str,
    cols: &[String],
    rows: impl FnOnce(&mut dyn FnMut(&[Value])) -> Result<()>,
) -> Result<usize> {
    use crate::store::capture::quote;
    let list = cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
    conn.execute_batch(&format!(
        "DROP TABLE IF EXISTS pg_temp.outturn_copy_in;
         CREATE TEMP TABLE outturn_copy_in (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP",
        quote(table)
    ))?;
    let mut n = 0;
    {
        let mut client = conn.client();
        let mut writer = client
            .copy_in(format!("COPY pg_temp.outturn_copy_in ({list}) FROM STDIN").as_str())
            .map_err(|e| StoreError::from(conn.noted(e)))?;
        let mut text = String::with_capacity(1 << 20);
        let mut failed: Option<std::io::Error> = None;
        rows(&mut |row: &[Value]| {
            n += 1;
            for (i, v) in row.iter().enumerate() {
                if i > 0 {
                    text.push('\t');
                }
                match v {
                    Value::Null => text.push_str("\\N"),
                    Value::Int(x) => text.push_str(&x.to_string()),
                    Value::Text(t) => copy_text(&mut text, t),
                }
            }
            text.push('\n');
            if text.len() >= 8 << 20 && failed.is_none() {
                failed = writer.write_all(text.as_bytes()).err();
                text.clear();
            }
        })?;
        let sending =
            |e: std::io::Error| StoreError::Server(format!("sending {table} to the server: {e}"));
        if let Some(e) = failed {
            return Err(sending(e));
        }
        writer.write_all(text.as_bytes()).map_err(sending)?;
        writer
            .finish()
            .map_err(|e| StoreError::from(conn.noted(e)))?;
    }
    // A table with no rows is not written to at all (a role that may not write it can copy
    // books where it is empty).
    let insert = if n == 0 {
        String::new()
    } else {
        format!(
            "INSERT INTO {} ({list}) SELECT {list} FROM pg_temp.outturn_copy_in;",
            quote(table)
        )
    };
    conn.execute_batch(&format!("{insert} DROP TABLE pg_temp.outturn_copy_in"))?;
    Ok(n)
}

/// Appends `t` as a field of COPY's text format: a backslash, tab, newline or carriage return
/// escaped, everything else as it is.
fn copy_text(out: &mut String, t: &str) {
    if !t.contains(['\\', '\t', '\n', '\r']) {
        out.push_str(t);
        return;
    }
    for c in t.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::copy_text;

    #[test]
    fn copy_text_escapes_only_what_the_format_reads() {
        let mut s = String::new();
        copy_text(&mut s, "Café\\Bar\tno\nmore\r£");
        assert_eq!(s, "Café\\\\Bar\\tno\\nmore\\r£");
        let mut plain = String::new();
        copy_text(&mut plain, "Acme Ltd");
        assert_eq!(plain, "Acme Ltd");
    }
}
