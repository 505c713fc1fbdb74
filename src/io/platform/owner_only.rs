//! Files readable and writable by their owner only: new databases, backups and every export.
//!
//! On Unix the file is created with mode 0600. On Windows it is given a protected DACL (access
//! control list) with one entry, full control for the current user: no entry is inherited from
//! the folder, so neither the folder's other users nor Administrators as a group nor Everyone
//! may read it (an administrator can still take ownership, as on any Windows file). This is
//! done before anything is written into the file. A file system without access control lists
//! (FAT32 or exFAT on a memory stick, some network shares) cannot hold one: there the file is
//! written as that drive allows, as Unix does on such a drive.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates `path`, which must not exist, readable and writable by its owner only, and opens it
/// for writing. On Windows a failure to set the access list removes the new file again.
pub fn create_new(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let file = o.open(path)?;
    #[cfg(windows)]
    if let Err(e) = restrict(path) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(file)
}

/// Makes the existing file at `path` readable and writable by its owner only: mode 0600 on Unix,
/// the protected one-entry access list on Windows (see the module).
#[cfg(unix)]
pub fn restrict(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(any(unix, windows)))]
pub fn restrict(_path: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(windows)]
pub fn restrict(path: &Path) -> io::Result<()> {
    use windows_sys::Win32::Foundation::{ERROR_INVALID_FUNCTION, ERROR_NOT_SUPPORTED};
    use windows_sys::Win32::Security::Authorization::{SE_FILE_OBJECT, SetNamedSecurityInfoW};
    use windows_sys::Win32::Security::{
        ACL, ACL_REVISION, AddAccessAllowedAce, DACL_SECURITY_INFORMATION, InitializeAcl,
        PROTECTED_DACL_SECURITY_INFORMATION,
    };
    use windows_sys::Win32::Storage::FileSystem::FILE_ALL_ACCESS;

    let user = win::current_user()?;
    let sid = user.sid();
    // An ACL header, one ACCESS_ALLOWED_ACE (whose last field is the start of the SID) and the
    // SID, rounded up to whole u32s as the ACL's size must be.
    // SAFETY: `sid` points at a valid SID inside `user`, alive for this function.
    let sid_len = unsafe { windows_sys::Win32::Security::GetLengthSid(sid) } as usize;
    let size = std::mem::size_of::<ACL>()
        + std::mem::size_of::<windows_sys::Win32::Security::ACCESS_ALLOWED_ACE>()
        - std::mem::size_of::<u32>()
        + sid_len;
    let size = size.div_ceil(4) * 4;
    let mut acl_buf = vec![0u32; size / 4];
    let acl = acl_buf.as_mut_ptr().cast::<ACL>();
    // SAFETY: `acl` points at `size` writable bytes, aligned for ACL (u32s); the SID is valid.
    unsafe {
        if InitializeAcl(acl, size as u32, ACL_REVISION) == 0
            || AddAccessAllowedAce(acl, ACL_REVISION, FILE_ALL_ACCESS, sid) == 0
        {
            return Err(io::Error::last_os_error());
        }
    }
    let wide = win::wide(path);
    // SAFETY: `wide` is a NUL-terminated UTF-16 path; `acl` is the ACL built above. The owner,
    // group and system list are left as they are (null, and not named in the flags).
    let code = unsafe {
        SetNamedSecurityInfoW(
            wide.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            acl,
            std::ptr::null(),
        )
    };
    match code {
        0 => Ok(()),
        // A file system without access lists (FAT32, exFAT): nothing to set, as on Unix there.
        ERROR_NOT_SUPPORTED | ERROR_INVALID_FUNCTION => Ok(()),
        code => Err(io::Error::from_raw_os_error(code as i32)),
    }
}

