//! The settings kept in the books (the RAG thresholds, the variance-comment thresholds, the order
//! funding meets spend): setting one, reading one, listing them. `outturn config` calls these.

use crate::store::settings::{self, Setting};
use crate::store::{self, Handle, HandleMut};

/// Sets setting `key` to `value` (checked for that key), in its own audited transaction; returns
/// the value as stored.
pub fn set(books: &mut impl HandleMut, key: &str, value: &str) -> store::Result<String> {
    books
        .books_mut()
        .write(|tx| settings::set(tx.books(), key, value))
}

/// Setting `key`: its value, the built-in default when it was never set.
pub fn get(books: &impl Handle, key: &str) -> store::Result<Setting> {
    settings::get(books.books(), key)
}

/// Every setting Outturn knows, with its value and meaning.
pub fn list(books: &impl Handle) -> store::Result<Vec<Setting>> {
    settings::list(books.books())
}
