"""Pages and API views for the Excel imports (see `safegrid.core.xlsx_import`): the upload form, the
template download and, on failure, every error with the error report to download.

The error report travels inside the failure page as a `data:` link, so it is never stored and no
one but the uploader can fetch it. The small upload form lives here rather than in `forms.py`: it
is this page's only input and carries no domain rule. An app's import page subclasses `ImportView`
(and `ImportTemplateView`, `ImportAPI`) and only configures them.

API: 201 {"created": N} when every row was imported; otherwise 400 in the project's error shape
with one entry per problem — {"code": "invalid", "detail": …, "errors": [{"row", "column",
"message"}]} — and nothing written. `row` is the sheet row (null for the file as a whole);
`column` is the header ("" for the row as a whole).
"""

from __future__ import annotations

import base64
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from . import xlsx_import
from .api import HasCapability
from .views import CapabilityRequiredMixin
from .xlsx_import import XLSX_CONTENT_TYPE, Column, ImportResult, Limits, RowError

# Room for the multipart envelope around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
        error_messages={"required": gettext_lazy("请选择要上传的文件。")},
    )


def declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # a malformed header is the upload parser's to refuse


def upload_too_large(request, limits: Limits) -> bool:
    """Decided from the request header, before the body is parsed (and spooled to disk)."""
    return declared_length(request) > limits.max_file_bytes + MULTIPART_OVERHEAD_BYTES


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def start_import_job(*, actor, name: str, title, upload):
    """Hand an upload too large for one request to a background import job (safegrid.jobs; imported
    here, not at the top, because core sits below every app)."""
    from safegrid.jobs import services as job_services
    from safegrid.jobs.models import JobKind

    upload.seek(0)
    return job_services.job_start(
        actor=actor,
        kind=JobKind.IMPORT,
        title=_("%(title)s：%(file)s") % {"title": title, "file": upload.name},
        params={"import": name},
        upload=upload,
        upload_name=upload.name,
    )


# ---- pages ---------------------------------------------------------------------------------------


class ImportView(CapabilityRequiredMixin, View):
    """GET: the upload form. POST: import the whole file, or show why not (status 400).

    Subclasses set `capability`, `title`, `columns`, `template_url_name`, `list_url_name` and
    implement `run_import`; `limits` may be overridden (read at each request)."""

    template_name = "core/import.html"
    title: ClassVar[Any] = ""
    columns: ClassVar[tuple[Column, ...]] = ()
    template_url_name: ClassVar[str] = ""
    list_url_name: ClassVar[str] = ""
    # The name of this import among the background jobs (safegrid.jobs.runners.IMPORTS): a file
    # beyond `limits()` is then imported by a job instead of being refused.
    job_import: ClassVar[str] = ""

    def limits(self) -> Limits:
        return Limits()

    def ceiling(self) -> Limits:
        """The largest upload accepted at all: the job limits when a job may take the file."""
        return xlsx_import.job_limits() if self.job_import else self.limits()

    def run_import(self, *, actor, file) -> ImportResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def list_url(self) -> str | None:
        try:
            return reverse(self.list_url_name)
        except NoReverseMatch:
            return None

    def render_page(self, form, *, errors=(), status=200):
        limits = self.limits()
        ceiling = self.ceiling()
        context = {
            "title": self.title,
            "form": form,
            "columns": [
                {"header": c.header, "required": c.required, "help": xlsx_import.column_help(c)}
                for c in self.columns
            ],
            "template_url": reverse(self.template_url_name),
            "list_url": self.list_url(),
            "max_rows": limits.max_rows,
            "max_megabytes": limits.max_megabytes,
            "job_max_rows": ceiling.max_rows if self.job_import else 0,
            "job_max_megabytes": ceiling.max_megabytes,
            "errors": list(errors),
            "report_url": "",
            "report_filename": _("导入错误报告.xlsx"),
        }
        if errors:
            report = base64.b64encode(xlsx_import.error_report(errors)).decode("ascii")
            context["report_url"] = f"data:{XLSX_CONTENT_TYPE};base64,{report}"
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page(ImportUploadForm())

    def post(self, request, *args, **kwargs):
        limits = self.ceiling()
        if upload_too_large(request, limits):
            error = RowError(None, "", xlsx_import.too_large_message(limits))
            return self.render_page(ImportUploadForm(), errors=[error], status=400)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, status=400)
        upload = form.cleaned_data["file"]
        result = self.run_import(actor=request.user, file=upload)
        if result.oversized and self.job_import:
            job = start_import_job(actor=request.user, name=self.job_import, title=self.title, upload=upload)
            messages.info(request, _("文件较大，已转为后台导入，完成后将发送站内消息通知您。"))
            return HttpResponseRedirect(job.get_absolute_url())
        if not result.ok:
            return self.render_page(ImportUploadForm(), errors=result.errors, status=400)
        messages.success(request, _("已导入 %(count)d 条。") % {"count": result.created})
        return HttpResponseRedirect(self.list_url() or request.path)


