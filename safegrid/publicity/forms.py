"""Page forms. Every choice offers only rows the actor may use; the services check again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safegrid.core.forms import MultipleFileField, region_label

from . import selectors
from .choices import Channel

_DATE = forms.DateInput(attrs={"type": "date"})


class ActivityForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("活动日期"), widget=_DATE)
    title = forms.CharField(label=gettext_lazy("活动名称"), max_length=100)
    channel = forms.ChoiceField(label=gettext_lazy("宣传形式"), choices=Channel.choices)
    organiser = forms.ModelChoiceField(label=gettext_lazy("组织单位"), queryset=None)
    region = forms.ModelChoiceField(
        label=gettext_lazy("活动地点（区划）"),
        queryset=None,
        help_text=gettext_lazy("县（区）、乡镇（街道）或网格，须在组织单位的辖区内。"),
    )
    audience_count = forms.IntegerField(label=gettext_lazy("受众人数"), min_value=0, initial=0)
    sites_visited = forms.ModelMultipleChoiceField(
        label=gettext_lazy("走访场所"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("进企业宣传时选择走访的场所（可多选）。"),
    )
    description = forms.CharField(
        label=gettext_lazy("活动情况"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = MultipleFileField(
        label=gettext_lazy("活动照片"),
        required=False,
        help_text=gettext_lazy("JPEG、PNG 或 WebP 图片，可多选。"),
    )

    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["photos"].label = gettext_lazy("添加活动照片")
            self.fields["photos"].help_text = gettext_lazy(
                "已上传的照片保留；JPEG、PNG 或 WebP 图片，可多选。"
            )
        self.fields["organiser"].queryset = selectors.organiser_choices(actor=actor)
        self.fields["region"].queryset = selectors.activity_region_choices(actor=actor)
        self.fields["region"].label_from_instance = region_label
        self.fields["sites_visited"].queryset = selectors.visited_site_choices(actor=actor)
        if instance is not None:
            self.initial.update(
                date=instance.date,
                title=instance.title,
                channel=instance.channel,
                organiser=instance.organiser_id,
                region=instance.region_id,
                audience_count=instance.audience_count,
                sites_visited=[s.pk for s in instance.sites_visited.all()],
                description=instance.description,
            )
        else:
            self.initial.setdefault("date", timezone.localdate())


class PlanCreateForm(forms.Form):
    region = forms.ModelChoiceField(label=gettext_lazy("县（区）"), queryset=None)
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=gettext_lazy("计划名称"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("留空时为“某年某县安全生产宣传工作计划”。"),
    )
    note = forms.CharField(
        label=gettext_lazy("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.plan_region_choices(actor=actor)
        self.fields["region"].label_from_instance = region_label
        self.initial.setdefault("year", timezone.localdate().year)


class PlanEditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("计划名称"), max_length=100)
    note = forms.CharField(
        label=gettext_lazy("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.initial.update(title=instance.title, note=instance.note)


class PlanMonthForm(forms.Form):
    theme = forms.CharField(label=gettext_lazy("宣传主题"), max_length=100, required=False)
    content = forms.CharField(
        label=gettext_lazy("宣传内容"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsible_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("责任单位"), queryset=None, required=False
    )
    planned_activities = forms.IntegerField(label=gettext_lazy("计划活动次数"), min_value=0, initial=0)

    def __init__(self, *args, actor, instance=None, month=None, **kwargs):
        """`instance` is the plan, `month` its PlanMonth being edited."""
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["responsible_units"].queryset = (
            selectors.responsible_unit_choices(actor=actor, plan=instance)
            if instance is not None
            else selectors.organiser_choices(actor=actor).none()
        )
        if month is not None:
            self.initial.update(
                theme=month.theme,
                content=month.content,
                responsible_units=[u.pk for u in month.responsible_units.all()],
                planned_activities=month.planned_activities,
            )
