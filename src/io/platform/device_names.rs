//! Windows' reserved device names: a file called `NUL`, `CON` or `COM1` (in any case, with any
//! extension) is not a file on Windows but a device, in every folder.

/// The names Windows keeps for devices, without the digit-numbered ports.
const DEVICES: [&str; 6] = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];

/// True when `name`, the last part of a path, is one of Windows' reserved device names: `CON`,
/// `PRN`, `AUX`, `NUL`, `CONIN$`, `CONOUT$`, `COM1` to `COM9` and `LPT1` to `LPT9` (and the
/// superscript `COM¹`, `COM²`, `COM³`, `LPT¹`, `LPT²`, `LPT³`), in any case, with or without an
/// extension (`nul.csv`), trailing spaces and dots ignored as Windows ignores them.
pub fn is_reserved(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or(name);
    let base = base.trim_end_matches([' ', '.']).to_uppercase();
    if DEVICES.contains(&base.as_str()) {
        return true;
    }
    let Some(port) = base
        .strip_prefix("COM")
        .or_else(|| base.strip_prefix("LPT"))
    else {
        return false;
    };
    matches!(
        port,
        "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_in_any_case_with_or_without_an_extension() {
        for name in [
            "NUL",
            "nul",
            "Nul.csv",
            "CON",
            "con.txt",
            "PRN",
            "AUX.db",
            "COM1",
            "com9.csv",
            "LPT1",
            "lpt3.xlsx",
            "COM¹",
            "NUL ",
            "nul.",
            "CONIN$",
            "conout$",
            "nul.tar.gz",
        ] {
            assert!(is_reserved(name), "{name}");
        }
        for name in [
            "NULL",
            "nul1",
            "COM0",
            "COM10",
            "LPT",
            "console.csv",
            "report.csv",
            "aux-list.csv",
            "my nul",
            "",
        ] {
            assert!(!is_reserved(name), "{name}");
        }
    }
}
