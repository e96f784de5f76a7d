from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView

from safegrid.accounts.roles import Cap
from safegrid.core.exceptions import NotInScope
from safegrid.core.exports import ID_COLUMN
from safegrid.core.scope import grants_for
from safegrid.core.views import CapabilityRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView

from . import selectors, services
from .choices import PeriodStatus
from .filters import ActionItemFilterSet, MeetingFilterSet
from .forms import ActionCompleteForm, ActionItemForm, AgendaItemForm, DecisionForm, MeetingForm

# ---- meetings ---------------------------------------------------------------------------------


class MeetingListView(ScopedListView):
    capability = Cap.VIEW_DISPATCH
    selector = selectors.meeting_list
    filterset_class = MeetingFilterSet
    template_name = "dispatch/meeting_list.html"
    partial_template_name = "dispatch/_meeting_table.html"
    title = pgettext_lazy("navigation", "会议调度")
    create_url_name = "dispatch:meeting_create"
    create_capability = Cap.MANAGE_MEETING
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("会议日期"), "held_on"),
        (gettext_lazy("会议名称"), "title"),
        (gettext_lazy("会议主体"), "body_label"),
        (gettext_lazy("会议类型"), "get_kind_display"),
        (gettext_lazy("会议地点"), "place"),
        (gettext_lazy("主持人"), "chair"),
        (gettext_lazy("参会人数"), "attendee_count"),
        (gettext_lazy("议题"), "agenda_count"),
        (gettext_lazy("督办事项"), "action_count"),
    ]


class MeetingDetailView(ScopedDetailView):
    capability = Cap.VIEW_DISPATCH
    getter = selectors.meeting_get
    template_name = "dispatch/meeting_detail.html"
    edit_capability = Cap.MANAGE_MEETING

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = context["object"]
        context["edit_url"] = reverse("dispatch:meeting_edit", kwargs={"pk": meeting.pk})
        context["today"] = timezone.localdate()
        return context


class MeetingCreateView(ServiceFormView):
    capability = Cap.MANAGE_MEETING
    form_class = MeetingForm
    title = gettext_lazy("登记调度会议")
    success_message = gettext_lazy("会议已登记。")

    def perform(self, form, instance):
        return services.meeting_create(actor=self.request.user, **form.cleaned_data)


class MeetingEditView(ServiceFormView):
    capability = Cap.MANAGE_MEETING
    form_class = MeetingForm
    title = gettext_lazy("修改会议记录")

    def get_instance(self):
        return selectors.meeting_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_MEETING
        )

    def perform(self, form, instance):
        return services.meeting_update(actor=self.request.user, meeting=instance, data=form.cleaned_data)


class AgendaItemAddView(ServiceFormView):
    capability = Cap.MANAGE_MEETING
    form_class = AgendaItemForm
    title = gettext_lazy("添加会议议题")
    success_message = gettext_lazy("议题已添加。")

    def get_instance(self):
        return selectors.meeting_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_MEETING
        )

    def perform(self, form, instance):
        return services.agenda_item_add(actor=self.request.user, meeting=instance, **form.cleaned_data)


class AgendaItemDecideView(ServiceFormView):
    """The meeting's decision on one agenda item; on a hazard it is applied through the hazard
    service (交办), so the refusals are the hazard loop's (level, state) in Chinese."""

    capability = Cap.MANAGE_MEETING
    form_class = DecisionForm
    success_message = gettext_lazy("会议决定已录入。")

    @property
    def title(self):
        return _("录入会议决定")

    def get_instance(self):
        return selectors.agenda_item_get(actor=self.request.user, pk=self.kwargs["pk"])

    def perform(self, form, instance):
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        return services.agenda_item_decide(actor=self.request.user, item=instance, **data)


# ---- action items -----------------------------------------------------------------------------


