//! The accept loop: HTTP/1 connections served by hyper, with what `axum::serve` lacks (issue 17,
//! item 10) — a slow or silent client cannot hold a connection, and no address can take them
//! all.
//!
//! Each connection has a watchdog that knows whether a request is being handled (the handler's
//! own time is bounded by the router's request timeout, which also covers reading the body) and,
//! when none is, what the connection is waiting for, as Go's `net/http` does:
//! * the head of its first request: closed `header_read_timeout` after it was accepted, whether
//!   nothing comes or bytes trickle in;
//! * the next request on a kept-alive connection: closed after `keep_alive_timeout` idle;
//! * the rest of a head whose first byte has come: closed `header_read_timeout` after that byte.
//!
//! While a response is written the idle time counts from the last write, so a large download is
//! not cut off but a client that stops reading is. hyper's own header timeout is not used: it
//! restarts after every response and so would also cut kept-alive connections at the header
//! timeout.
//!
//! A connection beyond `max_connections_per_address` from one peer address (trusted proxies
//! exempt) is closed as soon as it is accepted: the client learns at once instead of waiting in
//! the backlog, and the descriptor is returned at once. At `max_connections` a new connection
//! takes the place of the one handling no request whose deadline is nearest — typically a
//! silent one about to time out anyway — so that silent connections from many addresses cannot
//! lock everyone out for a header timeout (a new connection waits for its head with the
//! farthest deadline, and is the last to go). Only when every connection is handling a request
//! is the new one closed.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};
use tokio::time::Instant;
use tower::ServiceExt;

use crate::client::TrustedProxies;
use crate::state::Limits;

/// What the accept loop needs of [`Limits`].
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub header_read_timeout: Duration,
    pub keep_alive_timeout: Duration,
    pub max_connections: usize,
    pub max_connections_per_address: usize,
    pub trusted_proxies: TrustedProxies,
    /// After shutdown, how long requests in flight may still take.
    pub drain: Duration,
}

impl From<&Limits> for Settings {
    fn from(l: &Limits) -> Self {
        Self {
            header_read_timeout: l.header_read_timeout,
            keep_alive_timeout: l.keep_alive_timeout,
            // Far beyond any descriptor limit; keeps the count within a semaphore's u32.
            max_connections: l.max_connections.clamp(1, 1 << 20),
            max_connections_per_address: l.max_connections_per_address,
            trusted_proxies: l.trusted_proxies.clone(),
            drain: l.request_timeout + l.header_read_timeout,
        }
    }
}

/// Accepts until `shutdown` completes, then closes idle connections and waits (at most
/// `drain`) for those with a request in flight.
pub(crate) async fn run(
    listener: TcpListener,
    app: Router,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let settings = Arc::new(settings);
    // Every connection holds a permit: all permits back means every connection has ended.
    let slots = Arc::new(Semaphore::new(settings.max_connections));
    let per_address = Arc::new(PerAddress::default());
    let open = Arc::new(Open::default());
    let (stop, stopped) = watch::channel(false);
    let mut refused = Refusals::default();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
        };
        let address = if settings.trusted_proxies.contains(peer.ip()) {
            None
        } else if let Ok(a) = per_address.enter(peer.ip(), settings.max_connections_per_address) {
            a
        } else {
            refused.count("the per-address connection limit");
            continue;
        };
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) if open.evict_one() => {
                // The evicted connection's task gives its slot back at once.
                let freed = tokio::time::timeout(EVICTION_WAIT, slots.clone().acquire_owned());
                if let Ok(Ok(slot)) = freed.await {
                    slot
                } else {
                    refused.count("the connection limit");
                    continue;
                }
            }
            Err(_) => {
                refused.count("the connection limit (every connection busy)");
                continue;
            }
        };
        let watchdog = Arc::new(Watchdog::new(&settings));
        let registered = open.register(watchdog.clone());
        let app = app.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move {
            connection(stream, peer, app, watchdog, stopped).await;
            drop((registered, address, slot));
        });
    }
    drop(listener);
    stop.send_replace(true);
    let all = u32::try_from(settings.max_connections).expect("at most 2^20");
    if tokio::time::timeout(settings.drain, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            open = settings.max_connections - slots.available_permits(),
            "shutdown: connections still busy after the request timeout are dropped"
        );
    }
    Ok(())
}

