from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionKind(models.IntegerChoices):
    """The administrative level of a region node. Depth in the tree is free; the kind is a label
    that constrains codes and parents (a grid lies in a township, a township in a county …)."""

    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    COUNTY = 3, _("县（区）")
    TOWNSHIP = 4, _("乡镇（街道）")
    GRID = 5, _("网格")


class OrganisationKind(models.TextChoices):
    COUNTY_COMMITTEE = "county_committee", _("县安委会")
    COUNTY_OFFICE = "county_office", _("县安委办")
    SECTOR_COMMITTEE = "sector_committee", _("行业领域安委会")
    DEPARTMENT = "department", _("行业主管部门")
    TOWNSHIP_GOVERNMENT = "township_government", _("乡镇人民政府（街道办事处）")
    GRID_UNIT = "grid_unit", _("网格工作站")
    ENTERPRISE = "enterprise", _("企业")
    EXPERT_BODY = "expert_body", _("专家组织")


class GridDutyRole(models.TextChoices):
    """The people a grid names (DOMAIN.md §3.3)."""

    GRID_CHIEF = "grid_chief", _("网格长")
    GRID_WORKER = "grid_worker", _("网格员")
    GRID_INSTRUCTOR = "grid_instructor", _("网格指导员（包片部门）")


# Default duties per grid role, from DOMAIN.md §3.3 (永仁县 example, 横泾街道 cadence).
DEFAULT_DUTIES: dict[str, tuple[list[str], int]] = {
    GridDutyRole.GRID_CHIEF: (
        [
            "组织网格内安全生产检查",
            "督促网格员履职",
            "协调解决网格上报问题",
            "每月至少检查一次挂点企业和项目",
        ],
        30,
    ),
    GridDutyRole.GRID_WORKER: (
        [
            "安全宣传教育",
            "风险分析研判",
            "风险防范预警",
            "隐患排查上报",
            "应急响应处置",
            "每季度巡查网格内全部企业",
        ],
        90,
    ),
    GridDutyRole.GRID_INSTRUCTOR: (
        ["指导网格开展行业安全检查", "受理并处置网格上报的行业隐患"],
        90,
    ),
}
