//! A RabbitMQ namespace per test (exchange and queue names), deleted when the fixture goes out
//! of scope.

use lapin::options::{ExchangeDeleteOptions, QueueDeclareOptions, QueueDeleteOptions};
use lapin::types::FieldTable;
use lapin::{Channel, Connection, ConnectionProperties};

/// The RabbitMQ server tests use; override with `ROTA_TEST_AMQP_URL`.
pub fn amqp_url() -> String {
    std::env::var("ROTA_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

pub struct TestAmqp {
    pub url: String,
    pub namespace: String,
    pub connection: Connection,
}

const QUEUES: [&str; 4] = ["solve", "forecast", "retrain", "monitor"];

impl TestAmqp {
    pub async fn new() -> Self {
        let url = amqp_url();
        let connection = connect(&url).await;
        Self {
            url,
            namespace: format!("rota-test-{}", uuid::Uuid::new_v4().simple()),
            connection,
        }
    }

    pub fn events_exchange(&self) -> String {
        format!("{}.events", self.namespace)
    }

    pub async fn channel(&self) -> Channel {
        self.connection
            .create_channel()
            .await
            .expect("RabbitMQ channel opens")
    }

    /// Messages waiting in `queue`.
    pub async fn depth(&self, queue: &str) -> u32 {
        self.channel()
            .await
            .queue_declare(
                queue.into(),
                QueueDeclareOptions {
                    passive: true,
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .expect("queue exists")
            .message_count()
    }
}

async fn connect(url: &str) -> Connection {
    Connection::connect(url, ConnectionProperties::default())
        .await
        .unwrap_or_else(|err| {
            panic!(
                "RabbitMQ is not reachable at {url}: {err}. Start it (Debian: \
                 `ERL_EPMD_ADDRESS=127.0.0.1 epmd -daemon; RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
                 rabbitmq-server -detached`; Docker: `docker compose up -d rabbitmq`) or point \
                 ROTA_TEST_AMQP_URL at one."
            )
        })
}

impl Drop for TestAmqp {
    fn drop(&mut self) {
        let (url, ns) = (self.url.clone(), self.namespace.clone());
        // Drop runs inside the test's runtime: do the async work on a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("cleanup runtime");
            runtime.block_on(async move {
                let connection = connect(&url).await;
                let Ok(channel) = connection.create_channel().await else {
                    return;
                };
                let mut queues = vec![format!("{ns}.dead")];
                for q in QUEUES {
                    queues.push(format!("{ns}.{q}"));
                    queues.push(format!("{ns}.{q}.delay"));
                }
                for queue in queues {
                    let _ = channel
                        .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
                        .await;
                }
                for exchange in ["jobs", "dead", "events"] {
                    let _ = channel
                        .exchange_delete(
                            format!("{ns}.{exchange}").as_str().into(),
                            ExchangeDeleteOptions::default(),
                        )
                        .await;
                }
                let _ = connection.close(200, "test done".into()).await;
            });
        })
        .join();
    }
}
