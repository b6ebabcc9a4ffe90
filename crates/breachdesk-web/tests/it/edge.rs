//! The server's edge as a client on the network meets it (issue 17, items 7, 10 and 11): slow and
//! silent connections, connection limits, rate limits behind a trusted proxy, graceful shutdown,
//! HSTS, the CSRF cookie and JSON bodies that name a field twice.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use breachdesk_core::clock::ManualClock;
use breachdesk_crypto::{Argon2Hasher, HashCost, MasterKey, MasterKeyring};
use breachdesk_web::{AppState, Limits, TrustedProxies};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{TestApp, breach, spawn_with};

fn addr(app: &TestApp) -> SocketAddr {
    app.base.strip_prefix("http://").unwrap().parse().unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn trusted(list: &str) -> TrustedProxies {
    TrustedProxies::new(list.split(',').map(|r| r.parse().unwrap()))
}

/// A raw TCP connection to `to` from the loopback address `from` (all of 127.0.0.0/8 is local).
async fn connect_from(from: &str, to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(ip(from), 0)).unwrap();
    socket.connect(to).await.unwrap()
}

/// Reads until the server closes the connection (end of stream or reset); `None` if it is
/// still open after `limit`. Returns what was read.
async fn until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(limit, read_all).await.ok()?;
    Some(got)
}

/// Sends one request on an open connection and reads one response to its end (by
/// `Content-Length`); returns the status.
async fn exchange(stream: &mut TcpStream, request: &str) -> u16 {
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(
            n > 0,
            "the server closed the connection instead of answering"
        );
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got);
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if got.len() >= end + 4 + length {
                return text[9..12].parse().unwrap();
            }
        }
    }
}

const HEALTHZ: &str = "GET /healthz HTTP/1.1\r\nHost: breachdesk\r\n\r\n";

