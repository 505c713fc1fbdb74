//! The audit trail in the officer's words: record kinds and field names as words ("budget change",
//! "phase", "amount"), money as £, and an event's before/after JSON turned into the list of
//! changes (`field: old -> new`). Pure: the caller gives the JSON and the time zone.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde_json::{Map, Value};

use super::money::Money;

/// One changed field: its name as the officer reads it and the values before and after (`None`
/// where the record did not exist on that side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl FieldChange {
    /// `field: old -> new` for an edit, `field: new` for an addition, `field: old` for a deletion.
    pub fn line(&self) -> String {
        match (&self.old, &self.new) {
            (Some(o), Some(n)) => format!("{}: {o} -> {n}", self.field),
            (None, Some(v)) | (Some(v), None) => format!("{}: {v}", self.field),
            (None, None) => self.field.clone(),
        }
    }
}

/// A record kind as the officer says it: `budget_change` is "budget change".
pub fn kind_word(entity: &str) -> String {
    entity.replace('_', " ")
}

/// A field name as the officer says it: `phase_id` is "phase", `amount_pence` is "amount",
/// `fy` is "year".
pub fn field_word(field: &str) -> String {
    let base = field
        .strip_suffix("_pence")
        .or_else(|| field.strip_suffix("_id"))
        .or_else(|| field.strip_suffix("_code"))
        .unwrap_or(field);
    match base {
        "fy" => "year".into(),
        "to_fy" => "to year".into(),
        "as_name" => "as".into(),
        other => other.replace('_', " "),
    }
}

/// Fields whose plain-decimal text is money (a date or word in the same field is left alone).
const MONEY_FIELDS: &[&str] = &[
    "amount",
    "value",
    "exercised_value",
    "old_value",
    "new_value",
    "original_value",
    "original",
    "revised",
    "budget",
    "forecast",
    "expected",
    "realised",
    "target",
    "total",
];

/// True for plain decimal text with exactly two places (`-1234.50`), as money is stored in JSON.
fn is_plain_money(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    match digits.split_once('.') {
        Some((whole, pence)) => {
            !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && pence.len() == 2
                && pence.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// A value as shown: money as £ (`£1,234.50`), text without quotes, null as "(none)".
fn show(field: &str, v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) if MONEY_FIELDS.contains(&field) && is_plain_money(s) => {
            Money::parse(s).map_or_else(|_| s.clone(), |m| m.full())
        }
        Value::String(s) => uk_day(s),
        Value::Number(n) if field.ends_with("_pence") => n
            .as_i64()
            .map_or_else(|| n.to_string(), |p| Money::from_pence(p).full()),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::Object(m) => {
            // A reference to another record: its codes and words, not its internal ids.
            let named = m.keys().any(|k| !k.ends_with("_id") && !hidden(k));
            m.iter()
                .filter(|(k, _)| !(hidden(k) || (named && k.ends_with("_id"))))
                .map(|(k, v)| format!("{} {}", field_word(k), show(k, v)))
                .collect::<Vec<_>>()
                .join(", ")
        }
        Value::Array(items) => items
            .iter()
            .map(|v| show(field, v))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// An ISO date (`2023-07-01`) as the officer writes it (`01/07/2023`); other text unchanged.
fn uk_day(s: &str) -> String {
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if s.len() == 10 => d.format("%d/%m/%Y").to_string(),
        _ => s.to_string(),
    }
}

/// Internal bookkeeping, not shown: the row id and its optimistic-lock version.
fn hidden(field: &str) -> bool {
    matches!(field, "id" | "version")
}

fn parse(json: Option<&str>) -> Option<Value> {
    json.map(|s| serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_string())))
}

