//! Shared SQL, run on either engine: the store's queries are written once, with SQLite's numbered
//! `?N` parameters (rewritten to PostgreSQL's `$N` outside string literals when prepared there),
//! and run through [`Sql`], which SQLite's connection and the PostgreSQL books both implement. A
//! store function that takes `&impl Sql` works on both.
//!
//! Values cross as the store keeps them on both engines (`v1.sql` mirrors SQLite's schema):
//! integers as `i64` (`BIGINT`), text as `String`, dates as ISO text, flags as 0/1. A parameter
//! is bound as the type the server expects where the two engines differ (an integer where text is
//! wanted, a flag as a boolean).

use std::cell::RefCell;
use std::collections::HashMap;

use postgres::types::{IsNull, ToSql as PgToSql, Type};
use rusqlite::types::{ToSqlOutput, Value as SqliteValue, ValueRef};

/// Which engine keeps the books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A failed statement, from either engine.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite failed.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed.
    #[error("{}", super::pg_error::describe(.0))]
    Postgres(#[from] postgres::Error),
    /// A query meant to return a row returned none.
    #[error("query returned no rows")]
    NoRows,
    /// A value could not be read as the type asked for.
    #[error("column {column}: {message}")]
    Conversion { column: usize, message: String },
}

/// The result of a statement.
pub type DbResult<T> = std::result::Result<T, DbError>;

/// `.optional()`: no row is `None`, not an error.
pub trait Optional<T> {
    /// `Ok(None)` for a query that returned no row.
    fn optional(self) -> DbResult<Option<T>>;
}

impl<T> Optional<T> for DbResult<T> {
    fn optional(self) -> DbResult<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRows) | Err(DbError::Sqlite(rusqlite::Error::QueryReturnedNoRows)) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parameters

/// A value bound to a parameter: integers, text and NULL, as both engines keep them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

/// A Rust value that can be bound to a parameter on either engine.
pub trait Param {
    /// The value, as both engines keep it.
    fn value(&self) -> Value;
}

impl<T: Param + ?Sized> Param for &T {
    fn value(&self) -> Value {
        (**self).value()
    }
}

