from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView

from safegrid.accounts.roles import Cap
from safegrid.core.exports import ID_COLUMN
from safegrid.core.views import CapabilityRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView

from . import selectors, services
from .choices import ComplianceRule, FilingStatus
from .filters import DrillPlanEntryFilterSet, DrillRecordFilterSet, EmergencyPlanFilterSet
from .forms import (
    DrillPlanEntryForm,
    DrillRecordForm,
    PlanCreateForm,
    PlanEditForm,
    PlanEvaluateForm,
    PlanFileForm,
    PlanReviewForm,
    PlanReviseForm,
    ProblemHazardForm,
    ProblemRevisionForm,
)

# ---- plans ------------------------------------------------------------------------------------


class PlanListView(ScopedListView):
    capability = Cap.VIEW_EMERGENCY
    selector = selectors.plan_list
    filterset_class = EmergencyPlanFilterSet
    template_name = "emergency/plan_list.html"
    partial_template_name = "emergency/_plan_table.html"
    title = pgettext_lazy("navigation", "应急预案")
    create_url_name = "emergency:plan_create"
    create_capability = Cap.MANAGE_EMERGENCY
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("预案名称"), "title"),
        (gettext_lazy("预案类型"), "get_kind_display"),
        (gettext_lazy("编制单位"), lambda p: p.owner.name),
        (gettext_lazy("文号"), "document_number"),
        (gettext_lazy("版本"), "version"),
        (gettext_lazy("发布日期"), "issued_on"),
        (gettext_lazy("应备案日期"), "filing_due"),
        (gettext_lazy("备案日期"), "filed_on"),
        (gettext_lazy("备案情况"), lambda p: FilingStatus(p.filing_status(timezone.localdate())).label),
        (gettext_lazy("下次评估"), "next_evaluation_due"),
        (gettext_lazy("修订任务"), "open_tasks"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class PlanDetailView(ScopedDetailView):
    capability = Cap.VIEW_EMERGENCY
    getter = selectors.plan_get
    template_name = "emergency/plan_detail.html"
    edit_capability = Cap.MANAGE_EMERGENCY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = context["object"]
        today = timezone.localdate()
        context.update(
            today=today,
            filing_status=plan.filing_status(today),
            evaluation_overdue=plan.evaluation_overdue(today),
            edit_url=reverse("emergency:plan_edit", kwargs={"pk": plan.pk}),
            steps=[
                (reverse(f"emergency:plan_{step}", kwargs={"pk": plan.pk}), label)
                for step, label in (
                    ("review", _("评审/论证")),
                    ("file", _("登记备案")),
                    ("evaluate", _("登记评估")),
                    ("revise", _("修订发布新版本")),
                )
            ],
        )
        return context


class PlanCreateView(ServiceFormView):
    capability = Cap.MANAGE_EMERGENCY
    form_class = PlanCreateForm
    title = gettext_lazy("登记应急预案")
    success_message = gettext_lazy("应急预案已登记。")

    def perform(self, form, instance):
        return services.emergency_plan_create(actor=self.request.user, **form.cleaned_data)


class _PlanStepView(ServiceFormView):
    capability = Cap.MANAGE_EMERGENCY

    def get_instance(self):
        return selectors.plan_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_EMERGENCY
        )


class PlanEditView(_PlanStepView):
    form_class = PlanEditForm
    title = gettext_lazy("修改应急预案")

    def perform(self, form, instance):
        return services.emergency_plan_update(actor=self.request.user, plan=instance, data=form.cleaned_data)


class PlanReviewView(_PlanStepView):
    form_class = PlanReviewForm
    title = gettext_lazy("预案评审（论证）")
    success_message = gettext_lazy("评审（论证）情况已登记。")

    def perform(self, form, instance):
        return services.emergency_plan_review(actor=self.request.user, plan=instance, **form.cleaned_data)