async fn healthz_from(from: &str, to: SocketAddr) -> u16 {
    let client = reqwest::Client::builder()
        .local_address(ip(from))
        .build()
        .unwrap();
    client
        .get(format!("http://{to}/healthz"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Is a new connection from `from` served? A refused one is closed without an answer.
async fn served_from(from: &str, to: SocketAddr) -> bool {
    let mut s = connect_from(from, to).await;
    if s.write_all(HEALTHZ.as_bytes()).await.is_err() {
        return false;
    }
    let got = until_closed_or_answer(&mut s).await;
    got.starts_with(b"HTTP/1.1 200")
}

async fn until_closed_or_answer(s: &mut TcpStream) -> Vec<u8> {
    let mut buf = [0u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .expect("neither answered nor closed within 5 s");
    // A reset is a refusal too.
    read.map(|n| buf[..n].to_vec()).unwrap_or_default()
}

fn quiet_limits() -> Limits {
    Limits {
        intake_per_minute: 0,
        follow_up_per_minute: 0,
        sign_in_per_minute: 0,
        ..Limits::default()
    }
}

#[tokio::test]
async fn six_hundred_silent_connections_are_closed_after_the_header_timeout_while_healthz_answers()
{
    let timeout = Duration::from_millis(600);
    // The default connection limits (512 in all, 64 per address).
    let app = spawn_with(Limits {
        header_read_timeout: timeout,
        ..quiet_limits()
    })
    .await;
    let to = addr(&app);
    // 600 connections that send nothing at all, ten from each of 60 addresses.
    let opened = Instant::now();
    let mut idle = Vec::new();
    for a in 0..60 {
        for _ in 0..10 {
            let s = connect_from(&format!("127.0.1.{}", a + 1), to).await;
            idle.push((s, Instant::now()));
        }
    }
    let all_open = opened.elapsed();

    let asked = Instant::now();
    assert_eq!(healthz_from("127.0.0.1", to).await, 200);
    let answered_in = asked.elapsed();
    assert!(answered_in < timeout, "healthz took {answered_in:?}");

    // Every idle socket is closed by the server: those beyond the limit of 512 (and one more
    // for /healthz) made room for newer ones, the rest at the timeout.
    let lives = futures::future::join_all(idle.iter_mut().map(|(s, at)| async {
        until_closed(s, Duration::from_secs(10)).await.unwrap();
        at.elapsed()
    }))
    .await;
    let early = lives
        .iter()
        .filter(|l| **l < timeout.saturating_sub(Duration::from_millis(50)))
        .count();
    let longest = *lives.iter().max().unwrap();
    let timed_out = lives.len() - early;
    let shortest_timed_out = *lives.iter().filter(|l| **l >= timeout / 2).min().unwrap();
    eprintln!(
        "600 silent connections opened in {all_open:?}; /healthz answered in {answered_in:?}; \
         {early} made room for newer ones, {timed_out} closed {shortest_timed_out:?} to \
         {longest:?} after opening (timeout {timeout:?})"
    );
    assert!(early <= 600 - 512 + 1, "{early} closed early");
    assert!(timed_out >= 511, "{timed_out}");
    assert!(longest < timeout + Duration::from_secs(2), "{longest:?}");
}

#[tokio::test]
async fn headers_trickled_byte_by_byte_are_cut_off_at_the_header_timeout_from_the_connect() {
    let timeout = Duration::from_millis(600);
    let app = spawn_with(Limits {
        header_read_timeout: timeout,
        ..quiet_limits()
    })
    .await;
    let stream = TcpStream::connect(addr(&app)).await.unwrap();
    let started = Instant::now();
    let (mut read, mut write) = stream.into_split();
    let trickle = tokio::spawn(async move {
        // Slowloris: silent for a while, then a header line a byte at a time, never finished.
        tokio::time::sleep(Duration::from_millis(400)).await;
        for b in b"GET /healthz HTTP/1.1\r\nHost: breachdesk\r\nX-Padding: "
            .iter()
            .cycle()
        {
            if write.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let mut buf = [0u8; 256];
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    let after = started.elapsed();
    trickle.abort();
    assert!(closed.is_ok(), "still open after 5 s");
    // The first byte does not restart the clock.
    assert!(
        after >= timeout.saturating_sub(Duration::from_millis(50))
            && after < Duration::from_millis(900),
        "{after:?}"
    );
}

#[tokio::test]
async fn a_body_trickled_byte_by_byte_is_answered_408_at_the_request_timeout_and_closed() {
    let app = spawn_with(Limits {
        request_timeout: Duration::from_secs(1),
        ..quiet_limits()
    })
    .await;
    let stream = TcpStream::connect(addr(&app)).await.unwrap();
    let started = Instant::now();
    let (mut read, mut write) = stream.into_split();
    let trickle = tokio::spawn(async move {
        let head = "POST /api/v1/follow-up HTTP/1.1\r\nHost: breachdesk\r\n\
                    Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
        write.write_all(head.as_bytes()).await.unwrap();
        loop {
            if write.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let mut got = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), read.read_to_end(&mut got)).await;
    let after = started.elapsed();
    trickle.abort();
    assert!(closed.is_ok(), "still open after 5 s");
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(
        after >= Duration::from_millis(950) && after < Duration::from_secs(3),
        "{after:?}"
    );
}

#[tokio::test]
async fn a_kept_alive_connection_may_idle_longer_than_the_header_timeout_until_the_keep_alive_timeout()
 {
    let app = spawn_with(Limits {
        header_read_timeout: Duration::from_millis(300),
        keep_alive_timeout: Duration::from_millis(1500),
        ..quiet_limits()
    })
    .await;
    let mut s = TcpStream::connect(addr(&app)).await.unwrap();
    assert_eq!(exchange(&mut s, HEALTHZ).await, 200);
    // Idle for more than the header timeout: a kept-alive connection is not cut.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(exchange(&mut s, HEALTHZ).await, 200);
    let idle_from = Instant::now();
    assert!(until_closed(&mut s, Duration::from_secs(5)).await.is_some());
    let idle = idle_from.elapsed();
    assert!(
        idle >= Duration::from_millis(1400) && idle < Duration::from_millis(2500),
        "closed after {idle:?} idle"
    );
}

#[tokio::test]
async fn one_address_gets_its_share_of_connections_and_others_are_still_served() {
    let app = spawn_with(Limits {
        max_connections_per_address: 4,
        ..quiet_limits()
    })
    .await;
    let to = addr(&app);
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut s = connect_from("127.0.0.1", to).await;
        assert_eq!(exchange(&mut s, HEALTHZ).await, 200);
        held.push(s);
    }
    // The fifth from the same address is closed unanswered...
    assert!(!served_from("127.0.0.1", to).await);
    // ...while another address is served.
    assert_eq!(healthz_from("127.0.0.2", to).await, 200);
    assert!(served_from("127.0.0.2", to).await);
    // A freed slot can be used again (as soon as the server has seen the close).
    drop(held.pop());
    let deadline = Instant::now() + Duration::from_secs(5);
    while !served_from("127.0.0.1", to).await {
        assert!(Instant::now() < deadline, "the slot was never freed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_trusted_proxy_may_hold_more_connections_than_one_address_may() {
    let app = spawn_with(Limits {
        max_connections_per_address: 4,
        trusted_proxies: trusted("127.0.0.3"),
        ..quiet_limits()
    })
    .await;
    let to = addr(&app);
    let mut held = Vec::new();
    for _ in 0..12 {
        let mut s = connect_from("127.0.0.3", to).await;
        assert_eq!(exchange(&mut s, HEALTHZ).await, 200);
        held.push(s);
    }
    assert!(served_from("127.0.0.3", to).await);
}

#[tokio::test]
async fn at_the_connection_limit_a_new_client_replaces_a_silent_one_and_is_refused_only_when_all_are_busy()
 {
    let app = spawn_with(Limits {
        max_connections: 4,
        ..quiet_limits()
    })
    .await;
    let to = addr(&app);
    let mut silent = Vec::new();
    for n in 0..4 {
        silent.push(connect_from(&format!("127.0.2.{}", n + 1), to).await);
    }
    // A client arriving at the limit is served; the oldest silent connection made room.
    assert!(served_from("127.0.2.100", to).await);
    assert!(
        until_closed(&mut silent[0], Duration::from_secs(1))
            .await
            .is_some()
    );
    drop(silent);

    // Four requests whose bodies are still coming: every connection is busy.
    let body = r#"{"receipt_code": "not a code"}"#;
    let head = format!(
        "POST /api/v1/follow-up HTTP/1.1\r\nHost: breachdesk\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        &body[..3]
    );
    let mut busy = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while busy.len() < 4 {
        assert!(Instant::now() < deadline, "could not open four connections");
        let mut s = connect_from("127.0.2.1", to).await;
        if s.write_all(head.as_bytes()).await.is_ok() {
            busy.push(s);
        }
    }
    // Let the server read the heads.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!served_from("127.0.2.100", to).await);
    // One request done: its connection idles and can make room again.
    busy[0].write_all(&body.as_bytes()[3..]).await.unwrap();
    let mut answer = [0u8; 12];
    busy[0].read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 422");
    assert!(served_from("127.0.2.100", to).await);
}

/// Receipt-code attempts (limited per client address) as sent through a proxy.
async fn follow_up_attempt(app: &TestApp, from: &str, headers: &[(&str, &str)]) -> u16 {
    let client = reqwest::Client::builder()
        .local_address(ip(from))
        .build()
        .unwrap();
    let mut req = client
        .post(app.url("/api/v1/follow-up"))
        .json(&serde_json::json!({ "receipt_code": "not a code" }));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_rate_limit() {
    let app = spawn_with(Limits {
        follow_up_per_minute: 3,
        trusted_proxies: trusted("127.0.0.1,10.0.0.0/8"),
        ..quiet_limits()
    })
    .await;
    let alice = [("x-forwarded-for", "198.51.100.1")];
    for _ in 0..3 {
        assert_eq!(follow_up_attempt(&app, "127.0.0.1", &alice).await, 422);
    }
    assert_eq!(follow_up_attempt(&app, "127.0.0.1", &alice).await, 429);
    // Alice cannot escape her limit by prepending addresses of her own...
    let spoof = [("x-forwarded-for", "203.0.113.77, 198.51.100.1")];
    assert_eq!(follow_up_attempt(&app, "127.0.0.1", &spoof).await, 429);
    // ...nor through a chain of trusted proxies.
    let chain = [("x-forwarded-for", "203.0.113.77, 198.51.100.1, 10.9.8.7")];
    assert_eq!(follow_up_attempt(&app, "127.0.0.1", &chain).await, 429);
    // Bob, behind the same proxy, is not affected; RFC 7239 works the same.
    let bob = [("forwarded", "for=\"[2001:db8::b0b]:4711\";proto=https")];
    assert_eq!(follow_up_attempt(&app, "127.0.0.1", &bob).await, 422);
    let carol = [("x-forwarded-for", "198.51.100.3")];
    assert_eq!(follow_up_attempt(&app, "127.0.0.1", &carol).await, 422);
}

#[tokio::test]
async fn forwarding_headers_from_an_untrusted_peer_change_nothing_and_peers_count_apart() {
    let app = spawn_with(Limits {
        follow_up_per_minute: 3,
        trusted_proxies: trusted("127.0.0.9"),
        ..quiet_limits()
    })
    .await;
    for n in 0..3 {
        let claim = format!("198.51.100.{n}");
        let h = [("x-forwarded-for", claim.as_str())];
        assert_eq!(follow_up_attempt(&app, "127.0.0.1", &h).await, 422);
    }
    let h = [("x-forwarded-for", "198.51.100.200")];
    assert_eq!(follow_up_attempt(&app, "127.0.0.1", &h).await, 429);
    // The peer address reaches the handlers: another address has its own limit.
    assert_eq!(follow_up_attempt(&app, "127.0.0.2", &[]).await, 422);
}

/// A server of our own, to control its shutdown.
struct Running {
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

async fn start(limits: Limits) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let store = breachdesk_store::connect(None, dir.path()).await.unwrap();
    let state = AppState::new(
        store,
        MasterKeyring::new(&MasterKey::generate()),
        Argon2Hasher::new(HashCost::Test),
        Arc::new(ManualClock::new(crate::helpers::NOW.parse().unwrap())),
        limits,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(breachdesk_web::serve(listener, state, async move {
        let _ = rx.await;
    }));
    Running {
        addr,
        stop,
        served,
        _dir: dir,
    }
}

#[tokio::test]
async fn shutdown_finishes_the_request_in_flight_and_closes_idle_connections() {
    let server = start(quiet_limits()).await;
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    assert_eq!(exchange(&mut idle, HEALTHZ).await, 200);
    let mut busy = TcpStream::connect(server.addr).await.unwrap();
    let body = r#"{"receipt_code": "not a code"}"#;
    let head = format!(
        "POST /api/v1/follow-up HTTP/1.1\r\nHost: breachdesk\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    busy.write_all(head.as_bytes()).await.unwrap();
    busy.write_all(&body.as_bytes()[..5]).await.unwrap();
    // Let the server start handling it.
    tokio::time::sleep(Duration::from_millis(200)).await;

    server.stop.send(()).unwrap();
    // The idle connection is closed, no new ones are taken...
    assert!(
        until_closed(&mut idle, Duration::from_secs(2))
            .await
            .is_some()
    );
    let deadline = Instant::now() + Duration::from_secs(2);
    while TcpStream::connect(server.addr).await.is_ok() {
        assert!(Instant::now() < deadline, "still accepting after shutdown");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // ...but the request in flight is answered in full.
    busy.write_all(&body.as_bytes()[5..]).await.unwrap();
    let got = until_closed(&mut busy, Duration::from_secs(5))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 422"), "{text}");
    assert!(text.contains("receipt_code"), "{text}");
    tokio::time::timeout(Duration::from_secs(5), server.served)
        .await
        .expect("serve returns once the last request is done")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn hsts_is_sent_only_when_configured() {
    let plain = spawn_with(quiet_limits()).await;
    let r = plain.http.get(plain.url("/healthz")).send().await.unwrap();
    assert!(r.headers().get("strict-transport-security").is_none());

    let https = spawn_with(Limits {
        hsts_max_age: Some(31_536_000),
        ..quiet_limits()
    })
    .await;
    for path in ["/healthz", "/report/uni", "/no/such/page", "/api/v1/cases"] {
        let r = https.http.get(https.url(path)).send().await.unwrap();
        assert_eq!(
            r.headers()
                .get("strict-transport-security")
                .map(|v| v.to_str().unwrap()),
            Some("max-age=31536000"),
            "{path}"
        );
    }
}

fn set_cookie(r: &reqwest::Response) -> String {
    r.headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

fn hidden_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

async fn follow_up_form(app: &TestApp, cookie: &str, token: &str) -> u16 {
    app.http
        .post(app.url("/follow-up"))
        .header("cookie", cookie)
        .form(&[("csrf_token", token), ("receipt_code", "not a code")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_csrf_cookie_is_secure_and_host_prefixed_unless_cookies_are_insecure() {
    let app = spawn_with(quiet_limits()).await;
    let r = app.http.get(app.url("/follow-up")).send().await.unwrap();
    let cookie = set_cookie(&r);
    let token = hidden_token(&r.text().await.unwrap());
    assert!(cookie.starts_with("__Host-bd_csrf="), "{cookie}");
    let attrs: Vec<&str> = cookie.split(';').map(str::trim).collect();
    for attr in ["Path=/", "HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(attrs.contains(&attr), "{attr} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let pair = attrs[0];
    assert_ne!(follow_up_form(&app, pair, &token).await, 403);
    // A cookie without the prefix could have been planted by a sibling (sub)domain or over
    // plain HTTP: it does not count.
    let planted = format!("bd_csrf={token}");
    assert_eq!(follow_up_form(&app, &planted, &token).await, 403);

    let insecure = spawn_with(Limits {
        secure_cookies: false,
        ..quiet_limits()
    })
    .await;
    let r = insecure
        .http
        .get(insecure.url("/follow-up"))
        .send()
        .await
        .unwrap();
    let cookie = set_cookie(&r);
    let token = hidden_token(&r.text().await.unwrap());
    assert!(cookie.starts_with("bd_csrf="), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    let pair = cookie.split(';').next().unwrap();
    assert_ne!(follow_up_form(&insecure, pair, &token).await, 403);
}

async fn post_raw(app: &TestApp, path: &str, body: &str) -> (u16, Value) {
    let r = app
        .http
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_json_body_naming_a_field_twice_is_refused_with_422_naming_the_field() {
    let app = spawn_with(quiet_limits()).await;
    let report = breach().to_string();
    let twice = report.replacen("\"system\":", "\"system\":\"Moodle\",\"system\":", 1);
    assert_ne!(twice, report);
    let (status, body) = post_raw(&app, "/api/v1/orgs/uni/reports", &twice).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"]["system"][0].is_string(), "{body}");
    assert_eq!(body["errors"].as_object().unwrap().len(), 1, "{body}");
    assert_eq!(app.case_count().await, 0, "nothing was stored");

    // Nested keys are named by their path.
    let nested = report.replacen('{', r#"{"extra":[{"a":1},{"b":1,"b":2}],"#, 1);
    let (status, body) = post_raw(&app, "/api/v1/orgs/uni/reports", &nested).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"]["extra[1].b"][0].is_string(), "{body}");

    let (status, body) = post_raw(
        &app,
        "/api/v1/follow-up",
        r#"{"receipt_code":"a","receipt_code":"b"}"#,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"]["receipt_code"][0].is_string(), "{body}");

    // The same report without the duplicate is accepted; malformed JSON is still a 400.
    assert_eq!(
        post_raw(&app, "/api/v1/orgs/uni/reports", &report).await.0,
        201
    );
    assert_eq!(
        post_raw(&app, "/api/v1/orgs/uni/reports", "{\"a\":")
            .await
            .0,
        400
    );
}
