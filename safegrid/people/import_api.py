"""Excel import of people and certificates through the REST API (multipart upload of `file`).

201 {"created": N} when every row was imported; otherwise 400 in the project's error shape with
one entry per problem — {"code": "invalid", "detail": …, "errors": [{"row", "column", "message"}]} —
and nothing written. `row` is the sheet row (null for the file as a whole); `column` is the header
("" for the row as a whole)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from safegrid.accounts.roles import Cap
from safegrid.core.api import HasCapability

from . import importing
from .import_views import upload_too_large


class ImportUploadInput(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text=gettext_lazy("用导入模板填写的 Excel 文件（.xlsx），不超过 5 MB、2000 行"),
    )


class ImportCreatedOutput(serializers.Serializer):
    created = serializers.IntegerField(help_text=gettext_lazy("导入的条数"))


class ImportRowErrorOutput(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("工作表中的行号；整个文件的问题为 null")
    )
    column = serializers.CharField(
        allow_blank=True, help_text=gettext_lazy("列名（表头）；整行的问题为空字符串")
    )
    message = serializers.CharField(help_text=gettext_lazy("错误说明"))


class ImportFailedOutput(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = ImportRowErrorOutput(many=True)


class ProblemOutput(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


def _failed(errors: list[importing.RowError]) -> Response:
    return Response(
        {
            "code": "invalid",
            "detail": _("文件未导入：发现 %(count)d 处错误，未写入任何数据。") % {"count": len(errors)},
            "errors": [e.as_dict() for e in errors],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class _ImportAPI(APIView):
    permission_classes = [HasCapability]
    parser_classes = [MultiPartParser]

    def capability_for_action(self) -> str:
        return Cap.MANAGE_PEOPLE

    def run_import(self, *, actor, file) -> importing.ImportResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        if upload_too_large(request):
            # Refused before the body is parsed, so an oversized upload is never spooled to disk.
            message = _("文件超过 %(size)d MB 上限，请分批导入。") % {
                "size": importing.MAX_FILE_BYTES // importing.MiB
            }
            return _failed([importing.RowError(None, "", message)])
        upload = ImportUploadInput(data=request.data)
        if not upload.is_valid():
            return _failed([importing.RowError(None, "file", _("请选择要上传的文件。"))])
        result = self.run_import(actor=request.user, file=upload.validated_data["file"])
        if not result.ok:
            return _failed(result.errors)
        return Response({"created": result.created}, status=status.HTTP_201_CREATED)

    def handle_exception(self, exc):
        if isinstance(exc, UnsupportedMediaType):
            # The project-wide message asks for JSON; this endpoint wants a form upload.
            return Response(
                {"code": "unsupported_media_type", "detail": _("请使用 multipart/form-data 上传文件。")},
                status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        return super().handle_exception(exc)


_RESPONSES = {
    201: ImportCreatedOutput,
    400: OpenApiResponse(ImportFailedOutput, description="文件未导入：每个错误的行、列和说明"),
    403: OpenApiResponse(ProblemOutput, description="没有人员管理权限"),
    415: OpenApiResponse(ProblemOutput, description="不是 multipart/form-data 请求"),
}


class PersonImportAPI(_ImportAPI):
    """从 Excel 批量导入人员：全部通过校验才导入，否则一条也不导入并返回每个错误。"""

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

    @extend_schema(
        operation_id="certificates_import",
        request={"multipart/form-data": ImportUploadInput},
        responses=_RESPONSES,
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def run_import(self, *, actor, file) -> importing.ImportResult:
        return importing.import_certificates(actor=actor, file=file)
