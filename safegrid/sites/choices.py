from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteCategory(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    PROJECT = "project", _("建设项目")
    VENUE = "venue", _("公共场所")


class SiteKind(models.TextChoices):
    MINE = "mine", _("矿山")
    TAILINGS_POND = "tailings_pond", _("尾矿库")
    HAZCHEM = "hazchem", _("危险化学品企业")
    FIREWORKS = "fireworks", _("烟花爆竹经营")
    GAS_STATION = "gas_station", _("加油（气）站")
    GAS = "gas", _("城镇燃气")
    HYDROPOWER = "hydropower", _("水电站")
    FORESTRY = "forestry", _("林业及木材加工")
    FACTORY = "factory", _("工贸企业")
    CONSTRUCTION = "construction", _("建设工程项目")
    TRANSPORT = "transport", _("道路运输企业")
    FERRY = "ferry", _("渡口码头及船舶")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    MALL = "mall", _("商场超市")
    HOTEL = "hotel", _("宾馆饭店")
    TOURISM = "tourism", _("旅游景区")
    FARM = "farm", _("农业生产经营")
    OTHER = "other", _("其他")


class SiteSize(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class BusinessStatus(models.TextChoices):
    OPERATING = "operating", _("正常经营")
    SUSPENDED = "suspended", _("停产停业")
    CLOSED = "closed", _("关闭")