impl<T: Param> Param for Option<T> {
    fn value(&self) -> Value {
        match self {
            Some(v) => v.value(),
            None => Value::Null,
        }
    }
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn value(&self) -> Value {
                Value::Int(i64::try_from(*self).expect("an integer that fits 64 bits"))
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8, usize);

impl Param for bool {
    fn value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}

impl Param for str {
    fn value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl Param for String {
    fn value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl Param for Value {
    fn value(&self) -> Value {
        self.clone()
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(SqliteValue::Null),
            Value::Int(i) => ToSqlOutput::Owned(SqliteValue::Integer(*i)),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

impl PgToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    i.to_string().as_str().to_sql(ty, out)
                }
                _ => Err(format!("an integer cannot be bound as {ty}").into()),
            },
            Value::Text(t) => match *ty {
                Type::INT8 => t.parse::<i64>()?.to_sql(ty, out),
                _ => t.as_str().to_sql(ty, out),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// The parameters of a statement: `[]`, `[a]` (values of one type), or `params![a, b]`
/// (of any types), as rusqlite takes them.
pub trait Params {
    /// The values, in order.
    fn values(&self) -> Vec<Value>;
}

impl Params for [&dyn Param; 0] {
    fn values(&self) -> Vec<Value> {
        Vec::new()
    }
}

impl Params for &[&dyn Param] {
    fn values(&self) -> Vec<Value> {
        self.iter().map(|p| p.value()).collect()
    }
}

macro_rules! array_params {
    ($($n:literal),*) => {$(
        impl<T: Param> Params for [T; $n] {
            fn values(&self) -> Vec<Value> {
                self.iter().map(|p| p.value()).collect()
            }
        }
        impl<T: Param> Params for &[T; $n] {
            fn values(&self) -> Vec<Value> {
                self.iter().map(|p| p.value()).collect()
            }
        }
    )*};
}
array_params!(1, 2, 3, 4, 5, 6, 7, 8);

impl<T: Param> Params for Vec<T> {
    fn values(&self) -> Vec<Value> {
        self.iter().map(|p| p.value()).collect()
    }
}

/// The parameters of a statement: `params![a, b]`, or `&[]`.
#[macro_export]
macro_rules! sql_params {
    () => { &[] as &[&dyn $crate::store::engine::sql::Param] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::store::engine::sql::Param),+] as &[&dyn $crate::store::engine::sql::Param] };
}
pub use sql_params as params;

// ---------------------------------------------------------------------------------------------
// Rows

/// A column index (rusqlite's `r.get(0)` spelling).
pub trait ColIndex {
    /// The index.
    fn index(&self) -> usize;
}

impl ColIndex for usize {
    fn index(&self) -> usize {
        *self
    }
}

/// One row of a result, from either engine.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

/// A value read from a column, the same way on both engines.
pub trait FromCol: Sized {
    /// From SQLite's value.
    fn from_sqlite(v: ValueRef<'_>) -> Result<Self, String>;
    /// From PostgreSQL's column `i` of `row`.
    fn from_pg(row: &postgres::Row, i: usize) -> Result<Self, String>;
}

fn pg_int(row: &postgres::Row, i: usize) -> Result<Option<i64>, String> {
    let ty = row.columns()[i].type_().clone();
    let e = |err: postgres::Error| err.to_string();
    Ok(match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(i).map_err(e)?,
        Type::INT4 => row.try_get::<_, Option<i32>>(i).map_err(e)?.map(i64::from),
        Type::INT2 => row.try_get::<_, Option<i16>>(i).map_err(e)?.map(i64::from),
        Type::BOOL => row.try_get::<_, Option<bool>>(i).map_err(e)?.map(i64::from),
        Type::OID => row.try_get::<_, Option<u32>>(i).map_err(e)?.map(i64::from),
        other => {
            return Err(format!(
                "a {other} value read as an integer (cast it to BIGINT in the query)"
            ));
        }
    })
}

fn pg_text(row: &postgres::Row, i: usize) -> Result<Option<String>, String> {
    let ty = row.columns()[i].type_().clone();
    match ty {
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => row
            .try_get::<_, Option<String>>(i)
            .map_err(|e| e.to_string()),
        Type::INT8 | Type::INT4 | Type::INT2 => Ok(pg_int(row, i)?.map(|v| v.to_string())),
        other => Err(format!(
            "a {other} value read as text (cast it to TEXT in the query)"
        )),
    }
}

impl FromCol for i64 {
    fn from_sqlite(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Integer(i) => Ok(i),
            other => Err(format!("{:?} read as an integer", other.data_type())),
        }
    }
    fn from_pg(row: &postgres::Row, i: usize) -> Result<Self, String> {
        pg_int(row, i)?.ok_or_else(|| "NULL read as an integer".to_string())
    }
}

macro_rules! narrow_col {
    ($($t:ty),*) => {$(
        impl FromCol for $t {
            fn from_sqlite(v: ValueRef<'_>) -> Result<Self, String> {
                let i = i64::from_sqlite(v)?;
                <$t>::try_from(i).map_err(|_| format!("{i} is out of range for {}", stringify!($t)))
            }
            fn from_pg(row: &postgres::Row, i: usize) -> Result<Self, String> {
                let v = i64::from_pg(row, i)?;
                <$t>::try_from(v).map_err(|_| format!("{v} is out of range for {}", stringify!($t)))
            }
        }
    )*};
}
narrow_col!(i32, i16, u32, u16, u8, usize);

impl FromCol for bool {
    fn from_sqlite(v: ValueRef<'_>) -> Result<Self, String> {
        i64::from_sqlite(v).map(|i| i != 0)
    }
    fn from_pg(row: &postgres::Row, i: usize) -> Result<Self, String> {
        i64::from_pg(row, i).map(|v| v != 0)
    }
}

impl FromCol for String {
    fn from_sqlite(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Text(t) => String::from_utf8(t.to_vec()).map_err(|e| e.to_string()),
            other => Err(format!("{:?} read as text", other.data_type())),
        }
    }
    fn from_pg(row: &postgres::Row, i: usize) -> Result<Self, String> {
        pg_text(row, i)?.ok_or_else(|| "NULL read as text".to_string())
    }
}

impl FromCol for Value {
    fn from_sqlite(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Null => Ok(Value::Null),
            ValueRef::Integer(i) => Ok(Value::Int(i)),
            ValueRef::Text(_) => String::from_sqlite(v).map(Value::Text),
            other => Err(format!(
                "{:?} is neither an integer nor text",
                other.data_type()
            )),
        }
    }
    fn from_pg(row: &postgres::Row, i: usize) -> Result<Self, String> {
        match row.columns()[i].type_().clone() {
            Type::INT8 | Type::INT4 | Type::INT2 | Type::BOOL | Type::OID => {
                Ok(pg_int(row, i)?.map_or(Value::Null, Value::Int))
            }
            _ => Ok(pg_text(row, i)?.map_or(Value::Null, Value::Text)),
        }
    }
}

