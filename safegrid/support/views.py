from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView

from safegrid.accounts.roles import Cap
from safegrid.core.exports import ID_COLUMN
from safegrid.core.scope import grants_for
from safegrid.core.views import CapabilityRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView

from . import selectors, services
from .filters import (
    EvaluationFilterSet,
    ExpertEngagementFilterSet,
    ExpertFilterSet,
    FundAllocationFilterSet,
    LeadershipFilterSet,
)
from .forms import (
    EngagementForm,
    EvaluationForm,
    ExpenditureForm,
    ExpertForm,
    FindingForm,
    FundAllocationForm,
    LeadershipForm,
    RaiseHazardForm,
    WeightForm,
)


def _filtered(context):
    """The list page's filtered (not paginated) queryset, for figures over the same rows."""
    f = context["filter"]
    return f.qs if f.is_valid() else f.queryset.none()


# ---- funds ------------------------------------------------------------------------------------


class FundListView(ScopedListView):
    capability = Cap.VIEW_SUPPORT
    selector = selectors.fund_list
    filterset_class = FundAllocationFilterSet
    template_name = "support/fund_list.html"
    partial_template_name = "support/_fund_table.html"
    title = pgettext_lazy("navigation", "资金保障")
    create_url_name = "support:fund_create"
    create_capability = Cap.MANAGE_FUNDS
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("年度"), "year"),
        (gettext_lazy("资金名称"), "title"),
        (gettext_lazy("用途"), "get_purpose_display"),
        (gettext_lazy("资金来源"), "source"),
        (gettext_lazy("文号"), "document_number"),
        (gettext_lazy("区划"), "region.name"),
        (gettext_lazy("行业领域"), "sector.name"),
        (gettext_lazy("安排金额（元）"), "amount"),
        (gettext_lazy("已支出（元）"), "spent"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = selectors.fund_totals(actor=self.request.user, allocations=_filtered(context))
        context["totals"] = totals
        context["grand_total"] = selectors.fund_grand_total(totals)
        return context


class FundDetailView(ScopedDetailView):
    capability = Cap.VIEW_SUPPORT
    getter = selectors.fund_get
    template_name = "support/fund_detail.html"
    edit_capability = Cap.MANAGE_FUNDS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edit_url"] = reverse("support:fund_edit", kwargs={"pk": context["object"].pk})
        return context


class FundCreateView(ServiceFormView):
    capability = Cap.MANAGE_FUNDS
    form_class = FundAllocationForm
    title = gettext_lazy("登记资金安排")

    def perform(self, form, instance):
        return services.fund_allocation_create(actor=self.request.user, **form.cleaned_data)


class FundEditView(ServiceFormView):
    capability = Cap.MANAGE_FUNDS
    form_class = FundAllocationForm
    title = gettext_lazy("修改资金安排")

    def get_instance(self):
        return selectors.fund_get(actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_FUNDS)

    def perform(self, form, instance):
        return services.fund_allocation_update(
            actor=self.request.user, allocation=instance, data=form.cleaned_data
        )


class ExpenditureCreateView(ServiceFormView):
    capability = Cap.MANAGE_FUNDS
    form_class = ExpenditureForm
    title = gettext_lazy("登记资金支出")
    success_message = gettext_lazy("资金支出已登记。")

    def get_instance(self):
        return selectors.fund_get(actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_FUNDS)

    def perform(self, form, instance):
        services.fund_expenditure_add(actor=self.request.user, allocation=instance, **form.cleaned_data)
        return instance


# ---- experts ----------------------------------------------------------------------------------


class ExpertListView(ScopedListView):
    capability = Cap.VIEW_SUPPORT
    selector = selectors.expert_list
    filterset_class = ExpertFilterSet
    template_name = "support/expert_list.html"
    partial_template_name = "support/_expert_table.html"
    title = pgettext_lazy("navigation", "专家库")
    create_url_name = "support:expert_create"
    create_capability = Cap.MANAGE_EXPERTS
    # The phone masked, like on the page.
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("姓名"), "name"),
        (gettext_lazy("专业领域"), lambda e: [s.name for s in e.specialties.all()]),
        (gettext_lazy("职称"), "title"),
        (gettext_lazy("工作单位"), "employer"),
        (gettext_lazy("联系电话"), "masked_phone"),
        (gettext_lazy("所属区划"), "region.name"),
        (gettext_lazy("在库"), "is_active"),
    ]


