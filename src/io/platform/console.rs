//! How the program was started: from a console the officer typed in, or by a double-click in
//! Explorer, which gives the program a console window of its own that closes when it exits.

/// True when this process is the only one attached to its console (`GetConsoleProcessList`
/// counts one): Explorer (or a shortcut) started it in a new window, and that window closes the
/// moment the program ends, taking any message with it. Started from a command prompt or
/// PowerShell, the shell shares the console and this is false. Always false off Windows.
#[cfg(windows)]
pub fn started_in_own_window() -> bool {
    use windows_sys::Win32::System::Console::GetConsoleProcessList;
    let mut ids = [0u32; 2];
    // SAFETY: `ids` has room for the 2 ids asked for; the call returns how many are attached
    // (0 on failure: no console).
    let count = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
    count == 1
}

#[cfg(not(windows))]
pub fn started_in_own_window() -> bool {
    false
}
