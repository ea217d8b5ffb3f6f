//! Where every use case writes its files (issue 15): outputs are never half-written, never
//! written through a symbolic link out of the output directory, never interleaved with another
//! run's, and never replace earlier outputs unless the caller says so.
//!
//! A run that writes a directory of files calls [`OutputDir::check`] before it starts (so a
//! refusal costs nothing and a failed or cancelled run creates nothing), then opens an
//! [`OutputDir`] to write:
//! - it takes an advisory lock on `<out>/.k2bone.lock` (released by the kernel when the process
//!   ends, even on SIGKILL); a second run on the same directory waits for it (up to a minute,
//!   then gives up), so two runs never interleave their files;
//! - it refuses, without `force`, when one of the run's main files is already there;
//! - writers write into a staging folder inside `<out>` (same file system), and
//!   [`OutputDir::commit`] moves each finished file into place with `rename`, which is atomic on
//!   POSIX: a reader sees the old file or the new one, never a part. `summary.json` goes last, so
//!   a summary always describes complete files beside it;
//! - before anything is moved, `commit` refuses when a destination is a symbolic link (a rename
//!   would replace the link, not its target; k2bone still does not touch it) or, without
//!   `force`, when it would replace an earlier output;
//! - a write that fails leaves the directory as it was (the staging folder is removed; one left
//!   by a killed run is removed by the next run that takes the lock).
//!
//! A single output file (a new scenario, diet dose events) goes through [`write_file`]: the same
//! checks and a temporary file renamed into place.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::{AppError, AppResult};

/// The lock file in an output directory.
pub const LOCK_FILE: &str = ".k2bone.lock";
/// Prefix of the staging folders inside an output directory.
const STAGING_PREFIX: &str = ".k2bone-staging-";
/// How long a run waits for another run's writing to finish. Writing takes seconds (the
/// simulation runs before the lock is taken), so runs on one directory queue up.
const LOCK_WAIT: Duration = Duration::from_secs(60);
/// Moved into place last: it describes the other files.
const LAST: &str = "summary.json";

/// An output directory being written by one run.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    staging: PathBuf,
    force: bool,
    /// Holds the advisory lock until the run ends.
    _lock: File,
}

impl OutputDir {
    /// Refuses at once (without `force`) when one of `main_files` is already in `target`; called
    /// before a run so that a refusal costs nothing and a failed run creates nothing. The same
    /// check is made again under the lock in [`OutputDir::create`].
    pub fn check(target: &Path, force: bool, main_files: &[&str]) -> AppResult<()> {
        let existing: Vec<String> = main_files
            .iter()
            .map(|f| target.join(f))
            .filter(|p| p.symlink_metadata().is_ok())
            .map(|p| p.display().to_string())
            .collect();
        if !force && !existing.is_empty() {
            return Err(refuse_overwrite(target, &existing));
        }
        match target.metadata() {
            Ok(m) if !m.is_dir() => Err(AppError::bad_input(format!(
                "{} is a file; the outputs go into a directory (choose another --out)",
                target.display()
            ))),
            _ => Ok(()),
        }
    }

    /// Creates `target` if needed, locks it for this run, and refuses (without `force`) when one
    /// of `main_files` (paths relative to `target`) is already there.
    pub fn create(target: &Path, force: bool, main_files: &[&str]) -> AppResult<OutputDir> {
        OutputDir::create_waiting(target, force, main_files, LOCK_WAIT)
    }

