from __future__ import annotations

from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy, pgettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.exports import ID_COLUMN
from safegrid.core.scope import grants_for
from safegrid.core.views import ScopedDetailView, ScopedListView, ServiceFormView

from . import forms, selectors, services
from .choices import CertificateStatus
from .filters import (
    CertificateFilterSet,
    CommendationFilterSet,
    PersonFilterSet,
    PostingFilterSet,
    TeamFilterSet,
    TrainingFilterSet,
)

# ---- people --------------------------------------------------------------------------------------


class PersonListView(ScopedListView):
    capability = Cap.VIEW_PEOPLE
    selector = selectors.person_list
    filterset_class = PersonFilterSet
    template_name = "people/person_list.html"
    partial_template_name = "people/_person_table.html"
    title = pgettext_lazy("navigation", "人员")
    create_url_name = "people:person_create"
    create_capability = Cap.MANAGE_PEOPLE
    # Masked values only: the register's ID numbers and phones never leave the server in full.
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("姓名"), "name"),
        (gettext_lazy("性别"), "get_gender_display"),
        (gettext_lazy("身份证号"), "id_number_masked"),
        (gettext_lazy("手机号码"), "phone_masked"),
        (gettext_lazy("职务"), "title"),
        (gettext_lazy("人员来源"), "get_source_display"),
        (gettext_lazy("专兼职"), "get_employment_display"),
        (
            gettext_lazy("所在单位"),
            lambda p: p.site.name if p.site else getattr(p.organisation, "name", None),
        ),
        (gettext_lazy("工作区划"), "region.name"),
        (gettext_lazy("在岗"), "is_active"),
    ]


class PersonDetailView(ScopedDetailView):
    capability = Cap.VIEW_PEOPLE
    getter = selectors.person_get
    template_name = "people/person_detail.html"
    edit_capability = Cap.MANAGE_PEOPLE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = context["object"]
        context["edit_url"] = reverse("people:person_edit", kwargs={"pk": person.pk})
        context["postings"] = selectors.person_postings(person=person)
        context["certificates"] = selectors.person_certificates(person=person)
        context["trainings"] = selectors.person_trainings(actor=self.request.user, person=person)[:50]
        context["uncertified_ids"] = set(
            selectors.uncertified_operators(actor=self.request.user)
            .filter(person=person)
            .values_list("pk", flat=True)
        )
        context["can_unmask"] = bool(grants_for(self.request.user, Cap.VIEW_PLAIN_PII)) and (
            selectors.can_unmask_person(actor=self.request.user, person=person)
        )
        return context


class PersonUnmaskView(PersonDetailView):
    """POST "显示完整号码": the person page once more, with this one person's full ID number and phone,
    never cached. VIEW_PLAIN_PII or 403; the person within its scope or 404; one audit record."""

    capability = Cap.VIEW_PLAIN_PII
    http_method_names = ["post"]

    def get_object(self):
        if not hasattr(self, "_person"):
            self._person = selectors.person_plain_get(actor=self.request.user, pk=self.kwargs["pk"])
        return self._person

    def post(self, request, *args, **kwargs):
        plain = services.person_unmask(actor=request.user, person=self.get_object())
        response = self.render_to_response(self.get_context_data(plain=plain, **kwargs))
        add_never_cache_headers(response)
        return response


def _person_data(data: dict) -> dict:
    """Blank ID number / phone on an edit form keep what is stored."""
    return {**data, "id_number": data.get("id_number") or None, "phone": data.get("phone") or None}


class PersonCreateView(ServiceFormView):
    capability = Cap.MANAGE_PEOPLE
    form_class = forms.PersonForm
    title = gettext_lazy("登记人员")
    success_message = gettext_lazy("人员已登记。")

    def perform(self, form, instance):
        return services.person_create(actor=self.request.user, **form.cleaned_data)


class PersonEditView(ServiceFormView):
    capability = Cap.MANAGE_PEOPLE
    form_class = forms.PersonForm
    title = gettext_lazy("编辑人员")

    def get_instance(self):
        return selectors.person_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_PEOPLE
        )

    def perform(self, form, instance):
        return services.person_update(
            actor=self.request.user, person=instance, **_person_data(form.cleaned_data)
        )


