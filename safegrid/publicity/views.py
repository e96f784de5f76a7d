from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.attachments import selectors as attachment_selectors
from safegrid.core.exports import ID_COLUMN
from safegrid.core.views import ScopedDetailView, ScopedListView, ServiceFormView

from . import selectors, services
from .filters import ActivityFilterSet, PublicityPlanFilterSet
from .forms import ActivityForm, PlanCreateForm, PlanEditForm, PlanMonthForm

# ---- activities -------------------------------------------------------------------------------


class ActivityListView(ScopedListView):
    capability = Cap.VIEW_PUBLICITY
    selector = selectors.activity_list
    filterset_class = ActivityFilterSet
    template_name = "publicity/activity_list.html"
    partial_template_name = "publicity/_activity_table.html"
    title = pgettext_lazy("navigation", "宣传活动")
    create_url_name = "publicity:activity_create"
    create_capability = Cap.RECORD_PUBLICITY
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("活动日期"), "date"),
        (gettext_lazy("活动名称"), "title"),
        (gettext_lazy("宣传形式"), "get_channel_display"),
        (gettext_lazy("组织单位"), "organiser.name"),
        (gettext_lazy("活动地点"), "region.name"),
        (gettext_lazy("受众人数"), "audience_count"),
    ]


class ActivityDetailView(ScopedDetailView):
    capability = Cap.VIEW_PUBLICITY
    getter = selectors.activity_get
    template_name = "publicity/activity_detail.html"
    edit_capability = Cap.RECORD_PUBLICITY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = context["object"]
        context["edit_url"] = reverse("publicity:activity_edit", kwargs={"pk": activity.pk})
        context["attachments"] = _photos(self.request.user, activity)
        return context


def _photos(actor, activity):
    return attachment_selectors.attachment_list(actor=actor).filter(activity=activity).order_by("uploaded_at")


class _ActivityFormView(ServiceFormView):
    """The activity form carries photos: a multipart form of its own (core/form.html posts no files)."""

    capability = Cap.RECORD_PUBLICITY
    form_class = ActivityForm
    template_name = "publicity/activity_form.html"

    def get_form(self, data=None, instance=None):
        files = self.request.FILES if data is not None else None
        return self.form_class(data=data, files=files, actor=self.request.user, instance=instance)

    def render_form(self, form, instance, status=200):
        context = {
            "form": form,
            "object": instance,
            "title": self.title,
            "cancel_url": self.cancel_url(instance),
            # On the edit page, the photos already there (new ones are added to them).
            "attachments": _photos(self.request.user, instance) if instance is not None else [],
        }
        return render(self.request, self.template_name, context, status=status)

    @staticmethod
    def split(form) -> tuple[dict, list]:
        data = dict(form.cleaned_data)
        return data, data.pop("photos", [])


class ActivityCreateView(_ActivityFormView):
    title = gettext_lazy("登记宣传活动")
    success_message = gettext_lazy("宣传活动已登记。")

    def perform(self, form, instance):
        data, photos = self.split(form)
        return services.activity_record(actor=self.request.user, photos=photos, **data)


class ActivityEditView(_ActivityFormView):
    title = gettext_lazy("修改宣传活动")

    def get_instance(self):
        return selectors.activity_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.RECORD_PUBLICITY
        )

    def perform(self, form, instance):
        data, photos = self.split(form)
        return services.activity_update(actor=self.request.user, activity=instance, data=data, photos=photos)


# ---- plans ------------------------------------------------------------------------------------


class PlanListView(ScopedListView):
    capability = Cap.VIEW_PUBLICITY
    selector = selectors.plan_list
    filterset_class = PublicityPlanFilterSet
    template_name = "publicity/plan_list.html"
    partial_template_name = "publicity/_plan_table.html"
    title = pgettext_lazy("navigation", "年度宣传计划")
    create_url_name = "publicity:plan_create"
    create_capability = Cap.MANAGE_PUBLICITY_PLAN
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("年度"), "year"),
        (gettext_lazy("计划名称"), "title"),
        (gettext_lazy("县（区）"), "region.name"),
        (gettext_lazy("更新时间"), "updated_at"),
    ]


class PlanDetailView(ScopedDetailView):
    """The plan's twelve months against the activities held in the actor's scope."""

    capability = Cap.VIEW_PUBLICITY
    getter = selectors.plan_get
    template_name = "publicity/plan_detail.html"
    edit_capability = Cap.MANAGE_PUBLICITY_PLAN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = context["object"]
        months = selectors.plan_delivery(actor=self.request.user, region=plan.region, year=plan.year)
        context["months"] = months
        context["totals"] = selectors.plan_delivery_totals(months)
        context["edit_url"] = reverse("publicity:plan_edit", kwargs={"pk": plan.pk})
        context["chart"] = {
            "months": [_("%(month)s月") % {"month": m.month} for m in months],
            "planned": [m.planned_activities for m in months],
            "held": [m.held for m in months],
            "labels": {"planned": _("计划活动"), "held": _("已开展活动")},
        }
        return context


class PlanCreateView(ServiceFormView):
    capability = Cap.MANAGE_PUBLICITY_PLAN
    form_class = PlanCreateForm
    title = gettext_lazy("制定年度宣传计划")
    success_message = gettext_lazy("年度宣传计划已创建，已按宣传日历生成 12 个月的安排。")

    def perform(self, form, instance):
        return services.publicity_plan_create(actor=self.request.user, **form.cleaned_data)


class PlanEditView(ServiceFormView):
    capability = Cap.MANAGE_PUBLICITY_PLAN
    form_class = PlanEditForm
    title = gettext_lazy("修改年度宣传计划")

    def get_instance(self):
        return selectors.plan_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_PUBLICITY_PLAN
        )

    def perform(self, form, instance):
        return services.publicity_plan_update(actor=self.request.user, plan=instance, data=form.cleaned_data)


class PlanMonthEditView(ServiceFormView):
    capability = Cap.MANAGE_PUBLICITY_PLAN
    form_class = PlanMonthForm

    @property
    def title(self):
        return _("编辑%(month)s月宣传安排") % {"month": self.kwargs["month"]}

    def get_instance(self):
        return selectors.plan_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_PUBLICITY_PLAN
        )

    def get_form(self, data=None, instance=None):
        month = selectors.plan_month_get(plan=instance, month=self.kwargs["month"])
        return self.form_class(data=data, actor=self.request.user, instance=instance, month=month)

    def perform(self, form, instance):
        services.plan_month_update(
            actor=self.request.user, plan=instance, month=self.kwargs["month"], **form.cleaned_data
        )
        return instance
