from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from safegrid.accounts.roles import Cap
from safegrid.core.exceptions import ApplicationError, NotInScope
from safegrid.core.exports import ID_COLUMN
from safegrid.core.views import CapabilityRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView

from . import selectors, services
from .filters import EnforcementDocumentFilterSet, PenaltyFilterSet
from .forms import DocumentCorrectForm, DocumentCreateForm, DocumentEditForm, PenaltyForm
from .seals import document_verify_seal

# ---- documents --------------------------------------------------------------------------------


class DocumentListView(ScopedListView):
    capability = Cap.VIEW_ENFORCEMENT
    selector = selectors.document_list
    filterset_class = EnforcementDocumentFilterSet
    template_name = "enforcement/document_list.html"
    partial_template_name = "enforcement/_document_table.html"
    title = pgettext_lazy("navigation", "执法文书")
    create_url_name = "enforcement:document_create"
    create_capability = Cap.ISSUE_ENFORCEMENT
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("文书编号"), "number"),
        (gettext_lazy("文书类型"), "get_doc_type_display"),
        (gettext_lazy("场所"), "site.name"),
        (gettext_lazy("当事人"), "party"),
        (gettext_lazy("签发单位"), "organisation.name"),
        (gettext_lazy("签发日期"), "issued_on"),
        (gettext_lazy("整改期限"), "deadline"),
        (gettext_lazy("状态"), "get_status_display"),
        (gettext_lazy("更正的文书"), "corrects.number"),
        (gettext_lazy("涉及隐患"), lambda d: [h.number for h in d.hazards.all()]),
    ]


class DocumentDetailView(ScopedDetailView):
    capability = Cap.VIEW_ENFORCEMENT
    getter = selectors.document_get
    template_name = "enforcement/document_detail.html"
    edit_capability = Cap.ISSUE_ENFORCEMENT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = context["object"]
        context["seal_ok"] = document_verify_seal(document) if document.is_issued else None
        context["can_record_penalty"] = bool(
            context["can_edit"] and document.is_issued and document.doc_type == "penalty_decision"
        )
        return context


class DocumentCreateView(ServiceFormView):
    capability = Cap.ISSUE_ENFORCEMENT
    form_class = DocumentCreateForm
    title = gettext_lazy("制作执法文书")
    success_message = gettext_lazy("文书草稿已保存。")

    def get_form(self, data=None, instance=None):
        initial = {
            k: self.request.GET[k] for k in ("doc_type", "site", "inspection") if self.request.GET.get(k)
        }
        return self.form_class(data=data, actor=self.request.user, initial=initial)

    def perform(self, form, instance):
        return services.document_create_draft(actor=self.request.user, **form.service_kwargs())


class DocumentEditView(ServiceFormView):
    """Edit a draft. An issued document opens an explanation instead of a form (it is corrected by a
    new document); a POST to it is refused by the service."""

    capability = Cap.ISSUE_ENFORCEMENT
    form_class = DocumentEditForm
    title = gettext_lazy("修改文书草稿")

    def get_instance(self):
        return selectors.document_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.ISSUE_ENFORCEMENT
        )

    def get(self, request, *args, **kwargs):
        instance = self.get_instance()
        if instance.is_issued:
            message = _("文书 %(number)s 已签发，不能修改；如需更正，请在文书页面制作更正文书。") % {
                "number": instance.number
            }
            return render(request, "core/message.html", {"title": self.title, "message": message})
        return self.render_form(self.get_form(instance=instance), instance)

    def perform(self, form, instance):
        return services.document_update_draft(
            actor=self.request.user, document=instance, data=form.service_kwargs()
        )


class DocumentCorrectView(ServiceFormView):
    """Draft a correction (更正) of an issued document."""

    capability = Cap.ISSUE_ENFORCEMENT
    form_class = DocumentCorrectForm
    title = gettext_lazy("制作更正文书")
    success_message = gettext_lazy("更正文书草稿已保存，签发后生效。")

    def get_instance(self):
        return selectors.document_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.ISSUE_ENFORCEMENT
        )

    def perform(self, form, instance):
        return services.document_correct(actor=self.request.user, document=instance, **form.service_kwargs())


class DocumentIssueView(CapabilityRequiredMixin, View):
    """签发 (POST only, from the button on the detail page)."""

    capability = Cap.ISSUE_ENFORCEMENT
    http_method_names = ["post"]

    def post(self, request, pk):
        document = selectors.document_get(actor=request.user, pk=pk, capability=Cap.ISSUE_ENFORCEMENT)
        try:
            document = services.document_issue(actor=request.user, document=document)
        except NotInScope as exc:
            raise Http404(_("未找到。")) from exc
        except ValidationError as exc:
            return self._refused(request, _("；").join(exc.messages), status=400)
        except ApplicationError as exc:
            return self._refused(
                request, exc.message, status=409 if exc.code == "transition_not_allowed" else 400
            )
        messages.success(request, _("文书已签发，编号 %(number)s。") % {"number": document.number})
        return HttpResponseRedirect(document.get_absolute_url())

    def _refused(self, request, message, *, status):
        context = {"title": _("签发文书"), "message": message}
        return render(request, "core/message.html", context, status=status)


# ---- penalties --------------------------------------------------------------------------------


class PenaltyListView(ScopedListView):
    capability = Cap.VIEW_ENFORCEMENT
    selector = selectors.penalty_list
    filterset_class = PenaltyFilterSet
    template_name = "enforcement/penalty_list.html"
    partial_template_name = "enforcement/_penalty_table.html"
    title = pgettext_lazy("navigation", "行政处罚")
    create_url_name = "enforcement:penalty_create"
    create_capability = Cap.ISSUE_ENFORCEMENT
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("决定日期"), "decided_on"),
        (gettext_lazy("当事人"), "party"),
        (gettext_lazy("场所"), "site.name"),
        (gettext_lazy("处罚种类"), "get_penalty_type_display"),
        (gettext_lazy("金额（元）"), "amount"),
        (gettext_lazy("处罚决定书"), "decision.number"),
        (gettext_lazy("法律依据"), "legal_basis"),
        (gettext_lazy("涉及隐患"), lambda p: [h.number for h in p.hazards.all()]),
    ]


class PenaltyDetailView(ScopedDetailView):
    capability = Cap.VIEW_ENFORCEMENT
    getter = selectors.penalty_get
    template_name = "enforcement/penalty_detail.html"


class PenaltyCreateView(ServiceFormView):
    capability = Cap.ISSUE_ENFORCEMENT
    form_class = PenaltyForm
    title = gettext_lazy("登记行政处罚")
    success_message = gettext_lazy("行政处罚已登记。")

    def get_form(self, data=None, instance=None):
        initial = {k: self.request.GET[k] for k in ("site", "decision") if self.request.GET.get(k)}
        return self.form_class(data=data, actor=self.request.user, initial=initial)

    def perform(self, form, instance):
        return services.penalty_record(actor=self.request.user, **form.service_kwargs())
