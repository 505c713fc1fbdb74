//! Loading the Actuals screen's rows. In the date order (indexed) each page is read by key; a
//! reload reads the window from its first row's key and works out where that row now stands from
//! the running totals. In an order without an index (amount, supplier) a full load (the `s`, a
//! new filter) reads the ids of everything the filter selects in that order once, in one sorted
//! scan, and hands them to the view; every page after that is read by id from them ([`by_ids`]),
//! so paging and Home/End cost a page of primary-key lookups however far down the list they go.
//! A reload after a write or another process's change mends the ids from the audit log
//! ([`reload_sorted`]) and reads them again only when the log cannot say what changed.

use crate::ops::Books;

use super::action::{Action, Loaded};
use super::state::{IdList, PAGE, StartAt};
use crate::store::browse::{self, PageRequest};
use crate::store::browse_reload;
use crate::store::entities::{self as e, ActualFilter, ActualOrder};
use crate::store::{self};

/// True when the filter's order has no index: its pages are read through the ids.
pub fn by_id_list(filter: &ActualFilter) -> bool {
    filter.sort.by != ActualOrder::Date
}

/// A page of actuals; `count` recounts the total first (and, in an order read through the ids,
/// reads the ids again).
pub(super) fn load(
    conn: &Books,
    filter: ActualFilter,
    request: PageRequest,
    start: StartAt,
    count: bool,
) -> store::Result<Action> {
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
    Ok(Action::Loaded(Loaded::Actuals {
        filter,
        total,
        start,
        rows,
        applied: false,
        ids: None,
    }))
}

/// The rows of `ids` (a slice of the view's id list starting at absolute index `start`).
pub(super) fn by_ids(
    conn: &Books,
    filter: ActualFilter,
    start: u64,
    ids: &[i64],
) -> store::Result<Action> {
    Ok(Action::Loaded(Loaded::Actuals {
        filter,
        total: None,
        start,
        rows: browse::actuals_by_ids(conn, ids)?,
        applied: false,
        ids: None,
    }))
}

/// Reads the ids of what the filter selects in its order (one sorted scan) and the page that
/// shows actual `keep` at the foot of a list `height` rows tall, or (without it) the page from
/// index `top` (clamped to the last page), with the count and total.
fn sorted(
    conn: &Books,
    filter: ActualFilter,
    keep: Option<i64>,
    top: u64,
    height: u64,
) -> store::Result<Action> {
    // The mark first: a change that commits while the ids are read is mended by the next reload.
    let mark = browse_reload::audit_mark(conn)?;
    let ids = browse::sorted_ids(conn, &filter)?;
    let (_, sum) = browse::sum_actuals(conn, &filter)?;
    page_of(conn, filter, (ids, mark), sum, keep, top, height)
}

/// After another process's change, in an order read through the ids: the held ids mended for the
/// actuals changed since their audit mark (when the log says which, and the mended list counts
/// what the filter selects now), else read again; then the page from index `top`.
pub(super) fn reload_sorted(
    conn: &Books,
    filter: ActualFilter,
    (mut ids, mark): IdList,
    top: u64,
) -> store::Result<Action> {
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
    conn: &Books,
    filter: ActualFilter,
    (ids, mark): IdList,
    sum: crate::domain::Money,
    keep: Option<i64>,
    top: u64,
    height: u64,
) -> store::Result<Action> {
    let len = ids.len() as u64;
    let start = match keep.and_then(|id| ids.iter().position(|x| *x == id)) {
        Some(pos) => (pos as u64).saturating_sub(height.saturating_sub(1)),
        None => top.min(len.saturating_sub(PAGE)),
    };
    let end = (start + PAGE).min(len);
    let rows = browse::actuals_by_ids(conn, &ids[start as usize..end as usize])?;
    Ok(Action::Loaded(Loaded::Actuals {
        filter,
        total: Some((len, sum)),
        start,
        rows,
        applied: false,
        ids: Some((ids, mark)),
    }))
}

/// Loads the page of the actuals in the filter's (new) order that shows actual `keep` at the
/// foot of a list `height` rows tall, with the count and total. In the date order the rows before
/// it and from it are read by key (never a large OFFSET, which would sort everything before the
/// row); in another order through the ids, read once here.
pub(super) fn sort(
    conn: &Books,
    filter: ActualFilter,
    keep: Option<i64>,
    height: u64,
) -> store::Result<Action> {
    if by_id_list(&filter) {
        return sorted(conn, filter, keep, 0, height);
    }
    let found = match keep {
        Some(id) => browse::position_of(conn, &filter, id)?.map(|pos| (id, pos)),
        None => None,
    };
    let Some((id, pos)) = found else {
        return load(conn, filter, PageRequest::First, StartAt::At(0), true);
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
    Ok(Action::Loaded(Loaded::Actuals {
        total: Some(browse::sum_actuals(conn, &filter)?),
        filter,
        start,
        rows,
        applied: false,
        ids: None,
    }))
}
