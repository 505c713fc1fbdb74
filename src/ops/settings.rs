//! The settings kept in the books (the RAG thresholds, the variance-comment thresholds, the order
//! funding meets spend): setting one, reading one, listing them. `outturn config` calls these.

use crate::store;
use crate::store::engine::Store;
use crate::store::engine::sql::Sql;
use crate::store::settings::{self, Setting};

/// Sets setting `key` to `value` (checked for that key), in its own audited transaction; returns
/// the value as stored.
pub fn set(books: &mut impl Store, key: &str, value: &str) -> store::Result<String> {
    books.write_step(|tx| settings::set(tx, key, value))
}

/// Setting `key`: its value, the built-in default when it was never set.
pub fn get(books: &impl Sql, key: &str) -> store::Result<Setting> {
    settings::get(books, key)
}

/// Every setting Outturn knows, with its value and meaning.
pub fn list(books: &impl Sql) -> store::Result<Vec<Setting>> {
    settings::list(books)
}
