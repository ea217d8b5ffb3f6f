//! What every request passes: the `Host` check (a page on another site cannot reach the local
//! server through DNS rebinding), the `Origin` check for requests that change something (a page
//! on another site cannot post to it), and the security headers on every answer (a strict
//! content-security policy: scripts only from this server, nothing from a CDN).

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::AppState;

/// The host name of a `Host` or `Origin` value, without scheme and port.
fn host_name(value: &str) -> &str {
    let v = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .unwrap_or(value);
    if v.starts_with('[') {
        return v.split_inclusive(']').next().unwrap_or(v);
    }
    v.split(':').next().unwrap_or(v)
}

fn check(headers: &HeaderMap, method: &Method, allowed: &[String]) -> Result<(), ApiError> {
    if allowed.is_empty() {
        return Ok(());
    }
    let forbidden = |m: String| ApiError::new(axum::http::StatusCode::FORBIDDEN, "forbidden", m);
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !allowed.iter().any(|a| a == host_name(host)) {
        return Err(forbidden(format!(
            "Host `{host}` is not this server (accepted: {})",
            allowed.join(", ")
        )));
    }
    let changes = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()) {
        if changes && !allowed.iter().any(|a| a == host_name(origin)) {
            return Err(forbidden(format!(
                "requests from `{origin}` are refused (only this server's own pages may send them)"
            )));
        }
    }
    Ok(())
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
frame-ancestors 'none'; form-action 'self'";

/// The middleware: refuses foreign hosts and origins, then adds the security headers.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let verdict = {
        let allowed = state
            .inner
            .allowed_hosts
            .read()
            .unwrap_or_else(|e| e.into_inner());
        check(req.headers(), req.method(), &allowed)
    };
    let api = req.uri().path().starts_with("/api/");
    let mut res = match verdict {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if api {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        assert_eq!(host_name("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_name("localhost"), "localhost");
        assert_eq!(host_name("http://localhost:3000"), "localhost");
        assert_eq!(host_name("[::1]:8080"), "[::1]");
        assert_eq!(host_name("evil.example:80"), "evil.example");
    }
}
