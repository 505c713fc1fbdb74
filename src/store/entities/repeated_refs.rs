//! The references of an import batch that may be held more than once in the ledger, found
//! without sorting the ledger by reference (a large import loads without the reference index,
//! rebuilt once its rows are in). One pass over the
//! references fills a Bloom filter of the references met (32 bits a reference expected, at most
//! 32 MiB whatever the ledger's size); a reference whose bits were all set already is noted as
//! met again, exactly (by its 64-bit hash) while there are few, in a second Bloom filter past
//! [`AGAIN_EXACT_MAX`]. An import fills them as it writes its rows and reads only the ledger held
//! before it ([`RefFilter`]). Nothing held twice is ever missed; the few references there by
//! chance (about one in six thousand, four in ten thousand at ten million) are weeded out by the
//! exact check of [`actual_warnings`](super::actual_warnings), which reads only their rows and
//! the ledger before the import; with none, it reads nothing.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};

use rusqlite::Connection;

use crate::store::Result;
use crate::store::engine::sql::Sql;

/// The most bits in the filter of references met: 2^28 (32 MiB).
const SEEN_BITS: u64 = 1 << 28;
/// Bits in the filter of references met again, once there are too many to hold exactly: 2^26
/// (8 MiB).
const AGAIN_BITS: u64 = 1 << 26;
/// The most hashes of references met again held exactly (8 MiB of hashes, about twice that in
/// the set): past it they go into a Bloom filter.
const AGAIN_EXACT_MAX: usize = 1 << 20;

/// A Bloom filter of four probes per reference: with ten million references in 2^28 bits, one
/// not held passes for held about four times in ten thousand; with 32 bits a reference, about
/// once in six thousand.
struct Filter {
    words: Vec<u64>,
    bits: u64,
}

impl Filter {
    fn new(bits: u64) -> Self {
        Filter {
            words: vec![0; (bits / 64) as usize],
            bits,
        }
    }

    fn probes(&self, hash: u64) -> [u64; 4] {
        let (a, b) = (hash & 0xFFFF_FFFF, (hash >> 32) | 1);
        [0, 1, 2, 3].map(|i| (a + i * b) % self.bits)
    }

    /// Sets the reference's bits; true when they were all set already.
    fn insert(&mut self, hash: u64) -> bool {
        let mut all = true;
        for p in self.probes(hash) {
            let (word, bit) = ((p / 64) as usize, 1u64 << (p % 64));
            all &= self.words[word] & bit != 0;
            self.words[word] |= bit;
        }
        all
    }

    fn contains(&self, hash: u64) -> bool {
        self.probes(hash)
            .iter()
            .all(|&p| self.words[(p / 64) as usize] & (1u64 << (p % 64)) != 0)
    }
}

/// The references met again: exactly while they are few, else in a Bloom filter.
enum Again {
    Exact(HashSet<u64>),
    Bloom(Filter),
}

/// The references met so far, and those met more than once: an import notes each row's
/// reference as it writes it, then the ledger held before it ([`RefFilter::note_ledger`]), and
/// asks [`RefFilter::may_repeat`] of each row's hash (when [`RefFilter::any_again`]).
pub struct RefFilter {
    state: std::hash::RandomState,
    seen: Filter,
    again: Again,
}

impl Default for RefFilter {
    fn default() -> Self {
        RefFilter::for_references(u64::MAX)
    }
}

impl RefFilter {
    /// A filter sized for about `expected` references: 32 bits each (a power of two, at least
    /// 2^16 and at most [`SEEN_BITS`]), so that a small import touches little memory and one not
    /// held passes for held about once in six thousand.
    pub fn for_references(expected: u64) -> Self {
        let bits = expected
            .saturating_mul(32)
            .checked_next_power_of_two()
            .unwrap_or(SEEN_BITS)
            .clamp(1 << 16, SEEN_BITS);
        RefFilter {
            state: std::hash::RandomState::new(),
            seen: Filter::new(bits),
            again: Again::Exact(HashSet::new()),
        }
    }

    /// The hash of a reference, as the filter uses it.
    pub fn hash(&self, text: &str) -> u64 {
        let mut h = self.state.build_hasher();
        h.write(text.as_bytes());
        h.finish()
    }

    /// Notes a reference (by its [`hash`](RefFilter::hash)) met once more.
    pub fn note(&mut self, hash: u64) {
        if !self.seen.insert(hash) {
            return;
        }
        match &mut self.again {
            Again::Exact(set) => {
                set.insert(hash);
                if set.len() > AGAIN_EXACT_MAX {
                    let mut filter = Filter::new(AGAIN_BITS);
                    for &h in set.iter() {
                        filter.insert(h);
                    }
                    self.again = Again::Bloom(filter);
                }
            }
            Again::Bloom(filter) => {
                filter.insert(hash);
            }
        }
    }

    /// Notes the non-empty references of the actuals with ids up to `through`.
    pub fn note_ledger(&mut self, conn: &impl Sql, through: i64) -> Result<()> {
        // A PostgreSQL server finds the repeated references through its index instead.
        let Some(conn) = conn.as_sqlite() else {
            return Ok(());
        };
        let mut st =
            conn.prepare("SELECT reference FROM main.actual WHERE id <= ?1 AND reference <> ''")?;
        let mut rows = st.query([through])?;
        while let Some(r) = rows.next()? {
            let h = self.hash(r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?);
            self.note(h);
        }
        Ok(())
    }

