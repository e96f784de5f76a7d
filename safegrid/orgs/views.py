from django.urls import reverse
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.exports import ID_COLUMN
from safegrid.core.views import ScopedDetailView, ScopedListView, ServiceFormView

from . import forms, selectors, services
from .filters import GridDutyFilterSet, OrganisationFilterSet, RegionFilterSet, SectorFilterSet


class RegionListView(ScopedListView):
    capability = Cap.VIEW_REGION
    selector = selectors.region_list
    filterset_class = RegionFilterSet
    template_name = "orgs/region_list.html"
    partial_template_name = "orgs/_region_table.html"
    title = gettext_lazy("区划与网格")
    create_url_name = "orgs:region_create"
    create_capability = Cap.MANAGE_REGION
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("名称"), "name"),
        (gettext_lazy("代码"), "code"),
        (gettext_lazy("层级"), "get_kind_display"),
        (gettext_lazy("上级"), "parent.name"),
        (gettext_lazy("县城规划区"), "planning_area"),
    ]


class RegionDetailView(ScopedDetailView):
    capability = Cap.VIEW_REGION
    getter = selectors.region_get
    template_name = "orgs/region_detail.html"
    edit_capability = Cap.MANAGE_REGION

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = context["object"]
        context["ancestors"] = selectors.region_ancestors(region=region)
        context["children"] = selectors.region_children(actor=self.request.user, region=region)
        context["duties"] = selectors.grid_duty_list(actor=self.request.user).filter(grid=region)
        return context


class RegionCreateView(ServiceFormView):
    capability = Cap.MANAGE_REGION
    form_class = forms.RegionCreateForm
    title = gettext_lazy("新增区划或网格")
    success_message = gettext_lazy("区划已创建。")

    def perform(self, form, instance):
        return services.region_create(actor=self.request.user, **form.cleaned_data)


class RegionEditView(ServiceFormView):
    capability = Cap.MANAGE_REGION
    form_class = forms.RegionEditForm
    title = gettext_lazy("编辑区划")

    def get_instance(self):
        return selectors.region_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_REGION
        )

    def perform(self, form, instance):
        return services.region_update(actor=self.request.user, region=instance, data=form.cleaned_data)


class SectorListView(ScopedListView):
    capability = Cap.VIEW_SECTOR
    selector = selectors.sector_list
    filterset_class = SectorFilterSet
    template_name = "orgs/sector_list.html"
    partial_template_name = "orgs/_sector_table.html"
    title = gettext_lazy("行业领域安委会")
    create_url_name = "orgs:sector_create"
    create_capability = Cap.MANAGE_SECTOR
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("行业领域"), "name"),
        (gettext_lazy("代码"), "code"),
        (gettext_lazy("安委会"), "committee_name"),
        (gettext_lazy("牵头单位"), "lead_department.name"),
        (gettext_lazy("所属区划"), "region.name"),
        (gettext_lazy("每年最少会议"), "meetings_per_year"),
    ]


class SectorDetailView(ScopedDetailView):
    capability = Cap.VIEW_SECTOR
    getter = selectors.sector_get
    template_name = "orgs/sector_detail.html"
    edit_capability = Cap.MANAGE_SECTOR

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisations"] = selectors.organisation_list(actor=self.request.user).filter(
            sector=context["object"]
        )
        return context


class SectorCreateView(ServiceFormView):
    capability = Cap.MANAGE_SECTOR
    form_class = forms.SectorCreateForm
    title = gettext_lazy("新增行业领域")
    success_message = gettext_lazy("行业领域已创建。")

    def perform(self, form, instance):
        return services.sector_create(actor=self.request.user, **form.cleaned_data)


class SectorEditView(ServiceFormView):
    capability = Cap.MANAGE_SECTOR
    form_class = forms.SectorEditForm
    title = gettext_lazy("编辑行业领域")

    def get_instance(self):
        return selectors.sector_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_SECTOR
        )

    def perform(self, form, instance):
        return services.sector_update(actor=self.request.user, sector=instance, data=form.cleaned_data)


