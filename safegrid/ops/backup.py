"""Backup, restore and verification of the database (SECURITY.md H5, 数据备份恢复).

What "nothing was lost" means is written down at backup time in a manifest beside the backup file
(`<file>.manifest.json`): for every table its row count and an ordered checksum, an SM3 chain over
the table's rows in primary-key order (each row in the database's own canonical text form: SQLite's
`quote()` of every column, PostgreSQL's row-to-text cast), plus the SHA-256 and SM3 of every media
file and the state of the audit chain. `verify_backup` recomputes the same from a live database
(typically the one just restored) and names every table that differs.

The manifest describes exactly what is in the backup:
- PostgreSQL: `pg_dump -Fc` runs on a snapshot exported from the transaction that computes the
  checksums (REPEATABLE READ), so both see the same rows even while the application keeps writing.
- SQLite: the backup API copies the database to the file first; the checksums are then computed
  from that copy.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext as _

from safegrid.core.crypto import sm3

FORMAT = "safegrid-backup/1"
CHUNK_ROWS = 1000
EMPTY_DIGEST = bytes(32)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the operator (Chinese)."""


# ---- Table fingerprints ------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name"
    )
    return [row[0] for row in cursor.fetchall()]


def _sqlite_columns(cursor, table: str) -> tuple[list[str], list[str]]:
    cursor.execute(f"PRAGMA table_info({_quote(table)})")
    info = cursor.fetchall()  # cid, name, type, notnull, default, pk (1-based position in the key)
    columns = [row[1] for row in info]
    keys = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])]
    return columns, keys


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _pg_columns(cursor, table: str) -> tuple[list[str], list[str]]:
    cursor.execute(
        "SELECT attname FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [_quote(table)],
    )
    columns = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT a.attname FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey::int2[], a.attnum)",
        [_quote(table)],
    )
    return columns, [row[0] for row in cursor.fetchall()]


def _row_query(vendor: str, table: str, columns: list[str], keys: list[str]) -> str:
    # Identifiers only, read from the database's own catalogue and quoted: no value is interpolated.
    order = ", ".join(_quote(c) for c in (keys or columns))
    if vendor == "sqlite":
        text = " || ',' || ".join(f"quote({_quote(c)})" for c in columns) or "''"
        return f"SELECT {text} FROM {_quote(table)} ORDER BY {order}"  # noqa: S608 - quoted names  # nosec B608
    order = ", ".join(f'"_r".{_quote(c)}' for c in (keys or columns))
    return f'SELECT "_r"::text FROM {_quote(table)} AS "_r" ORDER BY {order}'  # noqa: S608 - quoted names  # nosec B608


def _chain(rows: Iterable[str]) -> tuple[int, str]:
    """(row count, SM3 chain over the rows in order): digest = SM3(digest ‖ rows of the next chunk)."""
    digest, count, chunk = EMPTY_DIGEST, 0, []
    for row in rows:
        chunk.append(row.encode("utf-8"))
        count += 1
        if len(chunk) == CHUNK_ROWS:
            digest = sm3(digest + b"\n".join(chunk))
            chunk = []
    if chunk:
        digest = sm3(digest + b"\n".join(chunk))
    return count, digest.hex()


def _fetch(cursor, sql: str) -> Iterator[str]:
    cursor.execute(sql)
    while batch := cursor.fetchmany(CHUNK_ROWS):
        for (text,) in batch:
            yield "NULL" if text is None else text


def fingerprint_tables(cursor, vendor: str) -> dict[str, dict]:
    """{table: {"rows": n, "sm3": hex}} for every table of the database the cursor is on."""
    if vendor == "sqlite":
        tables, describe = _sqlite_tables(cursor), _sqlite_columns
    elif vendor == "postgresql":
        tables, describe = _pg_tables(cursor), _pg_columns
    else:
        raise BackupError(_("不支持的数据库：%(vendor)s") % {"vendor": vendor})
    result = {}
    for table in tables:
        columns, keys = describe(cursor, table)
        count, digest = _chain(_fetch(cursor, _row_query(vendor, table, columns, keys)))
        result[table] = {"rows": count, "sm3": digest}
    return result