/// True when the file's access list is protected from inheritance and has exactly one entry,
/// allowing the current user (what [`restrict`] sets).
#[cfg(windows)]
pub fn is_owner_only(path: &Path) -> io::Result<bool> {
    use windows_sys::Win32::Foundation::{HLOCAL, LocalFree};
    use windows_sys::Win32::Security::Authorization::{GetNamedSecurityInfoW, SE_FILE_OBJECT};
    use windows_sys::Win32::Security::{
        ACCESS_ALLOWED_ACE, ACL, ACL_SIZE_INFORMATION, AclSizeInformation,
        DACL_SECURITY_INFORMATION, EqualSid, GetAce, GetAclInformation,
        GetSecurityDescriptorControl, PSECURITY_DESCRIPTOR, SE_DACL_PROTECTED,
    };
    const ACCESS_ALLOWED_ACE_TYPE: u8 = 0;

    let user = win::current_user()?;
    let wide = win::wide(path);
    let mut dacl: *mut ACL = std::ptr::null_mut();
    let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: `wide` is NUL-terminated; on success `sd` is a buffer the system allocated (freed
    // below with LocalFree) and `dacl` points into it.
    let code = unsafe {
        GetNamedSecurityInfoW(
            wide.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut dacl,
            std::ptr::null_mut(),
            &mut sd,
        )
    };
    if code != 0 {
        return Err(io::Error::from_raw_os_error(code as i32));
    }
    // SAFETY: `sd` and `dacl` are valid until LocalFree; each call reads them only.
    let answer = unsafe {
        let mut control = 0u16;
        let mut revision = 0u32;
        let mut info = ACL_SIZE_INFORMATION::default();
        let mut ace: *mut std::ffi::c_void = std::ptr::null_mut();
        let readable = !dacl.is_null()
            && GetSecurityDescriptorControl(sd, &mut control, &mut revision) != 0
            && GetAclInformation(
                dacl,
                (&mut info as *mut ACL_SIZE_INFORMATION).cast(),
                std::mem::size_of::<ACL_SIZE_INFORMATION>() as u32,
                AclSizeInformation,
            ) != 0;
        readable
            && control & SE_DACL_PROTECTED != 0
            && info.AceCount == 1
            && GetAce(dacl, 0, &mut ace) != 0
            && {
                let ace = ace.cast::<ACCESS_ALLOWED_ACE>();
                (*ace).Header.AceType == ACCESS_ALLOWED_ACE_TYPE
                    && EqualSid((&raw mut (*ace).SidStart).cast(), user.sid()) != 0
            }
    };
    // SAFETY: `sd` was allocated by GetNamedSecurityInfoW and is freed once.
    unsafe { LocalFree(sd as HLOCAL) };
    Ok(answer)
}

#[cfg(windows)]
mod win {
    use std::io;
    use std::path::Path;
    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
    use windows_sys::Win32::Security::{
        GetTokenInformation, PSID, TOKEN_QUERY, TOKEN_USER, TokenUser,
    };
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

    /// The current user's token information (its SID inside), in a buffer aligned for it.
    pub struct User(Vec<u64>);

    impl User {
        pub fn sid(&self) -> PSID {
            // SAFETY: the buffer holds a TOKEN_USER, written by GetTokenInformation.
            unsafe { (*self.0.as_ptr().cast::<TOKEN_USER>()).User.Sid }
        }
    }

    /// The user this process runs as, from its access token.
    pub fn current_user() -> io::Result<User> {
        let mut token: HANDLE = std::ptr::null_mut();
        // SAFETY: the pseudo-handle of this process; `token` receives a handle closed below.
        if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut needed = 0u32;
        // SAFETY: asks the size only (no buffer); fails with "insufficient buffer" as expected.
        unsafe { GetTokenInformation(token, TokenUser, std::ptr::null_mut(), 0, &mut needed) };
        let mut buf = vec![0u64; (needed as usize).div_ceil(8).max(1)];
        // SAFETY: `buf` holds at least `needed` bytes, aligned for TOKEN_USER.
        let ok = unsafe {
            GetTokenInformation(
                token,
                TokenUser,
                buf.as_mut_ptr().cast(),
                (buf.len() * 8) as u32,
                &mut needed,
            )
        };
        let err = io::Error::last_os_error();
        // SAFETY: closes the token opened above, once.
        unsafe { CloseHandle(token) };
        if ok == 0 {
            return Err(err);
        }
        Ok(User(buf))
    }

    /// `path` as a NUL-terminated UTF-16 string for the wide Windows calls.
    pub fn wide(path: &Path) -> Vec<u16> {
        use std::os::windows::ffi::OsStrExt;
        path.as_os_str().encode_wide().chain(Some(0)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_owner_only_and_an_existing_one_is_made_so() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.db");
        drop(create_new(&new).unwrap());
        assert!(create_new(&new).is_err(), "an existing file is refused");
        let old = dir.path().join("old.csv");
        std::fs::write(&old, "x").unwrap();
        restrict(&old).unwrap();
        for p in [&new, &old] {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(p).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "{}", p.display());
            }
            #[cfg(windows)]
            if under_wine() {
                // Wine (as Debian ships it) takes the list but keeps no access lists: it answers
                // one made up from the Unix mode. Only real Windows can show the list.
                eprintln!(
                    "NOT CHECKED under wine: {} (wine keeps no ACLs)",
                    p.display()
                );
            } else {
                assert!(is_owner_only(p).unwrap(), "{}", p.display());
            }
        }
        // A file made in the ordinary way inherits the folder's list: not owner-only.
        #[cfg(windows)]
        {
            let plain = dir.path().join("plain.txt");
            std::fs::write(&plain, "x").unwrap();
            assert!(!is_owner_only(&plain).unwrap());
        }
    }

    /// True when running under wine rather than Windows: wine's ntdll exports `wine_get_version`.
    #[cfg(windows)]
    fn under_wine() -> bool {
        use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleA, GetProcAddress};
        // SAFETY: ntdll is loaded in every process; both names are NUL-terminated.
        unsafe {
            let ntdll = GetModuleHandleA(c"ntdll.dll".as_ptr().cast());
            !ntdll.is_null() && GetProcAddress(ntdll, c"wine_get_version".as_ptr().cast()).is_some()
        }
    }
}
