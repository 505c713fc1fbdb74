//! The audit digest of an import batch of actuals computed as the rows are inserted, so that the
//! batch need not be read back at the end: each row's image is written here exactly as SQLite's
//! `json_object` writes it in [`batch_digest`](super::capture::batch_digest) (same columns, same
//! order, same escapes), and hashed in id order. The digest recorded is byte for byte the one
//! [`batch_digest`](super::capture::batch_digest) gives, so `check` and older databases read it
//! unchanged. When the table's columns are not the ones this knows, or rows were deleted from
//! the batch after they were inserted (`--skip-duplicates`), the caller reads the batch back
//! instead.

use std::fmt::Write as _;

use super::Result;
use super::capture::{Image, RowDigest, actual_shape};
use super::engine::sql::Sql;
use super::entities::ActualFields;
use super::entities::common::IsoDate;
use crate::domain::{FinancialYear, Period};

/// The columns of `actual`, in table order, that [`ActualDigest::add`] writes.
const COLUMNS: [&str; 12] = [
    "id",
    "phase_id",
    "contract_id",
    "date",
    "fy",
    "period",
    "supplier",
    "description",
    "reference",
    "amount_pence",
    "batch_id",
    "version",
];

/// Appends `text` as a JSON string, as SQLite's `jsonAppendString` does: `"` and `\` escaped
/// with a backslash, the C0 controls as `\b \t \n \f \r` or `\u00xx` (lower-case hex), every
/// other character (the apostrophe, DEL, all of Unicode) as it is.
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.push_str(&text[start..i]);
        start = i + 1;
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            c => {
                let _ = write!(out, "\\u00{c:02x}");
            }
        }
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// The digest of a batch's actuals, built row by row as they are inserted (in id order).
pub struct ActualDigest {
    digest: RowDigest,
    image: String,
    /// False when `actual` does not have the columns this writes: the digest is then read back.
    usable: bool,
    last_id: i64,
}

impl ActualDigest {
    /// A digest for rows inserted into `conn`'s `actual` from now on.
    pub fn new(conn: &impl Sql) -> Result<Self> {
        // A server's `actual` has these columns by its migration (`v1.sql`).
        let usable = match conn.as_sqlite() {
            Some(c) => actual_shape(c)?.is_some_and(|s| s.columns == COLUMNS),
            None => true,
        };
        Ok(ActualDigest {
            digest: RowDigest::default(),
            image: String::with_capacity(512),
            usable,
            last_id: i64::MIN,
        })
    }

    /// Adds the row just inserted as actual `id` of batch `batch_id` (version 1, as inserted).
    pub fn add(&mut self, id: i64, a: &ActualFields, batch_id: i64) {
        if !self.usable {
            return;
        }
        if id <= self.last_id {
            // Out of id order: this is not the order `batch_digest` reads them in.
            self.usable = false;
            return;
        }
        self.last_id = id;
        let s = &mut self.image;
        s.clear();
        let _ = write!(
            s,
            "{{\"id\":{id},\"phase_id\":{},\"contract_id\":",
            a.phase_id
        );
        match a.contract_id {
            Some(c) => {
                let _ = write!(s, "{c}");
            }
            None => s.push_str("null"),
        }
        s.push_str(",\"date\":");
        push_json_string(s, IsoDate::new(a.date).as_str());
        let _ = write!(
            s,
            ",\"fy\":{},\"period\":{},\"supplier\":",
            FinancialYear::containing(a.date).start_year(),
            Period::of_date(a.date).number()
        );
        push_json_string(s, a.supplier);
        s.push_str(",\"description\":");
        push_json_string(s, a.description);
        s.push_str(",\"reference\":");
        push_json_string(s, a.reference);
        let _ = write!(
            s,
            ",\"amount_pence\":{},\"batch_id\":{batch_id},\"version\":1}}",
            a.amount_pence
        );
        self.digest.add(s);
    }

    /// The digest entry of batch `batch`, or None when it must be read back from the table.
    pub fn finish(self, batch: i64) -> Option<Image> {
        if !self.usable {
            return None;
        }
        let (n, sha256) = self.digest.finish();
        Some(Image::Batch {
            t: "actual".into(),
            batch,
            n,
            sha256,
            undone: false,
        })
    }
}