class ActionItemListView(ScopedListView):
    """督办: the action items of the actor's meetings, open, overdue or done."""

    capability = Cap.VIEW_DISPATCH
    selector = selectors.action_item_list
    filterset_class = ActionItemFilterSet
    template_name = "dispatch/action_item_list.html"
    partial_template_name = "dispatch/_action_item_table.html"
    title = pgettext_lazy("navigation", "督办事项")
    create_url_name = "dispatch:action_item_create"
    create_capability = Cap.MANAGE_MEETING
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("决议事项"), "resolution"),
        (gettext_lazy("责任单位"), "owner.name"),
        (gettext_lazy("办理期限"), "deadline"),
        (gettext_lazy("办理状态"), "get_status_display"),
        (gettext_lazy("逾期"), "is_overdue"),
        (gettext_lazy("办结日期"), "done_on"),
        (gettext_lazy("会议日期"), "meeting.held_on"),
        (gettext_lazy("会议"), "meeting.title"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        if not getattr(self.request, "htmx", False):
            context["figures"] = selectors.action_figures(actor=self.request.user, today=context["today"])
        return context


class ActionItemDetailView(ScopedDetailView):
    capability = Cap.VIEW_DISPATCH
    getter = selectors.action_item_get
    template_name = "dispatch/action_item_detail.html"
    edit_capability = Cap.MANAGE_MEETING

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class ActionItemCreateView(ServiceFormView):
    capability = Cap.MANAGE_MEETING
    form_class = ActionItemForm
    title = gettext_lazy("登记督办事项")
    success_message = gettext_lazy("督办事项已登记。")

    def get_form(self, data=None, instance=None):
        meeting = None
        if data is None and self.request.GET.get("meeting"):
            try:
                meeting = selectors.meeting_get(
                    actor=self.request.user, pk=self.request.GET["meeting"], capability=Cap.MANAGE_MEETING
                )
            except NotInScope:
                meeting = None
        return self.form_class(data=data, actor=self.request.user, meeting=meeting)

    def perform(self, form, instance):
        return services.action_item_create(actor=self.request.user, **form.cleaned_data)


class ActionItemCompleteView(ServiceFormView):
    """办结: by the meeting's managers or the responsible unit's own staff."""

    capability = Cap.VIEW_DISPATCH
    form_class = ActionCompleteForm
    title = gettext_lazy("督办事项办结")
    success_message = gettext_lazy("督办事项已办结。")

    def get_instance(self):
        return selectors.action_item_for_completion(actor=self.request.user, pk=self.kwargs["pk"])

    def perform(self, form, instance):
        return services.action_item_complete(actor=self.request.user, item=instance, **form.cleaned_data)


# ---- cadence ----------------------------------------------------------------------------------


def parse_year(value, default: int) -> int:
    """A year 2000–2100 from a query string; ValueError (Chinese) otherwise."""
    if value in (None, ""):
        return default
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValueError(_("年度应为 2000 至 2100 之间的整数。")) from None
    if not 2000 <= year <= 2100:
        raise ValueError(_("年度应为 2000 至 2100 之间的整数。"))
    return year


class ComplianceView(CapabilityRequiredMixin, TemplateView):
    """会议频次: every body × period of a year, coloured by status, and the list of missed periods."""

    capability = Cap.VIEW_DISPATCH
    template_name = "dispatch/compliance.html"

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        context = {"title": pgettext_lazy("navigation", "会议频次"), "today": today, "years": []}
        try:
            year = parse_year(request.GET.get("year"), today.year)
        except ValueError as exc:
            context.update(error=str(exc), year=today.year, rows=[], missed=[])
            return render(request, self.template_name, context, status=400)
        rows = selectors.cadence_compliance(actor=request.user, year=year, today=today)
        context.update(
            year=year,
            years=list(range(today.year - 4, today.year + 2)),
            rows=rows,
            missed=selectors.missed_periods(rows),
            months=list(range(1, 13)),
            status=PeriodStatus,
            can_create=bool(grants_for(request.user, Cap.MANAGE_MEETING)),
        )
        return render(request, self.template_name, context)