class ExpertDetailView(ScopedDetailView):
    capability = Cap.VIEW_SUPPORT
    getter = selectors.expert_get
    template_name = "support/expert_detail.html"
    edit_capability = Cap.MANAGE_EXPERTS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        expert = context["object"]
        context["edit_url"] = reverse("support:expert_edit", kwargs={"pk": expert.pk})
        context["engagements"] = selectors.engagement_list(actor=self.request.user).filter(experts=expert)[
            :50
        ]
        context["can_unmask"] = selectors.can_unmask_expert(actor=self.request.user, expert=expert)
        return context


class ExpertUnmaskView(ExpertDetailView):
    """POST "显示完整号码": the expert page once more with the full phone, never cached. Needs
    VIEW_PLAIN_PII and MANAGE_EXPERTS (403), the entry in the pool the actor keeps (404); audited."""

    capability = Cap.VIEW_PLAIN_PII
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not grants_for(request.user, Cap.MANAGE_EXPERTS):
            raise PermissionDenied(_("您没有执行该操作的权限。"))
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if not hasattr(self, "_expert"):
            self._expert = selectors.expert_plain_get(actor=self.request.user, pk=self.kwargs["pk"])
        return self._expert

    def post(self, request, *args, **kwargs):
        plain = services.expert_unmask(actor=request.user, expert=self.get_object())
        response = self.render_to_response(self.get_context_data(plain=plain, **kwargs))
        add_never_cache_headers(response)
        return response


class ExpertCreateView(ServiceFormView):
    capability = Cap.MANAGE_EXPERTS
    form_class = ExpertForm
    title = gettext_lazy("新增专家")

    def perform(self, form, instance):
        return services.expert_create(actor=self.request.user, **form.cleaned_data)


class ExpertEditView(ServiceFormView):
    capability = Cap.MANAGE_EXPERTS
    form_class = ExpertForm
    title = gettext_lazy("修改专家信息")

    def get_instance(self):
        return selectors.expert_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_EXPERTS
        )

    def perform(self, form, instance):
        data = dict(form.cleaned_data)
        if not data.get("phone"):
            data.pop("phone", None)  # blank keeps the stored phone (it is never shown unmasked)
        return services.expert_update(actor=self.request.user, expert=instance, data=data)


# ---- engagements ------------------------------------------------------------------------------


