"""Page forms. Every choice offers only rows the actor may use; the services check again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safegrid.core.forms import region_label
from safegrid.hazards.choices import HazardGrade

from . import selectors
from .choices import MeetingBody, MeetingKind

_DATE = forms.DateInput(attrs={"type": "date"})


def hazard_label(hazard) -> str:
    return f"{hazard.number} {hazard.site.name}：{hazard.description[:40]}"


class MeetingForm(forms.Form):
    body = forms.ChoiceField(label=gettext_lazy("会议主体"), choices=MeetingBody.choices)
    region = forms.ModelChoiceField(label=gettext_lazy("县（区）"), queryset=None, required=False)
    sector = forms.ModelChoiceField(
        label=gettext_lazy("行业领域"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("行业领域安委会的会议必选；县安委会、县安委办的会议不选。"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("会议类型"), choices=MeetingKind.choices)
    held_on = forms.DateField(label=gettext_lazy("会议日期"), widget=_DATE)
    title = forms.CharField(
        label=gettext_lazy("会议名称"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("留空时按日期、会议主体和类型生成。"),
    )
    place = forms.CharField(label=gettext_lazy("会议地点"), max_length=100, required=False)
    chair = forms.CharField(label=gettext_lazy("主持人"), max_length=60, required=False)
    attendees = forms.CharField(
        label=gettext_lazy("参会人员"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attendee_count = forms.IntegerField(label=gettext_lazy("参会人数"), min_value=0, initial=0)
    agenda = forms.CharField(
        label=gettext_lazy("会议议程"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes = forms.CharField(
        label=gettext_lazy("会议纪要"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        if instance is not None:
            # Body, county and sector are fixed once recorded.
            for name in ("body", "region", "sector"):
                del self.fields[name]
            self.fields["title"].required = True
            self.initial.update(
                {
                    name: getattr(instance, name)
                    for name in (
                        "kind",
                        "held_on",
                        "title",
                        "place",
                        "chair",
                        "attendees",
                        "attendee_count",
                        "agenda",
                        "minutes",
                    )
                }
            )
            return
        self.fields["region"].queryset = selectors.meeting_region_choices(actor=actor)
        self.fields["region"].label_from_instance = region_label
        self.fields["sector"].queryset = selectors.meeting_sector_choices(actor=actor)
        self.initial.setdefault("held_on", timezone.localdate())
        counties = list(self.fields["region"].queryset[:2])
        if len(counties) == 1:
            self.initial.setdefault("region", counties[0].pk)


class AgendaItemForm(forms.Form):
    hazard = forms.ModelChoiceField(
        label=gettext_lazy("提请研究的隐患"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("可选：本会议层级处置的、尚未销号的隐患。"),
    )
    title = forms.CharField(
        label=gettext_lazy("议题"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("选择隐患时可留空，按隐患编号和描述生成。"),
    )

    def __init__(self, *args, actor, instance=None, **kwargs):
        """`instance` is the meeting."""
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["hazard"].queryset = selectors.agenda_hazard_choices(actor=actor, meeting=instance)
        self.fields["hazard"].label_from_instance = hazard_label


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label=gettext_lazy("会议决定"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    responsible_org = forms.ModelChoiceField(label=gettext_lazy("责任单位"), queryset=None, required=False)
    responsible_person = forms.CharField(label=gettext_lazy("责任人"), max_length=30, required=False)
    deadline = forms.DateField(label=gettext_lazy("完成期限"), widget=_DATE, required=False)
    grade = forms.ChoiceField(
        label=gettext_lazy("隐患等级"),
        choices=[("", "---------"), *HazardGrade.choices],
        required=False,
        help_text=gettext_lazy("议题为隐患时：留空则沿用隐患原等级。"),
    )

    def __init__(self, *args, actor, instance=None, **kwargs):
        """`instance` is the agenda item."""
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["responsible_org"].queryset = selectors.organisation_choices(actor=actor).filter(
            region_path__startswith=instance.meeting.region_path
        )
        if instance.hazard_id is None:
            del self.fields["grade"]
        else:
            self.fields["responsible_org"].required = True
            self.fields["responsible_person"].required = True
            self.fields["deadline"].required = True


class ActionItemForm(forms.Form):
    meeting = forms.ModelChoiceField(label=gettext_lazy("会议"), queryset=None)
    resolution = forms.CharField(
        label=gettext_lazy("决议事项"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(label=gettext_lazy("责任单位"), queryset=None)
    deadline = forms.DateField(label=gettext_lazy("办理期限"), widget=_DATE)

    def __init__(self, *args, actor, instance=None, meeting=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = selectors.managed_meeting_choices(actor=actor)
        self.fields["owner"].queryset = selectors.organisation_choices(actor=actor)
        if meeting is not None:
            self.initial.setdefault("meeting", meeting.pk)


class ActionCompleteForm(forms.Form):
    done_on = forms.DateField(label=gettext_lazy("办结日期"), widget=_DATE)
    note = forms.CharField(
        label=gettext_lazy("办理情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.initial.setdefault("done_on", timezone.localdate())
