//! The project's one embedded SQLite database: trials (evidence engine) and foods (diet).
//!
//! The database file is created on first use in the user's data directory, or where
//! `K2BONE_DATA` points. Schema changes are numbered migrations in `migrations/`, applied in
//! order and recorded in SQLite's `user_version`, so an old database is upgraded in place.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

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
        let current = self.schema_version()?;
        let known = MIGRATIONS.len() as i64;
        if current > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: current,
                known,
            });
        }
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)
                .and_then(|_| tx.pragma_update(None, "user_version", (i + 1) as i64))
                .map_err(|source| StoreError::Migration { name, source })?;
            tx.commit()?;
        }
        Ok(())
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
