//! Saved scenarios and results (the web app's "Save" and its stable links): a request of one
//! use case, as JSON, with the last result saved with it, in the project's SQLite database
//! (migration `0004_saved_runs.sql`). A saved request's id is derived from its kind and content
//! (64-bit FNV-1a, 16 hex digits), so the same request saved twice is one row at one URL.

use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use k2bone_store::Store;

use crate::error::Context;
use crate::{AppError, AppResult};

/// Which use case a saved request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SavedKind {
    /// A [`crate::study_view::StudyViewRequest`].
    Study,
    /// A [`crate::figures::MetaViewRequest`].
    Meta,
    /// A [`crate::diary::DiaryRequest`].
    Diary,
}

impl SavedKind {
    fn key(self) -> &'static str {
        match self {
            SavedKind::Study => "study",
            SavedKind::Meta => "meta",
            SavedKind::Diary => "diary",
        }
    }

    fn parse(s: &str) -> AppResult<SavedKind> {
        match s {
            "study" => Ok(SavedKind::Study),
            "meta" => Ok(SavedKind::Meta),
            "diary" => Ok(SavedKind::Diary),
            other => Err(AppError::failed(format!(
                "saved_runs has an unknown kind `{other}`"
            ))),
        }
    }
}

/// Something to save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveRequest {
    pub kind: SavedKind,
    /// A name for lists (1 to 200 characters).
    pub title: String,
    /// The use case's request, as its endpoint takes it.
    pub request: serde_json::Value,
    /// Its result, if it has been run.
    #[serde(default)]
    pub result: Option<serde_json::Value>,
}

/// A saved request with its result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SavedRun {
    pub id: String,
    pub kind: SavedKind,
    pub title: String,
    pub request: serde_json::Value,
    pub result: Option<serde_json::Value>,
    pub created_utc: String,
    pub updated_utc: String,
}

/// One line of the list of saved runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SavedEntry {
    pub id: String,
    pub kind: SavedKind,
    pub title: String,
    pub has_result: bool,
    pub updated_utc: String,
}

/// The saved runs, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SavedList {
    pub saved: Vec<SavedEntry>,
}

/// The opened table of saved runs.
pub struct SavedRuns {
    store: Store,
}

/// The id of a request: FNV-1a (64 bit) of its kind and canonical JSON, as 16 hex digits.
pub fn saved_id(kind: SavedKind, request: &serde_json::Value) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in kind
        .key()
        .bytes()
        .chain([0u8])
        .chain(request.to_string().into_bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl SavedRuns {
    /// Opens the store in `dir` (else `K2BONE_DATA` or the user data directory).
    pub fn open(dir: Option<&Path>) -> AppResult<SavedRuns> {
        let store = match dir {
            Some(d) => Store::open_in(d),
            None => Store::open_default(),
        }
        .context("opening the k2bone database")?;
        Ok(SavedRuns { store })
    }

    /// Saves `req` (replacing the title and result of the same request saved before); returns
    /// its id.
    pub fn save(&self, req: &SaveRequest) -> AppResult<String> {
        let title = req.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(AppError::bad_input(format!(
                "title: {} characters (accepted: 1 to 200)",
                title.chars().count()
            )));
        }
        if !req.request.is_object() {
            return Err(AppError::bad_input(
                "request: must be the JSON object the use case's endpoint takes",
            ));
        }
        let id = saved_id(req.kind, &req.request);
        let result = req.result.as_ref().map(|r| r.to_string());
        self.store
            .conn()
            .execute(
                "INSERT INTO saved_runs (id, kind, title, request_json, result_json, created_utc, updated_utc)
                 VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ','now'), strftime('%Y-%m-%dT%H:%M:%SZ','now'))
                 ON CONFLICT(id) DO UPDATE SET title = excluded.title,
                     result_json = COALESCE(excluded.result_json, saved_runs.result_json),
                     updated_utc = excluded.updated_utc",
                params![id, req.kind.key(), title, req.request.to_string(), result],
            )
            .map_err(|e| AppError::failed(format!("saving `{title}`: {e}")))?;
        Ok(id)
    }

    /// The saved run `id` (bad input if there is none).
    pub fn get(&self, id: &str) -> AppResult<SavedRun> {
        let row = self
            .store
            .conn()
            .query_row(
                "SELECT id, kind, title, request_json, result_json, created_utc, updated_utc
                 FROM saved_runs WHERE id = ?1",
                params![id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| AppError::failed(format!("reading saved run `{id}`: {e}")))?;
        let Some((id, kind, title, request, result, created_utc, updated_utc)) = row else {
            return Err(AppError::bad_input(format!("no saved run `{id}`")));
        };
        Ok(SavedRun {
            id,
            kind: SavedKind::parse(&kind)?,
            title,
            request: serde_json::from_str(&request)?,
            result: result.map(|r| serde_json::from_str(&r)).transpose()?,
            created_utc,
            updated_utc,
        })
    }

    /// The newest `limit` saved runs.
    pub fn list(&self, limit: usize) -> AppResult<SavedList> {
        let fail = |e: rusqlite::Error| AppError::failed(format!("listing saved runs: {e}"));
        let mut stmt = self
            .store
            .conn()
            .prepare(
                "SELECT id, kind, title, result_json IS NOT NULL, updated_utc FROM saved_runs
                 ORDER BY updated_utc DESC, id LIMIT ?1",
            )
            .map_err(fail)?;
        let rows = stmt
            .query_map(params![limit as i64], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(fail)?;
        let mut saved = Vec::new();
        for row in rows {
            let (id, kind, title, has_result, updated_utc) = row.map_err(fail)?;
            saved.push(SavedEntry {
                id,
                kind: SavedKind::parse(&kind)?,
                title,
                has_result,
                updated_utc,
            });
        }
        Ok(SavedList { saved })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_request_same_id_and_result_kept() {
        let dir = tempfile::tempdir().unwrap();
        let s = SavedRuns::open(Some(dir.path())).unwrap();
        let request = serde_json::json!({"scenario": {"builtin": "mk7-180-3y"}});
        let mut req = SaveRequest {
            kind: SavedKind::Study,
            title: "demo".into(),
            request: request.clone(),
            result: Some(serde_json::json!({"x": 1})),
        };
        let id = s.save(&req).unwrap();
        req.title = "demo again".into();
        req.result = None;
        assert_eq!(s.save(&req).unwrap(), id);
        let got = s.get(&id).unwrap();
        assert_eq!(got.title, "demo again");
        assert_eq!(got.request, request);
        assert_eq!(got.result, Some(serde_json::json!({"x": 1})));
        assert_eq!(s.list(10).unwrap().saved.len(), 1);
        // Another kind is another id.
        assert_ne!(saved_id(SavedKind::Meta, &request), id);
        assert!(s.get("0000000000000000").unwrap_err().is_bad_input());
    }
}
