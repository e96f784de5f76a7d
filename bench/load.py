"""Benchmark (c) and the SECURITY.md H7 load figure: the application under gunicorn (2 sync workers,
`bench.settings`) on loopback, load from a second process (locust, headless, bounded in time).

(c): phones (grid workers' tokens) create hazards through POST /api/v1/hazards/ with an
Idempotency-Key, as fast as they can, for `load_seconds`; then the same users, the same time, the
bare DRF insert (`bench.urls`). Requests/s, p50/p95, error %, and the gunicorn processes' peak RSS.
The hazards created stay in the database (the row counts of the report are taken before).

H7: 20 users for `read_load_seconds` (H7 says 60 s; the default here is shorter to keep the run
short, `--read-load-seconds 60` for the full figure): 10 grid workers on the API (hazard list,
hazard detail, statistics, and a photo of one of their hazards: H7's upload budget) and 10 officials
in the browser (county office: list page, hazard page, dashboard), half a second between requests;
p50/p95/p99 and error % per endpoint."""

from __future__ import annotations

import base64
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from .report import judge

ROOT = Path(__file__).resolve().parents[1]
CREATORS = 8  # concurrent phones in (c): enough to keep 2 sync workers busy
READERS = 20  # H7


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn with 2 workers on a free loopback port; samples the RSS of its processes."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.peak_rss: dict[int, float] = {}
        self._stop = threading.Event()

    def __enter__(self) -> Gunicorn:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=5)  # noqa: S310 - loopback
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not answer within 60 s")
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _sample(self) -> None:
        import psutil

        parent = psutil.Process(self.process.pid)
        while not self._stop.wait(0.25):
            try:
                processes = [parent, *parent.children(recursive=True)]
                for p in processes:
                    rss = p.memory_info().rss / 2**20
                    self.peak_rss[p.pid] = max(self.peak_rss.get(p.pid, 0), rss)
            except psutil.Error:
                continue

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def rss_summary(self) -> dict[str, float]:
        values = list(self.peak_rss.values())
        return {
            "server_processes": len(values),
            "server_peak_rss_mib_largest": round(max(values, default=0), 1),
            "server_peak_rss_mib_sum": round(sum(values), 1),
        }


def run_locust(*, url: str, user_class: str, users: int, seconds: float, config: dict) -> list[dict]:
    """Headless locust in its own process; the rows of its stats CSV (one per request name, plus
    "Aggregated")."""
    with tempfile.TemporaryDirectory(prefix="safegrid-locust-") as tmp:
        config_path = Path(tmp) / "config.json"
        config_path.write_text(json.dumps(config))
        prefix = str(Path(tmp) / "stats")
        locust = Path(sys.executable).parent / "locust"
        command = [
            str(locust) if locust.exists() else "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{max(1, round(seconds))}s",
            "--stop-timeout",
            "10",
            "--host",
            url,
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
            *user_class.split(),
        ]
        env = {**os.environ, "BENCH_LOCUST_CONFIG": str(config_path)}
        completed = subprocess.run(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 120
        )
        stats = Path(prefix + "_stats.csv")
        if completed.returncode != 0 or not stats.exists():
            raise RuntimeError(f"locust failed ({completed.returncode}): {completed.stderr[-2000:]}")
        with stats.open() as f:
            return list(csv.DictReader(f))


def _row_figures(row: dict) -> dict[str, Any]:
    requests = int(row["Request Count"])
    failures = int(row["Failure Count"])

    def number(key: str) -> float | None:
        value = row.get(key, "N/A")
        return None if value in ("N/A", "", None) else float(value)

    return {
        "requests": requests,
        "failures": failures,
        "error_pct": round(100 * failures / requests, 2) if requests else None,
        "requests_per_s": round(float(row["Requests/s"]), 1),
        "p50_ms": number("50%"),
        "p95_ms": number("95%"),
        "p99_ms": number("99%"),
        "max_ms": number("Max Response Time"),
    }


# ---- credentials, through the application's own endpoints ----------------------------------------


def _tokens(users, *, hazards_per_user: int = 20, sites: bool = False) -> list[dict]:
    from safegrid.hazards import selectors as hazard_selectors
    from safegrid.sites import selectors as site_selectors

    from .cases import fresh, token_client

    result = []
    for user in users:
        client = token_client(user)
        token = client.defaults["HTTP_AUTHORIZATION"].split(" ", 1)[1]
        entry: dict[str, Any] = {"token": token, "username": user.username}
        entry["hazards"] = list(
            hazard_selectors.hazard_list(actor=fresh(user)).values_list("pk", flat=True)[:hazards_per_user]
        )
        if sites:
            entry["sites"] = list(
                site_selectors.site_list(actor=fresh(user), capability="hazards.report_hazard").values_list(
                    "pk", flat=True
                )[:50]
            )
        result.append(entry)
    return result


def _photo() -> bytes:
    """A phone photo: a 1600 × 1200 JPEG of about 430 KB (random blocks, smoothed: it compresses like
    a picture, not like noise), the same for every run."""
    import io
    import random

    from PIL import Image

    rng = random.Random(7)  # noqa: S311 - pixels, not crypto
    image = Image.frombytes("RGB", (160, 120), bytes(rng.randrange(256) for _ in range(160 * 120 * 3)))
    buffer = io.BytesIO()
    image.resize((1600, 1200), Image.Resampling.BICUBIC).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _grid_workers(county_path: str, count: int):
    from safegrid.accounts.models import User
    from safegrid.accounts.roles import Role

    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.GRID_WORKER,
            role_assignments__region_path__startswith=county_path,
        )
        .distinct()
        .order_by("username")[:count]
    )


