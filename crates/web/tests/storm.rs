//! The server survives a storm of malformed and oversized requests on loopback (bounded: 600
//! requests, 48 at a time, each cut off after 5 s), answering each with a 4xx or closing it,
//! and answers normally afterwards, including a simulation.

#[path = "common/http.rs"]
mod http;

use std::time::Duration;

fn storm_requests() -> Vec<Vec<u8>> {
    let big = "x".repeat(3 << 20);
    let mut v: Vec<Vec<u8>> = vec![
        b"GARBAGE\r\n\r\n".to_vec(),
        b"\x00\x01\x02\xff\xfe\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"GET /api/info HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".to_vec(),
        format!("GET /{} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", "a".repeat(20_000)).into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\n\r\n", "b".repeat(200_000)).into_bytes(),
        format!("POST /api/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{{\"scenario\":{{\"toml\":\"{big}\"}}}}", big.len() + 26).into_bytes(),
        b"POST /api/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\nConnection: close\r\n\r\n{".to_vec(),
        b"POST /api/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{{{{{".to_vec(),
        b"POST /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]".to_vec(),
        b"POST /api/diet/report HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n".to_vec(),
        b"GET /assets/..%2f..%2fCargo.toml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
        b"GET /api/foods?q=%ff%fe&limit=-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
        b"GET /api/jobs/../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
        b"DELETE /api/saved HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
        b"POST /api/saved HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".to_vec(),
        b"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec(), // never finished
    ];
    // Scenario bodies that are JSON but absurd.
    for body in [
        r#"{"scenario":{"toml":"schema = 1\n[simulation]\nduration = \"300 years\"\n[arms.a]\nmk7 = \"1 ug\""}}"#,
        r#"{"scenario":{"builtin":"../../etc/passwd"}}"#,
        r#"{"scenario":{"toml":"schema = 1\n[arms.a]\nmk7 = \"1e308 ug daily\""}}"#,
        r#"{"scenario":{"toml":"schema = 1\n[arms.a]\nmk7 = \"NaN ug daily\""}}"#,
    ] {
        v.push(format!("POST /api/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).into_bytes());
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_survives_a_storm_and_keeps_answering() {
    let dir = tempfile::tempdir().unwrap();
    let limits = k2bone_web::Limits {
        max_running: 1,
        max_queued: 4,
        ..Default::default()
    };
    let addr = http::start(dir.path(), limits).await;
    let kinds = storm_requests();
    let total = 600;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let sem = std::sync::Arc::new(tokio::sync::Semaphore::new(48));
    let mut handles = Vec::new();
    for i in 0..total {
        let req = kinds[i % kinds.len()].clone();
        let permit = sem.clone().acquire_owned().await.unwrap();
        handles.push(tokio::spawn(async move {
            let s = http::raw(addr, &req, Duration::from_secs(5)).await;
            drop(permit);
            s
        }));
    }
    for h in handles {
        *statuses.entry(h.await.unwrap()).or_default() += 1;
    }
    // No storm request succeeded as if it were fine, and none crashed the server (5xx other
    // than a full queue).
    for (status, n) in &statuses {
        assert!(
            *status == 0 || (400..500).contains(status) || *status == 202 || *status == 503,
            "{n} answers with status {status}: {statuses:?}"
        );
    }
    // The absurd scenarios that were queued fail as bad input; the server still answers.
    let (s, body) = http::request(addr, "GET", "/api/info", None).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = http::request(addr, "GET", "/api/foods?q=kale&limit=3", None).await;
    assert_eq!(s, 200, "{body}");
    // And a real run goes through once the queue has drained.
    let study = r#"{"scenario":{"toml":"schema = 1\n[simulation]\nduration = \"14 days\"\n[arms.a]\nmk7 = \"180 ug daily\"\n"},"max_points":10}"#;
    let start = std::time::Instant::now();
    let id = loop {
        let (s, body) = http::request(addr, "POST", "/api/studies", Some(study)).await;
        if s == 202 {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            break v["id"].as_str().unwrap().to_string();
        }
        assert_eq!(s, 503, "{body}");
        assert!(start.elapsed() < Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    loop {
        let (s, body) = http::request(addr, "GET", &format!("/api/jobs/{id}"), None).await;
        assert_eq!(s, 200);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        if v["state"] == "done" {
            break;
        }
        assert!(v["state"] == "queued" || v["state"] == "running", "{v}");
        assert!(start.elapsed() < Duration::from_secs(90));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("storm: {total} requests, statuses {statuses:?}");
}
