"""One real Celery worker (a separate process, solo pool) against Redis, for the tests that prove a
task runs on a worker as it will in production. CI runs them on PostgreSQL, where the worker process
and the test share the committed test database; elsewhere they skip (SAFEGRID_REQUIRE_WORKER=1 turns
the skip into a failure)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

BROKER = os.environ.get("SAFEGRID_TEST_BROKER", "redis://127.0.0.1:6379/15")
CACHE = os.environ.get("SAFEGRID_TEST_CACHE", "redis://127.0.0.1:6379/14")
ROOT = Path(__file__).resolve().parents[1]


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _skip_or_fail(reason: str):
    if os.environ.get("SAFEGRID_REQUIRE_WORKER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def require_worker() -> None:
    """Skip (or fail under SAFEGRID_REQUIRE_WORKER=1) unless PostgreSQL and Redis are there."""
    if connection.vendor != "postgresql":
        _skip_or_fail("the worker test needs PostgreSQL (a database the worker process can share)")
    if not _redis_up():
        _skip_or_fail("Redis is not running on 127.0.0.1:6379")


@contextlib.contextmanager
def running_worker(**extra_env: str):
    """A worker process on the test database and a client app talking to it by task name over the
    broker, as any producer would. Yields the client; stops the worker on exit."""
    from celery import Celery

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **extra_env,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    client = Celery("safegrid-test-client", broker=BROKER, backend=BROKER)
    try:
        yield client
    finally:
        client.close()
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        time.sleep(0.2)
