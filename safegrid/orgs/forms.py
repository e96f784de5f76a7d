from django import forms
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.forms import ActorModelForm

from .choices import OrganisationKind, RegionKind
from .models import GridDuty, Organisation, Region, Sector


def _manageable_regions(actor):
    return Region.objects.visible_to(actor, Cap.MANAGE_REGION).exclude(kind=RegionKind.GRID)


class RegionCreateForm(ActorModelForm):
    geometry = forms.JSONField(
        label=gettext_lazy("边界（GeoJSON）"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    scoped_fields = {"parent": _manageable_regions}

    class Meta:
        model = Region
        fields = ["parent", "kind", "code", "name", "geometry", "planning_area", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].required = True
        self.fields["kind"].choices = [c for c in RegionKind.choices if c[0] > RegionKind.PROVINCE]


class RegionEditForm(ActorModelForm):
    geometry = forms.JSONField(
        label=gettext_lazy("边界（GeoJSON）"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    class Meta:
        model = Region
        fields = ["name", "geometry", "planning_area", "sort_order"]


def _sector_regions(actor):
    return Region.objects.visible_to(actor, Cap.MANAGE_SECTOR).filter(kind__lte=RegionKind.COUNTY)


def _departments(actor):
    return Organisation.objects.visible_to(actor).filter(kind=OrganisationKind.DEPARTMENT)


class SectorCreateForm(ActorModelForm):
    scoped_fields = {"region": _sector_regions, "lead_department": _departments}

    class Meta:
        model = Sector
        fields = [
            "region",
            "code",
            "name",
            "committee_name",
            "lead_department",
            "member_departments",
            "meetings_per_year",
            "sort_order",
        ]


class SectorEditForm(ActorModelForm):
    scoped_fields = {"lead_department": _departments}

    class Meta:
        model = Sector
        fields = [
            "name",
            "committee_name",
            "lead_department",
            "member_departments",
            "meetings_per_year",
            "sort_order",
        ]


def _org_regions(actor):
    return Region.objects.visible_to(actor, Cap.MANAGE_ORGANISATION)


def _visible_sectors(actor):
    return Sector.objects.visible_to(actor)


def _visible_orgs(actor):
    return Organisation.objects.visible_to(actor)


class OrganisationCreateForm(ActorModelForm):
    scoped_fields = {"region": _org_regions, "sector": _visible_sectors, "parent": _visible_orgs}

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "region",
            "sector",
            "parent",
            "contact_name",
            "contact_phone",
            "address",
            "is_active",
        ]


class OrganisationEditForm(ActorModelForm):
    scoped_fields = {"sector": _visible_sectors, "parent": _visible_orgs}

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "sector",
            "parent",
            "contact_name",
            "contact_phone",
            "address",
            "is_active",
        ]


def _duty_grids(actor):
    return Region.objects.visible_to(actor, Cap.MANAGE_GRIDDUTY).filter(kind=RegionKind.GRID)


class _DutiesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value


class GridDutyCreateForm(ActorModelForm):
    duties = _DutiesField(label=gettext_lazy("职责（每行一条）"), max_length=3000)
    scoped_fields = {"grid": _duty_grids, "organisation": _visible_orgs}

    class Meta:
        model = GridDuty
        fields = ["grid", "role", "person_name", "organisation", "duties", "inspection_interval_days"]

    def clean_duties(self):
        return [line.strip() for line in self.cleaned_data["duties"].splitlines() if line.strip()]


class GridDutyEditForm(ActorModelForm):
    duties = _DutiesField(label=gettext_lazy("职责（每行一条）"), max_length=3000)
    scoped_fields = {"organisation": _visible_orgs}

    class Meta:
        model = GridDuty
        fields = ["person_name", "organisation", "duties", "inspection_interval_days"]

    def clean_duties(self):
        return [line.strip() for line in self.cleaned_data["duties"].splitlines() if line.strip()]
