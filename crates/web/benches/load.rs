//! Loopback load test of the web app (bounded): latency of light requests (`GET /api/info`,
//! a food search, a diet report) from 4 clients, first on an idle server, then while 6 full
//! 3-year 4-arm studies (the `mk7-180-3y` demo) queue for 2 compute slots. Prints one table;
//! run with `cargo bench -p k2bone-web --bench load`. It shows that the server keeps answering
//! while simulations run (the compute runs on blocking threads behind a bounded queue).

#[path = "../tests/common/http.rs"]
#[allow(dead_code)]
mod http;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 4;
const STUDIES: usize = 6;
const DIARY: &str = r#"{"csv":"day,food,grams\n1,natto,40\n1,kale raw,80\n2,gouda,30\n","person":{"anticoagulant":"warfarin","pregnant":false}}"#;

async fn client(
    addr: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
    max: usize,
) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) && out.len() < max {
        let kind = i % 3;
        let t = Instant::now();
        let (s, _) = match kind {
            0 => http::request(addr, "GET", "/api/info", None).await,
            1 => http::request(addr, "GET", "/api/foods?q=kale&limit=5", None).await,
            _ => http::request(addr, "POST", "/api/diet/report", Some(DIARY)).await,
        };
        assert_eq!(s, 200, "request {kind} failed");
        out.push((kind, t.elapsed().as_secs_f64() * 1e3));
        i += 1;
    }
    out
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

async fn phase(addr: std::net::SocketAddr, studies: usize) -> (Vec<(usize, f64)>, f64, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            tokio::spawn(client(
                addr,
                stop.clone(),
                if studies == 0 { 300 } else { usize::MAX },
            ))
        })
        .collect();
    let t0 = Instant::now();
    let mut ids = Vec::new();
    for _ in 0..studies {
        let (s, body) = http::request(
            addr,
            "POST",
            "/api/studies",
            Some(r#"{"scenario":{"builtin":"mk7-180-3y"},"max_points":200}"#),
        )
        .await;
        assert_eq!(s, 202, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    for id in &ids {
        loop {
            let (_, body) = http::request(addr, "GET", &format!("/api/jobs/{id}"), None).await;
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            if v["state"] == "done" {
                break;
            }
            assert!(v["state"] == "queued" || v["state"] == "running", "{v}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    if studies > 0 {
        stop.store(true, Ordering::Relaxed);
    }
    let mut all = Vec::new();
    for c in clients {
        all.extend(c.await.unwrap());
    }
    (all, t0.elapsed().as_secs_f64(), studies)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let limits = k2bone_web::Limits { max_running: 2, max_queued: 8, ..Default::default() };
        let addr = http::start(dir.path(), limits).await;
        println!("k2bone-web loopback load test: {CLIENTS} clients of light requests; then {STUDIES} studies (mk7-180-3y: 4 arms, 3 years) on 2 compute slots");
        println!("{:<34} {:>7} {:>8} {:>8} {:>8} {:>8}", "phase / request", "n", "p50 ms", "p95 ms", "p99 ms", "max ms");
        for studies in [0, STUDIES] {
            let (lat, secs, n) = phase(addr, studies).await;
            let label = if n == 0 { "idle".to_string() } else { format!("during {n} studies ({secs:.1} s)") };
            for (kind, name) in [(0, "GET /api/info"), (1, "GET /api/foods"), (2, "POST /api/diet/report")] {
                let mut v: Vec<f64> = lat.iter().filter(|(k, _)| *k == kind).map(|(_, ms)| *ms).collect();
                println!("{:<34} {:>7} {:>8.2} {:>8.2} {:>8.2} {:>8.2}", format!("{label}: {name}"), v.len(), pct(&mut v, 0.5), pct(&mut v, 0.95), pct(&mut v, 0.99), pct(&mut v, 1.0));
            }
        }
    });
}
