"""Pages for the Excel import of hazards: the upload form and the template download (the generic
pages of `safegrid.core.import_views`, configured here)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core import import_views as generic
from safegrid.core.xlsx_import import ImportResult

from . import importing


class HazardImportView(generic.ImportView):
    capability = Cap.REPORT_HAZARD
    title = gettext_lazy("导入隐患")
    columns = importing.COLUMNS
    template_url_name = "hazards:hazard_import_template"
    list_url_name = "hazards:hazard_list"
    job_import = "hazards"

    def limits(self):
        return importing.LIMITS

    def run_import(self, *, actor, file) -> ImportResult:
        return importing.import_hazards(actor=actor, file=file)


class HazardImportTemplateView(generic.ImportTemplateView):
    capability = Cap.REPORT_HAZARD
    filename = gettext_lazy("隐患导入模板.xlsx")

    def build(self) -> bytes:
        return importing.hazards_template()
