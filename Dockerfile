# Multi-stage image for every rota process: `rota serve`, `rota worker`, `rota scheduler`.
FROM rust:1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake libclang-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin rota \
 && cp target/release/rota /usr/local/bin/rota

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /var/lib/rota --create-home rota
COPY --from=build /usr/local/bin/rota /usr/local/bin/rota
USER rota
WORKDIR /var/lib/rota
EXPOSE 8080
# tini forwards SIGTERM so workers shut down gracefully.
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/rota"]
CMD ["serve", "--host", "0.0.0.0"]
