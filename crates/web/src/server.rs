//! The listening loop. axum's own `serve` waits for request headers for ever and
//! accepts connections without limit, so a few hundred idle connections could use up
//! the process's file descriptors and stop `/healthz` answering. Here each connection
//! must send its headers within [`HEADER_READ_TIMEOUT`], and at most
//! [`MAX_CONNECTIONS`] are open at once (the rest wait in the kernel's queue).
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How long a connection may take to send a request's headers, including between
/// requests on a kept-alive connection.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once: well under the usual limit of 1,024 open files, leaving
/// room for the database and the search index.
pub const MAX_CONNECTIONS: usize = 512;
/// How long requests under way may run on after a shutdown is asked for.
const DRAIN: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until Ctrl-C, then lets requests under way finish.
pub async fn run(listener: TcpListener, router: Router) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.map_err(std::io::Error::other)?,
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: wait, then go on.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            router.clone().oneshot(request)
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // An error here is a client that went away or was too slow: nothing to report.
            let _ = connection.await;
            drop(permit);
        });
    }
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => tracing::warn!("stopped with requests still under way"),
    }
    Ok(())
}
