//! What every record kind shares: dates as stored, typed column readers, running a query into a
//! `Vec`, and the not-found and required-field errors.

use chrono::NaiveDate;

use crate::store::{Field, Result, StoreError};

/// A date as stored: `YYYY-MM-DD`.
pub(crate) fn iso(d: NaiveDate) -> String {
    IsoDate::new(d).as_str().to_owned()
}

/// A date's stored text, written without allocating (this runs once per row of a bulk import).
pub(crate) struct IsoDate {
    buf: [u8; 10],
    /// For years outside 0..=9999, which do not fit the fixed ten characters.
    other: Option<String>,
}

impl IsoDate {
    pub(crate) fn new(d: NaiveDate) -> Self {
        use chrono::Datelike;
        let (y, m, day) = (d.year(), d.month(), d.day());
        if !(0..=9999).contains(&y) {
            return IsoDate {
                buf: [0; 10],
                other: Some(format!("{y:04}-{m:02}-{day:02}")),
            };
        }
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let y = y as u32;
        IsoDate {
            buf: [
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(day / 10),
                digit(day),
            ],
            other: None,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match &self.other {
            Some(s) => s,
            // Ten ASCII digits and dashes: always UTF-8.
            None => std::str::from_utf8(&self.buf).unwrap_or_default(),
        }
    }
}

pub(super) fn not_found(field: &str, what: &'static str, value: &str, hint: String) -> StoreError {
    StoreError::NotFound {
        field: Field::from(field),
        what,
        value: value.to_string(),
        hint,
    }
}

/// A reference not found, to be looked up in the list of `records`.
pub(crate) fn not_found_in(
    field: &str,
    what: &'static str,
    value: &str,
    records: crate::error::Records,
) -> StoreError {
    not_found(field, what, value, String::new()).with_fix(crate::error::Fix::ListThem(records))
}

/// The first of `rows` read for record `id` of kind `what`, or that it was not found.
pub(super) fn the_one<T>(rows: Vec<T>, what: &'static str, id: i64) -> Result<T> {
    rows.into_iter()
        .next()
        .ok_or_else(|| not_found(what, what, &id.to_string(), String::new()))
}

/// Refuses text longer than `max` characters (see `domain::text`), naming the field.
pub(crate) fn within(field: &str, v: &str, max: usize) -> Result<()> {
    crate::domain::text::check_length(v.trim(), max).map_err(|m| StoreError::invalid(field, m))
}

/// "`column` contains parameter `?n`" (`n` empty: the next bare `?`), ignoring case as SQLite's
/// LIKE does, ASCII letters only, on both engines: PostgreSQL's LIKE minds case, and `lower` in
/// the "C" collation folds ASCII alone. The parameter is the text made by [`like_text`].
pub(crate) fn contains(engine: crate::store::engine::sql::Engine, column: &str, n: &str) -> String {
    match engine {
        crate::store::engine::sql::Engine::Sqlite => {
            format!("{column} LIKE '%' || ?{n} || '%' ESCAPE '\\'")
        }
        crate::store::engine::sql::Engine::Postgres => format!(
            "lower({column} COLLATE \"C\") LIKE '%' || lower(CAST(?{n} AS TEXT) COLLATE \"C\") || '%' ESCAPE '\\'"
        ),
    }
}

/// Text to find inside a column with `LIKE '%' || ? || '%' ESCAPE '\'`: `%`, `_` and `\` are
/// matched as themselves, never as wildcards.
pub(crate) fn like_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(crate) fn required(field: &str, v: &str) -> Result<()> {
    if crate::domain::text::is_blank(v) {
        Err(StoreError::invalid(field, "is empty: it is required"))
    } else {
        Ok(())
    }
}