class EngagementListView(ScopedListView):
    capability = Cap.VIEW_SUPPORT
    selector = selectors.engagement_list
    filterset_class = ExpertEngagementFilterSet
    template_name = "support/engagement_list.html"
    partial_template_name = "support/_engagement_table.html"
    title = pgettext_lazy("navigation", "专家服务")
    create_url_name = "support:engagement_create"
    create_capability = Cap.MANAGE_EXPERTS
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("开始日期"), "start_date"),
        (gettext_lazy("结束日期"), "end_date"),
        (gettext_lazy("服务场所"), "site.name"),
        (gettext_lazy("服务事项"), "purpose"),
        (gettext_lazy("专家人数"), "expert_count"),
        (gettext_lazy("发现问题"), "finding_count"),
        (gettext_lazy("费用（元）"), "cost"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = selectors.engagement_figures(
            actor=self.request.user, engagements=_filtered(context)
        )
        return context


class EngagementDetailView(ScopedDetailView):
    capability = Cap.VIEW_SUPPORT
    getter = selectors.engagement_get
    template_name = "support/engagement_detail.html"
    edit_capability = Cap.MANAGE_EXPERTS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        engagement = context["object"]
        context["edit_url"] = reverse("support:engagement_edit", kwargs={"pk": engagement.pk})
        context["days"] = selectors.engagement_days(engagement)
        context["can_record"] = selectors.can_record_findings(actor=self.request.user, engagement=engagement)
        context["can_report"] = bool(grants_for(self.request.user, Cap.REPORT_HAZARD))
        return context


class EngagementCreateView(ServiceFormView):
    capability = Cap.MANAGE_EXPERTS
    form_class = EngagementForm
    title = gettext_lazy("登记专家服务")

    def perform(self, form, instance):
        return services.engagement_create(actor=self.request.user, **form.cleaned_data)


class EngagementEditView(ServiceFormView):
    capability = Cap.MANAGE_EXPERTS
    form_class = EngagementForm
    title = gettext_lazy("修改专家服务")

    def get_instance(self):
        return selectors.engagement_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_EXPERTS
        )

    def perform(self, form, instance):
        return services.engagement_update(
            actor=self.request.user, engagement=instance, data=form.cleaned_data
        )


class _FindingView(ServiceFormView):
    """Findings are recorded by the engagement's managers or its own experts: the engagement is
    read under VIEW_SUPPORT (404 outside), anyone else who reads it gets 403."""

    capability = Cap.VIEW_SUPPORT

    def get_instance(self):
        engagement = selectors.engagement_get(actor=self.request.user, pk=self.kwargs["pk"])
        if not selectors.can_record_findings(actor=self.request.user, engagement=engagement):
            raise PermissionDenied(_("您没有执行该操作的权限。"))
        return engagement


class FindingCreateView(_FindingView):
    form_class = FindingForm
    title = gettext_lazy("登记发现问题")
    success_message = gettext_lazy("发现问题已登记。")

    def perform(self, form, instance):
        services.finding_add(actor=self.request.user, engagement=instance, **form.cleaned_data)
        return instance


class FindingRaiseHazardView(_FindingView):
    form_class = RaiseHazardForm
    title = gettext_lazy("问题转为隐患")
    success_message = gettext_lazy("已生成隐患，来源为专家服务。")

    def get_form(self, data=None, instance=None):
        self.finding = selectors.finding_get(engagement=instance, pk=self.kwargs["finding"])
        return super().get_form(data=data, instance=instance)

    def perform(self, form, instance):
        return services.finding_raise_hazard(
            actor=self.request.user, finding=self.finding, **form.cleaned_data
        )

    def get_success_url(self, obj) -> str:
        return reverse("support:engagement_detail", kwargs={"pk": self.kwargs["pk"]})


# ---- evaluations, weights, leadership ---------------------------------------------------------


class EvaluationListView(ScopedListView):
    capability = Cap.VIEW_SUPPORT
    selector = selectors.evaluation_list
    filterset_class = EvaluationFilterSet
    template_name = "support/evaluation_list.html"
    partial_template_name = "support/_evaluation_table.html"
    title = pgettext_lazy("navigation", "责任考评")
    create_url_name = "support:evaluation_create"
    create_capability = Cap.MANAGE_EVALUATION
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("年度"), "year"),
        (gettext_lazy("被考核单位"), "unit.name"),
        (gettext_lazy("得分"), "total_score"),
        (gettext_lazy("满分"), "max_score"),
        (gettext_lazy("一票否决"), "vetoed"),
        (gettext_lazy("考核单位"), "evaluator"),
    ]


class EvaluationDetailView(ScopedDetailView):
    capability = Cap.VIEW_SUPPORT
    getter = selectors.evaluation_get
    template_name = "support/evaluation_detail.html"
    edit_capability = Cap.MANAGE_EVALUATION

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edit_url"] = reverse("support:evaluation_edit", kwargs={"pk": context["object"].pk})
        return context