class PlanFileView(_PlanStepView):
    form_class = PlanFileForm
    title = gettext_lazy("预案备案")
    success_message = gettext_lazy("备案情况已登记。")

    def perform(self, form, instance):
        return services.emergency_plan_file(actor=self.request.user, plan=instance, **form.cleaned_data)


class PlanEvaluateView(_PlanStepView):
    form_class = PlanEvaluateForm
    title = gettext_lazy("预案评估")
    success_message = gettext_lazy("评估情况已登记。")

    def perform(self, form, instance):
        services.emergency_plan_evaluate(actor=self.request.user, plan=instance, **form.cleaned_data)
        return instance


class PlanReviseView(_PlanStepView):
    form_class = PlanReviseForm
    title = gettext_lazy("修订应急预案")
    success_message = gettext_lazy("已发布修订后的新版本，请重新评审并备案。")

    def perform(self, form, instance):
        return services.emergency_plan_revise(actor=self.request.user, plan=instance, **form.cleaned_data)


# ---- drill plan -------------------------------------------------------------------------------


class DrillPlanListView(ScopedListView):
    capability = Cap.VIEW_EMERGENCY
    selector = selectors.drill_plan_list
    filterset_class = DrillPlanEntryFilterSet
    template_name = "emergency/drill_plan_list.html"
    partial_template_name = "emergency/_drill_plan_table.html"
    title = pgettext_lazy("navigation", "演练计划")
    create_url_name = "emergency:drill_plan_create"
    create_capability = Cap.MANAGE_EMERGENCY
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("年度"), "year"),
        (gettext_lazy("月份"), "month"),
        (gettext_lazy("计划日期"), "planned_on"),
        (gettext_lazy("演练主题"), "theme"),
        (gettext_lazy("演练场所类型"), "get_place_kind_display"),
        (gettext_lazy("演练地点"), "place"),
        (gettext_lazy("责任单位"), lambda e: e.owner.name),
        (gettext_lazy("演练的预案"), "plan.title"),
        (gettext_lazy("演练日期"), lambda e: e.record.held_on if getattr(e, "record", None) else None),
    ]


class DrillPlanDetailView(ScopedDetailView):
    capability = Cap.VIEW_EMERGENCY
    getter = selectors.drill_plan_get
    template_name = "emergency/drill_plan_detail.html"
    edit_capability = Cap.MANAGE_EMERGENCY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edit_url"] = reverse("emergency:drill_plan_edit", kwargs={"pk": context["object"].pk})
        return context


class DrillPlanCreateView(ServiceFormView):
    capability = Cap.MANAGE_EMERGENCY
    form_class = DrillPlanEntryForm
    title = gettext_lazy("新增演练计划")
    success_message = gettext_lazy("演练计划已登记。")

    def perform(self, form, instance):
        return services.drill_plan_entry_create(actor=self.request.user, **form.cleaned_data)


class DrillPlanEditView(ServiceFormView):
    capability = Cap.MANAGE_EMERGENCY
    form_class = DrillPlanEntryForm
    title = gettext_lazy("修改演练计划")

    def get_instance(self):
        return selectors.drill_plan_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_EMERGENCY
        )

    def perform(self, form, instance):
        return services.drill_plan_entry_update(
            actor=self.request.user, entry=instance, data=form.cleaned_data
        )


# ---- drills -----------------------------------------------------------------------------------


class DrillListView(ScopedListView):
    capability = Cap.VIEW_EMERGENCY
    selector = selectors.drill_list
    filterset_class = DrillRecordFilterSet
    template_name = "emergency/drill_list.html"
    partial_template_name = "emergency/_drill_table.html"
    title = pgettext_lazy("navigation", "演练记录")
    create_url_name = "emergency:drill_create"
    create_capability = Cap.MANAGE_EMERGENCY
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("演练日期"), "held_on"),
        (gettext_lazy("演练名称"), "title"),
        (gettext_lazy("演练类型"), "get_kind_display"),
        (gettext_lazy("演练形式"), "get_mode_display"),
        (gettext_lazy("演练场所类型"), "get_place_kind_display"),
        (gettext_lazy("演练地点"), "place"),
        (gettext_lazy("组织单位"), lambda d: d.owner.name),
        (gettext_lazy("演练的预案"), "plan.title"),
        (gettext_lazy("参演人数"), "participants"),
        (gettext_lazy("发现问题"), "problem_count"),
    ]


