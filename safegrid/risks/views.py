from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView

from safegrid.accounts.roles import Cap
from safegrid.core.exports import ID_COLUMN
from safegrid.core.views import CapabilityRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView

from . import selectors, services
from .filters import RiskPointFilterSet
from .forms import ReassessForm, RiskPointForm, SiteGradingForm


class RiskPointListView(ScopedListView):
    capability = Cap.VIEW_RISK
    selector = selectors.risk_point_list
    filterset_class = RiskPointFilterSet
    template_name = "risks/risk_point_list.html"
    partial_template_name = "risks/_risk_point_table.html"
    title = pgettext_lazy("navigation", "风险分级与四色图")
    create_url_name = "risks:risk_point_create"
    create_capability = Cap.MANAGE_RISK
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("风险点"), "name"),
        (gettext_lazy("场所"), "site.name"),
        (gettext_lazy("所在区域"), "area"),
        (gettext_lazy("评估方法"), lambda p: p.method.upper()),
        (gettext_lazy("风险值"), "score"),
        (gettext_lazy("风险等级"), "get_level_display"),
        (gettext_lazy("管控层级"), "get_control_level_display"),
        (gettext_lazy("责任人"), "responsible_person"),
        (gettext_lazy("管控措施"), "control_measures"),
        (gettext_lazy("评估时间"), "assessed_at"),
    ]


class RiskPointDetailView(ScopedDetailView):
    capability = Cap.VIEW_RISK
    getter = selectors.risk_point_get
    template_name = "risks/risk_point_detail.html"
    edit_capability = Cap.MANAGE_RISK

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        point = context["object"]
        context["history"] = selectors.risk_assessment_history(risk_point=point)
        context["site_level"] = selectors.site_risk_level(actor=self.request.user, site=point.site)
        return context


class RiskPointCreateView(ServiceFormView):
    capability = Cap.MANAGE_RISK
    form_class = RiskPointForm
    title = gettext_lazy("登记风险点")
    success_message = gettext_lazy("风险点已登记。")

    def perform(self, form, instance):
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.assessment()}
        return services.risk_point_create(actor=self.request.user, **data, **form.assessment())


class RiskPointReassessView(ServiceFormView):
    capability = Cap.MANAGE_RISK
    form_class = ReassessForm
    title = gettext_lazy("重新评估")
    success_message = gettext_lazy("已重新评估，历史评估记录已保留。")

    def get_instance(self):
        return selectors.risk_point_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_RISK
        )

    def perform(self, form, instance):
        data = form.cleaned_data
        return services.risk_point_reassess(
            actor=self.request.user,
            risk_point=instance,
            control_measures=data["control_measures"],
            control_level=data["control_level"] or None,
            review_date=data["review_date"],
            note=data["note"],
            **form.assessment(),
        )


class SiteGradingCreateView(ServiceFormView):
    capability = Cap.MANAGE_RISK
    form_class = SiteGradingForm
    title = gettext_lazy("录入企业风险分级")
    success_message = gettext_lazy("企业风险分级已保存。")

    def perform(self, form, instance):
        data = form.cleaned_data
        return services.site_grading_record(
            actor=self.request.user, **{**data, "level": data["level"] or None}
        )

    def get_success_url(self, obj):
        return reverse("risks:risk_point_list") + f"?site={obj.site_id}"


class SiteRiskBadgeView(CapabilityRequiredMixin, TemplateView):
    """The site's risk colour as a small partial, loaded by the site page with htmx (so that the
    sites app does not depend on risks). A site outside the actor's VIEW_RISK scope is 404."""

    capability = Cap.VIEW_RISK
    template_name = "risks/_site_risk_badge.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = selectors.risk_site_get(actor=self.request.user, pk=self.kwargs["site_id"])
        context["site"] = site
        context["site_level"] = selectors.site_risk_level(actor=self.request.user, site=site)
        return context
