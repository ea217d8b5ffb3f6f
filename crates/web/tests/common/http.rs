//! A minimal HTTP/1.1 client over a raw loopback socket for the storm test and the load bench:
//! raw so that it can also send what no client library would (broken request lines, lying
//! lengths, oversized headers).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends `raw` bytes and reads the answer until the server closes (or `timeout`); returns the
/// status code (0 = no parsable answer).
pub async fn raw(addr: SocketAddr, raw: &[u8], timeout: Duration) -> u16 {
    let run = async {
        let mut s = TcpStream::connect(addr).await.ok()?;
        s.write_all(raw).await.ok()?;
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf).await;
        let text = String::from_utf8_lossy(&buf);
        text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
    };
    tokio::time::timeout(timeout, run)
        .await
        .ok()
        .flatten()
        .unwrap_or(0)
}

/// A well-formed request with `Connection: close`; returns (status, body).
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, String) {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(b) = body {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    req.push_str("\r\n");
    if let Some(b) = body {
        req.push_str(b);
    }
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return (0, String::new());
    };
    if s.write_all(req.as_bytes()).await.is_err() {
        return (0, String::new());
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Starts the app on a free loopback port in this runtime; returns its address.
pub async fn start(data: &std::path::Path, limits: k2bone_web::Limits) -> SocketAddr {
    let state = k2bone_web::AppState::open(data, limits).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        k2bone_web::serve(addr, state, move |bound| {
            let _ = tx.send(bound);
        })
        .await
        .unwrap();
    });
    rx.await.unwrap()
}