    /// False when no reference was met more than once: then none need be asked about.
    pub fn any_again(&self) -> bool {
        match &self.again {
            Again::Exact(set) => !set.is_empty(),
            Again::Bloom(_) => true,
        }
    }

    /// False when the reference of this hash was surely met only once; true when it was met
    /// more than once, or (rarely) by chance.
    pub fn may_repeat(&self, hash: u64) -> bool {
        match &self.again {
            Again::Exact(set) => set.contains(&hash),
            Again::Bloom(filter) => filter.contains(hash),
        }
    }
}

/// Creates `temp.warn_ref` empty, for the references that may be held more than once.
fn start_warn_refs(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.warn_ref;
         CREATE TEMP TABLE warn_ref(reference TEXT PRIMARY KEY) WITHOUT ROWID;",
    )?;
    Ok(())
}

/// Creates the table `warn_id` empty (a temporary table of the connection), for the ids of an
/// import's rows whose references may be held more than once (read by
/// [`WarnScope::Prepared`](super::WarnScope::Prepared)).
pub fn start_warn_ids(conn: &impl Sql) -> Result<()> {
    if let Some(conn) = conn.as_sqlite() {
        conn.execute_batch(
            "DROP TABLE IF EXISTS temp.warn_id;
             CREATE TEMP TABLE warn_id(id INTEGER PRIMARY KEY);",
        )?;
    } else {
        conn.execute_batch(
            "DROP TABLE IF EXISTS pg_temp.warn_id;
             CREATE TEMP TABLE warn_id(id BIGINT PRIMARY KEY) ON COMMIT DROP;",
        )?;
    }
    Ok(())
}

/// Adds the actuals `ids` to `warn_id`: their references may be held more than once. On a
/// server, in one statement.
pub fn add_warn_ids(conn: &impl Sql, ids: &[i64]) -> Result<()> {
    if let Some(pg) = conn.as_pg() {
        pg.client()
            .execute(
                "INSERT INTO pg_temp.warn_id SELECT DISTINCT unnest($1::bigint[])",
                &[&ids],
            )
            .map_err(|e| crate::store::StoreError::from(pg.noted(e)))?;
        return Ok(());
    }
    let Some(conn) = conn.as_sqlite() else {
        return Ok(());
    };
    let mut st = conn.prepare_cached("INSERT OR IGNORE INTO temp.warn_id(id) VALUES (?1)")?;
    for id in ids {
        st.execute([id])?;
    }
    Ok(())
}

/// Fills `temp.warn_ref` (created empty) with every reference of batch `batch_id` that the
/// ledger may hold more than once, and perhaps a few more.
pub(super) fn repeated_batch_references(conn: &Connection, batch_id: i64) -> Result<()> {
    let mut filter = RefFilter::default();
    filter.note_ledger(conn, i64::MAX)?;
    start_warn_refs(conn)?;
    let mut st =
        conn.prepare("SELECT reference FROM main.actual WHERE batch_id = ?1 AND reference <> ''")?;
    let mut add = conn.prepare("INSERT OR IGNORE INTO temp.warn_ref(reference) VALUES (?1)")?;
    let mut rows = st.query([batch_id])?;
    while let Some(r) = rows.next()? {
        let text = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        if filter.may_repeat(filter.hash(text)) {
            add.execute([text])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_never_misses_what_it_holds() {
        let mut f = Filter::new(SEEN_BITS);
        let state = std::hash::RandomState::new();
        use std::hash::BuildHasher;
        let hashes: Vec<u64> = (0..10_000)
            .map(|i| state.hash_one(format!("R{i}")))
            .collect();
        for (i, &h) in hashes.iter().enumerate() {
            // A reference not met before is (almost surely, with 10,000 in 2^28 bits) new.
            assert!(!f.insert(h) || i > 0, "R{i}");
        }
        assert!(hashes.iter().all(|&h| f.contains(h)));
        // Each is now met again.
        assert!(hashes.iter().all(|&h| f.insert(h)));
    }

    #[test]
    fn references_met_again_are_kept_exactly_then_in_a_filter_past_the_cap() {
        let mut refs = RefFilter::default();
        let once: Vec<u64> = (0..1000).map(|i| refs.hash(&format!("ONCE-{i}"))).collect();
        for &h in &once {
            refs.note(h);
        }
        assert!(
            !refs.any_again(),
            "a thousand different references met once each"
        );
        let twice = refs.hash("TWICE");
        refs.note(twice);
        refs.note(twice);
        assert!(refs.any_again() && refs.may_repeat(twice));
        assert_eq!(once.iter().filter(|&&h| refs.may_repeat(h)).count(), 0);
        // Past the cap the hashes go into a Bloom filter, which still holds every one of them.
        let many: Vec<u64> = (0..=AGAIN_EXACT_MAX as u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        for &h in &many {
            refs.note(h);
            refs.note(h);
        }
        assert!(matches!(refs.again, Again::Bloom(_)));
        assert!(refs.may_repeat(twice));
        assert!(many.iter().all(|&h| refs.may_repeat(h)));
    }
}
