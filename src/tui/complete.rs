//! Tab completion of a path typed in a form (the import and export forms): the longest common
//! prefix of the entries of the folder that start with what was typed after the last `/`; a
//! single folder gets a trailing `/`. An opening quote and a leading `~` stay as typed (the form
//! reads them with `form::typed_path`). Reads the folder; run as an effect, never while drawing.

use std::path::PathBuf;

/// The entries of a folder: (name, is a folder).
pub type Listing = Vec<(String, bool)>;

/// The completion of `typed`, or None when there is nothing to add (no match, or the matches
/// share nothing beyond what was typed).
pub fn complete(typed: &str) -> Option<String> {
    let (_, body) = split_quote(typed);
    let (dir, _) = split_dir(body);
    let folder = if dir.is_empty() {
        PathBuf::from(".")
    } else {
        super::form::typed_path(dir)
    };
    let listing: Listing = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_string().ok()?;
            // A link to a folder counts as a folder (metadata follows links).
            let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            Some((name, is_dir))
        })
        .collect();
    complete_in(typed, &listing)
}

/// [`complete`] over a given listing of the folder `typed` names (pure, for tests).
pub fn complete_in(typed: &str, listing: &Listing) -> Option<String> {
    let (quote, body) = split_quote(typed);
    let (dir, stem) = split_dir(body);
    let matches: Vec<&(String, bool)> = listing
        .iter()
        // Hidden entries only when asked for with a leading dot.
        .filter(|(n, _)| n.starts_with(stem) && (stem.starts_with('.') || !n.starts_with('.')))
        .collect();
    let first = matches.first()?;
    let mut common: String = first.0.clone();
    for (n, _) in &matches[1..] {
        let keep = common
            .chars()
            .zip(n.chars())
            .take_while(|(a, b)| a == b)
            .count();
        common = common.chars().take(keep).collect();
    }
    let mut out = format!("{quote}{dir}{common}");
    if matches.len() == 1 && first.1 {
        out.push('/');
    } else if matches.len() == 1 && !quote.is_empty() {
        // A whole file name in quotes: close them.
        out.push_str(quote);
    }
    (out != typed).then_some(out)
}

/// The opening quote (`"` or `'`, or empty) and the rest.
fn split_quote(typed: &str) -> (&str, &str) {
    let t = typed.trim_start();
    match t.chars().next() {
        Some(q @ ('"' | '\'')) => t.split_at(q.len_utf8()),
        _ => ("", t),
    }
}

/// The folder part (up to and including the last `/`) and the name begun after it.
fn split_dir(body: &str) -> (&str, &str) {
    match body.rfind('/') {
        Some(i) => body.split_at(i + 1),
        None => ("", body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing() -> Listing {
        vec![
            ("ledger-2022-07.csv".into(), false),
            ("ledger-2022-08.csv".into(), false),
            ("exports".into(), true),
            (".hidden.csv".into(), false),
            ("notes.txt".into(), false),
        ]
    }

    #[test]
    fn completes_to_the_longest_common_prefix() {
        // Both ledgers start "ledger-2022-0": that is as far as Tab can go.
        assert_eq!(
            complete_in("led", &listing()).as_deref(),
            Some("ledger-2022-0")
        );
        // Nothing more to add: Tab moves on.
        assert_eq!(complete_in("ledger-2022-0", &listing()), None);
        assert_eq!(
            complete_in("ledger-2022-08", &listing()).as_deref(),
            Some("ledger-2022-08.csv")
        );
        assert_eq!(complete_in("zzz", &listing()), None);
    }

    #[test]
    fn a_folder_gets_a_slash_and_the_folder_typed_is_kept() {
        assert_eq!(complete_in("ex", &listing()).as_deref(), Some("exports/"));
        assert_eq!(
            complete_in("~/data/no", &listing()).as_deref(),
            Some("~/data/notes.txt")
        );
    }

    #[test]
    fn quotes_stay_and_close_on_a_whole_file_name_hidden_only_when_asked() {
        assert_eq!(
            complete_in("\"/tmp/x/not", &listing()).as_deref(),
            Some("\"/tmp/x/notes.txt\"")
        );
        assert_eq!(complete_in("'ex", &listing()).as_deref(), Some("'exports/"));
        assert_eq!(
            complete_in(".h", &listing()).as_deref(),
            Some(".hidden.csv")
        );
        // An empty name lists everything but the hidden file: "ledger-…", "exports", "notes.txt"
        // share nothing.
        assert_eq!(complete_in("", &listing()), None);
    }

    #[test]
    fn reads_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ledger-aug.csv"), "x").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let base = dir.path().display().to_string();
        assert_eq!(
            complete(&format!("{base}/led")),
            Some(format!("{base}/ledger-aug.csv"))
        );
        assert_eq!(complete(&format!("{base}/s")), Some(format!("{base}/sub/")));
    }
}