/// The digest of batch `batch`'s actuals read back, on either engine: SQLite's own JSON images
/// ([`batch_digest`](super::capture::batch_digest)), or a server's rows imaged as it writes them.
pub fn batch_digest_of(conn: &impl Sql, batch: i64) -> Result<Image> {
    match conn.as_sqlite() {
        Some(c) => super::capture::batch_digest(c, batch),
        None => read_back(conn, batch),
    }
}

/// The digest of batch `batch`'s actuals read back from a PostgreSQL server, in id order, each
/// image written as SQLite's `json_object` writes it (see [`ActualDigest::add`]).
pub fn read_back(conn: &impl Sql, batch: i64) -> Result<Image> {
    let mut d = ActualDigest {
        digest: RowDigest::default(),
        image: String::with_capacity(512),
        usable: true,
        last_id: i64::MIN,
    };
    conn.query_each(
        "SELECT id, phase_id, contract_id, date, supplier, description, reference, amount_pence
         FROM actual WHERE batch_id = ?1 ORDER BY id",
        [batch],
        |r| {
            let (supplier, description, reference): (String, String, String) =
                (r.get(4)?, r.get(5)?, r.get(6)?);
            let a = ActualFields {
                phase_id: r.get(1)?,
                contract_id: r.get(2)?,
                date: crate::store::entities::rows::date_at(r, 3)?,
                supplier: &supplier,
                description: &description,
                reference: &reference,
                amount_pence: r.get(7)?,
            };
            d.add(r.get(0)?, &a, batch);
            Ok(true)
        },
    )?;
    let (n, sha256) = d.digest.finish();
    Ok(Image::Batch {
        t: "actual".into(),
        batch,
        n,
        sha256,
        undone: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::capture::batch_digest;
    use chrono::NaiveDate;

    /// Every ASCII byte but NUL, the apostrophe, quotes, backslashes, DEL, the C1 range, the
    /// pound sign, a bidirectional override and an emoji: the digest built here equals the one
    /// SQLite's `json_object` gives when the batch is read back.
    #[test]
    fn the_digest_built_row_by_row_is_the_one_read_back() {
        let mut conn = crate::store::open_in_memory().unwrap();
        let tx = crate::store::write_tx(&mut conn).unwrap();
        tx.execute_batch(
            "INSERT INTO programme(id, code, name) VALUES (1, 'P', 'P');
             INSERT INTO phase(id, programme_id, code, name) VALUES (7, 1, 'A', 'A');
             INSERT INTO import_batch(id, kind, file_name, sha256, rows, total_pence, who, at)
                 VALUES (3, 'actuals', 'f.csv', 'x', 0, 0, 'me', 'now');",
        )
        .unwrap();
        let ascii: String = (1u8..=0x7f).map(char::from).collect();
        let texts = [
            ascii.as_str(),
            "O'Neill \"ON\" \\ Ltd",
            "\u{80}\u{9f} £1,234.56 \u{202e}evil\u{202c} 🎉",
            "",
        ];
        let mut digest = ActualDigest::new(&tx).unwrap();
        let mut inserter = crate::store::entities::ActualInserter::new(&tx).unwrap();
        for (i, t) in texts.iter().enumerate() {
            let a = ActualFields {
                phase_id: 7,
                contract_id: None,
                date: NaiveDate::from_ymd_opt(2024, 3 + i as u32, 31 - i as u32).unwrap(),
                supplier: t,
                description: texts[(i + 1) % texts.len()],
                reference: &format!("R{i}"),
                amount_pence: -12_345 * i as i64,
            };
            let id = inserter.insert(&a, Some(3)).unwrap();
            digest.add(id, &a, 3);
        }
        drop(inserter);
        let ours = digest.finish(3).unwrap();
        assert_eq!(ours, batch_digest(&tx, 3).unwrap());
        let Image::Batch { n, .. } = ours else {
            panic!("{ours:?}")
        };
        assert_eq!(n, 4);
    }

    #[test]
    fn rows_out_of_id_order_fall_back_to_reading_the_batch() {
        let conn = crate::store::open_in_memory().unwrap();
        let mut digest = ActualDigest::new(&conn).unwrap();
        let a = ActualFields {
            phase_id: 1,
            contract_id: Some(2),
            date: NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
            supplier: "S",
            description: "D",
            reference: "R",
            amount_pence: 1,
        };
        digest.add(5, &a, 1);
        digest.add(4, &a, 1);
        assert!(digest.finish(1).is_none());
    }
}