/// What an event changed, field by field in the order of the stored names: for an edit only the fields that
/// differ (`old -> new`); for an addition or deletion every field. A before/after that is not a
/// record (a note) is one change named "value".
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    let (before, after) = (parse(before), parse(after));
    let empty = Map::new();
    let as_map = |v: &Option<Value>| match v {
        Some(Value::Object(m)) => Some(m.clone()),
        _ => None,
    };
    let (bm, am) = (as_map(&before), as_map(&after));
    if (before.is_some() && bm.is_none()) || (after.is_some() && am.is_none()) {
        let one = |v: &Option<Value>| v.as_ref().map(|v| show("value", v));
        let (old, new) = (one(&before), one(&after));
        return if old == new {
            vec![]
        } else {
            vec![FieldChange {
                field: "value".into(),
                old,
                new,
            }]
        };
    }
    let (b, a) = (bm.as_ref(), am.as_ref());
    let mut keys: Vec<&String> = a.unwrap_or(&empty).keys().collect();
    for k in b.unwrap_or(&empty).keys() {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.into_iter()
        .filter(|k| !hidden(k))
        .filter_map(|k| {
            let old = b.map(|m| m.get(k).unwrap_or(&Value::Null));
            let new = a.map(|m| m.get(k).unwrap_or(&Value::Null));
            if old.is_some() && old == new {
                return None;
            }
            // An addition or deletion lists the fields that hold something.
            if (old.is_none() || new.is_none()) && old.or(new) == Some(&Value::Null) {
                return None;
            }
            Some(FieldChange {
                field: field_word(k),
                old: old.map(|v| show(k, v)),
                new: new.map(|v| show(k, v)),
            })
        })
        .collect()
}

/// An audit time (`2022-08-26T09:00:00Z`, UTC) in the given zone as `26/08/2022 10:00:00`; text
/// that is not a time is returned as it is.
pub fn local_time<Tz: TimeZone>(at: &str, zone: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    match DateTime::parse_from_rfc3339(at) {
        Ok(t) => t
            .with_timezone(&Utc)
            .with_timezone(zone)
            .format("%d/%m/%Y %H:%M:%S")
            .to_string(),
        Err(_) => at.to_string(),
    }
}

/// [`local_time`] at a fixed offset, or in the machine's zone (`chrono::Local`) when `None`.
pub fn local_time_in(at: &str, offset: Option<FixedOffset>) -> String {
    match offset {
        Some(o) => local_time(at, &o),
        None => local_time(at, &chrono::Local),
    }
}

/// Which events the audit screen shows: of one record kind (its word, plural or stored name),
/// by one user (part of the login or of the name given), between two local dates (inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditShown {
    pub kind: Option<String>,
    pub user: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

