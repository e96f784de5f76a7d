"""Pages for the Excel import of sites: the upload form and the template download (the generic
pages of `safegrid.core.import_views`, configured here)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core import import_views as generic
from safegrid.core.xlsx_import import ImportResult

from . import importing


class SiteImportView(generic.ImportView):
    capability = Cap.ADD_SITE
    title = gettext_lazy("导入场所")
    columns = importing.COLUMNS
    template_url_name = "sites:site_import_template"
    list_url_name = "sites:site_list"
    job_import = "sites"

    def limits(self):
        return importing.LIMITS

    def run_import(self, *, actor, file) -> ImportResult:
        return importing.import_sites(actor=actor, file=file)


class SiteImportTemplateView(generic.ImportTemplateView):
    capability = Cap.ADD_SITE
    filename = gettext_lazy("场所导入模板.xlsx")

    def build(self) -> bytes:
        return importing.sites_template()
