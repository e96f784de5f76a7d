"""Locust users for benchmark (c) and the SECURITY.md H7 read mix (run by bench/load.py, headless,
in a process of its own; never imported by Django).

The credentials and ids come from the JSON file named by BENCH_LOCUST_CONFIG, prepared by
bench/load.py through the application's own sign-in endpoint (tokens) and session machinery:
    {"tokens": [{"token": "...", "sites": [1, 2], "hazards": [5, 6]}, ...],
     "sessions": [{"cookie": "sessionid=...", "hazards": [7, 8]}, ...],
     "statistics_query": "date_from=...&date_to=...", "photo_b64": "<a JPEG photo>"}
Every user takes the next credential in turn. Redirects are not followed: a redirect (to the
sign-in page, to two-factor) is a failure.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import random
import uuid

from locust import FastHttpUser, constant, task

with open(os.environ["BENCH_LOCUST_CONFIG"]) as _file:
    CONFIG = json.load(_file)
_tokens = itertools.cycle(CONFIG.get("tokens") or [{}])
_sessions = itertools.cycle(CONFIG.get("sessions") or [{}])
PHOTO = base64.b64decode(CONFIG.get("photo_b64", ""))
CATEGORIES = ("thing", "behaviour", "management")


def _check(response, expected: int) -> None:
    if response.status_code != expected:
        response.failure(f"{response.status_code} (expected {expected}): {response.text[:120]!r}")
    else:
        response.success()


class _TokenUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        self.credential = next(_tokens)
        self.random = random.Random(self.credential.get("token", ""))  # noqa: S311 - load, not crypto
        self.headers = {"Authorization": f"Token {self.credential['token']}"}


class HazardCreator(_TokenUser):
    """(c) A phone reporting hazards as fast as it can: POST /api/v1/hazards/ with a fresh
    Idempotency-Key (required for token clients) and a site of its grid."""

    @task
    def report(self) -> None:
        body = {
            "site": self.random.choice(self.credential["sites"]),
            "description": "压测：消防通道堆放杂物",
            "category": self.random.choice(CATEGORIES),
            "location": "一层东侧",
        }
        headers = {**self.headers, "Idempotency-Key": str(uuid.uuid4())}
        with self.client.post(
            "/api/v1/hazards/", json=body, headers=headers, name="create hazard", catch_response=True
        ) as response:
            _check(response, 201)


class BareInserter(_TokenUser):
    """(c) The framework's ceiling: the same client, one row through a bare DRF endpoint."""

    @task
    def insert(self) -> None:
        with self.client.post(
            "/bench/bare-insert/",
            json={"note": "bare"},
            headers=self.headers,
            name="bare insert",
            catch_response=True,
        ) as response:
            _check(response, 201)


class GridWorkerReader(_TokenUser):
    """H7 grid worker (phone, token): hazard list, a hazard, the statistics."""

    wait_time = constant(0.5)

    @task(3)
    def hazard_list(self) -> None:
        with self.client.get(
            "/api/v1/hazards/?is_open=true", headers=self.headers, name="grid: api list", catch_response=True
        ) as response:
            _check(response, 200)

    @task(2)
    def hazard_detail(self) -> None:
        pk = self.random.choice(self.credential["hazards"])
        with self.client.get(
            f"/api/v1/hazards/{pk}/", headers=self.headers, name="grid: api detail", catch_response=True
        ) as response:
            _check(response, 200)

    @task(1)
    def photo(self) -> None:
        """A photo of one of its hazards, as a phone sends it (SECURITY.md H7: < 1.5 s)."""
        pk = self.random.choice(self.credential["hazards"])
        with self.client.post(
            "/api/v1/attachments/",
            data={"kind": "photo", "hazard": str(pk)},
            files={"file": ("photo.jpg", PHOTO, "image/jpeg")},
            headers={**self.headers, "Idempotency-Key": str(uuid.uuid4())},
            name="grid: photo upload",
            catch_response=True,
        ) as response:
            _check(response, 201)

    @task(1)
    def statistics(self) -> None:
        with self.client.get(
            f"/api/v1/statistics/?{CONFIG['statistics_query']}",
            headers=self.headers,
            name="grid: api statistics",
            catch_response=True,
        ) as response:
            _check(response, 200)


class OfficialReader(FastHttpUser):
    """H7 official (browser session): the hazard list page, a hazard's page, the dashboard."""

    wait_time = constant(0.5)

    def on_start(self) -> None:
        self.credential = next(_sessions)
        self.random = random.Random(self.credential.get("cookie", ""))  # noqa: S311 - load, not crypto
        self.headers = {"Cookie": self.credential["cookie"]}

    def _get(self, url: str, name: str) -> None:
        with self.client.get(
            url, headers=self.headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            _check(response, 200)

    @task(3)
    def hazard_list(self) -> None:
        self._get("/hazards/?is_open=true", "official: list page")

    @task(2)
    def hazard_detail(self) -> None:
        self._get(f"/hazards/{self.random.choice(self.credential['hazards'])}/", "official: detail page")

    @task(1)
    def dashboard(self) -> None:
        self._get("/dashboard/", "official: dashboard page")
