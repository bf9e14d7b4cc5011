//! A TCP proxy in front of a server, whose open connections a test can cut (as crates.io's
//! `ChaosProxy` does in front of PostgreSQL): the client sees the server drop it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

pub struct ChaosProxy {
    pub addr: SocketAddr,
    /// Cancelled to cut the connections opened so far; replaced by a fresh one.
    generation: Arc<Mutex<CancellationToken>>,
    stop: CancellationToken,
}

impl ChaosProxy {
    /// Listens on a free loopback port and forwards every connection to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("proxy port binds");
        let addr = listener.local_addr().expect("proxy address");
        let generation = Arc::new(Mutex::new(CancellationToken::new()));
        let stop = CancellationToken::new();
        tokio::spawn(accept(
            listener,
            upstream,
            Arc::clone(&generation),
            stop.clone(),
        ));
        Self {
            addr,
            generation,
            stop,
        }
    }

    /// Closes every connection open now; new ones go through as before.
    pub fn cut(&self) {
        let mut current = self.generation.lock().expect("proxy lock");
        current.cancel();
        *current = CancellationToken::new();
    }
}

impl Drop for ChaosProxy {
    fn drop(&mut self) {
        self.stop.cancel();
        self.cut();
    }
}

async fn accept(
    listener: TcpListener,
    upstream: SocketAddr,
    generation: Arc<Mutex<CancellationToken>>,
    stop: CancellationToken,
) {
    loop {
        let client = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((client, _)) => client,
                Err(_) => continue,
            },
            () = stop.cancelled() => return,
        };
        let cut = generation.lock().expect("proxy lock").clone();
        tokio::spawn(async move {
            let Ok(server) = TcpStream::connect(upstream).await else {
                return;
            };
            forward(client, server, cut).await;
        });
    }
}

async fn forward(mut client: TcpStream, mut server: TcpStream, cut: CancellationToken) {
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        () = cut.cancelled() => {}
    }
}
