//! Reading a written workbook back: a sheet's cells with calamine, a part of its XML, Excel's
//! dates; and LibreOffice, which a check of the pack needs (missing: skipped with a notice when
//! the environment variable CI is unset, a failure under CI=true).

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;

/// Every row of sheet `name`, from A1.
pub fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range.rows().map(|r| r.to_vec()).collect()
}

/// The cell of `rows` (a sheet read by [`sheet`]) at row `r` under header `column`.
pub fn cell(rows: &[Vec<Data>], r: usize, column: &str) -> Data {
    let i = rows[0]
        .iter()
        .position(|h| h == &Data::String(column.into()))
        .unwrap_or_else(|| panic!("no column {column}"));
    rows[r].get(i).cloned().unwrap_or(Data::Empty)
}

/// A part of the workbook's zip (`xl/worksheets/sheet1.xml`) as text.
pub fn xml(path: &Path, part: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// A date cell as a date: Excel's day 0 is 30/12/1899 (with its 1900 leap-year quirk past
/// February 1900).
pub fn date(d: &Data) -> NaiveDate {
    match d {
        Data::DateTime(x) => {
            NaiveDate::from_ymd_opt(1899, 12, 30).unwrap() + chrono::Days::new(x.as_f64() as u64)
        }
        other => panic!("not a date: {other:?}"),
    }
}

/// LibreOffice's program, when installed. Missing: None with a notice when CI is unset (a
/// developer's machine); a failure under CI=true, where `.ci/run` installs it.
pub fn soffice(what: &str) -> Option<&'static str> {
    let found = ["soffice", "libreoffice"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but soffice/libreoffice is not on PATH: {what} needs it (.ci/run installs libreoffice-calc-nogui)"
        );
        println!("NOTICE: soffice/libreoffice is not on PATH: {what} is skipped");
    }
    found
}

/// Converts `path` with LibreOffice to `filter` (`pdf`, or a csv filter with options) into
/// `out`, with its own profile folder under `scratch`.
pub fn convert(office: &str, scratch: &Path, path: &Path, filter: &str, out: &Path) {
    let profile = scratch.join("lo-profile");
    let o = std::process::Command::new(office)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", filter, "--outdir"])
        .arg(out)
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
