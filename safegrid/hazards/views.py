from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from safegrid.accounts.roles import Cap
from safegrid.attachments import selectors as attachment_selectors
from safegrid.core.exceptions import ApplicationError, CapabilityDenied, NotInScope
from safegrid.core.exports import ID_COLUMN
from safegrid.core.pagination import CappedPaginator
from safegrid.core.views import (
    CapabilityRequiredMixin,
    ScopedDetailView,
    ScopedListView,
    apply_validation_error,
)

from . import policies, selectors, services
from .choices import HazardAction
from .filters import HazardFilterSet
from .forms import ACTION_FORMS, HazardReportForm

# Page action → (service, the transition names it may perform)
ACTION_SERVICES = {
    "assign": (services.hazard_assign, {HazardAction.ASSIGN}),
    "start": (services.hazard_start, {HazardAction.START}),
    "submit": (services.hazard_submit, {HazardAction.SUBMIT}),
    "verify": (services.hazard_verify, {HazardAction.VERIFY_PASS, HazardAction.VERIFY_FAIL}),
    "escalate": (services.hazard_escalate, {HazardAction.ESCALATE}),
    "extend": (services.hazard_extend, {HazardAction.EXTEND}),
}
ACTION_TITLES = {
    "assign": gettext_lazy("交办"),
    "start": gettext_lazy("开始整改"),
    "submit": gettext_lazy("报告整改完成"),
    "verify": gettext_lazy("复查"),
    "escalate": gettext_lazy("提级处置"),
    "extend": gettext_lazy("延长期限"),
}
# The message after a step succeeds ("已" + the title in Chinese; a sentence of its own in English).
ACTION_DONE = {
    "assign": gettext_lazy("已交办。"),
    "start": gettext_lazy("已开始整改。"),
    "submit": gettext_lazy("已报告整改完成。"),
    "verify": gettext_lazy("已复查。"),
    "escalate": gettext_lazy("已提级处置。"),
    "extend": gettext_lazy("已延长期限。"),
}


class HazardListView(ScopedListView):
    capability = Cap.VIEW_HAZARD
    selector = selectors.hazard_list
    filterset_class = HazardFilterSet
    template_name = "hazards/hazard_list.html"
    partial_template_name = "hazards/_hazard_table.html"
    # A province's hazards run to millions of rows (issue 9).
    paginator_class = CappedPaginator
    title = pgettext_lazy("navigation", "隐患排查治理")
    create_url_name = "hazards:hazard_report"
    create_capability = Cap.REPORT_HAZARD
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("隐患编号"), "number"),
        (gettext_lazy("场所"), "site.name"),
        (gettext_lazy("行业领域"), "site.sector.name"),
        (gettext_lazy("网格"), "site.grid.name"),
        (gettext_lazy("隐患描述"), "description"),
        (gettext_lazy("隐患部位"), "location"),
        (gettext_lazy("来源"), "get_source_display"),
        (gettext_lazy("等级"), "get_grade_display"),
        (gettext_lazy("挂牌督办"), "supervised"),
        (gettext_lazy("状态"), "get_status_display"),
        (gettext_lazy("处置层级"), "get_level_display"),
        (gettext_lazy("上报时间"), "reported_at"),
        (gettext_lazy("责任单位"), "responsible_org.name"),
        (gettext_lazy("责任人"), "responsible_person"),
        (gettext_lazy("整改期限"), "deadline"),
        (gettext_lazy("逾期"), "is_overdue"),
        (gettext_lazy("整改完成时间"), "rectified_at"),
        (gettext_lazy("销号时间"), "closed_at"),
    ]

    def get_queryset(self):
        queue = self.request.GET.get("queue")
        if queue in selectors.QUEUES:
            return selectors.hazard_queue(actor=self.request.user, queue=queue)
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(queues=selectors.QUEUES, current_queue=self.request.GET.get("queue", ""))
        return context


