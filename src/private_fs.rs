//! Files toadtop writes (audit log, state, saved logs, crash reports, the diagnostic log):
//! owner-only (files 0600, the data directory 0700), opened without following a symbolic
//! link, refused when another user owns them, and replaced whole through a temp file that
//! is synced before the rename. Every write to disk goes through here.
//!
//! Why: they name accounts, clusters and commands; a log path in `/tmp` must not let
//! another user plant a link that makes toadtop append to (or create) a file of theirs
//! choosing, or read what toadtop writes.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Creates `dir` and its missing parents, each new one 0700. Existing directories are
/// left as they are (a `--log-file` in `/tmp` must not change `/tmp`).
pub fn ensure_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// [`ensure_dir`], then the directory itself (toadtop's own data directory) is made 0700
/// if it was more open. A symbolic link or another user's directory is refused.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    ensure_dir(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = std::fs::symlink_metadata(dir)?;
        if meta.file_type().is_symlink() {
            return Err(refused(dir, "is a symbolic link"));
        }
        check_owner(dir, meta.uid())?;
        if meta.mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// Opens `path` for appending, creating it 0600. A symbolic link, a file that is not a
/// regular file, or one owned by another user is refused; an existing file of ours with a
/// wider mode is narrowed to 0600. Each `write` of the handle lands at the end (O_APPEND):
/// one `write_all` of a whole line is not interleaved with another process's line.
pub fn open_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    open_checked(path, options)
}

/// Creates `path`, which must not exist (O_EXCL: a planted file or link is an error), 0600.
pub fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    open_checked(path, options)
}

/// Replaces `path` with `contents` whole: a new temp file beside it (0600, O_EXCL), synced,
/// then renamed over `path`, then the directory synced, so a crash leaves the old file or
/// the new one, never half of one. A symbolic link at `path` is replaced, not followed.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    // A temp file left by a crash of this same pid long ago: ours to replace.
    let _ = std::fs::remove_file(&tmp);
    let result = (|| -> io::Result<()> {
        let mut f = create_new(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // The rename itself is durable once the directory is synced (Unix only: a
        // directory cannot be opened as a file on Windows).
        #[cfg(unix)]
        {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Reads `path` whole: a symbolic link, a file that is not a regular file, or one owned
/// by another user is refused (a cache entry must be one toadtop wrote).
pub fn read_private(path: &Path) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = OpenOptions::new();
    options.read(true);
    let mut file = open_checked(path, options)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Removes the files of `dir` whose name `matches` and that were last modified before
/// `older_than` (temp files a killed process left). Only in a directory that is ours and
/// not a symbolic link, and only regular files of ours: a link or another user's file
/// is left alone. Returns how many went; errors only skip.
pub fn remove_stale_files(
    dir: &Path,
    matches: impl Fn(&str) -> bool,
    older_than: std::time::SystemTime,
) -> usize {
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return 0;
    };
    if !meta.is_dir() || !owned_by_me(&meta) {
        return 0;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        if !matches(&entry.file_name().to_string_lossy()) {
            continue;
        }
        // DirEntry::metadata does not follow a link.
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let stale = meta.modified().is_ok_and(|m| m < older_than);
        if meta.is_file()
            && owned_by_me(&meta)
            && stale
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

#[cfg(unix)]
fn owned_by_me(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    meta.uid() == unsafe { libc::geteuid() }
}

#[cfg(not(unix))]
fn owned_by_me(_meta: &std::fs::Metadata) -> bool {
    true
}

fn open_checked(path: &Path, mut options: OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        let file = options.open(path).map_err(|e| {
            // O_NOFOLLOW on a link fails with ELOOP: say what it means.
            if e.raw_os_error() == Some(libc::ELOOP) {
                refused(path, "is a symbolic link")
            } else {
                e
            }
        })?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(refused(path, "is not a regular file"));
        }
        check_owner(path, meta.uid())?;
        if meta.mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(file)
    }
    #[cfg(not(unix))]
    {
        options.open(path)
    }
}

#[cfg(unix)]
fn check_owner(path: &Path, uid: u32) -> io::Result<()> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if uid == me {
        Ok(())
    } else {
        Err(refused(
            path,
            &format!("is owned by uid {uid}, not by this user ({me})"),
        ))
    }
}

#[cfg(unix)]
fn refused(path: &Path, why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("{} {why}; refusing to use it", path.display()),
    )
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("toadtop-private-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_dirs_are_0700_and_files_0600() {
        let dir = scratch("modes");
        let data = dir.join("a/b");
        private_dir(&data).unwrap();
        assert_eq!(mode(&dir.join("a")), 0o700);
        assert_eq!(mode(&data), 0o700);
        let f = data.join("audit.log");
        open_append(&f).unwrap().write_all(b"x\n").unwrap();
        assert_eq!(mode(&f), 0o600);
        write_atomic(&data.join("state.json"), b"{}").unwrap();
        assert_eq!(mode(&data.join("state.json")), 0o600);
        // No temp file stays behind.
        let names: Vec<_> = std::fs::read_dir(&data).unwrap().collect();
        assert_eq!(names.len(), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn wider_modes_of_our_own_files_are_narrowed() {
        let dir = scratch("narrow");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let f = dir.join("toadtop.log");
        std::fs::write(&f, "old\n").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        open_append(&f).unwrap().write_all(b"new\n").unwrap();
        assert_eq!(mode(&f), 0o600);
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "old\nnew\n");
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn symbolic_links_are_refused_not_followed() {
        let dir = scratch("links");
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("victim");
        std::fs::write(&target, "theirs\n").unwrap();
        let link = dir.join("toadtop.log");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = open_append(&link).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(create_new(&link).is_err());
        // A dangling link is not followed to create its target either.
        let dangling = dir.join("dangling");
        std::os::unix::fs::symlink(dir.join("created-through-link"), &dangling).unwrap();
        assert!(open_append(&dangling).is_err());
        assert!(!dir.join("created-through-link").exists());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "theirs\n");
        // A linked data directory is refused too.
        let linked_dir = dir.join("data");
        std::os::unix::fs::symlink(&dir, &linked_dir).unwrap();
        assert!(private_dir(&linked_dir).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