def _writes_county_path(w) -> str:
    """The county (c)'s phones report into: the last one, so that the hazards every run adds do not
    grow the first county, whose figures and lists (a), (b) and H7 read (a smoke run's province has
    one county: the same one)."""
    from safegrid.orgs.choices import RegionKind
    from safegrid.orgs.models import Region

    last = Region.objects.filter(kind=RegionKind.COUNTY).order_by("-path").first()
    return last.path if last is not None else w.county_path


def _count(sql: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def bench_c(*, load_seconds: float, **_options) -> list[dict]:
    from django.db import connection

    from .cases import world
    from .urls import BARE_TABLE, CREATE_BARE_TABLE

    with connection.cursor() as cursor:
        cursor.execute(CREATE_BARE_TABLE)
    w = world()
    phones = _grid_workers(_writes_county_path(w), CREATORS)
    reporters = [t for t in _tokens(phones, sites=True) if t["sites"]]
    if not reporters:
        raise RuntimeError("no grid worker with a site to report on")
    config = {"tokens": reporters}
    cases = [_one_creation_profile(reporters[0])]
    with Gunicorn() as server:
        hazards_before = _count("SELECT count(*) FROM hazards_hazard")
        create = run_locust(
            url=server.url, user_class="HazardCreator", users=CREATORS, seconds=load_seconds, config=config
        )
        created = _count("SELECT count(*) FROM hazards_hazard") - hazards_before
        bare_before = _count(f"SELECT count(*) FROM {BARE_TABLE}")  # noqa: S608
        bare = run_locust(
            url=server.url, user_class="BareInserter", users=CREATORS, seconds=load_seconds, config=config
        )
        inserted = _count(f"SELECT count(*) FROM {BARE_TABLE}") - bare_before  # noqa: S608
        rss = server.rss_summary()
    create_row = next(r for r in create if r["Name"] == "create hazard")
    bare_row = next(r for r in bare if r["Name"] == "bare insert")
    c, b = _row_figures(create_row), _row_figures(bare_row)
    share = round(c["requests_per_s"] / b["requests_per_s"], 3) if b["requests_per_s"] else None
    common = {"users": CREATORS, "seconds": load_seconds, "gunicorn_workers": 2, **rss}
    cases.append(
        {
            "case": "create hazard (API)",
            "runs": c["requests"],
            **c,
            "rows_written": created,
            **common,
            "checks": [judge("c.creations_per_s", c["requests_per_s"]), judge("c.share_of_bare", share)],
            "share_of_bare": share,
        }
    )
    cases.append(
        {
            "case": "bare DRF insert",
            "runs": b["requests"],
            **b,
            "rows_written": inserted,
            **common,
            "checks": [],
        }
    )
    return cases


def _one_creation_profile(reporter: dict, runs: int = 10) -> dict:
    """One phone, one request at a time, in process (test client, rolled back): the time and the
    queries of a single creation without contention — what the load figures are made of."""
    import uuid

    from django.db import connection
    from django.test import Client

    from .cases import profile_queries, timed
    from .child import rolled_back
    from .report import summarise

    client = Client(HTTP_AUTHORIZATION=f"Token {reporter['token']}")

    def create():
        response = client.post(
            "/api/v1/hazards/",
            {"site": reporter["sites"][0], "description": "压测", "category": "thing"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        if response.status_code != 201:
            raise RuntimeError(f"create: {response.status_code} {response.content[:300]!r}")

    def measure():
        stats = summarise(timed(create, runs))
        return {**stats, **profile_queries(create, connection, explain_slowest=True)}

    figures = rolled_back(measure, {})
    return {
        "case": "create hazard, one at a time (in process)",
        **figures,
        "note": "test client, no gunicorn, no concurrency; rolled back",
        "checks": [],
    }


def bench_h7(*, read_load_seconds: float, **_options) -> list[dict]:
    from django.conf import settings
    from django.utils import timezone

    from .cases import fresh, session_client, world

    w = world()
    grid_tokens = _tokens(_grid_workers(w.county_path, 10))
    official = w.users["county"]
    sessions = []
    cookie = settings.SESSION_COOKIE_NAME
    for _ in range(min(READERS // 2, 10)):
        client = session_client(official)
        from safegrid.hazards import selectors as hazard_selectors

        sessions.append(
            {
                "cookie": f"{cookie}={client.cookies[cookie].value}",
                "hazards": list(
                    hazard_selectors.hazard_list(actor=fresh(official)).values_list("pk", flat=True)[:20]
                ),
            }
        )
    today = timezone.localdate()
    config = {
        "tokens": grid_tokens,
        "sessions": sessions,
        "statistics_query": f"date_from={today.year}-01-01&date_to={today.isoformat()}",
        "photo_b64": base64.b64encode(_photo()).decode(),
    }
    with Gunicorn() as server:
        rows = run_locust(
            url=server.url,
            user_class="GridWorkerReader OfficialReader",
            users=READERS,
            seconds=read_load_seconds,
            config=config,
        )
        rss = server.rss_summary()
    cases = []
    for row in rows:
        figures = _row_figures(row)
        name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        checks = [judge("h7.error_pct", figures["error_pct"])]
        if name.endswith("photo upload"):
            checks.insert(0, judge("h7.upload_p95_ms", figures["p95_ms"]))
        elif name != "all requests":  # reads and uploads together: each has its own budget
            checks.insert(0, judge("h7.p95_ms", figures["p95_ms"]))
        cases.append({"case": name, "runs": figures["requests"], **figures, "checks": checks})
    for case in cases:
        case.update(users=READERS, seconds=read_load_seconds, **rss)
    return cases


BENCHMARKS = {"c": bench_c, "h7": bench_h7}
