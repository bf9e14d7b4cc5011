//! In-process queues: one unbounded channel per kind, shared by the process's fetchers.

use super::TransportError;
use rota_entity::enums::JobKind;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use uuid::Uuid;

type Channel = (
    mpsc::UnboundedSender<Uuid>,
    Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Uuid>>>,
);

#[derive(Default)]
pub struct Embedded {
    queues: Mutex<HashMap<JobKind, Channel>>,
}

/// The receiving end of one kind's queue.
pub struct Receiver(Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Uuid>>>);

impl Receiver {
    pub(crate) async fn recv(&mut self) -> Option<Uuid> {
        self.0.lock().await.recv().await
    }
}

impl Embedded {
    fn channel(&self, kind: JobKind) -> Channel {
        let mut queues = self
            .queues
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        queues
            .entry(kind)
            .or_insert_with(|| {
                let (tx, rx) = mpsc::unbounded_channel();
                (tx, Arc::new(tokio::sync::Mutex::new(rx)))
            })
            .clone()
    }

    pub(crate) fn push(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        self.channel(kind)
            .0
            .send(id)
            .map_err(|_| TransportError::Closed(kind))
    }

    pub(crate) fn push_later(&self, kind: JobKind, id: Uuid, delay: Duration) {
        let tx = self.channel(kind).0;
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = tx.send(id);
        });
    }

    pub(crate) fn receiver(&self, kind: JobKind) -> Receiver {
        Receiver(self.channel(kind).1)
    }
}
