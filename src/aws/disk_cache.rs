//! What toadtop keeps in the platform cache dir between runs, shared by the TUI and every
//! headless command: task-definition revisions (`toadtop/taskdefs/`, immutable once
//! registered) and image scan findings by digest (`toadtop/findings/`, with a time to
//! live). One file per entry, named by the SHA-256 of its key, written whole through
//! `private_fs` (owner-only, atomic); each entry repeats its key, so a file that does not
//! parse, names another key or cannot be read is ignored and fetched again. The count of
//! entries is bounded: the oldest files go first.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bumped when an entry's shape changes: older entries then fail to parse (ignored).
const FORMAT: u32 = 1;

/// Revisions kept at most (a large account runs ~500; each file is a few KiB).
pub const MAX_TASKDEFS: usize = 5_000;
/// Image digests kept at most.
pub const MAX_FINDINGS: usize = 2_000;
/// A revision's tags can change after it was registered: an entry older than this is
/// described again (the content never changes; the tags may have).
pub const TAGS_MAX_AGE: Duration = Duration::from_secs(3600);
/// A temp file older than this was left by a process killed between write and rename
/// (a put takes milliseconds; a younger one may be another toadtop's, mid-write).
pub const TEMP_MAX_AGE: Duration = Duration::from_secs(3600);
/// Puts between two checks of the bound (a check lists the directory).
const PRUNE_EVERY: usize = 256;

/// How the process uses the caches: set once by `main` (`--no-cache`, the config's
/// `[findings] cache_minutes`). Unset (library users, in-process tests): no disk cache.
#[derive(Debug, Clone)]
pub struct DiskSettings {
    /// `<cache dir>/toadtop`; `None`: no disk cache (`--no-cache`, or no home directory).
    pub dir: Option<PathBuf>,
    /// How long a digest's findings are reused; zero: never from disk.
    pub findings_ttl: Duration,
}

static SETTINGS: OnceLock<DiskSettings> = OnceLock::new();

/// Sets the process's cache settings (the first call wins).
pub fn configure(settings: DiskSettings) {
    let _ = SETTINGS.set(settings);
}

pub fn settings() -> Option<&'static DiskSettings> {
    SETTINGS.get()
}