impl<T: FromCol> FromCol for Option<T> {
    fn from_sqlite(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Null => Ok(None),
            v => T::from_sqlite(v).map(Some),
        }
    }
    fn from_pg(row: &postgres::Row, i: usize) -> Result<Self, String> {
        // A NULL of any type is None; anything else is read as T.
        let is_null = match row.columns()[i].type_().clone() {
            Type::INT8 | Type::INT4 | Type::INT2 | Type::BOOL | Type::OID => {
                pg_int(row, i)?.is_none()
            }
            _ => pg_text(row, i)?.is_none(),
        };
        if is_null {
            Ok(None)
        } else {
            T::from_pg(row, i).map(Some)
        }
    }
}

impl Row<'_> {
    /// Column `idx` as a `T`.
    pub fn get<I: ColIndex, T: FromCol>(&self, idx: I) -> DbResult<T> {
        let i = idx.index();
        let read = match self {
            Row::Sqlite(r) => r
                .get_ref(i)
                .map_err(|e| e.to_string())
                .and_then(T::from_sqlite),
            Row::Postgres(r) => {
                if i >= r.len() {
                    Err(format!("no column {i}"))
                } else {
                    T::from_pg(r, i)
                }
            }
        };
        read.map_err(|message| DbError::Conversion { column: i, message })
    }
}

// ---------------------------------------------------------------------------------------------
// Statements

/// Rewrites `?N` (and a bare `?`, numbered in turn) to PostgreSQL's `$N`, leaving string
/// literals, quoted names and comments alone.
pub fn to_dollar(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut next_bare = 1;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            '?' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    digits = next_bare.to_string();
                    next_bare += 1;
                }
                out.push('$');
                out.push_str(&digits);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A connection that runs shared SQL.