# ---- postings ------------------------------------------------------------------------------------


class PostingListView(ScopedListView):
    capability = Cap.VIEW_PEOPLE
    selector = selectors.posting_list
    filterset_class = PostingFilterSet
    template_name = "people/posting_list.html"
    partial_template_name = "people/_posting_table.html"
    title = pgettext_lazy("navigation", "岗位任职")
    create_url_name = "people:posting_create"
    create_capability = Cap.MANAGE_PEOPLE
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("人员"), "person.name"),
        (gettext_lazy("岗位"), "get_post_display"),
        (gettext_lazy("特种作业类别"), "get_operation_category_display"),
        (gettext_lazy("任职地点"), lambda p: p.site.name if p.site else p.region.name),
        (gettext_lazy("上岗日期"), "started_on"),
        (gettext_lazy("离岗日期"), "ended_on"),
        (gettext_lazy("无证上岗隐患"), "hazard.number"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["uncertified_ids"] = set(
            selectors.uncertified_operators(actor=self.request.user)
            .filter(pk__in=[p.pk for p in context["object_list"]])
            .values_list("pk", flat=True)
        )
        return context


class PostingDetailView(ScopedDetailView):
    capability = Cap.VIEW_PEOPLE
    getter = selectors.posting_get
    template_name = "people/posting_detail.html"
    edit_capability = Cap.MANAGE_PEOPLE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        posting = context["object"]
        context["uncertified"] = (
            selectors.uncertified_operators(actor=self.request.user).filter(pk=posting.pk).exists()
        )
        return context


class PostingCreateView(ServiceFormView):
    capability = Cap.MANAGE_PEOPLE
    form_class = forms.PostingForm
    title = gettext_lazy("安排岗位")
    success_message = gettext_lazy("已安排岗位。")

    def get_form(self, data=None, instance=None):
        form = super().get_form(data=data, instance=instance)
        if data is None and self.request.GET.get("person", "").isdigit():
            form.initial["person"] = int(self.request.GET["person"])
        return form

    def perform(self, form, instance):
        return services.posting_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("people:posting_detail", kwargs={"pk": obj.pk})


class PostingEndView(ServiceFormView):
    capability = Cap.MANAGE_PEOPLE
    form_class = forms.PostingEndForm
    title = gettext_lazy("结束任职")
    success_message = gettext_lazy("任职已结束。")

    def get_instance(self):
        return selectors.posting_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_PEOPLE
        )

    def perform(self, form, instance):
        return services.posting_end(actor=self.request.user, posting=instance, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("people:posting_detail", kwargs={"pk": obj.pk})


class PostingRaiseHazardView(ServiceFormView):
    """无证上岗 → one major hazard at the site, through the hazard services."""

    capability = Cap.REPORT_HAZARD
    form_class = forms.ConfirmForm
    title = gettext_lazy("生成无证上岗重大隐患")
    success_message = gettext_lazy("已生成重大事故隐患，进入隐患闭环。")

    def get_instance(self):
        return selectors.posting_get(actor=self.request.user, pk=self.kwargs["pk"])

    def perform(self, form, instance):
        return services.uncertified_hazard_raise(actor=self.request.user, posting=instance)


# ---- teams ---------------------------------------------------------------------------------------


class TeamListView(ScopedListView):
    capability = Cap.VIEW_PEOPLE
    selector = selectors.team_list
    filterset_class = TeamFilterSet
    template_name = "people/team_list.html"
    partial_template_name = "people/_team_table.html"
    title = pgettext_lazy("navigation", "安全队伍")
    create_url_name = "people:team_create"
    create_capability = Cap.MANAGE_PEOPLE
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("队伍名称"), "name"),
        (gettext_lazy("队伍类型"), "get_kind_display"),
        (gettext_lazy("所属区划"), lambda t: t.site.name if t.site else t.region.name),
        (gettext_lazy("行业领域"), "sector.name"),
        (gettext_lazy("牵头单位"), "organisation.name"),
        (gettext_lazy("人数"), "member_count"),
        (gettext_lazy("在用"), "is_active"),
    ]