/// `TOADTOP_CACHE_DIR` (tests and benchmarks isolate their cache with it), else the
/// platform cache dir (`~/.cache/toadtop` on Linux, `XDG_CACHE_HOME` honoured).
pub fn default_dir(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(dir) = env("TOADTOP_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "toadtop").map(|d| d.cache_dir().to_path_buf())
}

/// Seconds since the epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[derive(Serialize, Deserialize)]
struct Entry<T> {
    format: u32,
    key: String,
    /// When the value was read from AWS (seconds since the epoch).
    stored_at: u64,
    value: T,
}

/// One kind of entry in one directory.
#[derive(Debug)]
pub struct DiskCache {
    dir: PathBuf,
    max_entries: usize,
    puts: AtomicUsize,
}

impl DiskCache {
    pub fn new(dir: PathBuf, max_entries: usize) -> DiskCache {
        DiskCache {
            dir,
            max_entries: max_entries.max(1),
            puts: AtomicUsize::new(0),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &str) -> PathBuf {
        let hash = Sha256::digest(key.as_bytes());
        let name: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{name}.json"))
    }

    /// The value stored for `key` and when it was stored; `None` when there is none or it
    /// cannot be used (unreadable, corrupt, another format, another key).
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<(T, u64)> {
        let bytes = match crate::private_fs::read_private(&self.path(key)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::debug!(dir = %self.dir.display(), error = %e, "cache entry unreadable");
                return None;
            }
        };
        match serde_json::from_slice::<Entry<T>>(&bytes) {
            Ok(e) if e.format == FORMAT && e.key == key => Some((e.value, e.stored_at)),
            Ok(_) => None,
            Err(e) => {
                tracing::debug!(dir = %self.dir.display(), error = %e, "cache entry corrupt; fetching again");
                None
            }
        }
    }

    /// Stores `value` for `key`, stamped `stored_at`. A failure (full disk, a directory
    /// that is not ours) costs only the next run a call: logged, not returned.
    pub fn put<T: Serialize>(&self, key: &str, value: &T, stored_at: u64) {
        let entry = Entry {
            format: FORMAT,
            key: key.to_string(),
            stored_at,
            value,
        };
        let result = serde_json::to_vec(&entry)
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                crate::private_fs::private_dir(&self.dir)?;
                self.replace(&self.path(key), &bytes)
            });
        if let Err(e) = result {
            tracing::warn!(dir = %self.dir.display(), error = %e, "cannot write a cache entry");
            return;
        }
        if self
            .puts
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(PRUNE_EVERY)
        {
            self.prune();
        }
    }

    /// Replaces `path` whole: a new owner-only temp file beside it (O_EXCL, a name no
    /// other put of this process uses), then a rename. Not synced, unlike
    /// `private_fs::write_atomic`: an entry lost to a crash is only a miss, and a torn
    /// one does not parse (ignored); 500 fsyncs would cost a cold run seconds.
    fn replace(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(
            ".{}.{}.tmp",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let tmp = path.with_file_name(name);
        let result = crate::private_fs::create_new(&tmp)
            .and_then(|mut f| f.write_all(bytes))
            .and_then(|()| std::fs::rename(&tmp, path));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    /// Removes the temp files of [`DiskCache::replace`] last modified before `older_than`
    /// (a killed process's; see [`TEMP_MAX_AGE`]), owner-only and links left alone as
    /// in `private_fs`. Called once per process, when the cache is opened.
    pub fn sweep_temp_files(&self, older_than: SystemTime) -> usize {
        let removed = crate::private_fs::remove_stale_files(&self.dir, is_temp_name, older_than);
        if removed > 0 {
            tracing::debug!(dir = %self.dir.display(), removed, "stale temp files removed");
        }
        removed
    }

    /// Removes the oldest entries (by modification time) beyond the bound, down to 90% of
    /// it so the next runs do not prune again at once.
    pub fn prune(&self) {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(SystemTime, PathBuf)> = dir
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                meta.is_file()
                    .then(|| (meta.modified().unwrap_or(UNIX_EPOCH), e.path()))
            })
            .collect();
        if files.len() <= self.max_entries {
            return;
        }
        files.sort();
        let keep = self.max_entries - self.max_entries / 10;
        let drop = files.len() - keep.max(1);
        for (_, path) in files.into_iter().take(drop) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// `<sha256 hex>.json.<pid>.<seq>.tmp`, as [`DiskCache::replace`] names its temp files.
fn is_temp_name(name: &str) -> bool {
    let Some((hash, rest)) = name.split_once(".json.") else {
        return false;
    };
    let Some(ids) = rest.strip_suffix(".tmp") else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    hash.len() == 64
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && ids
            .split_once('.')
            .is_some_and(|(pid, seq)| digits(pid) && digits(seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("toadtop-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn stores_and_reads_back_owner_only_without_temp_files() {
        let dir = scratch("roundtrip");
        let cache = DiskCache::new(dir.join("taskdefs"), 10);
        assert_eq!(cache.get::<Vec<String>>("arn:1"), None);
        cache.put("arn:1", &vec!["a".to_string()], 42);
        assert_eq!(
            cache.get::<Vec<String>>("arn:1"),
            Some((vec!["a".into()], 42))
        );
        // Replaced whole.
        cache.put("arn:1", &vec!["b".to_string()], 43);
        assert_eq!(
            cache.get::<Vec<String>>("arn:1"),
            Some((vec!["b".into()], 43))
        );
        assert_eq!(
            files(cache.dir()).len(),
            1,
            "no temp file left: {:?}",
            files(cache.dir())
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(cache.dir()), 0o700);
            assert_eq!(mode(&cache.path("arn:1")), 0o600);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn corrupt_or_foreign_entries_are_ignored() {
        let dir = scratch("corrupt");
        let cache = DiskCache::new(dir.clone(), 10);
        cache.put("arn:1", &1u32, 1);
        std::fs::write(
            cache.path("arn:1"),
            b"{\"format\":1,\"key\":\"arn:1\",\"stor",
        )
        .unwrap();
        assert_eq!(cache.get::<u32>("arn:1"), None, "truncated");
        // A whole entry for another key planted under this key's name.
        cache.put("arn:2", &2u32, 1);
        std::fs::copy(cache.path("arn:2"), cache.path("arn:1")).unwrap();
        assert_eq!(cache.get::<u32>("arn:1"), None, "another key");
        // Another shape.
        cache.put("arn:1", &"text", 1);
        assert_eq!(cache.get::<u32>("arn:1"), None, "another type");
        // And a fresh put repairs it.
        cache.put("arn:1", &7u32, 1);
        assert_eq!(cache.get::<u32>("arn:1"), Some((7, 1)));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_entry_is_not_followed() {
        let dir = scratch("link");
        let cache = DiskCache::new(dir.clone(), 10);
        cache.put("arn:0", &0u32, 1);
        let elsewhere = dir.join("elsewhere");
        std::fs::write(
            &elsewhere,
            b"{\"format\":1,\"key\":\"arn:1\",\"stored_at\":1,\"value\":5}",
        )
        .unwrap();
        std::os::unix::fs::symlink(&elsewhere, cache.path("arn:1")).unwrap();
        assert_eq!(cache.get::<u32>("arn:1"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_oldest_entries_go_beyond_the_bound() {
        let dir = scratch("bound");
        let cache = DiskCache::new(dir.clone(), 10);
        for i in 0..12 {
            cache.put(&format!("arn:{i}"), &i, 1);
            // Distinct modification times, oldest first.
            let t = UNIX_EPOCH + Duration::from_secs(1_000_000 + i as u64);
            let f = std::fs::File::options()
                .write(true)
                .open(cache.path(&format!("arn:{i}")))
                .unwrap();
            f.set_modified(t).unwrap();
        }
        cache.prune();
        // Down to 90% of 10: the three oldest went.
        for i in 0..3 {
            assert_eq!(cache.get::<i32>(&format!("arn:{i}")), None, "arn:{i}");
        }
        for i in 3..12 {
            assert_eq!(
                cache.get::<i32>(&format!("arn:{i}")),
                Some((i, 1)),
                "arn:{i}"
            );
        }
        // Within the bound: nothing goes.
        cache.prune();
        assert_eq!(files(&dir).len(), 9);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn temp_files_older_than_an_hour_are_swept_fresh_ones_stay() {
        let dir = scratch("sweep");
        let cache = DiskCache::new(dir.clone(), 10);
        cache.put("arn:1", &1u32, 1);
        let entry = cache.path("arn:1");
        let temp = |pid: u32| {
            let mut name = entry.file_name().unwrap().to_os_string();
            name.push(format!(".{pid}.0.tmp"));
            entry.with_file_name(name)
        };
        let now = SystemTime::now();
        let (old, fresh) = (temp(111), temp(222));
        for (path, age) in [(&old, 2 * TEMP_MAX_AGE), (&fresh, Duration::from_secs(60))] {
            let f = crate::private_fs::create_new(path).unwrap();
            f.set_modified(now - age).unwrap();
        }
        // Old, but not a temp file of ours by name: an entry, and something else.
        let other = dir.join("notes.tmp");
        std::fs::write(&other, b"x").unwrap();
        for path in [&entry, &other] {
            let f = std::fs::File::options().write(true).open(path).unwrap();
            f.set_modified(now - 2 * TEMP_MAX_AGE).unwrap();
        }
        assert_eq!(cache.sweep_temp_files(now - TEMP_MAX_AGE), 1);
        assert!(!old.exists(), "the old temp file went");
        assert!(fresh.exists(), "another toadtop may be writing this one");
        assert!(other.exists());
        assert_eq!(cache.get::<u32>("arn:1"), Some((1, 1)));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn the_sweep_does_not_follow_links() {
        let dir = scratch("sweep-link");
        let cache = DiskCache::new(dir.join("taskdefs"), 10);
        cache.put("arn:1", &1u32, 1);
        let long_ago = SystemTime::now() - 2 * TEMP_MAX_AGE;
        // A linked temp name pointing at an old file elsewhere: the link is not ours
        // to judge by its target; the target stays either way.
        let target = dir.join("target");
        std::fs::write(&target, b"x").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&target)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        let name = format!("{}.json.1.0.tmp", "a".repeat(64));
        std::os::unix::fs::symlink(&target, cache.dir().join(&name)).unwrap();
        // A linked cache dir is not swept at all.
        let linked = DiskCache::new(dir.join("linked"), 10);
        std::os::unix::fs::symlink(cache.dir(), linked.dir()).unwrap();
        assert_eq!(linked.sweep_temp_files(SystemTime::now()), 0);
        assert_eq!(cache.sweep_temp_files(SystemTime::now()), 0);
        assert!(target.exists());
        assert!(std::fs::symlink_metadata(cache.dir().join(&name)).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn temp_names_are_recognised_exactly() {
        let hash = "0123456789abcdef".repeat(4);
        assert!(is_temp_name(&format!("{hash}.json.4242.17.tmp")));
        assert!(!is_temp_name(&format!("{hash}.json")));
        assert!(!is_temp_name(&format!("{hash}.json.4242.tmp")));
        assert!(!is_temp_name(&format!("{hash}.json.x.1.tmp")));
        assert!(!is_temp_name("short.json.1.2.tmp"));
    }

    #[test]
    fn the_cache_dir_can_be_named() {
        let env = |k: &str| (k == "TOADTOP_CACHE_DIR").then(|| "/tmp/x".to_string());
        assert_eq!(default_dir(env), Some(PathBuf::from("/tmp/x")));
    }
}