/// Accept errors: a connection that died in the backlog is no matter; anything else (out of
/// file descriptors) gets a pause, so the loop does not spin while it lasts.
async fn accept_failed(e: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        tracing::error!(error = %e, "accepting a connection failed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Counts refused connections and says so at most once a minute (with no addresses: they are
/// not logged).
#[derive(Debug, Default)]
struct Refusals {
    since: Option<Instant>,
    count: u64,
}

impl Refusals {
    fn count(&mut self, limit: &'static str) {
        self.count += 1;
        let now = Instant::now();
        if self
            .since
            .is_none_or(|s| now.duration_since(s) >= Duration::from_mins(1))
        {
            tracing::warn!(
                refused = self.count,
                limit,
                "connections closed unanswered: a limit was reached"
            );
            self.since = Some(now);
            self.count = 0;
        }
    }
}

/// How long the accept loop waits for an evicted connection's slot.
const EVICTION_WAIT: Duration = Duration::from_millis(100);

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    watchdog: Arc<Watchdog>,
    mut stopped: watch::Receiver<bool>,
) {
    // Small answers go out at once rather than waiting for Nagle's algorithm.
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(Watched {
        inner: stream,
        watchdog: watchdog.clone(),
    });
    let service = {
        let watchdog = watchdog.clone();
        hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            let busy = watchdog.begin();
            let answer = app.clone().oneshot(req);
            async move {
                let response = answer.await;
                drop(busy);
                response
            }
        })
    };
    let conn = hyper::server::conn::http1::Builder::new()
        // Ours is the watchdog's (see above).
        .header_read_timeout(None)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            // Dropping the connection closes it.
            () = watchdog.expired() => return,
            _ = stopped.changed(), if !stopping => {
                // Idle connections close now, busy ones after their response.
                conn.as_mut().graceful_shutdown();
                stopping = true;
            }
        }
    }
}

/// Which timeout a connection is under; see the module documentation.
#[derive(Debug)]
struct Watchdog {
    phase: Mutex<Phase>,
    changed: Notify,
    header_read: Duration,
    keep_alive: Duration,
}

#[derive(Debug)]
struct Phase {
    /// Requests being handled (more than one only if the client pipelines).
    busy: usize,
    /// Has a request been answered on this connection?
    served: bool,
    /// Since when no request has been handled (the connection's start, at first).
    idle_since: Instant,
    /// When the first byte of a later request came.
    head_since: Option<Instant>,
    last_write: Option<Instant>,
    /// Chosen to make room for a new connection: closes as soon as no request is handled.
    evicted: bool,
}

