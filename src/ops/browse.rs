//! Browsing the books a page at a time: the actuals a filter selects, paged for a list that may
//! hold ten million of them, and streamed whole for an export; the audit log; the import
//! batches; and whether another process has changed anything since a look.
//!
//! In the date order (indexed) each page of actuals is read by key; a reload reads the window
//! from its first row's key and works out where that row now stands from the running totals. In
//! an order without an index (amount, supplier) a full load (a new sort, a new filter) reads the
//! ids of everything the filter selects in that order once, in one sorted scan, and hands them
//! back; every page after that is read by id from them ([`actuals_by_ids`]), so paging and
//! Home/End cost a page of primary-key lookups however far down the list they go. A reload after
//! a write or another process's change mends the ids from the audit log ([`reload_sorted`]) and
//! reads them again only when the log cannot say what changed.

use crate::domain::Money;
use crate::domain::model::Actual;
use crate::store::audit::{self, AuditEvent, AuditFilter};
use crate::store::batches::{self, Batch};
use crate::store::browse::{self, PageRequest};
use crate::store::browse_reload::{self, AuditMark};
use crate::store::engine::sql::Sql;
use crate::store::entities::{self as e, ActualFilter, ActualOrder};
use crate::store::{self, StoreError};

/// Rows read per page of actuals (at least twice the tallest list that shows them).
pub const PAGE: u64 = 256;

/// Where a page of actuals sits in the whole list the filter selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAt {
    /// Its first row is at this absolute index.
    At(u64),
    /// Its last row is just before this absolute index.
    EndingBefore(u64),
    /// It ends at the last row.
    End,
}

/// The ids of every actual a filter selects in an order without an index, and the audit mark
/// they were read at.
pub type IdList = (Vec<i64>, AuditMark);

/// A page of the actuals a filter selects.
#[derive(Debug, Clone, PartialEq)]
pub struct ActualsPage {
    pub filter: ActualFilter,
    /// How many the filter selects and what they add up to, when they were counted.
    pub total: Option<(u64, Money)>,
    /// Absolute index of `rows[0]`.
    pub start: u64,
    pub rows: Vec<Actual>,
    /// In an order read through the ids: every id the filter selects, when they were read.
    pub ids: Option<IdList>,
}

/// True when the filter's order has no index: its pages are read through the ids.
pub fn by_id_list(filter: &ActualFilter) -> bool {
    filter.sort.by != ActualOrder::Date
}

/// The page `request` of the actuals `filter` selects, sitting at `start`; `count` recounts the
/// total first (and, in an order read through the ids, reads the ids again).
pub fn actuals_page(
    books: &impl Sql,
    filter: ActualFilter,
    (request, start): (PageRequest, StartAt),
    count: bool,
) -> store::Result<ActualsPage> {
    let conn = books;
    if count && by_id_list(&filter) {
        let top = match (request, start) {
            (PageRequest::First, _) => 0,
            (_, StartAt::At(n)) => n,
            (_, StartAt::EndingBefore(n)) => n.saturating_sub(PAGE),
            (_, StartAt::End) => u64::MAX,
        };
        return sorted(conn, filter, None, top, 1);
    }
    let total = if count {
        Some(browse::sum_actuals(conn, &filter)?)
    } else {
        None
    };
    let rows = browse::actuals_page(conn, &filter, request, PAGE)?;
    let start = match (start, request, total) {
        // A reload by key in the date order: where the key stands now (rows before or after
        // it may have come or gone since).
        (StartAt::At(_), PageRequest::After { date, id }, Some((t, _))) => {
            if filter.sort.desc {
                t.saturating_sub(browse_reload::count_before_date(conn, &filter, date, id)?)
            } else {
                browse_reload::count_before_date(conn, &filter, date, id.saturating_add(1))?
            }
        }
        (StartAt::At(n), ..) => n,
        (StartAt::EndingBefore(n), ..) => n.saturating_sub(rows.len() as u64),
        (StartAt::End, ..) => match total {
            Some((t, _)) => t.saturating_sub(rows.len() as u64),
            None => browse::count_actuals(conn, &filter)?.saturating_sub(rows.len() as u64),
        },
    };
    Ok(ActualsPage {
        filter,
        total,
        start,
        rows,
        ids: None,
    })
}

/// The actuals `ids` (a slice of a list's ids starting at absolute index `start`).
pub fn actuals_by_ids(
    books: &impl Sql,
    filter: ActualFilter,
    start: u64,
    ids: &[i64],
) -> store::Result<ActualsPage> {
    Ok(ActualsPage {
        filter,
        total: None,
        start,
        rows: browse::actuals_by_ids(books, ids)?,
        ids: None,
    })
}

