//! N processes opening one fresh data directory at once (issue 15: four processes failed 25% of
//! the time with "migration 0002_foods.sql failed: table foods already exists", and concurrent
//! writers with "database is locked"). The test binary re-runs itself as the children: with
//! `K2BONE_STORE_CHILD` set, `child` opens the store, writes a row in an IMMEDIATE transaction
//! and exits; the parent checks that every child succeeded and no row was lost.

use std::process::{Command, Stdio};

use k2bone_store::Store;

const CHILDREN: usize = 8;
const ROUNDS: usize = 3;

#[test]
fn child() {
    let Some(dir) = std::env::var_os("K2BONE_STORE_CHILD") else {
        return;
    };
    let id: i64 = std::env::var("K2BONE_STORE_ID").unwrap().parse().unwrap();
    let mut s = Store::open_in(std::path::Path::new(&dir)).unwrap();
    let tx = s
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    tx.execute_batch("CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY)")
        .unwrap();
    tx.execute("INSERT INTO probe (id) VALUES (?1)", [id])
        .unwrap();
    tx.commit().unwrap();
}

#[test]
fn many_processes_open_one_fresh_data_dir() {
    if std::env::var_os("K2BONE_STORE_CHILD").is_some() {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    for round in 0..ROUNDS {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("fresh");
        let kids: Vec<_> = (0..CHILDREN)
            .map(|i| {
                Command::new(&exe)
                    .args(["--exact", "child", "--nocapture", "--test-threads", "1"])
                    .env("K2BONE_STORE_CHILD", &dir)
                    .env("K2BONE_STORE_ID", i.to_string())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let failures: Vec<String> = kids
            .into_iter()
            .map(|k| k.wait_with_output().unwrap())
            .filter(|o| !o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .collect();
        assert!(
            failures.is_empty(),
            "round {round}: {}",
            failures.join("\n---\n")
        );
        let s = Store::open_in(&dir).unwrap();
        let n: i64 = s
            .conn()
            .query_row("SELECT COUNT(*) FROM probe", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, CHILDREN as i64, "round {round}: rows lost");
    }
}

/// Threads released together on fresh files, many rounds: the switch to WAL on a new file takes
/// an exclusive lock, and SQLite refuses a connection that already holds its shared lock at once
/// (no busy handler, to avoid a deadlock); seen as "database is locked" in a CLI test under load.
#[test]
fn simultaneous_first_opens_never_report_a_locked_database() {
    const THREADS: usize = 12;
    for round in 0..40 {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(THREADS));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let (dir, barrier) = (dir.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    Store::open_in(&dir).map(|_| ()).map_err(|e| e.to_string())
                })
            })
            .collect();
        for h in handles {
            if let Err(e) = h.join().unwrap() {
                panic!("round {round}: {e}");
            }
        }
    }
}
