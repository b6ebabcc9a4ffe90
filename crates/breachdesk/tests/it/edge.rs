//! `breachdesk serve` at the network's edge, as an operator configures it (issue 17, items 7, 10
//! and 11): trusted proxies, connection timeouts and limits, HSTS, SIGTERM with a request in
//! flight.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Server, bin};

/// `serve` on a free port with `args` after the subcommand and `env` set.
fn serve(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Server {
    let mut cmd = bin();
    cmd.envs(env.iter().copied());
    let mut child = cmd
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    reader.read_line(&mut line).unwrap();
    let rest = String::from_utf8_lossy(reader.buffer()).into_owned();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server { child, base, rest }
}

fn addr(server: &Server) -> SocketAddr {
    server
        .base
        .strip_prefix("http://")
        .unwrap()
        .parse()
        .unwrap()
}

/// One receipt-code attempt through a proxy that says the client is `client`; the status.
fn follow_up_via_proxy(server: &Server, client: &str) -> u16 {
    let body = r#"{"receipt_code":"not a code"}"#;
    let mut s = TcpStream::connect(addr(server)).unwrap();
    write!(
        s,
        "POST /api/v1/follow-up HTTP/1.1\r\nHost: breachdesk\r\nConnection: close\r\n\
         X-Forwarded-For: {client}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer[9..12].parse().unwrap()
}

#[test]
fn behind_a_trusted_proxy_each_client_it_names_has_its_own_follow_up_limit() {
    let tmp = tempfile::tempdir().unwrap();
    // Configured by environment, as in a container.
    let server = serve(
        tmp.path(),
        &[("BREACHDESK_TRUSTED_PROXY", "10.0.0.0/8, 127.0.0.1")],
        &["--follow-up-per-minute", "3"],
    );
    for _ in 0..3 {
        assert_eq!(follow_up_via_proxy(&server, "198.51.100.1"), 422);
    }
    assert_eq!(follow_up_via_proxy(&server, "198.51.100.1"), 429);
    assert_eq!(
        follow_up_via_proxy(&server, "203.0.113.5, 198.51.100.1"),
        429,
        "prepending an address does not help"
    );
    assert_eq!(follow_up_via_proxy(&server, "198.51.100.2"), 422);
}

#[test]
fn without_trusted_proxies_the_forwarded_client_is_not_believed() {
    let tmp = tempfile::tempdir().unwrap();
    let server = serve(tmp.path(), &[], &["--follow-up-per-minute", "3"]);
    for n in 0..3 {
        assert_eq!(
            follow_up_via_proxy(&server, &format!("198.51.100.{n}")),
            422
        );
    }
    assert_eq!(follow_up_via_proxy(&server, "198.51.100.9"), 429);
}

#[test]
fn a_trusted_proxy_that_is_not_an_address_is_refused_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bin()
        .arg("--data-dir")
        .arg(tmp.path())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--trusted-proxy",
            "10.0.0.1,proxy.example",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("proxy.example"), "{err}");
    assert!(err.contains("CIDR"), "{err}");
}

/// Waits until the server closes `s`; how long that took from `since`.
fn closed_after(s: &mut TcpStream, since: Instant) -> Duration {
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut buf = [0u8; 256];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return since.elapsed(),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return since.elapsed(),
            Err(e) => panic!("not closed: {e}"),
        }
    }
}

#[test]
fn serve_closes_silent_connections_limits_them_per_address_and_sends_hsts_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let server = serve(
        tmp.path(),
        &[],
        &[
            "--header-timeout-secs",
            "1",
            "--max-connections-per-address",
            "3",
            "--hsts-max-age",
            "63072000",
        ],
    );
    let to = addr(&server);
    let opened = Instant::now();
    let mut silent: Vec<TcpStream> = (0..3).map(|_| TcpStream::connect(to).unwrap()).collect();
    // A fourth from the same address is closed at once, unanswered.
    let mut fourth = TcpStream::connect(to).unwrap();
    let _ = fourth.write_all(b"GET /healthz HTTP/1.1\r\nHost: b\r\n\r\n");
    let refused = closed_after(&mut fourth, Instant::now());
    assert!(refused < Duration::from_millis(500), "{refused:?}");
    // The three silent ones are closed by the server after the header timeout.
    for s in &mut silent {
        let after = closed_after(s, opened);
        assert!(
            after >= Duration::from_millis(950) && after < Duration::from_secs(3),
            "{after:?}"
        );
    }
    // Then the address is served again, with HSTS.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let hsts = rt.block_on(async {
        let r = reqwest::get(format!("{}/healthz", server.base))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.headers()
            .get("strict-transport-security")
            .map(|v| v.to_str().unwrap().to_owned())
    });
    assert_eq!(hsts.as_deref(), Some("max-age=63072000"));
}

#[cfg(unix)]
#[test]
fn sigterm_lets_the_request_in_flight_finish_before_the_server_exits() {
    let tmp = tempfile::tempdir().unwrap();
    let mut server = serve(tmp.path(), &[], &[]);
    let body = r#"{"receipt_code":"not a code"}"#;
    let mut s = TcpStream::connect(addr(&server)).unwrap();
    write!(
        s,
        "POST /api/v1/follow-up HTTP/1.1\r\nHost: breachdesk\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        &body[..5]
    )
    .unwrap();
    // Let the server start handling it.
    std::thread::sleep(Duration::from_millis(300));
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(300));
    s.write_all(&body.as_bytes()[5..]).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 422"), "{answer}");
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}