class DrillDetailView(ScopedDetailView):
    capability = Cap.VIEW_EMERGENCY
    getter = selectors.drill_get
    template_name = "emergency/drill_detail.html"
    edit_capability = Cap.MANAGE_EMERGENCY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edit_url"] = reverse("emergency:drill_edit", kwargs={"pk": context["object"].pk})
        return context


class DrillCreateView(ServiceFormView):
    capability = Cap.MANAGE_EMERGENCY
    form_class = DrillRecordForm
    title = gettext_lazy("登记应急演练")
    success_message = gettext_lazy("应急演练已登记。")

    def perform(self, form, instance):
        return services.drill_record_create(actor=self.request.user, **form.cleaned_data)


class DrillEditView(ServiceFormView):
    capability = Cap.MANAGE_EMERGENCY
    form_class = DrillRecordForm
    title = gettext_lazy("修改应急演练")

    def get_instance(self):
        return selectors.drill_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_EMERGENCY
        )

    def perform(self, form, instance):
        data = dict(form.cleaned_data)
        new_problems = data.pop("problems", [])
        return services.drill_record_update(
            actor=self.request.user, drill=instance, data=data, new_problems=new_problems
        )


class _ProblemView(ServiceFormView):
    capability = Cap.MANAGE_EMERGENCY

    def get_instance(self):
        return selectors.problem_get(
            actor=self.request.user,
            drill_pk=self.kwargs["pk"],
            pk=self.kwargs["problem"],
            capability=Cap.MANAGE_EMERGENCY,
        )

    def get_success_url(self, obj) -> str:
        return reverse("emergency:drill_detail", kwargs={"pk": self.kwargs["pk"]})

    def cancel_url(self, instance) -> str:
        return self.get_success_url(instance)


class ProblemHazardView(_ProblemView):
    form_class = ProblemHazardForm
    title = gettext_lazy("演练发现的问题转为隐患")
    success_message = gettext_lazy("已上报隐患，来源为应急演练。")

    def perform(self, form, instance):
        return services.drill_problem_to_hazard(
            actor=self.request.user, problem=instance, **form.cleaned_data
        )


class ProblemRevisionView(_ProblemView):
    form_class = ProblemRevisionForm
    title = gettext_lazy("演练发现的问题转为预案修订任务")
    success_message = gettext_lazy("已登记预案修订任务。")

    def perform(self, form, instance):
        return services.drill_problem_to_revision(
            actor=self.request.user, problem=instance, **form.cleaned_data
        )


# ---- compliance -------------------------------------------------------------------------------


class ComplianceView(CapabilityRequiredMixin, TemplateView):
    """演练频次: every unit and period of a year against DOMAIN.md §5.3, misses first."""

    capability = Cap.VIEW_EMERGENCY
    template_name = "emergency/compliance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year", today.year))
        except ValueError:
            year = today.year
        if not 2000 <= year <= 2100:
            year = today.year
        rows = selectors.drill_compliance(actor=self.request.user, year=year, today=today)
        rule = self.request.GET.get("rule", "")
        if rule in ComplianceRule.values:
            rows = [r for r in rows if r.rule == rule]
        only_missed = self.request.GET.get("missed") == "1"
        if only_missed:
            rows = [r for r in rows if r.missed]
        rows.sort(key=lambda r: -r.missed)  # stable: misses first, then the selector's order
        context.update(
            title=pgettext_lazy("navigation", "演练频次"),
            year=year,
            years=list(range(today.year - 3, today.year + 1)),
            today=today,
            rows=rows,
            summary=selectors.compliance_summary(rows),
            only_missed=only_missed,
            rule=rule,
            rules=ComplianceRule.choices,
        )
        return context