class OrganisationListView(ScopedListView):
    capability = Cap.VIEW_ORGANISATION
    selector = selectors.organisation_list
    filterset_class = OrganisationFilterSet
    template_name = "orgs/organisation_list.html"
    partial_template_name = "orgs/_organisation_table.html"
    title = gettext_lazy("组织机构")
    create_url_name = "orgs:organisation_create"
    create_capability = Cap.MANAGE_ORGANISATION
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("名称"), "name"),
        (gettext_lazy("简称"), "short_name"),
        (gettext_lazy("类型"), "get_kind_display"),
        (gettext_lazy("所属区划"), "region.name"),
        (gettext_lazy("行业领域"), "sector.name"),
        (gettext_lazy("上级单位"), "parent.name"),
        (gettext_lazy("联系人"), "contact_name"),
        (gettext_lazy("启用"), "is_active"),
    ]


class OrganisationDetailView(ScopedDetailView):
    capability = Cap.VIEW_ORGANISATION
    getter = selectors.organisation_get
    template_name = "orgs/organisation_detail.html"
    edit_capability = Cap.MANAGE_ORGANISATION


class OrganisationCreateView(ServiceFormView):
    capability = Cap.MANAGE_ORGANISATION
    form_class = forms.OrganisationCreateForm
    title = gettext_lazy("新增组织机构")
    success_message = gettext_lazy("组织机构已创建。")

    def perform(self, form, instance):
        return services.organisation_create(actor=self.request.user, **form.cleaned_data)


class OrganisationEditView(ServiceFormView):
    capability = Cap.MANAGE_ORGANISATION
    form_class = forms.OrganisationEditForm
    title = gettext_lazy("编辑组织机构")

    def get_instance(self):
        return selectors.organisation_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_ORGANISATION
        )

    def perform(self, form, instance):
        return services.organisation_update(
            actor=self.request.user, organisation=instance, data=form.cleaned_data
        )


class GridDutyListView(ScopedListView):
    capability = Cap.VIEW_GRIDDUTY
    selector = selectors.grid_duty_list
    filterset_class = GridDutyFilterSet
    template_name = "orgs/gridduty_list.html"
    partial_template_name = "orgs/_gridduty_table.html"
    title = gettext_lazy("网格职责清单")
    create_url_name = "orgs:gridduty_create"
    create_capability = Cap.MANAGE_GRIDDUTY
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("网格"), "grid.name"),
        (gettext_lazy("岗位"), "get_role_display"),
        (gettext_lazy("姓名"), "person_name"),
        (gettext_lazy("所在单位"), "organisation.name"),
        (gettext_lazy("巡查周期（天）"), "inspection_interval_days"),
        (gettext_lazy("职责"), "duties"),
    ]


class GridDutyDetailView(ScopedDetailView):
    capability = Cap.VIEW_GRIDDUTY
    getter = selectors.grid_duty_get
    template_name = "orgs/gridduty_detail.html"
    edit_capability = Cap.MANAGE_GRIDDUTY


class GridDutyCreateView(ServiceFormView):
    capability = Cap.MANAGE_GRIDDUTY
    form_class = forms.GridDutyCreateForm
    title = gettext_lazy("新增网格职责")
    success_message = gettext_lazy("网格职责已创建。")

    def perform(self, form, instance):
        return services.grid_duty_create(actor=self.request.user, **form.cleaned_data)


class GridDutyEditView(ServiceFormView):
    capability = Cap.MANAGE_GRIDDUTY
    form_class = forms.GridDutyEditForm
    title = gettext_lazy("编辑网格职责")

    def get_instance(self):
        return selectors.grid_duty_get(
            actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.MANAGE_GRIDDUTY
        )

    def perform(self, form, instance):
        return services.grid_duty_update(actor=self.request.user, duty=instance, data=form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("orgs:gridduty_detail", kwargs={"pk": obj.pk})
