import io

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from safegrid.accounts.roles import Cap
from safegrid.core.scope import grants_for
from safegrid.core.views import CapabilityRequiredMixin
from safegrid.orgs import selectors as org_selectors
from safegrid.risks.choices import RiskLevel

from . import risk_map, selectors


class HomeView(LoginRequiredMixin, TemplateView):
    """The home page: what the signed-in person is responsible for, by role. Every figure is a
    count over the same scoped selectors as the lists it links to."""

    template_name = "reports/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = selectors.home_panels(actor=self.request.user)
        context["title"] = selectors.home_title(actor=self.request.user)
        context["grants"] = self.request.user.grants
        context["can_report"] = bool(grants_for(self.request.user, Cap.REPORT_HAZARD))
        return context


class RiskMapFilterForm(forms.Form):
    """The map's filters: a region to drill into, a sector and a level (all optional)."""

    region = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sector = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("行业领域"))
    level = forms.ChoiceField(required=False, label=gettext_lazy("风险等级"))
    colour_by = forms.ChoiceField(
        required=False,
        label=gettext_lazy("着色方式"),
        choices=[("level", gettext_lazy("按最高等级")), ("count", gettext_lazy("按风险点数量"))],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = org_selectors.sector_choices(actor=actor, capability=Cap.VIEW_RISK)
        self.fields["sector"].empty_label = gettext_lazy("全部行业领域")
        self.fields["level"].choices = [("", gettext_lazy("全部等级")), *RiskLevel.choices]
        for name in ("sector", "level"):
            self.fields[name].widget.attrs["class"] = "form-select"


class RiskMapMixin(CapabilityRequiredMixin):
    capability = Cap.VIEW_RISK

    def map_data(self):
        form = RiskMapFilterForm(self.request.GET, actor=self.request.user)
        if not form.is_valid():
            raise BadFilter(form)
        region = None
        if form.cleaned_data["region"] is not None:
            region = risk_map.map_region_get(actor=self.request.user, pk=form.cleaned_data["region"])
        data = risk_map.risk_map_data(
            actor=self.request.user,
            region=region,
            sector=form.cleaned_data["sector"],
            level=form.cleaned_data["level"] or None,
            colour_by=form.cleaned_data["colour_by"] or "level",
        )
        return form, data


class BadFilter(Exception):
    def __init__(self, form):
        self.form = form


class RiskMapView(RiskMapMixin, TemplateView):
    """The four-colour map (ECharts, our own GeoJSON) with drill-down, and the sector × township
    matrix under it."""

    template_name = "reports/risk_map.html"

    def get(self, request, *args, **kwargs):
        try:
            self.form, self.data = self.map_data()
        except BadFilter as bad:
            self.form = bad.form
            self.data = None
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("四色风险分布图"),
            form=self.form,
            map_data=self.data,
            matrix=risk_map.risk_matrix(actor=self.request.user),
            levels=risk_map.levels_legend(),
            colour_by_links=self.colour_by_links(),
            map_labels={
                "title": _("四色风险分布图"),
                "points": _("风险点"),
                "sites": _("场所"),
                "none": _("无风险点"),
                "worst": _("最高等级"),
                "total": _("风险点合计"),
                "sitesOmitted": _("场所较多（%(n)s 个），请选择县（区）或乡镇查看场所分布"),
            },
        )
        return context

    def colour_by_links(self) -> list[dict]:
        """The level / count toggle: the current query with `colour_by` switched."""
        current = self.request.GET.get("colour_by") or "level"
        links = []
        for value, label in RiskMapFilterForm.base_fields["colour_by"].choices:
            query = self.request.GET.copy()
            query["colour_by"] = value
            links.append(
                {"value": value, "label": label, "query": query.urlencode(), "active": value == current}
            )
        return links


class RiskMapDataView(RiskMapMixin, View):
    """The map's data as JSON (GeoJSON FeatureCollection plus sites), for scripts and the API."""

    def get(self, request, *args, **kwargs):
        try:
            _form, data = self.map_data()
        except BadFilter as bad:
            return JsonResponse({"code": "invalid", "detail": bad.form.errors}, status=400)
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


class RiskMatrixExportView(CapabilityRequiredMixin, View):
    """The sector × township matrix as an Excel workbook (one row per non-empty cell)."""

    capability = Cap.VIEW_RISK

    def get(self, request, *args, **kwargs):
        from openpyxl import Workbook

        matrix = risk_map.risk_matrix(actor=request.user)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("风险分布矩阵")
        sheet.append(risk_map.matrix_header())
        for sector, township, counts in matrix.records():
            numbers = [counts[level] for level in RiskLevel.values]
            sheet.append([sector.name, township.name, *numbers, sum(numbers)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="risk-matrix.xlsx"'
        return response


class DashboardView(CapabilityRequiredMixin, TemplateView):
    """统计分析: the §7 figures of a period in the actor's scope, monthly trend, breakdowns by sector
    and township, overdue and escalated hazards, meeting and drill compliance. Every number links
    to the list that reproduces it (see dashboard.Card.counts). Every business role reads hazards;
    the groups of figures follow the actor's other capabilities."""

    capability = Cap.VIEW_HAZARD
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        from django.utils import timezone

        from . import dashboard, statistics
        from .forms import PeriodForm

        context = super().get_context_data(**kwargs)
        actor = self.request.user
        today = timezone.localdate()
        form = PeriodForm(self.request.GET, today=today)
        context.update(title=_("统计分析"), form=form, today=today)
        if not form.is_valid():
            return context
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        with statistics.shared_reads():
            figures = statistics.figures(actor=actor, date_from=date_from, date_to=date_to, today=today)
            trend = dashboard.trend_rows(statistics.hazard_monthly_trend(actor=actor, today=today))
            by_sector = statistics.hazard_breakdown_by_sector(
                actor=actor, date_from=date_from, date_to=date_to, today=today
            )
            by_area = statistics.hazard_breakdown_by_area(
                actor=actor, date_from=date_from, date_to=date_to, today=today
            )
            if grants_for(actor, Cap.VIEW_DISPATCH):
                # The rows the figures counted the required meetings from.
                context["cadence"], context["cadence_by_county"] = dashboard.cadence_rows(
                    statistics.cadence_compliance(actor=actor, year=date_to.year, today=today)
                )
                context["cadence_year"] = date_to.year
        context.update(
            figures=figures,
            sections=dashboard.sections(figures),
            trend=trend,
            by_sector=dashboard.breakdown_rows(by_sector, figures),
            by_area=dashboard.breakdown_rows(by_area, figures),
            overdue=statistics.overdue_hazards(actor=actor, today=today),
            escalated=statistics.escalated_open_hazards(actor=actor),
            charts={
                "months": [row["label"] for row in trend],
                "found": [row["found"] for row in trend],
                "closed": [row["closed"] for row in trend],
                "found_urls": [row["found_url"] for row in trend],
                "closed_urls": [row["closed_url"] for row in trend],
                "sectors": [r.name for r in by_sector],
                "sector_found": [r.found for r in by_sector],
                "sector_closed": [r.closed for r in by_sector],
                "areas": [r.name for r in by_area],
                "area_found": [r.found for r in by_area],
                "area_closed": [r.closed for r in by_area],
                "labels": {"found": _("发现隐患"), "closed": _("已销号")},
            },
            period_query=self.request.GET.urlencode(),
        )
        if grants_for(actor, Cap.VIEW_EMERGENCY):
            from safegrid.emergency.selectors import drill_compliance_summary

            context["drill_summary"] = drill_compliance_summary(actor=actor, year=date_to.year, today=today)
            context["drill_year"] = date_to.year
        return context
