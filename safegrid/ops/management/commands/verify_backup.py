"""`manage.py verify_backup <manifest>`: compare the live database (and media files) with a backup's
manifest. Prints "0 行丢失" when every table has the same rows (count and ordered SM3 checksum),
every media file is there with the same hashes and the audit chain is intact; otherwise names what
differs and exits 1."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safegrid.ops.backup import BackupError, load_manifest, verify


class Command(BaseCommand):
    help = "用备份清单核对当前数据库：逐表行数与 SM3 校验和、媒体文件哈希、审计链。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("manifest", help="备份清单（<备份文件>.manifest.json）")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, manifest: str, database: str, **options) -> None:
        try:
            result = verify(load_manifest(Path(manifest)), alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for d in result.differences:
            if d.actual_rows is None:
                self.stdout.write(
                    _("表 %(table)s：备份中 %(rows)s 行，当前数据库中没有这张表。")
                    % {"table": d.table, "rows": d.expected_rows}
                )
            else:
                self.stdout.write(
                    _("表 %(table)s：备份 %(expected)s 行，当前 %(actual)s 行，校验和%(checksum)s。")
                    % {
                        "table": d.table,
                        "expected": d.expected_rows,
                        "actual": d.actual_rows,
                        "checksum": _("一致") if d.checksum_equal else _("不一致"),
                    }
                )
        for path in result.media_missing:
            self.stdout.write(_("媒体文件缺失：%(path)s") % {"path": path})
        for path in result.media_changed:
            self.stdout.write(_("媒体文件内容不符：%(path)s") % {"path": path})
        chain = result.audit_chain
        if chain is not None:
            if chain["ok"]:
                self.stdout.write(_("审计链完整（%(rows)s 条）。") % {"rows": chain["rows"]})
            else:
                self.stdout.write(_("审计链断裂于第 %(id)s 条记录。") % {"id": chain["broken_id"]})
        if not result.ok:
            tables = ", ".join(d.table for d in result.differences) or _("无")
            raise CommandError(
                _("核对不通过：%(lost)s 行丢失；不一致的表：%(tables)s。")
                % {"lost": result.rows_lost, "tables": tables},
                returncode=1,
            )
        self.stdout.write(
            _("核对通过：%(tables)s 张表、%(rows)s 行，0 行丢失，各表校验和一致；媒体文件 %(media)s 个一致。")
            % {"tables": result.tables, "rows": result.rows, "media": result.media_files}
        )
