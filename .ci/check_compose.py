#!/usr/bin/env python3
"""Structural check of compose.yaml where no Docker engine is available.

Checks what `docker compose config` would reject or what rota relies on: every service has an
image or a build, depends_on names existing services with valid conditions, health checks are
well formed, the worker runs two replicas, and the services are wired by environment.
"""
import sys

import yaml

REQUIRED = {"postgres", "redis", "rabbitmq", "api", "worker", "scheduler"}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


def fail(message):
    print(f"compose check: {message}", file=sys.stderr)
    sys.exit(1)


def main(path):
    with open(path, encoding="utf-8") as handle:
        doc = yaml.safe_load(handle)
    if not isinstance(doc, dict) or not isinstance(doc.get("services"), dict):
        fail("no services mapping")
    services = doc["services"]
    missing = REQUIRED - services.keys()
    if missing:
        fail(f"missing services: {sorted(missing)}")
    for name, service in services.items():
        if not isinstance(service, dict):
            fail(f"{name}: not a mapping")
        if "image" not in service and "build" not in service:
            fail(f"{name}: neither image nor build")
        depends = service.get("depends_on", {})
        items = depends.items() if isinstance(depends, dict) else ((d, {}) for d in depends)
        for dep, spec in items:
            if dep not in services:
                fail(f"{name}: depends_on unknown service {dep}")
            condition = (spec or {}).get("condition", "service_started")
            if condition not in CONDITIONS:
                fail(f"{name}: bad condition {condition}")
            if condition == "service_healthy" and "healthcheck" not in services[dep]:
                fail(f"{name}: waits for {dep} to be healthy, but {dep} has no healthcheck")
        health = service.get("healthcheck")
        if health is not None:
            test = health.get("test")
            if not (isinstance(test, list) and test and test[0] in ("CMD", "CMD-SHELL", "NONE")):
                fail(f"{name}: healthcheck.test must be a list starting with CMD or CMD-SHELL")
        env = service.get("environment", {})
        if name in ("api", "worker", "scheduler"):
            if not isinstance(env, dict):
                fail(f"{name}: environment must be a mapping")
            for key in ("DATABASE_URL", "REDIS_URL", "AMQP_URL"):
                if key not in env:
                    fail(f"{name}: {key} not set")
            if "healthcheck" not in service:
                fail(f"{name}: no healthcheck")
    replicas = services["worker"].get("deploy", {}).get("replicas")
    if replicas != 2:
        fail(f"worker: expected 2 replicas, found {replicas}")
    images = {services[n].get("image", "") for n in ("postgres", "redis", "rabbitmq")}
    for expected in ("postgres:15", "redis:7", "rabbitmq:3-management"):
        if not any(img.startswith(expected) for img in images):
            fail(f"expected image {expected}")
    print(f"compose check: {len(services)} services ok (structure only; no Docker engine here)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "compose.yaml")