class TeamDetailView(ScopedDetailView):
    capability = Cap.VIEW_PEOPLE
    getter = selectors.team_get
    template_name = "people/team_detail.html"
    edit_capability = Cap.MANAGE_PEOPLE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edit_url"] = reverse("people:team_edit", kwargs={"pk": context["object"].pk})
        context["members"] = selectors.team_members(team=context["object"])
        return context


class TeamCreateView(ServiceFormView):
    capability = Cap.MANAGE_PEOPLE
    form_class = forms.TeamForm
    title = gettext_lazy("组建安全队伍")
    success_message = gettext_lazy("安全队伍已保存。")

    def perform(self, form, instance):
        return services.team_create(actor=self.request.user, **form.cleaned_data)


class TeamEditView(ServiceFormView):
    capability = Cap.MANAGE_PEOPLE
    form_class = forms.TeamEditForm
    title = gettext_lazy("编辑安全队伍")

    def get_instance(self):
        return selectors.team_get(actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_PEOPLE)

    def perform(self, form, instance):
        return services.team_update(actor=self.request.user, team=instance, **form.cleaned_data)


# ---- training ------------------------------------------------------------------------------------


class TrainingListView(ScopedListView):
    capability = Cap.VIEW_PEOPLE
    selector = selectors.training_list
    filterset_class = TrainingFilterSet
    template_name = "people/training_list.html"
    partial_template_name = "people/_training_table.html"
    title = pgettext_lazy("navigation", "培训")
    create_url_name = "people:training_create"
    create_capability = Cap.MANAGE_PEOPLE
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("培训日期"), "held_on"),
        (gettext_lazy("培训名称"), "title"),
        (gettext_lazy("培训类型"), "get_kind_display"),
        (gettext_lazy("组织单位"), lambda t: t.site.name if t.site else t.organiser.name),
        (gettext_lazy("培训地点"), "location"),
        (gettext_lazy("学时"), "hours"),
        (gettext_lazy("参训人数"), "attendee_count"),
        (gettext_lazy("参训人次"), "person_times"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The totals follow every filter of the list above them.
        filterset = context["filter"]
        trainings = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        context["by_organiser"] = selectors.person_times_by_organiser(trainings)
        return context


class TrainingDetailView(ScopedDetailView):
    capability = Cap.VIEW_PEOPLE
    getter = selectors.training_get
    template_name = "people/training_detail.html"
    edit_capability = Cap.MANAGE_PEOPLE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        training = context["object"]
        context["edit_url"] = reverse("people:training_edit", kwargs={"pk": training.pk})
        context["attendance"] = selectors.training_attendees(actor=self.request.user, training=training)
        return context


class TrainingCreateView(ServiceFormView):
    capability = Cap.MANAGE_PEOPLE
    form_class = forms.TrainingForm
    title = gettext_lazy("记录培训")
    success_message = gettext_lazy("培训已记录。")

    def perform(self, form, instance):
        return services.training_record(actor=self.request.user, **form.cleaned_data)


class TrainingEditView(ServiceFormView):
    capability = Cap.MANAGE_PEOPLE
    form_class = forms.TrainingEditForm
    title = gettext_lazy("编辑培训记录")

    def get_instance(self):
        return selectors.training_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_PEOPLE
        )

    def perform(self, form, instance):
        return services.training_update(actor=self.request.user, training=instance, **form.cleaned_data)


# ---- certificates --------------------------------------------------------------------------------


