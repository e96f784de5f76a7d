"""Pages for the Excel import of people and certificates: the upload form, the template download,
and on failure the list of every error with the error report to download.

The error report travels inside the failure page as a `data:` link, so it is never stored and no
one but the uploader can fetch it. The small upload form lives here rather than in `forms.py`: it
is this page's only input and carries no domain rule.
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

from safegrid.accounts.roles import Cap
from safegrid.core.views import CapabilityRequiredMixin

from . import importing

# Room for the multipart envelope around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": gettext_lazy("请选择要上传的文件。")},
    )


def declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # a malformed header is the upload parser's to refuse


def upload_too_large(request) -> bool:
    """Decided from the request header, before the body is parsed (and spooled to disk)."""
    return declared_length(request) > importing.MAX_FILE_BYTES + MULTIPART_OVERHEAD_BYTES


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=importing.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class _ImportView(CapabilityRequiredMixin, View):
    """GET: the upload form. POST: import the whole file, or show why not (status 400)."""

    capability = Cap.MANAGE_PEOPLE
    template_name = "people/import.html"
    title: ClassVar[Any] = ""
    columns: ClassVar[tuple[importing.Column, ...]] = ()
    template_url_name: ClassVar[str] = ""
    list_url_name: ClassVar[str] = ""

    def run_import(self, *, actor, file) -> importing.ImportResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def list_url(self) -> str | None:
        try:
            return reverse(self.list_url_name)
        except NoReverseMatch:
            return None

    def render_page(self, form, *, errors=(), status=200):
        context = {
            "title": self.title,
            "form": form,
            "columns": [
                {"header": c.header, "required": c.required, "help": importing.column_help(c)}
                for c in self.columns
            ],
            "template_url": reverse(self.template_url_name),
            "list_url": self.list_url(),
            "max_rows": importing.MAX_ROWS,
            "max_megabytes": importing.MAX_FILE_BYTES // importing.MiB,
            "errors": list(errors),
            "report_url": "",
            "report_filename": _("导入错误报告.xlsx"),
        }
        if errors:
            report = base64.b64encode(importing.error_report(errors)).decode("ascii")
            context["report_url"] = f"data:{importing.XLSX_CONTENT_TYPE};base64,{report}"
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page(ImportUploadForm())

    def post(self, request, *args, **kwargs):
        if upload_too_large(request):
            error = importing.RowError(
                None,
                "",
                _("文件超过 %(size)d MB 上限，请分批导入。")
                % {"size": importing.MAX_FILE_BYTES // importing.MiB},
            )
            return self.render_page(ImportUploadForm(), errors=[error], status=400)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, status=400)
        result = self.run_import(actor=request.user, file=form.cleaned_data["file"])
        if not result.ok:
            return self.render_page(ImportUploadForm(), errors=result.errors, status=400)
        messages.success(request, _("已导入 %(count)d 条。") % {"count": result.created})
        return HttpResponseRedirect(self.list_url() or request.path)


class PersonImportView(_ImportView):
    title = gettext_lazy("导入人员")
    columns = importing.PERSON_COLUMNS
    template_url_name = "people:person_import_template"
    list_url_name = "people:person_list"

    def run_import(self, *, actor, file) -> importing.ImportResult:
        return importing.import_people(actor=actor, file=file)


class CertificateImportView(_ImportView):
    title = gettext_lazy("导入证书")
    columns = importing.CERTIFICATE_COLUMNS
    template_url_name = "people:certificate_import_template"
    list_url_name = "people:certificate_list"

    def run_import(self, *, actor, file) -> importing.ImportResult:
        return importing.import_certificates(actor=actor, file=file)


class PersonImportTemplateView(CapabilityRequiredMixin, View):
    capability = Cap.MANAGE_PEOPLE

    def get(self, request, *args, **kwargs):
        return xlsx_response(importing.people_template(), _("人员导入模板.xlsx"))


class CertificateImportTemplateView(CapabilityRequiredMixin, View):
    capability = Cap.MANAGE_PEOPLE

    def get(self, request, *args, **kwargs):
        return xlsx_response(importing.certificates_template(), _("证书导入模板.xlsx"))