impl AuditShown {
    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        *self == AuditShown::default()
    }

    /// Whether an event (`entity`, `who`, `as_name`, UTC `at`) passes, with dates in `offset`.
    pub fn keeps(
        &self,
        entity: &str,
        who: &str,
        as_name: Option<&str>,
        at: &str,
        offset: Option<FixedOffset>,
    ) -> bool {
        let kind_ok = self.kind.as_ref().is_none_or(|k| {
            let k = k.trim().to_lowercase();
            kind_word(entity) == k || entity == k || kind_word(entity) + "s" == k
        });
        let user_ok = self.user.as_ref().is_none_or(|u| {
            let u = u.trim().to_lowercase();
            who.to_lowercase().contains(&u)
                || as_name.is_some_and(|n| n.to_lowercase().contains(&u))
        });
        let date = DateTime::parse_from_rfc3339(at).ok().map(|t| {
            let utc = t.with_timezone(&Utc);
            match offset {
                Some(o) => utc.with_timezone(&o).date_naive(),
                None => utc.with_timezone(&chrono::Local).date_naive(),
            }
        });
        let from_ok = self.from.is_none_or(|f| date.is_some_and(|d| d >= f));
        let to_ok = self.to.is_none_or(|t| date.is_some_and(|d| d <= t));
        kind_ok && user_ok && from_ok && to_ok
    }

    /// A readable summary ("budget change, by jsmith, from 01/08/2022").
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if let Some(k) = &self.kind {
            parts.push(kind_word(k));
        }
        if let Some(u) = &self.user {
            parts.push(format!("by {u}"));
        }
        if let Some(f) = self.from {
            parts.push(format!("from {}", f.format("%d/%m/%Y")));
        }
        if let Some(t) = self.to {
            parts.push(format!("to {}", t.format("%d/%m/%Y")));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(before: Option<&str>, after: Option<&str>) -> Vec<String> {
        changes(before, after)
            .iter()
            .map(FieldChange::line)
            .collect()
    }

    #[test]
    fn an_edit_lists_only_what_changed_in_the_officers_words() {
        let before =
            r#"{"id":3,"phase_id":7,"amount":"1250.00","fy":"2022-23","note":"x","version":1}"#;
        let after = r#"{"id":3,"phase_id":8,"amount":"-1234567.05","fy":"2022-23","note":null,"version":2}"#;
        assert_eq!(
            lines(Some(before), Some(after)),
            vec![
                "amount: £1,250.00 -> -£1,234,567.05",
                "note: x -> (none)",
                "phase: 7 -> 8",
            ]
        );
    }

    #[test]
    fn an_addition_and_a_deletion_list_every_field_once() {
        let rec =
            r#"{"id":1,"amount_pence":150075,"forecast":"2023-06-30","approved":true,"note":null}"#;
        // 150075 pence = £1,500.75; a date in a money-named field stays a date.
        let want = vec!["amount: £1,500.75", "approved: yes", "forecast: 30/06/2023"];
        assert_eq!(lines(None, Some(rec)), want);
        assert_eq!(lines(Some(rec), None), want);
        let c = changes(Some(rec), None);
        assert_eq!(c[0].old.as_deref(), Some("£1,500.75"));
        assert_eq!(c[0].new, None);
    }

    #[test]
    fn a_reference_shows_its_codes_not_its_ids() {
        let after =
            r#"{"to":{"fy":"2023-24","phase_code":"DT1","phase_id":5,"programme_code":"WIR-SCP"}}"#;
        assert_eq!(
            lines(None, Some(after)),
            vec!["to: year 2023-24, phase DT1, programme WIR-SCP"]
        );
        let edit = (r#"{"to":{"phase_id":5}}"#, r#"{"to":{"phase_id":6}}"#);
        assert_eq!(
            lines(Some(edit.0), Some(edit.1)),
            vec!["to: phase 5 -> phase 6"]
        );
    }

    #[test]
    fn a_note_that_is_not_a_record_is_one_value() {
        assert_eq!(
            lines(None, Some(r#""upgraded to v7""#)),
            vec!["value: upgraded to v7"]
        );
        assert_eq!(lines(Some("1"), Some("1")), Vec::<String>::new());
    }

    #[test]
    fn kinds_and_fields_are_words() {
        assert_eq!(kind_word("budget_change"), "budget change");
        assert_eq!(field_word("phase_id"), "phase");
        assert_eq!(field_word("amount_pence"), "amount");
        assert_eq!(field_word("programme_code"), "programme");
        assert_eq!(field_word("fy"), "year");
        assert_eq!(field_word("exercised_value"), "exercised value");
    }

    #[test]
    fn times_are_shown_in_the_zone_given() {
        let bst = FixedOffset::east_opt(3600).unwrap();
        assert_eq!(
            local_time("2022-08-26T23:30:00Z", &bst),
            "27/08/2022 00:30:00"
        );
        assert_eq!(
            local_time_in(
                "2022-12-01T09:00:00Z",
                Some(FixedOffset::east_opt(0).unwrap())
            ),
            "01/12/2022 09:00:00"
        );
        assert_eq!(local_time("not a time", &bst), "not a time");
    }

    #[test]
    fn the_filter_keeps_kind_user_and_local_date() {
        let bst = Some(FixedOffset::east_opt(3600).unwrap());
        let f = AuditShown {
            kind: Some("Budget change".into()),
            user: Some("smith".into()),
            from: chrono::NaiveDate::from_ymd_opt(2022, 8, 27),
            to: None,
        };
        // 23:30 UTC on the 26th is 00:30 on the 27th in BST: kept.
        assert!(f.keeps("budget_change", "jsmith", None, "2022-08-26T23:30:00Z", bst));
        // 22:59 UTC is 23:59 on the 26th: before the date.
        assert!(!f.keeps("budget_change", "jsmith", None, "2022-08-26T22:59:00Z", bst));
        assert!(!f.keeps("actual", "jsmith", None, "2022-08-27T10:00:00Z", bst));
        assert!(!f.keeps(
            "budget_change",
            "officer",
            None,
            "2022-08-27T10:00:00Z",
            bst
        ));
        // The name given beside the login also matches.
        assert!(f.keeps(
            "budget_change",
            "officer",
            Some("A Smith"),
            "2022-08-27T10:00:00Z",
            bst
        ));
        assert!(AuditShown::default().keeps("x", "y", None, "bad", bst));
        assert_eq!(f.label(), "Budget change, by smith, from 27/08/2022");
    }
}
