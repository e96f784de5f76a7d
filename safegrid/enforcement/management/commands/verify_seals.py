"""`manage.py verify_seals`: check every issued enforcement document against its seal (SECURITY.md
D4). Prints each document whose stored content was changed after issue; exits non-zero if any."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safegrid.enforcement.seals import broken_seals


class Command(BaseCommand):
    help = "校验全部已签发执法文书的防篡改校验码；发现被改动的文书时列出并以非零状态退出。"

    def handle(self, *args, **options) -> None:
        broken = list(broken_seals())
        for pk, number in broken:
            self.stdout.write(f"校验未通过：#{pk} {number}")
        if broken:
            raise CommandError(f"{len(broken)} 份已签发文书的内容与校验码不符。")
        self.stdout.write(self.style.SUCCESS("全部已签发文书校验通过。"))
