//! Every shell example in README.md and docs/ runs, or says why not.
//!
//! - A ```` ```console ```` block is run by trycmd: each `$ outturn ...` line against a fresh copy
//!   of the demo database, one per page (the commands of a page run in order on the same copy, in
//!   a folder of their own), with "today" fixed at 05/12/2026. What the page shows under a command
//!   is compared with what it prints (standard output and error together; `[..]` stands for the
//!   rest of a line, `...` on its own line for any lines); `? 2` after a command expects that exit
//!   status. A changed message or column fails this test until the page is updated:
//!   `TRYCMD=overwrite cargo test --test docs` writes what the program printed into the pages.
//! - A ```` ```csv file=NAME ```` block is written to NAME in that folder before the page runs, so
//!   an import example reads the very file the page shows.
//! - A ```` ```sh ```` block is not run; its first line says why: `# not run: REASON`.
//! - Every other fenced block has a language that is not a shell (`text`, `csv`, `toml`, `rust`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// "Today" for every example: the demo's figures all lie before it.
const TODAY: &str = "2026-12-05";

/// README.md and every Markdown page under docs/, in a stable order.
fn pages(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "md") {
                out.push(p);
            }
        }
    }
    let mut out = vec![root.join("README.md")];
    walk(&root.join("docs"), &mut out);
    out
}

/// A fenced block: its info string, its first line number and its lines.
struct Block {
    info: String,
    line: usize,
    body: Vec<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, l)) = lines.next() {
        let Some(info) = l.strip_prefix("```") else {
            continue;
        };
        let mut body = Vec::new();
        for (_, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push(l.to_string());
        }
        out.push(Block {
            info: info.trim().to_string(),
            line: i + 1,
            body,
        });
    }
    out
}

/// The page's shell examples are each run or marked; returns (commands run, blocks not run).
fn check_marks(page: &Path, text: &str) -> (usize, usize) {
    let (mut run, mut not_run) = (0, 0);
    for b in blocks(text) {
        let lang = b.info.split([',', ' ']).next().unwrap_or("");
        let at = format!("{}:{}", page.display(), b.line);
        match lang {
            "console" => {
                assert!(
                    !b.info.contains("ignore"),
                    "{at}: a block not run is ```sh with `# not run: REASON`"
                );
                for l in b.body.iter().filter(|l| l.starts_with("$ ")) {
                    let program = l[2..]
                        .split_whitespace()
                        .find(|w| !w.contains('='))
                        .unwrap_or("");
                    // trycmd skips, silently, a program it does not know: only outturn runs.
                    assert_eq!(program, "outturn", "{at}: `{l}` runs only outturn");
                    run += 1;
                }
            }
            "sh" | "bash" | "shell" | "zsh" => {
                assert!(
                    b.body.first().is_some_and(|l| l.starts_with("# not run: ")),
                    "{at}: a ```{lang} block is not run: its first line says why (`# not run: REASON`), \
                     or make it a ```console block with `$ outturn ...` lines"
                );
                not_run += 1;
            }
            "" => panic!("{at}: give the block a language (console, sh, text, csv, ...)"),
            _ => {}
        }
    }
    (run, not_run)
}

/// Writes the page's ```csv file=NAME blocks into `dir`.
fn write_files(text: &str, dir: &Path) {
    for b in blocks(text) {
        if let Some(name) = b.info.split(' ').find_map(|w| w.strip_prefix("file=")) {
            let mut content = b.body.join("\n");
            content.push('\n');
            std::fs::write(dir.join(name), content).unwrap();
        }
    }
}

#[test]
fn every_example_in_the_docs_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = Path::new(env!("CARGO_BIN_EXE_outturn"));
    let (mut run, mut not_run) = (0, 0);
    for page in pages(root) {
        let text = std::fs::read_to_string(&page).unwrap();
        let (r, n) = check_marks(&page, &text);
        run += r;
        not_run += n;
        if r == 0 {
            continue;
        }
        // A fresh demo database and a folder of its own for each page.
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("outturn.db");
        let out = Command::new(bin)
            .arg("--db")
            .arg(&db)
            .args(["init", "--demo"])
            .env("OUTTURN_TODAY", TODAY)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        write_files(&text, dir.path());
        // Files the examples write land in that folder: this test is alone in its binary.
        std::env::set_current_dir(dir.path()).unwrap();
        trycmd::TestCases::new()
            .register_bin("outturn", bin)
            .env("OUTTURN_DB", db.display().to_string())
            .env("OUTTURN_TODAY", TODAY)
            .env("OUTTURN_USER", "A Smith")
            .env("NO_COLOR", "1")
            .case(&page)
            .run();
        std::env::set_current_dir(root).unwrap();
    }
    println!("{run} commands run, {not_run} blocks not run (each says why)");
}
