from django.core.management.base import BaseCommand, CommandError

from safegrid.accounts.models import User
from safegrid.inspections.importing import CHECKLIST_COLUMNS, ImportFailed, checklist_read
from safegrid.inspections.services import checklist_import


class Command(BaseCommand):
    help = (
        "从 Excel 导入检查表（第一个工作表，首行为列名：" + "、".join(CHECKLIST_COLUMNS) + "）。"
        "适用行业代码留空为通用检查表；已有同名检查表的检查项将被替换。先校验全部行，有任何错误则不写入。"
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
            rows = checklist_read(file)
        except ImportFailed as exc:
            raise CommandError("导入失败，未写入任何数据：\n" + "\n".join(exc.errors)) from exc
        result = checklist_import(actor=actor, rows=rows)
        self.stdout.write(
            f"导入完成：新建 {result['created']} 个检查表，替换 {result['replaced']} 个，"
            f"共 {result['items']} 项。"
        )
