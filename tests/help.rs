//! The help text of `outturn` and of every subcommand, compared with `tests/fixtures/help.txt`.
//!
//! Walks the command tree as the binary prints it (the `Commands:` section of each help page), so a
//! new subcommand is covered without touching this file. A deliberate change to the help text is
//! recorded with `UPDATE_HELP=1 cargo test --test help`, and the diff is reviewed like any other.

mod common;
use common::bin;

/// The subcommands listed in the `Commands:` section of a help page (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line == "Commands:" {
            inside = true;
            continue;
        }
        if inside {
            if !line.starts_with("  ") {
                break;
            }
            let name = line.split_whitespace().next().unwrap_or_default();
            if !name.is_empty()
                && name != "help"
                && line.starts_with("  ")
                && !line.starts_with("   ")
            {
                out.push(name.to_string());
            }
        }
    }
    out
}

fn walk(path: &mut Vec<String>, all: &mut String) {
    let o = bin()
        .args(path.iter())
        .arg("--help")
        .output()
        .expect("run outturn");
    assert!(o.status.success(), "outturn {path:?} --help failed");
    let text = String::from_utf8(o.stdout).expect("help is UTF-8");
    all.push_str(&format!("===== outturn {} --help\n", path.join(" ")));
    all.push_str(&text);
    for sub in subcommands(&text) {
        path.push(sub);
        walk(path, all);
        path.pop();
    }
}

#[test]
fn help_text_of_every_command_is_unchanged() {
    let mut all = String::new();
    walk(&mut Vec::new(), &mut all);
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/help.txt");
    if std::env::var_os("UPDATE_HELP").is_some() {
        std::fs::write(&golden, &all).expect("write golden help");
    }
    let want = std::fs::read_to_string(&golden).expect("tests/fixtures/help.txt");
    assert!(
        all.contains("===== outturn actual add --help"),
        "the walk reached the leaves"
    );
    if all != want {
        let first = all
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(all.lines().count().min(want.lines().count()));
        panic!(
            "help text changed at line {}:\n now:  {:?}\n was:  {:?}\n(run UPDATE_HELP=1 cargo test --test help if deliberate)",
            first + 1,
            all.lines().nth(first),
            want.lines().nth(first)
        );
    }
}