    fn create_waiting(
        target: &Path,
        force: bool,
        main_files: &[&str],
        wait: Duration,
    ) -> AppResult<OutputDir> {
        std::fs::create_dir_all(target)
            .map_err(|e| AppError::failed(format!("cannot create {}: {e}", target.display())))?;
        let lock_path = target.join(LOCK_FILE);
        refuse_link(&lock_path)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| AppError::failed(format!("cannot open {}: {e}", lock_path.display())))?;
        let start = Instant::now();
        loop {
            match try_lock(&lock) {
                Ok(true) => break,
                Ok(false) if start.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Ok(false) => {
                    return Err(AppError::failed(format!(
                        "another k2bone run has been writing to {} for over {} s (it holds {}); wait for it to finish or choose another --out",
                        target.display(),
                        wait.as_secs(),
                        lock_path.display()
                    )))
                }
                Err(e) => {
                    return Err(AppError::failed(format!(
                        "cannot lock {}: {e}",
                        lock_path.display()
                    )))
                }
            }
        }
        remove_stale_staging(target);
        OutputDir::check(target, force, main_files)?;
        let staging = target.join(format!("{STAGING_PREFIX}{}", std::process::id()));
        std::fs::create_dir(&staging)
            .map_err(|e| AppError::failed(format!("cannot create {}: {e}", staging.display())))?;
        Ok(OutputDir {
            target: target.to_path_buf(),
            staging,
            force,
            _lock: lock,
        })
    }

    /// The folder the run's writers write into.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The output directory.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves every staged file into the output directory and returns `written` (paths in the
    /// staging folder) as their final paths. Nothing is moved when a destination is a symbolic
    /// link, or (without `force`) an existing file.
    pub fn commit(self, written: Vec<PathBuf>) -> AppResult<Vec<PathBuf>> {
        let mut files = Vec::new();
        staged_files(&self.staging, Path::new(""), &mut files)?;
        // summary.json last, so a summary never describes files that are not in place yet.
        files.sort_by_key(|rel| rel == Path::new(LAST));
        let mut existing = Vec::new();
        for rel in &files {
            let dest = self.target.join(rel);
            let mut dir = self.target.clone();
            for part in rel.parent().into_iter().flat_map(Path::components) {
                dir.push(part);
                refuse_link(&dir)?;
            }
            refuse_link(&dest)?;
            if let Ok(m) = dest.symlink_metadata() {
                if m.is_dir() {
                    return Err(AppError::failed(format!(
                        "{} is a directory; k2bone writes a file there (remove it or choose another --out)",
                        dest.display()
                    )));
                }
                existing.push(dest.display().to_string());
            }
        }
        if !self.force && !existing.is_empty() {
            return Err(refuse_overwrite(&self.target, &existing));
        }
        for rel in &files {
            let dest = self.target.join(rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    AppError::failed(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
            std::fs::rename(self.staging.join(rel), &dest)
                .map_err(|e| AppError::failed(format!("cannot write {}: {e}", dest.display())))?;
        }
        Ok(written
            .into_iter()
            .map(|p| match p.strip_prefix(&self.staging) {
                Ok(rel) => self.target.join(rel),
                Err(_) => p,
            })
            .collect())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        // After a commit only empty folders are left; after a failure, the partial files.
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

/// Writes one output file: refused when `path` is a symbolic link or (without `force`) exists;
/// written to a temporary file beside it and renamed into place.
pub fn write_file(path: &Path, contents: impl AsRef<[u8]>, force: bool) -> AppResult<()> {
    refuse_link(path)?;
    if !force && path.exists() {
        return Err(AppError::bad_input(format!(
            "{} exists; choose another path or pass --force to replace it",
            path.display()
        )));
    }
    let name = path
        .file_name()
        .ok_or_else(|| AppError::bad_input(format!("{} is not a file name", path.display())))?;
    let tmp = path.with_file_name(format!(
        ".{}.k2bone-tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, contents.as_ref()))
        .and_then(|()| std::fs::rename(&tmp, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        AppError::failed(format!("cannot write {}: {e}", path.display()))
    })
}

/// Takes the exclusive advisory lock on `file` without waiting: `Ok(false)` when another run
/// holds it. (`File::try_lock` would do from Rust 1.89; the workspace supports 1.85.)
#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    use rustix::fs::{flock, FlockOperation};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Without advisory locks, runs on one directory are not kept apart (each file is still
/// written whole and renamed into place).
#[cfg(not(unix))]
fn try_lock(_file: &File) -> std::io::Result<bool> {
    Ok(true)
}

/// Refuses a symbolic link where k2bone is about to write.
fn refuse_link(path: &Path) -> AppResult<()> {
    match path.symlink_metadata() {
        Ok(m) if m.file_type().is_symlink() => Err(AppError::bad_input(format!(
            "{} is a symbolic link; k2bone does not write through links (remove it, or choose another --out)",
            path.display()
        ))),
        _ => Ok(()),
    }
}

fn refuse_overwrite(target: &Path, existing: &[String]) -> AppError {
    AppError::bad_input(format!(
        "{} holds earlier outputs ({}); pass --force to replace them, or choose another --out",
        target.display(),
        existing.join(", ")
    ))
}

/// Staging folders left by runs that were killed (the caller holds the lock, so none is live).
fn remove_stale_staging(target: &Path) {
    let Ok(entries) = std::fs::read_dir(target) else {
        return;
    };
    for e in entries.flatten() {
        let stale = e.file_name().to_string_lossy().starts_with(STAGING_PREFIX)
            && e.file_type().is_ok_and(|t| t.is_dir());
        if stale {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Every regular file under `dir`, relative to the staging root (`rel` is `dir`'s own path).
fn staged_files(dir: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> AppResult<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| AppError::failed(format!("cannot read {}: {e}", dir.display())))?;
    for e in entries {
        let e = e.map_err(|e| AppError::failed(format!("cannot read {}: {e}", dir.display())))?;
        let ty = e
            .file_type()
            .map_err(|e| AppError::failed(format!("cannot read {}: {e}", dir.display())))?;
        let rel = rel.join(e.file_name());
        if ty.is_dir() {
            staged_files(&e.path(), &rel, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staged(out: &OutputDir, name: &str, body: &str) -> PathBuf {
        let p = out.staging().join(name);
        std::fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn commit_moves_files_and_maps_their_paths() {
        let t = tempfile::tempdir().unwrap();
        let target = t.path().join("out");
        let out = OutputDir::create(&target, false, &["summary.json"]).unwrap();
        let a = staged(&out, "summary.json", "{}");
        let b = staged(&out, "timeseries.csv", "t\n1\n");
        let written = out.commit(vec![a, b]).unwrap();
        assert_eq!(
            written,
            vec![target.join("summary.json"), target.join("timeseries.csv")]
        );
        assert_eq!(std::fs::read_to_string(&written[1]).unwrap(), "t\n1\n");
        let left: Vec<_> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n != LOCK_FILE)
            .collect();
        assert_eq!(left.len(), 2, "no staging folder left: {left:?}");
    }

    #[test]
    fn earlier_outputs_are_kept_without_force() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("summary.json"), "old").unwrap();
        let e = OutputDir::create(t.path(), false, &["summary.json"]).unwrap_err();
        assert!(e.is_bad_input() && e.message.contains("--force"), "{e}");
        // A file that only the commit sees is refused there, and nothing is moved.
        std::fs::write(t.path().join("b.csv"), "old").unwrap();
        let out = OutputDir::create(t.path(), false, &[]).unwrap();
        let a = staged(&out, "a.csv", "new");
        let b = staged(&out, "b.csv", "new");
        assert!(out.commit(vec![a, b]).is_err());
        assert!(!t.path().join("a.csv").exists());
        assert_eq!(
            std::fs::read_to_string(t.path().join("b.csv")).unwrap(),
            "old"
        );
        let out = OutputDir::create(t.path(), true, &["summary.json"]).unwrap();
        let b = staged(&out, "b.csv", "new");
        out.commit(vec![b]).unwrap();
        assert_eq!(
            std::fs::read_to_string(t.path().join("b.csv")).unwrap(),
            "new"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_directory_is_refused_even_with_force() {
        let t = tempfile::tempdir().unwrap();
        let outside = t.path().join("precious.txt");
        std::fs::write(&outside, "keep").unwrap();
        let target = t.path().join("out");
        std::fs::create_dir(&target).unwrap();
        std::os::unix::fs::symlink(&outside, target.join("timeseries.csv")).unwrap();
        let out = OutputDir::create(&target, true, &[]).unwrap();
        let p = staged(&out, "timeseries.csv", "new");
        let e = out.commit(vec![p]).unwrap_err();
        assert!(e.message.contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        let e = write_file(&target.join("timeseries.csv"), "x", true).unwrap_err();
        assert!(e.message.contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
    }

    #[cfg(unix)]
    #[test]
    fn a_second_run_on_a_locked_directory_waits_then_gives_up() {
        let t = tempfile::tempdir().unwrap();
        let first = OutputDir::create(t.path(), false, &[]).unwrap();
        let wait = Duration::from_millis(100);
        let e = OutputDir::create_waiting(t.path(), false, &[], wait).unwrap_err();
        assert!(e.message.contains("another k2bone run"), "{e}");
        drop(first);
        OutputDir::create(t.path(), false, &[]).unwrap();
    }

    #[test]
    fn a_failed_run_leaves_nothing_and_a_killed_runs_staging_is_cleared() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join(".k2bone-staging-999999")).unwrap();
        let out = OutputDir::create(t.path(), false, &[]).unwrap();
        assert!(!t.path().join(".k2bone-staging-999999").exists());
        staged(&out, "partial.csv", "t\n");
        drop(out);
        let names: Vec<_> = std::fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec![LOCK_FILE.to_string()]);
    }

    #[test]
    fn write_file_refuses_to_overwrite_without_force() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("a.toml");
        write_file(&p, "one", false).unwrap();
        assert!(write_file(&p, "two", false).unwrap_err().is_bad_input());
        write_file(&p, "two", true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);
    }
}
