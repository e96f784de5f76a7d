from django.core.management.base import BaseCommand, CommandError

from safegrid.accounts.models import User
from safegrid.inspections.importing import COLUMNS, ImportFailed, criteria_read
from safegrid.inspections.services import criteria_import


class Command(BaseCommand):
    help = (
        "从 Excel 导入重大事故隐患判定标准（第一个工作表，首行为列名：" + "、".join(COLUMNS) + "）。"
        "先校验全部行，有任何错误则不写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx 文件路径")
        parser.add_argument("--user", help="记入审计日志的操作人用户名（系统管理员）")

    def handle(self, *args, file: str, user: str | None = None, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"用户不存在或已停用：{user}")
        try:
            rows = criteria_read(file)
        except ImportFailed as exc:
            raise CommandError("导入失败，未写入任何数据：\n" + "\n".join(exc.errors)) from exc
        result = criteria_import(actor=actor, rows=rows)
        self.stdout.write(
            f"导入完成：{result['instruments']} 个文件，新增 {result['created']} 条，"
            f"更新 {result['updated']} 条。"
        )
