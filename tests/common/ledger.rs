//! Shared steps of the ledger-extract tests (tests/ledgers.rs, tests/ledger_excel.rs): the
//! Oracle GL profile, profile edits, and the profile each import batch recorded.

use std::path::Path;

use super::ok;

/// The columns of an Oracle GL journal-lines extract, renamed to Outturn's.
pub const ORACLE_MAP: &str = "Accounting Date=Date,Project=Phase,Vendor=Supplier,\
                              Line Description=Description,Journal=Reference,Entered Dr=Debit,\
                              Entered Cr=Credit";

/// Adds profile `oracle` (the Oracle GL columns) with these further settings.
pub fn add_oracle_profile(db: &Path, settings: &[&str]) {
    let mut args = vec!["import", "profile", "add", "oracle", "--map", ORACLE_MAP];
    args.extend_from_slice(settings);
    ok(db, &args);
}

/// Adds profile `sap` for an SAP FBL3N line-item extract: title lines above the header, Posting
/// Date as `dd.mm.yyyy`, the phase from the cost centre and WBS element through the code map,
/// and one signed amount with SAP's trailing minus; then loads the code map `sap_codes.csv`.
pub fn add_sap_profile(db: &Path) {
    ok(
        db,
        &[
            "import",
            "profile",
            "add",
            "sap",
            "--map",
            "Posting Date=Date,Document Number=Reference,Vendor=Supplier,Text=Description,\
             Amount in Local Currency=Amount",
            "--code-columns",
            "Cost Center,WBS Element",
            "--date-format",
            "dd.mm.yyyy",
        ],
    );
    let codes = fixture("sap_codes.csv");
    ok(db, &["import", "codes", "load", codes.to_str().unwrap()]);
}

/// A file of tests/fixtures/ledgers.
pub fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ledgers")
        .join(name)
}

/// Changes profile `name` by these settings.
pub fn edit_profile(db: &Path, name: &str, settings: &[&str]) {
    let mut args = vec!["import", "profile", "edit", name];
    args.extend_from_slice(settings);
    ok(db, &args);
}

/// The profile each import batch recorded, by batch.
pub fn batch_profiles(db: &Path) -> Vec<Option<String>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare("SELECT profile FROM import_batch ORDER BY id")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}