class CertificateListView(ScopedListView):
    capability = Cap.VIEW_PEOPLE
    selector = selectors.certificate_list
    filterset_class = CertificateFilterSet
    template_name = "people/certificate_list.html"
    partial_template_name = "people/_certificate_table.html"
    title = pgettext_lazy("navigation", "持证管理")
    create_url_name = "people:certificate_create"
    create_capability = Cap.MANAGE_PEOPLE
    # The number embeds the holder's ID number in most certificates: masked, like on the page.
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("证书类型"), "get_kind_display"),
        (gettext_lazy("证书编号"), "number_masked"),
        (gettext_lazy("持证人"), "person.name"),
        (gettext_lazy("作业类别"), "get_category_display"),
        (gettext_lazy("发证机关"), "issuing_authority"),
        (gettext_lazy("发证日期"), "issue_date"),
        (gettext_lazy("应复审日期"), "review_due_date"),
        (gettext_lazy("复审日期"), "reviewed_on"),
        (gettext_lazy("有效期至"), "expiry_date"),
        (gettext_lazy("状态"), lambda c: CertificateStatus(c.status).label),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_counts"] = selectors.certificate_status_counts(actor=self.request.user)
        return context


class CertificateDetailView(ScopedDetailView):
    capability = Cap.VIEW_PEOPLE
    getter = selectors.certificate_get
    template_name = "people/certificate_detail.html"
    edit_capability = Cap.MANAGE_PEOPLE


class CertificateCreateView(ServiceFormView):
    capability = Cap.MANAGE_PEOPLE
    form_class = forms.CertificateForm
    title = gettext_lazy("登记证书")
    success_message = gettext_lazy("证书已登记。")

    def get_form(self, data=None, instance=None):
        form = super().get_form(data=data, instance=instance)
        if data is None and self.request.GET.get("person", "").isdigit():
            form.initial["person"] = int(self.request.GET["person"])
        return form

    def perform(self, form, instance):
        return services.certificate_create(actor=self.request.user, **form.cleaned_data)


class _CertificateActionView(ServiceFormView):
    capability = Cap.MANAGE_PEOPLE

    def get_instance(self):
        return selectors.certificate_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_PEOPLE
        )


class CertificateReviewView(_CertificateActionView):
    form_class = forms.CertificateReviewForm
    title = gettext_lazy("记录复审")
    success_message = gettext_lazy("复审已记录。")

    def perform(self, form, instance):
        return services.certificate_review(actor=self.request.user, certificate=instance, **form.cleaned_data)


class CertificateExtendView(_CertificateActionView):
    form_class = forms.CertificateExtendForm
    title = gettext_lazy("延长复审周期")
    success_message = gettext_lazy("已延长复审周期至每6年一次。")

    def perform(self, form, instance):
        return services.certificate_extend_review(actor=self.request.user, certificate=instance)


class CertificateRevokeView(_CertificateActionView):
    form_class = forms.CertificateRevokeForm
    title = gettext_lazy("注销证书")
    success_message = gettext_lazy("证书已注销。")

    def perform(self, form, instance):
        return services.certificate_revoke(actor=self.request.user, certificate=instance, **form.cleaned_data)


# ---- commendations -------------------------------------------------------------------------------


class CommendationListView(ScopedListView):
    capability = Cap.VIEW_PEOPLE
    selector = selectors.commendation_list
    filterset_class = CommendationFilterSet
    template_name = "people/commendation_list.html"
    partial_template_name = "people/_commendation_table.html"
    title = pgettext_lazy("navigation", "评先评优")
    create_url_name = "people:commendation_create"
    create_capability = Cap.MANAGE_COMMENDATION
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("日期"), "awarded_on"),
        (gettext_lazy("表彰名称"), "title"),
        (gettext_lazy("类型"), "get_kind_display"),
        (gettext_lazy("受表彰对象"), "recipient"),
        (gettext_lazy("表彰单位"), "issuer.name"),
        (gettext_lazy("文号"), "document_number"),
    ]


class CommendationDetailView(ScopedDetailView):
    capability = Cap.VIEW_PEOPLE
    getter = selectors.commendation_get
    template_name = "people/commendation_detail.html"


class CommendationCreateView(ServiceFormView):
    capability = Cap.MANAGE_COMMENDATION
    form_class = forms.CommendationForm
    title = gettext_lazy("登记表彰")
    success_message = gettext_lazy("表彰已登记。")

    def perform(self, form, instance):
        return services.commendation_create(actor=self.request.user, **form.cleaned_data)
