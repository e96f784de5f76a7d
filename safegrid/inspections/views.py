from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.exports import ID_COLUMN
from safegrid.core.scope import grants_for
from safegrid.core.views import ScopedDetailView, ScopedListView, ServiceFormView
from safegrid.hazards import selectors as hazard_selectors

from . import selectors, services
from .filters import InspectionFilterSet
from .forms import InspectionForm


class InspectionListView(ScopedListView):
    capability = Cap.VIEW_INSPECTION
    selector = selectors.inspection_list
    filterset_class = InspectionFilterSet
    template_name = "inspections/inspection_list.html"
    partial_template_name = "inspections/_inspection_table.html"
    title = pgettext_lazy("navigation", "检查记录")
    create_url_name = "inspections:inspection_create"
    create_capability = Cap.ADD_INSPECTION
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("检查日期"), "inspected_on"),
        (gettext_lazy("场所"), "site.name"),
        (gettext_lazy("类型"), "get_kind_display"),
        (gettext_lazy("检查单位"), "organisation.name"),
        (gettext_lazy("检查人员"), "inspectors"),
        (gettext_lazy("结论"), "get_result_display"),
        (gettext_lazy("隐患数"), "hazard_count"),
        (gettext_lazy("检查情况"), "summary"),
    ]


class InspectionDetailView(ScopedDetailView):
    capability = Cap.VIEW_INSPECTION
    getter = selectors.inspection_get
    template_name = "inspections/inspection_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hazards"] = hazard_selectors.hazard_list(actor=self.request.user).filter(
            inspection=context["object"]
        )
        context["can_report"] = bool(grants_for(self.request.user, Cap.REPORT_HAZARD))
        return context


class InspectionCreateView(ServiceFormView):
    capability = Cap.ADD_INSPECTION
    form_class = InspectionForm
    title = gettext_lazy("录入检查记录")
    success_message = gettext_lazy("检查记录已保存。")

    def perform(self, form, instance):
        return services.inspection_record(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("inspections:inspection_detail", kwargs={"pk": obj.pk})