class HazardDetailView(ScopedDetailView):
    capability = Cap.VIEW_HAZARD
    getter = selectors.hazard_get
    template_name = "hazards/hazard_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hazard = context["object"]
        available = set(policies.available_transitions(self.request.user, hazard))
        context["actions"] = [
            (name, ACTION_TITLES[name])
            for name, (_s, transitions) in ACTION_SERVICES.items()
            if transitions & available
        ]
        context["missing_five"] = hazard.missing_five_items() if hazard.is_major else []
        context["attachments"] = (
            attachment_selectors.attachment_list(actor=self.request.user)
            .filter(hazard=hazard)
            .order_by("uploaded_at")
        )
        return context


class HazardReportView(CapabilityRequiredMixin, View):
    """Report a hazard — built for a phone: pick a site, describe, optionally GPS and photos."""

    capability = Cap.REPORT_HAZARD
    template_name = "hazards/hazard_report.html"

    def render_form(self, form, status=200):
        sites = form.fields["site"].queryset.filter(longitude__isnull=False, latitude__isnull=False)
        rows = sites.values_list("pk", "longitude", "latitude")
        points = [[pk, float(lon), float(lat)] for pk, lon, lat in rows]
        context = {"form": form, "title": _("上报隐患"), "site_points": points}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        initial = {}
        for key in ("site", "inspection"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
        return self.render_form(HazardReportForm(actor=request.user, initial=initial))

    def post(self, request):
        form = HazardReportForm(request.POST, request.FILES, actor=request.user)
        if not form.is_valid():
            return self.render_form(form, 400)
        data = dict(form.cleaned_data)
        on_the_spot = data.pop("on_the_spot")
        note = data.pop("rectification_note")
        photos_after = data.pop("photos_after")
        try:
            if on_the_spot:
                data.pop("grade")
                photos_before = data.pop("photos")
                hazard = services.hazard_rectify_on_spot(
                    actor=request.user,
                    rectification_note=note,
                    photos_before=photos_before,
                    photos_after=photos_after,
                    **data,
                )
            else:
                hazard = services.hazard_report(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.render_form(form, 400)
        except NotInScope as exc:
            raise Http404 from exc
        messages.success(request, _("隐患已上报，编号 %(number)s。") % {"number": hazard.number})
        return HttpResponseRedirect(hazard.get_absolute_url())


class HazardActionView(CapabilityRequiredMixin, View):
    """One step of the loop on one hazard: GET shows its form (an htmx request gets the form alone),
    POST performs it through the service."""

    capability = Cap.VIEW_HAZARD

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if kwargs.get("action") not in ACTION_SERVICES:
            raise Http404

    def _hazard(self):
        return selectors.hazard_get(actor=self.request.user, pk=self.kwargs["pk"])

    def _render(self, form, hazard, status=200):
        action = self.kwargs["action"]
        template = (
            "hazards/_action_form.html" if getattr(self.request, "htmx", False) else "hazards/action.html"
        )
        context = {"form": form, "object": hazard, "action": action, "title": ACTION_TITLES[action]}
        return render(self.request, template, context, status=status)

    def get(self, request, pk, action):
        hazard = self._hazard()
        _service, transitions = ACTION_SERVICES[action]
        if not transitions & set(policies.available_transitions(request.user, hazard)):
            raise PermissionDenied(_("当前无法执行该操作。"))
        return self._render(ACTION_FORMS[action](actor=request.user, hazard=hazard), hazard)

    def post(self, request, pk, action):
        hazard = self._hazard()
        form = ACTION_FORMS[action](request.POST, request.FILES, actor=request.user, hazard=hazard)
        if not form.is_valid():
            return self._render(form, hazard, 400)
        service, _transitions = ACTION_SERVICES[action]
        data = form.service_kwargs() if hasattr(form, "service_kwargs") else dict(form.cleaned_data)
        try:
            service(actor=request.user, hazard=hazard, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self._render(form, hazard, 400)
        except CapabilityDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self._render(form, hazard, 409)
        messages.success(request, ACTION_DONE[action])
        if getattr(request, "htmx", False):
            # A 302 would be followed inside the XHR and the whole page swapped into the panel;
            # htmx navigates on HX-Redirect instead.
            response = HttpResponse(status=200)
            response["HX-Redirect"] = hazard.get_absolute_url()
            return response
        return HttpResponseRedirect(hazard.get_absolute_url())
