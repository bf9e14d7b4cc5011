//! The raw clients' end-to-end rates: `PRODUCERS` producers and `concurrency` consumers moving
//! `n` messages with nothing else around them.

use super::PRODUCERS;
use fred::prelude::*;
use futures::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, ExchangeDeleteOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

const PAYLOAD: &str = "00000000-0000-0000-0000-000000000000";

fn share(n: u64, p: u64) -> u64 {
    n / PRODUCERS + u64::from(p < n % PRODUCERS)
}

/// Seconds to move `n` ids through a tokio channel.
pub async fn channel(n: u64, concurrency: u64) -> f64 {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
    let rx = Arc::new(tokio::sync::Mutex::new(rx));
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let consumers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (rx, done) = (Arc::clone(&rx), Arc::clone(&done));
            tokio::spawn(async move {
                while done.load(Ordering::SeqCst) < n {
                    let got = rx.lock().await.recv().await;
                    if got.is_none() {
                        return;
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for p in 0..PRODUCERS {
        for i in 0..share(n, p) {
            let _ = tx.send(i);
        }
    }
    drop(tx);
    for consumer in consumers {
        let _ = consumer.await;
    }
    start.elapsed().as_secs_f64()
}

async fn redis_client(url: &str) -> anyhow::Result<Client> {
    let client = Builder::from_config(Config::from_url(url)?).build()?;
    client.init().await?;
    Ok(client)
}

/// Seconds to move `n` ids with LPUSH and BRPOP.
pub async fn redis(url: &str, prefix: &str, n: u64, concurrency: u64) -> anyhow::Result<f64> {
    let key = format!("{prefix}:raw");
    let producer = redis_client(url).await?;
    let mut consumers = Vec::new();
    for _ in 0..concurrency {
        consumers.push(redis_client(url).await?);
    }
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let consuming: Vec<_> = consumers
        .into_iter()
        .map(|client| {
            let (key, done) = (key.clone(), Arc::clone(&done));
            tokio::spawn(async move {
                while done.load(Ordering::SeqCst) < n {
                    // fred reports a BRPOP that waited in vain as a timeout error.
                    match client.brpop::<Option<(String, String)>, _>(&key, 0.2).await {
                        Ok(Some(_)) => {
                            done.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(None) => {}
                        Err(err) if *err.kind() == ErrorKind::Timeout => {}
                        Err(err) => return Err(err),
                    }
                }
                Ok::<_, fred::error::Error>(())
            })
        })
        .collect();
    let producing: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let (client, key) = (producer.clone(), key.clone());
            tokio::spawn(async move {
                for _ in 0..share(n, p) {
                    let _: i64 = client.lpush(&key, PAYLOAD).await?;
                }
                Ok::<_, fred::error::Error>(())
            })
        })
        .collect();
    for task in producing.into_iter().chain(consuming) {
        task.await??;
    }
    Ok(start.elapsed().as_secs_f64())
}

/// Seconds to move `n` ids through a durable queue: persistent publishes with confirms,
/// consumers with a prefetch of `concurrency` acking each message.
pub async fn amqp(url: &str, namespace: &str, n: u64, concurrency: u64) -> anyhow::Result<f64> {
    let queue = format!("{namespace}.raw");
    let connection = Connection::connect(url, ConnectionProperties::default()).await?;
    let publisher = connection.create_channel().await?;
    publisher
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    publisher
        .queue_declare(
            queue.as_str().into(),
            QueueDeclareOptions::durable(),
            FieldTable::default(),
        )
        .await?;
    let consumer_channel = connection.create_channel().await?;
    consumer_channel
        .basic_qos(
            u16::try_from(concurrency).unwrap_or(u16::MAX),
            BasicQosOptions::default(),
        )
        .await?;
    let mut consumer = consumer_channel
        .basic_consume(
            queue.as_str().into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let start = Instant::now();
    let consuming = tokio::spawn(async move {
        let mut done = 0;
        while done < n {
            let Some(delivery) = consumer.next().await else {
                break;
            };
            delivery?.acker.ack(BasicAckOptions::default()).await?;
            done += 1;
        }
        Ok::<_, lapin::Error>(())
    });
    let producing: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let (channel, queue) = (publisher.clone(), queue.clone());
            tokio::spawn(async move {
                for _ in 0..share(n, p) {
                    channel
                        .basic_publish(
                            "".into(),
                            queue.as_str().into(),
                            BasicPublishOptions::default(),
                            PAYLOAD.as_bytes(),
                            BasicProperties::default().with_delivery_mode(2),
                        )
                        .await?
                        .await?;
                }
                Ok::<_, lapin::Error>(())
            })
        })
        .collect();
    for task in producing {
        task.await??;
    }
    consuming.await??;
    let secs = start.elapsed().as_secs_f64();
    let _ = connection.close(200, "bench done".into()).await;
    Ok(secs)
}

const DELETE_PREFIX: &str = r"
local keys = redis.call('KEYS', ARGV[1])
for _, key in ipairs(keys) do redis.call('DEL', key) end
return #keys";

pub async fn drop_redis_prefix(url: &str, prefix: &str) -> anyhow::Result<()> {
    let client = redis_client(url).await?;
    let _: i64 = client
        .eval(
            DELETE_PREFIX,
            Vec::<String>::new(),
            vec![format!("{prefix}:*")],
        )
        .await?;
    Ok(())
}

pub async fn drop_amqp_namespace(url: &str, namespace: &str) -> anyhow::Result<()> {
    let connection = Connection::connect(url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    let mut queues = vec![format!("{namespace}.raw"), format!("{namespace}.dead")];
    for q in rota_worker::QUEUES {
        queues.push(format!("{namespace}.{q}"));
        queues.push(format!("{namespace}.{q}.delay"));
    }
    for queue in queues {
        channel
            .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
            .await?;
    }
    for exchange in ["jobs", "dead"] {
        channel
            .exchange_delete(
                format!("{namespace}.{exchange}").as_str().into(),
                ExchangeDeleteOptions::default(),
            )
            .await?;
    }
    let _ = connection.close(200, "bench done".into()).await;
    Ok(())
}