class EvaluationCreateView(ServiceFormView):
    capability = Cap.MANAGE_EVALUATION
    form_class = EvaluationForm
    title = gettext_lazy("登记责任考评")

    def perform(self, form, instance):
        return services.evaluation_create(actor=self.request.user, **form.cleaned_data)


class EvaluationEditView(ServiceFormView):
    capability = Cap.MANAGE_EVALUATION
    form_class = EvaluationForm
    title = gettext_lazy("修改责任考评")

    def get_instance(self):
        return selectors.evaluation_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_EVALUATION
        )

    def perform(self, form, instance):
        return services.evaluation_update(
            actor=self.request.user, evaluation=instance, data=form.cleaned_data
        )


class WeightListView(CapabilityRequiredMixin, TemplateView):
    """The weight of work safety in the county's annual assessment, year by year, with the change
    against the year before (1.7 → 2.0: +17.6%)."""

    capability = Cap.VIEW_SUPPORT
    template_name = "support/weight_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = pgettext_lazy("navigation", "考核权重")
        context["rows"] = selectors.weight_rows(actor=self.request.user)
        context["can_manage"] = bool(grants_for(self.request.user, Cap.MANAGE_EVALUATION))
        return context


class _WeightFormView(ServiceFormView):
    capability = Cap.MANAGE_EVALUATION
    form_class = WeightForm

    def get_success_url(self, obj) -> str:
        return reverse("support:weight_list")

    def cancel_url(self, instance) -> str:
        return reverse("support:weight_list")


class WeightCreateView(_WeightFormView):
    title = gettext_lazy("设定考核权重")

    def perform(self, form, instance):
        return services.assessment_weight_create(actor=self.request.user, **form.cleaned_data)


class WeightEditView(_WeightFormView):
    title = gettext_lazy("修改考核权重")

    def get_instance(self):
        return selectors.weight_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_EVALUATION
        )

    def perform(self, form, instance):
        return services.assessment_weight_update(
            actor=self.request.user, weight=instance, data=form.cleaned_data
        )


class LeadershipListView(ScopedListView):
    capability = Cap.VIEW_SUPPORT
    selector = selectors.leadership_list
    filterset_class = LeadershipFilterSet
    template_name = "support/leadership_list.html"
    partial_template_name = "support/_leadership_table.html"
    title = pgettext_lazy("navigation", "领导责任")
    create_url_name = "support:leadership_create"
    create_capability = Cap.MANAGE_EVALUATION
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("年度"), "year"),
        (gettext_lazy("姓名"), "official_name"),
        (gettext_lazy("职务"), "post"),
        (gettext_lazy("第一责任人"), "is_first_responsible"),
        (gettext_lazy("所在单位"), "organisation.name"),
        (gettext_lazy("分管工作"), "portfolio"),
        (gettext_lazy("责任书签订日期"), "letter_signed_on"),
    ]


class LeadershipDetailView(ScopedDetailView):
    capability = Cap.VIEW_SUPPORT
    getter = selectors.leadership_get
    template_name = "support/leadership_detail.html"
    edit_capability = Cap.MANAGE_EVALUATION

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edit_url"] = reverse("support:leadership_edit", kwargs={"pk": context["object"].pk})
        return context


class LeadershipCreateView(ServiceFormView):
    capability = Cap.MANAGE_EVALUATION
    form_class = LeadershipForm
    title = gettext_lazy("登记领导责任")

    def perform(self, form, instance):
        return services.leadership_create(actor=self.request.user, **form.cleaned_data)


class LeadershipEditView(ServiceFormView):
    capability = Cap.MANAGE_EVALUATION
    form_class = LeadershipForm
    title = gettext_lazy("修改领导责任")

    def get_instance(self):
        return selectors.leadership_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_EVALUATION
        )

    def perform(self, form, instance):
        return services.leadership_update(actor=self.request.user, record=instance, data=form.cleaned_data)
