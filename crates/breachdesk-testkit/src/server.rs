//! The web application under test, served in this process on a free local port (feature
//! `web`): what the web crate's end-to-end suites and the benchmarks start. The binary's own
//! suites start the built `breachdesk serve` instead, as an operator would.

/// A running server; stopped when dropped.
#[derive(Debug)]
pub struct Served {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
    }
}

/// Serves `state` on a free local port until the returned [`Served`] is dropped.
pub async fn serve(state: breachdesk_web::AppState) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(breachdesk_web::serve(listener, state, async move {
        let _ = rx.await;
    }));
    Served {
        base,
        shutdown: Some(tx),
    }
}