def fingerprint_live(alias: str = "default") -> dict[str, dict]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return fingerprint_tables(cursor, connection.vendor)


# ---- Media files ---------------------------------------------------------------------------------


def _file_digests(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    return hashlib.sha256(data).hexdigest(), sm3(data).hex()


def media_manifest(root: Path | None = None) -> list[dict]:
    root = Path(root or settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    entries = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        sha256, sm3_hex = _file_digests(path)
        entries.append(
            {
                "path": path.relative_to(root).as_posix(),
                "size": path.stat().st_size,
                "sha256": sha256,
                "sm3": sm3_hex,
            }
        )
    return entries


# ---- Audit chain ---------------------------------------------------------------------------------


def audit_chain_state(alias: str = "default") -> dict | None:
    """{"rows": n, "ok": bool, "broken_id": id|None} from safegrid.core.audit.verify_chain; None if absent."""
    try:
        from safegrid.core.audit import verify_chain
    except ImportError:
        return None
    report = verify_chain(using=alias)
    return {"rows": report.count, "ok": report.ok, "broken_id": report.broken_id}


# ---- Backup --------------------------------------------------------------------------------------


def manifest_path(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + ".manifest.json")


def _pg_env_and_args(settings_dict: dict) -> tuple[dict[str, str], list[str]]:
    env = os.environ.copy()
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", str(settings_dict["USER"])]
    return env, args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            _("未找到 %(tool)s：请安装 PostgreSQL 客户端（postgresql-client）。") % {"tool": name}
        )
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    # The command is pg_dump/pg_restore by absolute path with arguments from settings, never a shell.
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s 失败（退出码 %(code)s）：%(error)s")
            % {
                "tool": Path(command[0]).name,
                "code": result.returncode,
                "error": result.stderr.strip()[-2000:],
            }
        )


@dataclass
class BackupResult:
    file: Path
    manifest: Path
    tables: int
    rows: int
    media_files: int
    seconds: float
    data: dict = field(repr=False, default_factory=dict)


def backup(target: Path, *, alias: str = "default") -> BackupResult:
    """Write the database to `target` and its manifest beside it."""
    started = time.monotonic()
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    if connection.vendor == "postgresql":
        if connection.in_atomic_block:
            raise BackupError(_("备份须在事务之外运行。"))
        env, args = _pg_env_and_args(connection.settings_dict)
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(
                [
                    _tool("pg_dump"),
                    "-Fc",
                    "--snapshot",
                    snapshot,
                    "-f",
                    str(target),
                    *args,
                    "-d",
                    str(connection.settings_dict["NAME"]),
                ],
                env,
            )
            tables = fingerprint_tables(cursor, "postgresql")
            chain = audit_chain_state(alias)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        if target.exists():
            target.unlink()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        copy = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        try:
            tables = fingerprint_tables(copy.cursor(), "sqlite")
        finally:
            copy.close()
        chain = audit_chain_state(alias)
    else:
        raise BackupError(_("不支持的数据库：%(vendor)s") % {"vendor": connection.vendor})
    sha256, sm3_hex = _file_digests(target)
    media = media_manifest()
    data = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "engine": connection.vendor,
        "backup_file": target.name,
        "backup_sha256": sha256,
        "backup_sm3": sm3_hex,
        "totals": {
            "tables": len(tables),
            "rows": sum(t["rows"] for t in tables.values()),
            "media_files": len(media),
        },
        "tables": tables,
        "media": media,
        "audit_chain": chain,
    }
    manifest = manifest_path(target)
    manifest.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return BackupResult(
        file=target,
        manifest=manifest,
        tables=len(tables),
        rows=data["totals"]["rows"],
        media_files=len(media),
        seconds=time.monotonic() - started,
        data=data,
    )


# ---- Restore -------------------------------------------------------------------------------------


def _user_tables(alias: str) -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return _sqlite_tables(cursor) if connection.vendor == "sqlite" else _pg_tables(cursor)