impl Watchdog {
    fn new(settings: &Settings) -> Self {
        Self {
            phase: Mutex::new(Phase {
                busy: 0,
                served: false,
                idle_since: Instant::now(),
                head_since: None,
                last_write: None,
                evicted: false,
            }),
            changed: Notify::new(),
            header_read: settings.header_read_timeout,
            keep_alive: settings.keep_alive_timeout,
        }
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        // The phase is a few plain values, consistent after any panic.
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// When the connection is to be closed; `None` while a request is handled.
    fn deadline(&self) -> Option<Instant> {
        let p = self.phase();
        if p.busy > 0 {
            return None;
        }
        if p.evicted {
            return Some(p.idle_since);
        }
        let progress = |t: Instant| p.last_write.map_or(t, |w| w.max(t));
        Some(match p.head_since {
            // The first request's head, counted from the accept however it trickles in.
            _ if !p.served => p.idle_since + self.header_read,
            Some(t) => progress(t) + self.header_read,
            None => progress(p.idle_since) + self.keep_alive,
        })
    }

    /// Completes when the deadline has passed.
    async fn expired(&self) {
        loop {
            match self.deadline() {
                None => self.changed.notified().await,
                Some(d) if d <= Instant::now() => return,
                Some(d) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(d) => {}
                        () = self.changed.notified() => {}
                    }
                }
            }
        }
    }

    /// The deadline of a connection that may be evicted: handling no request, not yet evicted.
    fn evictable(&self) -> Option<Instant> {
        if self.phase().evicted {
            return None;
        }
        self.deadline()
    }

    fn evict(&self) {
        self.phase().evicted = true;
        self.changed.notify_one();
    }

    /// A request's head has been read: no timeout of ours until it is answered.
    fn begin(self: &Arc<Self>) -> Busy {
        let mut p = self.phase();
        p.busy += 1;
        p.head_since = None;
        drop(p);
        self.changed.notify_one();
        Busy(self.clone())
    }

    fn read(&self) {
        let mut p = self.phase();
        if p.busy == 0 && p.head_since.is_none() {
            p.head_since = Some(Instant::now());
            drop(p);
            // The header deadline may come before the keep-alive one.
            self.changed.notify_one();
        }
    }

    fn wrote(&self) {
        // Only ever moves the deadline later: the watchdog sees it when it wakes.
        self.phase().last_write = Some(Instant::now());
    }
}

/// A request being handled.
#[derive(Debug)]
struct Busy(Arc<Watchdog>);

impl Drop for Busy {
    fn drop(&mut self) {
        let mut p = self.0.phase();
        p.busy -= 1;
        if p.busy == 0 {
            p.served = true;
            p.idle_since = Instant::now();
        }
        drop(p);
        self.0.changed.notify_one();
    }
}

/// The socket, telling the watchdog when bytes come and go.
#[derive(Debug)]
struct Watched {
    inner: TcpStream,
    watchdog: Arc<Watchdog>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.watchdog.read();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.watchdog.wrote();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.watchdog.wrote();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The open connections' watchdogs, to choose one to evict.
#[derive(Debug, Default)]
struct Open {
    watchdogs: Mutex<HashMap<u64, Arc<Watchdog>>>,
    next: std::sync::atomic::AtomicU64,
}

/// A connection's entry in [`Open`], removed on drop.
#[derive(Debug)]
struct Registered(Arc<Open>, u64);

impl Open {
    fn watchdogs(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Watchdog>>> {
        self.watchdogs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn register(self: &Arc<Self>, watchdog: Arc<Watchdog>) -> Registered {
        let id = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.watchdogs().insert(id, watchdog);
        Registered(self.clone(), id)
    }

    /// Marks the connection handling no request whose deadline is nearest; false if every
    /// connection is handling one.
    fn evict_one(&self) -> bool {
        let watchdogs = self.watchdogs();
        let victim = watchdogs
            .values()
            .filter_map(|w| w.evictable().map(|d| (d, w)))
            .min_by_key(|(d, _)| *d);
        match victim {
            Some((_, w)) => {
                w.evict();
                true
            }
            None => false,
        }
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.0.watchdogs().remove(&self.1);
    }
}

/// Open connections per peer address.
#[derive(Debug, Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

/// The address already has its share.
#[derive(Debug)]
struct Full;

/// One connection's place in its address's count, given back on drop.
#[derive(Debug)]
struct AddressSlot(Arc<PerAddress>, IpAddr);

impl PerAddress {
    fn counts(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for one more connection from `ip`; `Ok(None)` when there is no limit (0).
    fn enter(self: &Arc<Self>, ip: IpAddr, max: usize) -> Result<Option<AddressSlot>, Full> {
        if max == 0 {
            return Ok(None);
        }
        let ip = ip.to_canonical();
        let mut counts = self.counts();
        let n = counts.entry(ip).or_default();
        if *n >= max {
            return Err(Full);
        }
        *n += 1;
        Ok(Some(AddressSlot(self.clone(), ip)))
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut counts = self.0.counts();
        if let Some(n) = counts.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.1);
            }
        }
    }
}
