//! The project's one embedded SQLite database: trials (evidence engine), foods (diet) and the
//! web app's saved scenarios and results.
//!
//! The database file is created on first use in the user's data directory, or where
//! `K2BONE_DATA` points. Schema changes are numbered migrations in `migrations/`, applied in
//! order and recorded in SQLite's `user_version`, so an old database is upgraded in place.
//!
//! Several k2bone processes may use one data directory at once: the database runs in WAL mode
//! (readers never block the writer), every connection waits up to [`BUSY_TIMEOUT`] for a lock
//! instead of failing with "database is locked", and the migrations run inside one
//! `BEGIN IMMEDIATE` transaction that re-reads the schema version after taking the write lock,
//! so concurrent first opens serialise and the second finds the work done.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

/// How long a connection waits for another process's lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The numbered migrations, in order. Migration `i` (1-based) sets `user_version = i`.
/// Each feature owns its own file: add new ones at the end, never edit a shipped one.
const MIGRATIONS: &[(&str, &str)] = &[
    // (file name, SQL)
    (
        "0001_trials.sql",
        include_str!("../migrations/0001_trials.sql"),
    ),
    (
        "0002_foods.sql",
        include_str!("../migrations/0002_foods.sql"),
    ),
    (
        "0003_food_calcium_vitamin_d.sql",
        include_str!("../migrations/0003_food_calcium_vitamin_d.sql"),
    ),
    (
        "0004_saved_runs.sql",
        include_str!("../migrations/0004_saved_runs.sql"),
    ),
];

/// Errors from opening or migrating the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("migration {name} failed: {source}")]
    Migration {
        name: &'static str,
        source: rusqlite::Error,
    },
    #[error(
        "the database {path} has schema version {found}, newer than this k2bone knows ({known}); \
         upgrade k2bone or point K2BONE_DATA elsewhere"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Text from the database made safe to print on a terminal: control characters (U+0000–U+001F,
/// U+007F–U+009F: escape sequences, carriage returns, bells) are replaced by `\u{…}` escapes.
/// New imports refuse such characters; this covers rows written by older versions.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// The data directory: `K2BONE_DATA` if set, else the platform's user data directory
/// (`$XDG_DATA_HOME/k2bone` or `~/.local/share/k2bone`), else `./.k2bone`.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("K2BONE_DATA") {
        return PathBuf::from(dir);
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(xdg).join("k2bone");
    }
    if let Some(home) = std::env::var_os("HOME") {
        return PathBuf::from(home).join(".local/share/k2bone");
    }
    PathBuf::from(".k2bone")
}

/// An open, migrated database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) `k2bone.sqlite` in `dir` and applies pending migrations.
    pub fn open_in(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join("k2bone.sqlite");
        let conn = Connection::open(&path).map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Persistent in the file; a no-op once set. Returns the mode now in force. On a new file
        // the switch takes an exclusive lock, and SQLite answers BUSY at once (without the busy
        // handler, to avoid a deadlock) when this connection already holds its shared lock while
        // another one switches: so retry until the busy timeout.
        let mode: String =
            retry_while_busy(|| conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Open {
                path,
                source: rusqlite::Error::InvalidParameterName(format!(
                    "the file system refused WAL journal mode (got `{mode}`)"
                )),
            });
        }
        let mut store = Store { conn, path };
        store.migrate()?;
        Ok(store)
    }

    /// Opens the database in [`data_dir`].
    pub fn open_default() -> Result<Store, StoreError> {
        Store::open_in(&data_dir())
    }

    /// An in-memory database with every migration applied (tests).
    pub fn in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for the feature modules' queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Mutable access, for transactions.
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The schema version this database is at.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        let known = MIGRATIONS.len() as i64;
        if self.schema_version()? == known {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read under the write lock: another process may have migrated meanwhile.
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: current,
                known,
            });
        }
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            tx.execute_batch(sql)
                .and_then(|_| tx.pragma_update(None, "user_version", (i + 1) as i64))
                .map_err(|source| StoreError::Migration { name, source })?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Runs `f` again while SQLite reports the database busy, for up to [`BUSY_TIMEOUT`].
fn retry_while_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let start = std::time::Instant::now();
    loop {
        match f() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_is_at_latest_version_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let v = Store::open_in(dir.path())
            .unwrap()
            .schema_version()
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        // Reopening applies nothing new and keeps the version.
        let again = Store::open_in(dir.path()).unwrap();
        assert_eq!(again.schema_version().unwrap(), v);
    }

    #[test]
    fn file_database_is_in_wal_mode_with_a_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open_in(dir.path()).unwrap();
        let mode: String = s
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let ms: i64 = s
            .conn()
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ms, BUSY_TIMEOUT.as_millis() as i64);
    }

    #[test]
    fn concurrent_first_opens_all_succeed() {
        // Threads stand in for processes here (each has its own connection, so SQLite's file
        // locks are what serialises them); tests/concurrent_open.rs uses real processes.
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let errs: Vec<String> = std::thread::scope(|sc| {
                let hs: Vec<_> = (0..8)
                    .map(|_| sc.spawn(|| Store::open_in(dir.path()).map(|_| ())))
                    .collect();
                hs.into_iter()
                    .filter_map(|h| h.join().unwrap().err().map(|e| e.to_string()))
                    .collect()
            });
            assert!(errs.is_empty(), "{errs:?}");
        }
    }

    #[test]
    fn printable_escapes_control_characters_only() {
        assert_eq!(printable("Käse 100 g"), "Käse 100 g");
        assert_eq!(printable("x\u{1b}[2Jy\u{7}"), "x\\u{1b}[2Jy\\u{7}");
        assert!(!printable("a\r\nb\u{9b}").chars().any(char::is_control));
    }

    #[test]
    fn database_from_the_future_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open_in(dir.path()).unwrap();
            s.conn().pragma_update(None, "user_version", 999).unwrap();
        }
        let err = Store::open_in(dir.path()).err().unwrap();
        assert!(err.to_string().contains("999"), "{err}");
    }
}
