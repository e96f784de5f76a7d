"""Excel import of people and certificates through the REST API (multipart upload of `file`): the
generic `safegrid.core.import_views.ImportAPI`, configured here.

201 {"created": N} when every row was imported; otherwise 400 in the project's error shape with
one entry per problem — {"code": "invalid", "detail": …, "errors": [{"row", "column", "message"}]} —
and nothing written. `row` is the sheet row (null for the file as a whole); `column` is the header
("" for the row as a whole)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema

from safegrid.accounts.roles import Cap
from safegrid.core.import_views import (  # noqa: F401 - re-exported for existing callers
    ImportAPI,
    ImportCreatedOutput,
    ImportFailedOutput,
    ImportRowErrorOutput,
    ImportUploadInput,
    ProblemOutput,
    failed_response,
    import_responses,
)

from . import importing

_RESPONSES = import_responses("没有人员管理权限")


class _ImportAPI(ImportAPI):
    capability = Cap.MANAGE_PEOPLE

    def limits(self):
        return importing.limits()


class PersonImportAPI(_ImportAPI):
    """从 Excel 批量导入人员：全部通过校验才导入，否则一条也不导入并返回每个错误。"""

    title = gettext_lazy("导入人员")
    job_import = "people"

    @extend_schema(
        operation_id="people_import",
        request={"multipart/form-data": ImportUploadInput},
        responses=_RESPONSES,
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def run_import(self, *, actor, file) -> importing.ImportResult:
        return importing.import_people(actor=actor, file=file)


class CertificateImportAPI(_ImportAPI):
    """从 Excel 批量导入证书（持证人须已登记）：全部通过校验才导入，否则一条也不导入并返回每个错误。"""

    title = gettext_lazy("导入证书")
    job_import = "certificates"

    @extend_schema(
        operation_id="certificates_import",
        request={"multipart/form-data": ImportUploadInput},
        responses=_RESPONSES,
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def run_import(self, *, actor, file) -> importing.ImportResult:
        return importing.import_certificates(actor=actor, file=file)
