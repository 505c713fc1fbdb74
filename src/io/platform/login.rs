//! The operating-system login of this process, as the audit log records it.

/// The user this process runs as, from the system: on Unix the user list (uid -> name), never the
/// environment (`$USER` can say anything); on Windows `GetUserNameW`, the account the process runs
/// under, and `USERNAME` only if that call fails. `None` when the system gives no name.
#[cfg(unix)]
pub fn os_user() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let name = passwd.lines().find_map(|line| {
        let mut f = line.split(':');
        let name = f.next()?;
        (f.nth(1)?.parse::<u32>().ok()? == uid).then(|| name.to_string())
    });
    Some(name.unwrap_or_else(|| format!("uid {uid}")))
}

#[cfg(windows)]
pub fn os_user() -> Option<String> {
    windows_login().or_else(|| {
        std::env::var("USERNAME")
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    })
}

#[cfg(not(any(unix, windows)))]
pub fn os_user() -> Option<String> {
    None
}

/// The account name from `GetUserNameW` (at most 256 characters, the longest Windows allows).
#[cfg(windows)]
fn windows_login() -> Option<String> {
    use windows_sys::Win32::System::WindowsProgramming::GetUserNameW;
    let mut buf = [0u16; 257];
    let mut len = buf.len() as u32;
    // SAFETY: `buf` holds `len` UTF-16 units; the call writes at most that many, the last a NUL,
    // and sets `len` to the count written including the NUL.
    let ok = unsafe { GetUserNameW(buf.as_mut_ptr(), &mut len) };
    if ok == 0 || len == 0 {
        return None;
    }
    let name = String::from_utf16_lossy(&buf[..(len as usize - 1).min(buf.len())]);
    let name = name.trim().to_string();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_is_named_by_the_system() {
        let name = os_user().expect("a login");
        assert!(!name.trim().is_empty());
        assert_ne!(name, "unknown");
    }
}
