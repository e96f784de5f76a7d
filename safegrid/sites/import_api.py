"""Excel import of sites through the REST API (multipart upload of `file`); see
`safegrid.core.import_views` for the responses."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema

from safegrid.accounts.roles import Cap
from safegrid.core.import_views import ImportAPI, ImportUploadInput, import_responses
from safegrid.core.xlsx_import import ImportResult

from . import importing


class SiteImportAPI(ImportAPI):
    """从 Excel 批量登记场所：全部通过校验才导入，否则一条也不导入并返回每个错误。"""

    capability = Cap.ADD_SITE
    title = gettext_lazy("导入场所")
    job_import = "sites"

    def limits(self):
        return importing.LIMITS

    @extend_schema(
        operation_id="sites_import",
        request={"multipart/form-data": ImportUploadInput},
        responses=import_responses("没有登记场所的权限"),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def run_import(self, *, actor, file) -> ImportResult:
        return importing.import_sites(actor=actor, file=file)
