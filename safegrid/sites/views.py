from django.utils.translation import gettext_lazy, pgettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.exports import ID_COLUMN
from safegrid.core.views import ScopedDetailView, ScopedListView, ServiceFormView

from . import forms, selectors, services
from .filters import SiteFilterSet


class SiteListView(ScopedListView):
    capability = Cap.VIEW_SITE
    selector = selectors.site_list
    filterset_class = SiteFilterSet
    template_name = "sites/site_list.html"
    partial_template_name = "sites/_site_table.html"
    title = pgettext_lazy("navigation", "场所")
    create_url_name = "sites:site_create"
    create_capability = Cap.ADD_SITE
    export_columns = [
        ID_COLUMN,
        (gettext_lazy("名称"), "name"),
        (gettext_lazy("统一社会信用代码"), "credit_code"),
        (gettext_lazy("类别"), "get_category_display"),
        (gettext_lazy("类型"), "get_kind_display"),
        (gettext_lazy("行业领域"), "sector.name"),
        (gettext_lazy("乡镇（街道）"), "grid.parent.name"),
        (gettext_lazy("网格"), "grid.name"),
        (gettext_lazy("地址"), "address"),
        (gettext_lazy("重点场所"), "is_key"),
        (gettext_lazy("规模"), "get_size_display"),
        (gettext_lazy("从业人数"), "employees"),
        (gettext_lazy("经营状态"), "get_business_status_display"),
    ]


class SiteDetailView(ScopedDetailView):
    capability = Cap.VIEW_SITE
    getter = selectors.site_get
    template_name = "sites/site_detail.html"
    edit_capability = Cap.CHANGE_SITE


class SiteCreateView(ServiceFormView):
    capability = Cap.ADD_SITE
    form_class = forms.SiteCreateForm
    title = gettext_lazy("登记场所")
    success_message = gettext_lazy("场所已登记。")

    def perform(self, form, instance):
        return services.site_create(actor=self.request.user, **form.cleaned_data)


class SiteEditView(ServiceFormView):
    capability = Cap.CHANGE_SITE
    form_class = forms.SiteEditForm
    title = gettext_lazy("编辑场所")

    def get_instance(self):
        return selectors.site_get(actor=self.request.user, pk=self.kwargs["pk"], capability=Cap.CHANGE_SITE)

    def get_form(self, data=None, instance=None):
        site_staff_only = not selectors.site_territorial_writer(actor=self.request.user, site=instance)
        return self.form_class(
            data=data, actor=self.request.user, instance=instance, site_staff_only=site_staff_only
        )

    def perform(self, form, instance):
        return services.site_update(actor=self.request.user, site=instance, data=form.cleaned_data)
