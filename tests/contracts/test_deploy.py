"""G1 deploy hygiene: Django's deployment checklist under production settings, and no model change
without its migration. Both run `manage.py` in a subprocess, as a deploy script would, so the
settings module is imported fresh with the production environment."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK_ID = re.compile(r"\(([a-z_]+\.[WE]\d{3})\)")


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SAFEGRID_", "DATABASE_"))
    }
    env.update(
        {
            "SAFEGRID_ENV": "production",
            "DJANGO_DEBUG": "0",
            "SAFEGRID_HTTPS": "true",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "safegrid.example.gov.cn",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://safegrid.example.gov.cn",
            "SAFEGRID_AUDIT_KEY": secrets.token_hex(32),
            "SAFEGRID_PII_KEY": secrets.token_hex(32),
            "SAFEGRID_BLIND_INDEX_KEY": secrets.token_hex(32),
            # A throw-away database: the checks must not depend on the developer's demo file.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
            "SAFEGRID_MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 — our own manage.py, no shell
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def production_env(tmp_path_factory) -> dict[str, str]:
    return _production_env(tmp_path_factory.mktemp("deploy"))


def test_check_deploy_passes_with_zero_warnings_under_production_settings(production_env, figure):
    result = _manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    found = CHECK_ID.findall(output)
    figure(
        "Hygiene", "check --deploy (production settings)", warnings=len(found), exit_code=result.returncode
    )
    assert found == [], output
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


def test_check_deploy_would_fail_on_a_warning(production_env):
    """The gate has teeth: turning HTTPS off in production brings back Django's warnings."""
    env = {**production_env, "SAFEGRID_HTTPS": "false"}
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "security.W012" in output  # SESSION_COOKIE_SECURE


def test_every_model_change_has_its_migration(production_env, figure):
    result = _manage(production_env, "makemigrations", "--check", "--dry-run")
    output = result.stdout + result.stderr
    figure("Hygiene", "makemigrations --check", exit_code=result.returncode)
    assert result.returncode == 0, output
    assert "No changes detected" in output


def test_production_refuses_to_start_without_the_crypto_keys():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SAFEGRID_AUDIT_KEY", "SAFEGRID_PII_KEY", "SAFEGRID_BLIND_INDEX_KEY")
    }
    env.update(
        SAFEGRID_ENV="production",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="safegrid.example",
        SAFEGRID_PII_KEY=secrets.token_hex(32),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "生产环境必须设置密钥：SAFEGRID_AUDIT_KEY、SAFEGRID_BLIND_INDEX_KEY" in result.stderr
