"""The work of each kind of job, run by `services.job_run` in a worker as the job's owner, with the
owner's scope and capabilities as they are when the job runs (not when it was asked for).

- export: the list page's own view rebuilt from its path and query string, so the rows are exactly
  those of the page with its filters; the workbook is written like a small export (core.exports).
- import: the app's import function with the job limits (core.xlsx_import.job_limits), all or
  nothing; on errors the error report is the job's file.
- bulletin: reports.bulletin for the period the owner chose.
"""

from __future__ import annotations

import datetime
import tempfile

from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core import exports, xlsx_import
from safegrid.core.scope import grants_for

from .models import Job
from .services import Outcome

# The imports that may run as jobs: name → (import function, capability, list page).
IMPORTS: dict[str, tuple[str, str, str]] = {
    "sites": ("safegrid.sites.importing.import_sites", Cap.ADD_SITE, "sites:site_list"),
    "hazards": ("safegrid.hazards.importing.import_hazards", Cap.REPORT_HAZARD, "hazards:hazard_list"),
    "people": ("safegrid.people.importing.import_people", Cap.MANAGE_PEOPLE, "people:person_list"),
    "certificates": (
        "safegrid.people.importing.import_certificates",
        Cap.MANAGE_PEOPLE,
        "people:certificate_list",
    ),
}


def _no_permission() -> Outcome:
    return Outcome(ok=False, message=_("您已没有执行该操作的权限，任务未执行。"))


def list_view_for(path: str, query: str, user):
    """The list view behind `path`, set up for `user` with `query` as its GET parameters, or None
    if the path is not an exportable list page."""
    from safegrid.core.views import ScopedListView

    try:
        match = resolve(path)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, ScopedListView)):
        return None
    if not view_class.export_columns:
        return None
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.user = user
    view = view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    return view


def _counted(rows, progress, total: int):
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % 500 == 0:
            progress(done, total)
    progress(done, total)


def run_export(job: Job, progress) -> Outcome:
    path, query = job.params.get("path", ""), job.params.get("query", "")
    view = list_view_for(path, query, job.owner)
    if view is None:
        return Outcome(ok=False, message=_("该页面不支持导出。"))
    if view.capability is None or not grants_for(job.owner, view.capability):
        return _no_permission()
    _filterset, queryset = view.filter_queryset()
    count = queryset.count()
    limit = exports.max_rows()
    if count > limit:
        return Outcome(ok=False, message=exports.ExportTooLarge(count, limit).message, total=count)
    progress(0, count)
    title = str(view.title)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by services._finish
    try:
        written = exports.write_xlsx(
            target,
            rows=_counted(queryset.iterator(chunk_size=exports.CHUNK_SIZE), progress, count),
            columns=view.export_columns,
            title=title,
        )
        filters = [key for key, value in QueryDict(query).items() if value and key not in ("page", "format")]
        exports.list_export_audit(actor=job.owner, title=title, count=written, filters=filters)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return Outcome(
        ok=True,
        message=_("已导出 %(count)d 条。") % {"count": written},
        file=target,
        filename=exports.export_filename(title),
        total=written,
    )


def run_import(job: Job, progress) -> Outcome:
    entry = IMPORTS.get(job.params.get("import", ""))
    if entry is None or not job.input_file:
        return Outcome(ok=False, message=_("该导入不能作为后台任务运行。"))
    function, capability, _list_url = entry
    if not grants_for(job.owner, capability):
        return _no_permission()
    with job.input_file.open("rb") as handle:
        data = handle.read()
    result = import_string(function)(
        actor=job.owner, file=data, limits=xlsx_import.job_limits(), progress=progress
    )
    if result.ok:
        return Outcome(
            ok=True, message=_("已导入 %(count)d 条。") % {"count": result.created}, total=result.created
        )
    return Outcome(
        ok=False,
        message=_("文件未导入：发现 %(count)d 处错误，未写入任何数据。请下载错误报告，修改后重新导入。")
        % {"count": len(result.errors)},
        content=xlsx_import.error_report(result.errors),
        filename=_("导入错误报告.xlsx"),
        errors=[e.as_dict() for e in result.errors],
    )


def run_bulletin(job: Job, progress) -> Outcome:
    from safegrid.reports.bulletin import bulletin_docx, bulletin_filename

    if not grants_for(job.owner, Cap.VIEW_HAZARD):
        return _no_permission()
    try:
        date_from = datetime.date.fromisoformat(job.params["date_from"])
        date_to = datetime.date.fromisoformat(job.params["date_to"])
        today = datetime.date.fromisoformat(job.params["today"])
    except (KeyError, TypeError, ValueError):
        return Outcome(ok=False, message=_("统计周期无效，任务未执行。"))
    progress(0, 1)
    content = bulletin_docx(actor=job.owner, date_from=date_from, date_to=date_to, today=today)
    return Outcome(
        ok=True,
        message=_("简报已生成。"),
        content=content,
        filename=bulletin_filename(date_from, date_to),
        total=1,
    )