def restore(source: Path, *, alias: str = "default", clean: bool = False, no_owner: bool = False) -> float:
    """Load `source` into the configured database (which must be empty unless `clean`); seconds taken.

    PostgreSQL: pg_restore --single-transaction --exit-on-error, so a failed restore leaves the
    database as it was. SQLite: the backup API copies the file's pages into the database in one
    write transaction (the previous content is replaced whole)."""
    source = Path(source).resolve()
    if not source.is_file():
        raise BackupError(_("备份文件不存在：%(file)s") % {"file": source})
    connection = connections[alias]
    existing = _user_tables(alias)
    if existing and not clean:
        raise BackupError(
            _("目标数据库不是空库（已有 %(n)s 张表）：请恢复到空库，或加 --clean 先清除。")
            % {"n": len(existing)}
        )
    started = time.monotonic()
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args(connection.settings_dict)
        connection.close()  # no session of ours holds locks while pg_restore works
        command = [_tool("pg_restore"), "--single-transaction", "--exit-on-error", *args]
        if clean:
            command += ["--clean", "--if-exists"]
        if no_owner:
            command += ["--no-owner", "--no-acl"]
        _run([*command, "-d", str(connection.settings_dict["NAME"]), str(source)], env)
    elif connection.vendor == "sqlite":
        backup_copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            try:
                check = backup_copy.execute("PRAGMA integrity_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise BackupError(_("备份文件不是有效的 SQLite 数据库：%(error)s") % {"error": exc}) from exc
            if check != "ok":
                raise BackupError(_("备份文件已损坏：%(error)s") % {"error": check})
            connection.ensure_connection()
            backup_copy.backup(connection.connection)
        finally:
            backup_copy.close()
    else:
        raise BackupError(_("不支持的数据库：%(vendor)s") % {"vendor": connection.vendor})
    return time.monotonic() - started


# ---- Verify --------------------------------------------------------------------------------------


@dataclass
class Difference:
    table: str
    expected_rows: int | None
    actual_rows: int | None
    checksum_equal: bool

    @property
    def rows_lost(self) -> int:
        return max(0, (self.expected_rows or 0) - (self.actual_rows or 0))


@dataclass
class Verification:
    tables: int
    rows: int
    differences: list[Difference]
    media_missing: list[str]
    media_changed: list[str]
    media_files: int
    audit_chain: dict | None
    audit_chain_expected: dict | None

    @property
    def rows_lost(self) -> int:
        return sum(d.rows_lost for d in self.differences)

    @property
    def audit_chain_ok(self) -> bool:
        expected_ok = bool(self.audit_chain_expected and self.audit_chain_expected.get("ok"))
        return not expected_ok or bool(self.audit_chain and self.audit_chain["ok"])

    @property
    def ok(self) -> bool:
        return not (self.differences or self.media_missing or self.media_changed) and self.audit_chain_ok


def load_manifest(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(_("清单文件不存在：%(file)s") % {"file": path}) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(_("清单文件不是有效的 JSON：%(file)s") % {"file": path}) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(_("不是 SafeGrid 备份清单：%(file)s") % {"file": path})
    return data


def verify(manifest: dict, *, alias: str = "default", media_root: Path | None = None) -> Verification:
    live = fingerprint_live(alias)
    differences = []
    for table, expected in sorted(manifest["tables"].items()):
        actual = live.get(table)
        if actual is None:
            differences.append(Difference(table, expected["rows"], None, False))
        elif actual != expected:
            differences.append(
                Difference(table, expected["rows"], actual["rows"], actual["sm3"] == expected["sm3"])
            )
    root = Path(media_root or settings.MEDIA_ROOT)
    missing, changed = [], []
    for entry in manifest.get("media", []):
        path = root / entry["path"]
        if not path.is_file():
            missing.append(entry["path"])
        elif _file_digests(path) != (entry["sha256"], entry["sm3"]):
            changed.append(entry["path"])
    return Verification(
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        differences=differences,
        media_missing=missing,
        media_changed=changed,
        media_files=len(manifest.get("media", [])),
        audit_chain=audit_chain_state(alias),
        audit_chain_expected=manifest.get("audit_chain"),
    )
