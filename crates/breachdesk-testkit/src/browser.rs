//! A real headless Chromium for the suites: Debian's chromium driven by chromedriver over
//! `WebDriver` (fantoccini), with axe-core's accessibility check of a page and the small steps
//! a flow is written in (fill, choose, submit, wait for the next document). `scripts/test`
//! installs chromium, chromedriver and axe-core (`target/browser`); `BREACHDESK_AXE_JS` points
//! elsewhere.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// A running chromedriver; stopped when dropped.
#[derive(Debug)]
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn axe_source() -> String {
    let path = std::env::var_os("BREACHDESK_AXE_JS").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/browser/node_modules/axe-core/axe.min.js")
        },
        PathBuf::from,
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core not found at {} ({e}): run `npm install --prefix target/browser axe-core@4.14.1` (scripts/test does it)",
            path.display()
        )
    })
}

/// Starts chromedriver on a free port and waits for the line saying it listens.
pub fn chromedriver() -> (Driver, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(std::env::var("CHROMEDRIVER").unwrap_or("chromedriver".into()))
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("chromedriver not found ({e}): apt-get install chromium chromium-driver (scripts/test does it)")
        });
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "chromedriver quit");
        if line.contains("started successfully") {
            break;
        }
    }
    // Keep draining its output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in out.lines() {});
    (Driver(child), port)
}

pub async fn browser(port: u16, profile: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": std::env::var("CHROMIUM").unwrap_or("/usr/bin/chromium".into()),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=en",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("chromedriver starts chromium")
}

/// Runs axe-core on the current page; fails on serious or critical violations.
pub async fn check_accessibility(c: &Client, axe: &str, page: &str) {
    c.execute(&format!("{axe}\nreturn true;"), vec![])
        .await
        .unwrap();
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(r => done(
               r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))));",
            vec![],
        )
        .await
        .unwrap();
    let violations: Vec<String> = serde_json::from_value(result).unwrap();
    assert!(violations.is_empty(), "{page}: {violations:#?}");
}

pub async fn fill(c: &Client, id: &str, value: &str) {
    let e = c.find(Locator::Id(id)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

/// Picks an option of a select by its value.
pub async fn choose(c: &Client, id: &str, value: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

/// Sets an input's value directly (date-time pickers take keys in the browser's locale order).
pub async fn set_value(c: &Client, id: &str, value: &str) {
    c.execute(
        "document.getElementById(arguments[0]).value = arguments[1]; return true;",
        vec![Value::from(id), Value::from(value)],
    )
    .await
    .unwrap();
}

/// Marks the current document, so that the next one can be told apart even at the same URL.
pub async fn mark_document(c: &Client) {
    c.execute("window.__bdOld = true; return true;", vec![])
        .await
        .unwrap();
}

/// Waits until the marked document has been replaced by a new, fully loaded one.
pub async fn wait_for_new_document(c: &Client) {
    let started = std::time::Instant::now();
    loop {
        let fresh = c
            .execute(
                "return window.__bdOld === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await
            .unwrap_or(Value::Bool(false));
        if fresh == Value::Bool(true) {
            return;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no new page after 20 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Clicks an element that leads to a new page and waits for that page.
pub async fn click_through(c: &Client, locator: Locator<'_>) {
    mark_document(c).await;
    c.find(locator).await.unwrap().click().await.unwrap();
    wait_for_new_document(c).await;
}

pub async fn submit(c: &Client, form_css: &str) {
    click_through(c, Locator::Css(&format!("{form_css} button[type=submit]"))).await;
}

pub async fn body(c: &Client) -> String {
    c.source().await.unwrap()
}

pub async fn current(c: &Client) -> String {
    let u = c.current_url().await.unwrap();
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_owned(),
    }
}
