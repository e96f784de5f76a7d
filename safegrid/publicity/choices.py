"""Publicity channels and the default monthly themes of an annual publicity plan (DESIGN.md §3,
pillar 4 宣传培训)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from safegrid.orgs.choices import RegionKind


class Channel(models.TextChoices):
    """How an activity reached its audience; the bulletin counts enterprise visits and lectures."""

    DOUYIN = "douyin", _("抖音")
    WECHAT = "wechat", _("微信")
    BROADCAST = "broadcast", _("广播")
    NIGHT_TALK = "night_talk", _("知行夜话")
    CASE_STUDY = "case_study", _("以案说法")
    LECTURE = "lecture", _("宣讲/讲座")
    ENTERPRISE_VISIT = "enterprise_visit", _("进企业")
    POLICY_BRIEFING = "policy_briefing", _("政策宣讲")
    OTHER = "other", _("其他")


MONTHS = range(1, 13)

# Where an activity can take place: a county-wide broadcast, a township's lecture, a grid's visit.
ACTIVITY_REGION_KINDS = (RegionKind.COUNTY, RegionKind.TOWNSHIP, RegionKind.GRID)

# Default theme and content of each month when a plan is created; the office edits them afterwards.
# Fixed dates of the national safety calendar: 5月12日 全国防灾减灾日, June 全国安全生产月,
# 11月9日 全国消防日, 12月2日 全国交通安全日.
MONTH_DEFAULTS: dict[int, tuple[str, str]] = {
    1: (_("岁末年初安全宣传"), _("元旦、春节期间烟花爆竹、消防和道路交通安全宣传。")),
    2: (_("节后复工复产安全"), _("节后复工复产安全提示，开展“开工第一课”。")),
    3: (_("安全生产法律法规宣传"), _("宣传《安全生产法》等法律法规，开展学法用法活动。")),
    4: (_("全民国家安全教育"), _("结合4月15日全民国家安全教育日开展宣传。")),
    5: (_("防灾减灾宣传周"), _("围绕5月12日全国防灾减灾日，开展防灾减灾知识宣传和应急疏散演练。")),
    6: (_("安全生产月"), _("全国“安全生产月”活动：安全宣传咨询日、警示教育、进企业宣讲。")),
    7: (_("防汛与夏季安全"), _("主汛期防汛、防雷电、防溺水安全宣传。")),
    8: (_("高温季节安全"), _("高温防暑、有限空间作业和危险化学品安全宣传。")),
    9: (_("开学季校园安全"), _("校园及周边安全、中秋国庆节前安全宣传。")),
    10: (_("秋冬季防火"), _("秋冬季森林防火和消防安全宣传。")),
    11: (_("消防宣传月"), _("围绕11月9日全国消防日开展消防安全宣传。")),
    12: (_("交通安全与年终总结"), _("围绕12月2日全国交通安全日开展宣传，总结全年宣传工作。")),
}
