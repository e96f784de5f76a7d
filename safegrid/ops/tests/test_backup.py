"""H5: back up the seeded world, restore it into a second database, verify: every table has the same
row count and ordered SM3 checksum, media files and the audit chain are as recorded.

The restore and the verification run as `manage.py` subprocesses against the second database (as an
operator would run them on the recovery machine); the backup runs in-process against the test
database. SQLite always; PostgreSQL when the tests run there (CI's test-pg step)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from conftest import build_world
from safegrid.hazards.models import Hazard
from safegrid.ops import backup as backup_module

ROOT = Path(__file__).resolve().parents[3]
RESTORE_SECONDS = re.compile(r"用时 ([0-9.]+) 秒")


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    """The world, committed (pg_dump and a second process must see it), and two media files."""
    world = build_world()
    media = Path(settings.MEDIA_ROOT)
    (media / "attachments" / "2026").mkdir(parents=True, exist_ok=True)
    (media / "attachments" / "2026" / f"{uuid.uuid4()}.jpg").write_bytes(b"\xff\xd8photo-bytes\xff\xd9")
    (media / "attachments" / "2026" / f"{uuid.uuid4()}.pdf").write_bytes(b"%PDF-1.4 report")
    return world


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "SAFEGRID_", "DJANGO_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "SAFEGRID_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PYTHONIOENCODING": "utf-8",
        }
    )
    # The restored database must verify with the same keys (the audit chain is keyed).
    env["DJANGO_SECRET_KEY"] = settings.SECRET_KEY
    for name in ("SAFEGRID_AUDIT_KEY", "SAFEGRID_PII_KEY", "SAFEGRID_BLIND_INDEX_KEY"):
        if getattr(settings, name, ""):
            env[name] = getattr(settings, name)
    return env


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 — our own manage.py, no shell
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(database_url),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _round_trip(tmp_path: Path, restore_url: str, figure, label: str) -> None:
    target = tmp_path / "safegrid.backup"
    call_command("backup_db", str(target), stdout=open(os.devnull, "w"))  # noqa: SIM115
    manifest = json.loads((tmp_path / "safegrid.backup.manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["hazards_hazard"]["rows"] == Hazard.objects.count() == 4
    assert len(manifest["media"]) == 2

    restored = _manage(restore_url, "restore_db", str(target))
    assert restored.returncode == 0, restored.stderr
    seconds = float(RESTORE_SECONDS.search(restored.stdout).group(1))

    verified = _manage(restore_url, "verify_backup", str(target) + ".manifest.json")
    lost = sum(
        max(0, int(a) - int(b)) for a, b in re.findall(r"备份 (\d+) 行，当前 (\d+) 行", verified.stdout)
    )
    figure(
        "Backup",
        f"backup → restore ({label})",
        tables=manifest["totals"]["tables"],
        rows=manifest["totals"]["rows"],
        rows_lost=lost,
        restore_seconds=round(seconds, 3),
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "0 行丢失" in verified.stdout
    assert f"{manifest['totals']['tables']} 张表、{manifest['totals']['rows']} 行" in verified.stdout
    assert lost == 0


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite round trip (PostgreSQL has its own test)"
)
def test_sqlite_backup_restores_into_a_second_database_with_nothing_lost(seeded, tmp_path, figure):
    _round_trip(tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}", figure, "SQLite")


@pytest.mark.skipif(
    connection.vendor != "postgresql" and not os.environ.get("SAFEGRID_REQUIRE_PG"),
    reason="pg_dump/pg_restore need PostgreSQL (CI's test-pg step runs it there)",
)
def test_postgresql_backup_restores_into_a_second_database_with_nothing_lost(seeded, tmp_path, figure):
    assert connection.vendor == "postgresql", "SAFEGRID_REQUIRE_PG=1: this test must run on PostgreSQL"
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = {
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**admin, autocommit=True) as admin_connection:
        admin_connection.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgres://{params['USER']}"
        url += f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        url += f"@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"
        _round_trip(tmp_path, url, figure, "PostgreSQL")
    finally:
        with psycopg.connect(**admin, autocommit=True) as admin_connection:
            admin_connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_verify_names_the_tables_that_lost_rows_and_exits_1(seeded, tmp_path):
    target = tmp_path / "before.backup"
    call_command("backup_db", str(target), stdout=open(os.devnull, "w"))  # noqa: SIM115
    Hazard.objects.filter(number="YH-g31").delete()
    with pytest.raises(CommandError) as failure:
        call_command("verify_backup", str(target) + ".manifest.json", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert failure.value.returncode == 1
    assert "1 行丢失" in str(failure.value)
    assert "hazards_hazard" in str(failure.value)


def test_verify_detects_a_changed_row_with_the_same_count(seeded, tmp_path):
    target = tmp_path / "before.backup"
    call_command("backup_db", str(target), stdout=open(os.devnull, "w"))  # noqa: SIM115
    Hazard.objects.filter(number="YH-g11").update(description="被改动的描述")
    with pytest.raises(CommandError) as failure:
        call_command("verify_backup", str(target) + ".manifest.json", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert failure.value.returncode == 1
    assert "0 行丢失" in str(failure.value)
    assert "不一致的表：hazards_hazard。" in str(failure.value)


def test_verify_reports_a_missing_media_file(seeded, tmp_path):
    target = tmp_path / "before.backup"
    call_command("backup_db", str(target), stdout=open(os.devnull, "w"))  # noqa: SIM115
    next(Path(settings.MEDIA_ROOT).rglob("*.pdf")).unlink()
    out = open(tmp_path / "out.txt", "w", encoding="utf-8")  # noqa: SIM115
    with pytest.raises(CommandError):
        call_command("verify_backup", str(target) + ".manifest.json", stdout=out)
    out.close()
    assert "媒体文件缺失：attachments/2026/" in (tmp_path / "out.txt").read_text(encoding="utf-8")


def test_restore_refuses_a_database_that_is_not_empty(seeded, tmp_path):
    target = tmp_path / "before.backup"
    call_command("backup_db", str(target), stdout=open(os.devnull, "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="目标数据库不是空库"):
        call_command("restore_db", str(target))
    assert Hazard.objects.count() == 4


def test_the_checksum_is_an_ordered_sm3_chain():
    rows = ["'a',1", "'b',2"]
    count, digest = backup_module._chain(iter(rows))
    from safegrid.core.crypto import sm3

    assert count == 2
    assert digest == sm3(bytes(32) + b"'a',1\n'b',2").hex()
    assert backup_module._chain(iter(reversed(rows)))[1] != digest


def test_a_manifest_of_another_format_is_refused(tmp_path, db):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"format": "other"}), encoding="utf-8")
    with pytest.raises(CommandError, match="不是 SafeGrid 备份清单"):
        call_command("verify_backup", str(path))
