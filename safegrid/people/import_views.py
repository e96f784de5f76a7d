"""Pages for the Excel import of people and certificates: the upload form, the template download,
and on failure the list of every error with the error report to download (the generic pages of
`safegrid.core.import_views`, configured here)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core import import_views as generic
from safegrid.core.import_views import (  # noqa: F401 - re-exported for existing callers
    MULTIPART_OVERHEAD_BYTES,
    ImportUploadForm,
    declared_length,
    xlsx_response,
)

from . import importing


def upload_too_large(request) -> bool:
    """Decided from the request header, before the body is parsed (and spooled to disk)."""
    return generic.upload_too_large(request, importing.limits())


class _ImportView(generic.ImportView):
    """GET: the upload form. POST: import the whole file, or show why not (status 400)."""

    capability = Cap.MANAGE_PEOPLE

    def limits(self):
        return importing.limits()


class PersonImportView(_ImportView):
    title = gettext_lazy("导入人员")
    columns = importing.PERSON_COLUMNS
    template_url_name = "people:person_import_template"
    list_url_name = "people:person_list"
    job_import = "people"

    def run_import(self, *, actor, file) -> importing.ImportResult:
        return importing.import_people(actor=actor, file=file)


class CertificateImportView(_ImportView):
    title = gettext_lazy("导入证书")
    columns = importing.CERTIFICATE_COLUMNS
    template_url_name = "people:certificate_import_template"
    list_url_name = "people:certificate_list"
    job_import = "certificates"

    def run_import(self, *, actor, file) -> importing.ImportResult:
        return importing.import_certificates(actor=actor, file=file)


class PersonImportTemplateView(generic.ImportTemplateView):
    capability = Cap.MANAGE_PEOPLE
    filename = gettext_lazy("人员导入模板.xlsx")

    def build(self) -> bytes:
        return importing.people_template()


class CertificateImportTemplateView(generic.ImportTemplateView):
    capability = Cap.MANAGE_PEOPLE
    filename = gettext_lazy("证书导入模板.xlsx")

    def build(self) -> bytes:
        return importing.certificates_template()
