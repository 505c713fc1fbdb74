//! What Unix and Windows do differently, one concern a file: who is logged in, files readable by
//! their owner only, whether a process still runs, how the program was started, and Windows' own
//! file names and errors. Everything Windows-only calls the Windows API through `windows-sys`.

pub mod console;
pub mod device_names;
pub mod held_open;
pub mod login;
pub mod owner_only;
pub mod process;