class ImportTemplateView(CapabilityRequiredMixin, View):
    """The blank template (no rows) under the import's capability. Subclasses set `capability`
    and `filename` and implement `build`."""

    filename: ClassVar[Any] = ""

    def build(self) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return xlsx_response(self.build(), str(self.filename))


# ---- API -----------------------------------------------------------------------------------------


class ImportUploadInput(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text=gettext_lazy(
            "用导入模板填写的 Excel 文件（.xlsx）。不超过 5 MB、2000 行的文件立即导入；"
            "更大的文件（不超过 50 MB、50000 行）转为后台任务，返回 202 和任务编号"
        ),
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


class ImportQueuedOutput(serializers.Serializer):
    job = serializers.IntegerField(help_text=gettext_lazy("后台任务编号"))
    status = serializers.CharField()
    url = serializers.CharField(help_text=gettext_lazy("查询任务进度的地址"))
    detail = serializers.CharField()


class ProblemOutput(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


def import_responses(forbidden: str) -> dict:
    """The OpenAPI responses of an import endpoint; `forbidden` describes its 403."""
    return {
        201: ImportCreatedOutput,
        202: OpenApiResponse(ImportQueuedOutput, description="文件超过即时导入的上限，已转为后台任务"),
        400: OpenApiResponse(ImportFailedOutput, description="文件未导入：每个错误的行、列和说明"),
        403: OpenApiResponse(ProblemOutput, description=forbidden),
        415: OpenApiResponse(ProblemOutput, description="不是 multipart/form-data 请求"),
    }


def failed_response(errors: list[RowError]) -> Response:
    return Response(
        {
            "code": "invalid",
            "detail": _("文件未导入：发现 %(count)d 处错误，未写入任何数据。") % {"count": len(errors)},
            "errors": [e.as_dict() for e in errors],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class ImportAPI(APIView):
    """POST a multipart `file`: 201 with the count, or 400 with every error and nothing written.
    Subclasses set `capability`, implement `run_import` and decorate `post` with `extend_schema`
    (operation id, `import_responses`)."""

    permission_classes = [HasCapability]
    parser_classes = [MultiPartParser]
    capability: ClassVar[str | None] = None
    title: ClassVar[Any] = ""
    job_import: ClassVar[str] = ""  # as on ImportView: an oversized file is imported by a job (202)

    def capability_for_action(self) -> str | None:
        return self.capability

    def limits(self) -> Limits:
        return Limits()

    def ceiling(self) -> Limits:
        return xlsx_import.job_limits() if self.job_import else self.limits()

    def run_import(self, *, actor, file) -> ImportResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        limits = self.ceiling()
        if upload_too_large(request, limits):
            # Refused before the body is parsed, so an oversized upload is never spooled to disk.
            return failed_response([RowError(None, "", xlsx_import.too_large_message(limits))])
        upload = ImportUploadInput(data=request.data)
        if not upload.is_valid():
            return failed_response([RowError(None, "file", _("请选择要上传的文件。"))])
        file = upload.validated_data["file"]
        result = self.run_import(actor=request.user, file=file)
        if result.oversized and self.job_import:
            job = start_import_job(actor=request.user, name=self.job_import, title=self.title, upload=file)
            return Response(
                {
                    "job": job.pk,
                    "status": job.status,
                    "url": reverse("api:job-detail", args=[job.pk]),
                    "detail": _("文件较大，已转为后台导入，完成后将发送站内消息通知您。"),
                },
                status=status.HTTP_202_ACCEPTED,
            )
        if not result.ok:
            return failed_response(result.errors)
        return Response({"created": result.created}, status=status.HTTP_201_CREATED)

    def handle_exception(self, exc):
        if isinstance(exc, UnsupportedMediaType):
            # The project-wide message asks for JSON; this endpoint wants a form upload.
            return Response(
                {"code": "unsupported_media_type", "detail": _("请使用 multipart/form-data 上传文件。")},
                status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        return super().handle_exception(exc)
