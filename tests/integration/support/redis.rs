//! A Redis key prefix per test, whose keys are deleted when the fixture goes out of scope.

use fred::prelude::*;

/// The Redis server tests use; override with `ROTA_TEST_REDIS_URL`.
pub fn redis_url() -> String {
    std::env::var("ROTA_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

pub struct TestRedis {
    pub url: String,
    pub prefix: String,
    pub client: Client,
}

impl TestRedis {
    pub async fn new() -> Self {
        let url = redis_url();
        let client = connect(&url).await;
        Self {
            url,
            prefix: format!("rota-test:{}", uuid::Uuid::new_v4().simple()),
            client,
        }
    }

    pub async fn list(&self, key: &str) -> Vec<String> {
        self.client
            .lrange(key, 0, -1)
            .await
            .expect("LRANGE answers")
    }
}

async fn connect(url: &str) -> Client {
    let hint = "Start it (Debian: `redis-server --daemonize yes --bind 127.0.0.1`; Docker: \
                `docker compose up -d redis`) or point ROTA_TEST_REDIS_URL at one.";
    let config = Config::from_url(url).unwrap_or_else(|err| panic!("bad Redis URL {url}: {err}"));
    let client = Builder::from_config(config)
        .build()
        .unwrap_or_else(|err| panic!("Redis client for {url}: {err}"));
    if let Err(err) = client.init().await {
        panic!("Redis is not reachable at {url}: {err}. {hint}");
    }
    client
}

const DELETE_PREFIX: &str = r"
local keys = redis.call('KEYS', ARGV[1])
for _, key in ipairs(keys) do redis.call('DEL', key) end
return #keys";

impl Drop for TestRedis {
    fn drop(&mut self) {
        let (url, pattern) = (self.url.clone(), format!("{}:*", self.prefix));
        // Drop runs inside the test's runtime: do the async work on a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("cleanup runtime");
            runtime.block_on(async move {
                let client = connect(&url).await;
                let _: Result<i64, _> = client
                    .eval(DELETE_PREFIX, Vec::<String>::new(), vec![pattern])
                    .await;
            });
        })
        .join();
    }
}