/// Reads the ids of what the filter selects in its order (one sorted scan) and the page that
/// shows actual `keep` at the foot of a list `height` rows tall, or (without it) the page from
/// index `top` (clamped to the last page), with the count and total.
fn sorted(
    conn: &impl Sql,
    filter: ActualFilter,
    keep: Option<i64>,
    top: u64,
    height: u64,
) -> store::Result<ActualsPage> {
    // The mark first: a change that commits while the ids are read is mended by the next reload.
    let mark = browse_reload::audit_mark(conn)?;
    let ids = browse::sorted_ids(conn, &filter)?;
    let (_, sum) = browse::sum_actuals(conn, &filter)?;
    page_of(conn, filter, (ids, mark), sum, keep, top, height)
}

/// After another process's change, in an order read through the ids: the held ids mended for the
/// actuals changed since their audit mark (when the log says which, and the mended list counts
/// what the filter selects now), else read again; then the page from index `top`.
pub fn reload_sorted(
    books: &impl Sql,
    filter: ActualFilter,
    (mut ids, mark): IdList,
    top: u64,
) -> store::Result<ActualsPage> {
    let conn = books;
    if let Some((changed, now)) = browse_reload::actuals_changed_since(conn, &mark)?
        && browse_reload::mend_sorted_ids(conn, &filter, &mut ids, &changed)?
    {
        let (n, sum) = browse::sum_actuals(conn, &filter)?;
        if n == ids.len() as u64 {
            return page_of(conn, filter, (ids, now), sum, None, top, 1);
        }
    }
    sorted(conn, filter, None, top, 1)
}

/// The page of `ids` that shows actual `keep` at the foot of a list `height` rows tall, or
/// (without it) the page from index `top` (clamped to the last page), with the count and total.
fn page_of(
    conn: &impl Sql,
    filter: ActualFilter,
    (ids, mark): IdList,
    sum: Money,
    keep: Option<i64>,
    top: u64,
    height: u64,
) -> store::Result<ActualsPage> {
    let len = ids.len() as u64;
    let start = match keep.and_then(|id| ids.iter().position(|x| *x == id)) {
        Some(pos) => (pos as u64).saturating_sub(height.saturating_sub(1)),
        None => top.min(len.saturating_sub(PAGE)),
    };
    let end = (start + PAGE).min(len);
    let rows = browse::actuals_by_ids(conn, &ids[start as usize..end as usize])?;
    Ok(ActualsPage {
        filter,
        total: Some((len, sum)),
        start,
        rows,
        ids: Some((ids, mark)),
    })
}

/// The page of the actuals in the filter's (new) order that shows actual `keep` at the foot of a
/// list `height` rows tall, with the count and total. In the date order the rows before it and
/// from it are read by key (never a large OFFSET, which would sort everything before the row); in
/// another order through the ids, read once here.
pub fn sort(
    books: &impl Sql,
    filter: ActualFilter,
    keep: Option<i64>,
    height: u64,
) -> store::Result<ActualsPage> {
    let conn = books;
    if by_id_list(&filter) {
        return sorted(conn, filter, keep, 0, height);
    }
    let found = match keep {
        Some(id) => browse::position_of(conn, &filter, id)?.map(|pos| (id, pos)),
        None => None,
    };
    let Some((id, pos)) = found else {
        return actuals_page(conn, filter, (PageRequest::First, StartAt::At(0)), true);
    };
    let at = e::get_actual(conn, id)?;
    let key = (at.date, at.id);
    let mut rows = browse::actuals_page(
        conn,
        &filter,
        PageRequest::Before {
            date: key.0,
            id: key.1,
        },
        height.saturating_sub(1),
    )?;
    let start = pos.saturating_sub(rows.len() as u64);
    rows.push(at);
    rows.extend(browse::actuals_page(
        conn,
        &filter,
        PageRequest::After {
            date: key.0,
            id: key.1,
        },
        PAGE.saturating_sub(rows.len() as u64),
    )?);
    Ok(ActualsPage {
        total: Some(browse::sum_actuals(conn, &filter)?),
        filter,
        start,
        rows,
        ids: None,
    })
}

/// Hands every actual the filter selects to `each`, in the filter's order, one row at a time
/// (an export of a million rows in constant memory). Stops at the first error of `each`.
pub fn each_actual<E: From<StoreError>>(
    books: &impl Sql,
    filter: &ActualFilter,
    each: &mut dyn FnMut(Actual) -> Result<(), E>,
) -> Result<(), E> {
    browse::each_actual_sorted(books, filter, each)
}

/// The id of the contract with reference `reference` (refused, naming it, when there is none).
pub fn contract_id(books: &impl Sql, reference: &str) -> store::Result<i64> {
    Ok(e::contract_ref(books, reference)?.0)
}

/// The audit log's events the filter selects, newest first.
pub fn audit_events(books: &impl Sql, filter: &AuditFilter) -> store::Result<Vec<AuditEvent>> {
    audit::list(books, filter)
}

/// The import batches, oldest first.
pub fn import_batches(books: &impl Sql) -> store::Result<Vec<Batch>> {
    batches::list_batches(books)
}

/// A number that moves whenever another connection commits a change to the books (not when this
/// one does): compare two to know whether what is shown may be out of date.
pub fn data_version(books: &impl Sql) -> store::Result<i64> {
    store::changes_seen(books)
}