pub trait Sql {
    /// The engine.
    fn engine(&self) -> Engine;
    /// Runs a statement, returning the number of rows changed.
    fn execute(&self, sql: &str, params: impl Params) -> DbResult<usize>;
    /// Runs a query and reads its first row with `f` (an error when there is none: see
    /// [`Optional::optional`]).
    fn query_row<T, F>(&self, sql: &str, params: impl Params, f: F) -> DbResult<T>
    where
        F: FnOnce(&Row<'_>) -> DbResult<T>;
    /// Runs a query and reads every row with `f`, in order.
    fn query_map<T, F>(&self, sql: &str, params: impl Params, f: F) -> DbResult<Vec<T>>
    where
        F: FnMut(&Row<'_>) -> DbResult<T>;
    /// Runs a query and hands each row to `f` as it is read, holding none (a listing of
    /// millions of rows runs in constant memory), until `f` returns false.
    fn query_each<F>(&self, sql: &str, params: impl Params, f: F) -> DbResult<()>
    where
        F: FnMut(&Row<'_>) -> DbResult<bool>;
    /// Runs statements with no parameters, separated by `;`.
    fn execute_batch(&self, sql: &str) -> DbResult<()>;
    /// SQLite's connection, for what only SQLite does (PRAGMAs, TEMP triggers, the backup API).
    fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        None
    }
    /// The PostgreSQL connection, for what only PostgreSQL does (COPY, LISTEN, the server's
    /// audit function).
    fn as_pg(&self) -> Option<&PgConn> {
        None
    }
}

fn sqlite_values(params: impl Params) -> Vec<Value> {
    params.values()
}

impl Sql for rusqlite::Connection {
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }

    fn execute(&self, sql: &str, params: impl Params) -> DbResult<usize> {
        let values = sqlite_values(params);
        let mut st = self.prepare_cached(sql)?;
        Ok(st.execute(rusqlite::params_from_iter(values.iter()))?)
    }

    fn query_row<T, F>(&self, sql: &str, params: impl Params, f: F) -> DbResult<T>
    where
        F: FnOnce(&Row<'_>) -> DbResult<T>,
    {
        let values = sqlite_values(params);
        let mut st = self.prepare_cached(sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(values.iter()))?;
        match rows.next()? {
            Some(r) => f(&Row::Sqlite(r)),
            None => Err(DbError::NoRows),
        }
    }

    fn query_map<T, F>(&self, sql: &str, params: impl Params, mut f: F) -> DbResult<Vec<T>>
    where
        F: FnMut(&Row<'_>) -> DbResult<T>,
    {
        let values = sqlite_values(params);
        let mut st = self.prepare_cached(sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(values.iter()))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(f(&Row::Sqlite(r))?);
        }
        Ok(out)
    }

    fn query_each<F>(&self, sql: &str, params: impl Params, mut f: F) -> DbResult<()>
    where
        F: FnMut(&Row<'_>) -> DbResult<bool>,
    {
        let values = sqlite_values(params);
        let mut st = self.prepare_cached(sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(values.iter()))?;
        while let Some(r) = rows.next()? {
            if !f(&Row::Sqlite(r))? {
                break;
            }
        }
        Ok(())
    }

    fn execute_batch(&self, sql: &str) -> DbResult<()> {
        Ok(rusqlite::Connection::execute_batch(self, sql)?)
    }

    fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        Some(self)
    }
}

/// Shared SQL through anything that lends SQLite's connection (books, a transaction).
macro_rules! sql_through_sqlite {
    ($($t:ty),*) => {$(
        impl Sql for $t {
            fn engine(&self) -> Engine {
                Engine::Sqlite
            }
            fn execute(&self, sql: &str, params: impl Params) -> DbResult<usize> {
                Sql::execute(self as &rusqlite::Connection, sql, params)
            }
            fn query_row<T, F>(&self, sql: &str, params: impl Params, f: F) -> DbResult<T>
            where
                F: FnOnce(&Row<'_>) -> DbResult<T>,
            {
                Sql::query_row(self as &rusqlite::Connection, sql, params, f)
            }
            fn query_map<T, F>(&self, sql: &str, params: impl Params, f: F) -> DbResult<Vec<T>>
            where
                F: FnMut(&Row<'_>) -> DbResult<T>,
            {
                Sql::query_map(self as &rusqlite::Connection, sql, params, f)
            }
            fn query_each<F>(&self, sql: &str, params: impl Params, f: F) -> DbResult<()>
            where
                F: FnMut(&Row<'_>) -> DbResult<bool>,
            {
                Sql::query_each(self as &rusqlite::Connection, sql, params, f)
            }
            fn execute_batch(&self, sql: &str) -> DbResult<()> {
                Sql::execute_batch(self as &rusqlite::Connection, sql)
            }
            fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
                Some(self)
            }
        }
    )*};
}
sql_through_sqlite!(
    crate::store::Books,
    crate::store::Tx<'_>,
    rusqlite::Transaction<'_>
);

/// A PostgreSQL connection running shared SQL: statements are prepared once each (with `?N`
/// rewritten) and kept.
pub struct PgConn {
    client: RefCell<postgres::Client>,
    prepared: RefCell<HashMap<String, postgres::Statement>>,
    /// Set when a statement of the open transaction failed because another transaction
    /// committed a conflicting change first: the transaction can be run again.
    retry: std::cell::Cell<bool>,
    /// What `LISTEN` has heard (see `pg_listen`): this connection's server process and how many
    /// changes others committed; None until it listens.
    pub(super) heard: std::cell::Cell<Option<(u32, i64)>>,
}

impl PgConn {
    /// Wraps a connected client.
    pub fn new(client: postgres::Client) -> PgConn {
        PgConn {
            client: RefCell::new(client),
            prepared: RefCell::new(HashMap::new()),
            retry: std::cell::Cell::new(false),
            heard: std::cell::Cell::new(None),
        }
    }

    /// True when the open transaction failed on a conflict with another (serialization failure
    /// or deadlock), and can be run again; cleared by [`PgConn::clear_retry`].
    pub fn must_retry(&self) -> bool {
        self.retry.get()
    }

    /// Clears [`PgConn::must_retry`] before a transaction.
    pub fn clear_retry(&self) {
        self.retry.set(false);
    }

    pub(crate) fn noted(&self, e: postgres::Error) -> DbError {
        if let Some(code) = e.code()
            && (*code == postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                || *code == postgres::error::SqlState::T_R_DEADLOCK_DETECTED)
        {
            self.retry.set(true);
        }
        DbError::Postgres(e)
    }

    /// The client, for what only PostgreSQL does (COPY, LISTEN, transactions).
    pub fn client(&self) -> std::cell::RefMut<'_, postgres::Client> {
        self.client.borrow_mut()
    }

    fn statement(&self, sql: &str) -> DbResult<postgres::Statement> {
        if let Some(st) = self.prepared.borrow().get(sql) {
            return Ok(st.clone());
        }
        let st = self
            .client
            .borrow_mut()
            .prepare(&to_dollar(sql))
            .map_err(|e| self.noted(e))?;
        self.prepared
            .borrow_mut()
            .insert(sql.to_string(), st.clone());
        Ok(st)
    }

    fn rows(&self, sql: &str, params: impl Params) -> DbResult<Vec<postgres::Row>> {
        let st = self.statement(sql)?;
        let values = params.values();
        let refs: Vec<&(dyn PgToSql + Sync)> =
            values.iter().map(|v| v as &(dyn PgToSql + Sync)).collect();
        self.client
            .borrow_mut()
            .query(&st, &refs)
            .map_err(|e| self.noted(e))
    }
}

impl Sql for PgConn {
    fn engine(&self) -> Engine {
        Engine::Postgres
    }

    fn execute(&self, sql: &str, params: impl Params) -> DbResult<usize> {
        let st = self.statement(sql)?;
        let values = params.values();
        let refs: Vec<&(dyn PgToSql + Sync)> =
            values.iter().map(|v| v as &(dyn PgToSql + Sync)).collect();
        let n = self
            .client
            .borrow_mut()
            .execute(&st, &refs)
            .map_err(|e| self.noted(e))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn query_row<T, F>(&self, sql: &str, params: impl Params, f: F) -> DbResult<T>
    where
        F: FnOnce(&Row<'_>) -> DbResult<T>,
    {
        let rows = self.rows(sql, params)?;
        match rows.first() {
            Some(r) => f(&Row::Postgres(r)),
            None => Err(DbError::NoRows),
        }
    }

    fn query_map<T, F>(&self, sql: &str, params: impl Params, mut f: F) -> DbResult<Vec<T>>
    where
        F: FnMut(&Row<'_>) -> DbResult<T>,
    {
        self.rows(sql, params)?
            .iter()
            .map(|r| f(&Row::Postgres(r)))
            .collect()
    }

    fn query_each<F>(&self, sql: &str, params: impl Params, mut f: F) -> DbResult<()>
    where
        F: FnMut(&Row<'_>) -> DbResult<bool>,
    {
        use postgres::fallible_iterator::FallibleIterator;
        let st = self.statement(sql)?;
        let values = params.values();
        let mut client = self.client.borrow_mut();
        let mut rows = client
            .query_raw(&st, values.iter().map(|v| v as &dyn PgToSql))
            .map_err(|e| self.noted(e))?;
        while let Some(r) = rows.next().map_err(|e| self.noted(e))? {
            if !f(&Row::Postgres(&r))? {
                break;
            }
        }
        Ok(())
    }

    fn execute_batch(&self, sql: &str) -> DbResult<()> {
        self.client
            .borrow_mut()
            .batch_execute(sql)
            .map_err(|e| self.noted(e))
    }

    fn as_pg(&self) -> Option<&PgConn> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_become_dollars_outside_literals() {
        assert_eq!(
            to_dollar("SELECT a FROM t WHERE b = ?2 AND c = ?1 AND d = '?3' AND \"e?\" = ?"),
            "SELECT a FROM t WHERE b = $2 AND c = $1 AND d = '?3' AND \"e?\" = $1"
        );
        assert_eq!(to_dollar("-- ?1 here\nSELECT ?1"), "-- ?1 here\nSELECT $1");
    }

    #[test]
    fn shared_sql_runs_on_sqlite() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, flag INTEGER)")
            .unwrap();
        assert_eq!(
            Sql::execute(
                &c,
                "INSERT INTO t(name, flag) VALUES (?1, ?2)",
                params!["a", true]
            )
            .unwrap(),
            1
        );
        Sql::execute(
            &c,
            "INSERT INTO t(name, flag) VALUES (?1, ?2)",
            params![None::<String>, false],
        )
        .unwrap();
        let rows: Vec<(i64, Option<String>, bool)> = c
            .query_map("SELECT id, name, flag FROM t ORDER BY id", params![], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(rows, vec![(1, Some("a".into()), true), (2, None, false)]);
        let none = Sql::query_row(&c, "SELECT id FROM t WHERE id = ?1", params![9_i64], |r| {
            r.get::<_, i64>(0)
        })
        .optional()
        .unwrap();
        assert_eq!(none, None);
    }
}
