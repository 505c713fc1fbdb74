//! A file another program holds open, said in Windows' words.
//!
//! Windows refuses to write, replace or sometimes even read a file that another program (Excel,
//! most often) has open without sharing it: `ERROR_SHARING_VIOLATION` (32) or, for a locked part
//! of it, `ERROR_LOCK_VIOLATION` (33). Unix has no such refusal.

/// What the officer reads when another program holds the file open.
pub const HELD_OPEN: &str = "the file is open in another program (Excel?): close it and try again";

/// True when `e` is Windows refusing a file that another program has open. Always false on
/// Unix, where 32 and 33 are other errors (a broken pipe, a maths domain error).
pub fn is_held_open(e: &std::io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(32 | 33))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_sharing_and_lock_violations_are_held_open() {
        let sharing = std::io::Error::from_raw_os_error(32);
        let lock = std::io::Error::from_raw_os_error(33);
        let other = std::io::Error::from_raw_os_error(5);
        assert_eq!(is_held_open(&sharing), cfg!(windows));
        assert_eq!(is_held_open(&lock), cfg!(windows));
        assert!(!is_held_open(&other));
    }
}
