//! Whether a process is still running, to tell a left-over `.NAME.partial-PID` file (its process
//! gone) from one a running backup is writing.

/// True when a process with this id runs. On Linux, `/proc/PID` exists; on Windows, the process
/// opens (`OpenProcess`) and has not exited (`GetExitCodeProcess` says `STILL_ACTIVE`). Where
/// neither can be asked, it is assumed to run: a partial file is then left in place rather than
/// taken from a running backup.
#[cfg(not(windows))]
pub fn running(pid: u32) -> bool {
    let proc_dir = std::path::Path::new("/proc");
    if proc_dir.join("self").exists() {
        proc_dir.join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(windows)]
pub fn running(pid: u32) -> bool {
    use windows_sys::Win32::Foundation::{
        CloseHandle, ERROR_INVALID_PARAMETER, GetLastError, STILL_ACTIVE,
    };
    use windows_sys::Win32::System::Threading::{
        GetExitCodeProcess, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
    };
    // SAFETY: plain calls on a process id; the handle, when one is given, is closed below.
    let handle = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
    if handle.is_null() {
        // No such process is ERROR_INVALID_PARAMETER; any other failure (access denied: another
        // user's process) means something runs under that id.
        // SAFETY: reads this thread's last error.
        return unsafe { GetLastError() } != ERROR_INVALID_PARAMETER;
    }
    let mut code = 0u32;
    // SAFETY: `handle` is a process handle opened above with the right to query it.
    let ok = unsafe { GetExitCodeProcess(handle, &mut code) };
    // SAFETY: closes the handle opened above, once.
    unsafe { CloseHandle(handle) };
    // A process that exited with code 259 itself looks alive: left in place, as is safe.
    ok == 0 || code == STILL_ACTIVE as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_runs_and_a_finished_one_does_not() {
        assert!(running(std::process::id()));
        // A child that has exited (and been waited for) no longer runs.
        let mut child = if cfg!(windows) {
            std::process::Command::new("cmd")
                .args(["/C", "exit 0"])
                .spawn()
        } else {
            std::process::Command::new("true").spawn()
        }
        .unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!running(pid));
    }
}
