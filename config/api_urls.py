from django.urls import path
from rest_framework.routers import DefaultRouter

from safegrid.accounts.api import MeView, TokenLoginView, TokenLogoutView, UserViewSet
from safegrid.attachments.api import AttachmentViewSet
from safegrid.dispatch.api import ActionItemViewSet, MeetingViewSet
from safegrid.emergency.api import DrillPlanEntryViewSet, DrillRecordViewSet, EmergencyPlanViewSet
from safegrid.enforcement.api import EnforcementDocumentViewSet, PenaltyViewSet
from safegrid.hazards.api import HazardViewSet
from safegrid.hazards.import_api import HazardImportAPI
from safegrid.inspections.api import ChecklistViewSet, CriterionViewSet, InspectionViewSet
from safegrid.jobs.api import JobViewSet
from safegrid.orgs.api import GridDutyViewSet, OrganisationViewSet, RegionViewSet, SectorViewSet
from safegrid.people.api import (
    CertificateViewSet,
    CommendationViewSet,
    PersonViewSet,
    PostingViewSet,
    TeamViewSet,
    TrainingViewSet,
)
from safegrid.people.import_api import CertificateImportAPI, PersonImportAPI
from safegrid.publicity.api import PublicityActivityViewSet, PublicityPlanViewSet
from safegrid.reports.api import RiskMapAPIView, RiskMatrixAPIView, StatisticsAPIView
from safegrid.risks.api import RiskPointViewSet
from safegrid.sites.api import SiteViewSet
from safegrid.sites.import_api import SiteImportAPI
from safegrid.support.api import (
    EvaluationViewSet,
    ExpertEngagementViewSet,
    ExpertViewSet,
    FundAllocationViewSet,
    LeadershipResponsibilityViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", RegionViewSet, basename="region")
router.register("sectors", SectorViewSet, basename="sector")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("grid-duties", GridDutyViewSet, basename="gridduty")
router.register("sites", SiteViewSet, basename="site")
router.register("users", UserViewSet, basename="user")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("hazards", HazardViewSet, basename="hazard")
router.register("criteria", CriterionViewSet, basename="criterion")
router.register("checklists", ChecklistViewSet, basename="checklist")
router.register("attachments", AttachmentViewSet, basename="attachment")
router.register("enforcement-documents", EnforcementDocumentViewSet, basename="enforcement-document")
router.register("penalties", PenaltyViewSet, basename="penalty")
router.register("risk-points", RiskPointViewSet, basename="risk-point")
router.register("people", PersonViewSet, basename="person")
router.register("postings", PostingViewSet, basename="posting")
router.register("teams", TeamViewSet, basename="team")
router.register("trainings", TrainingViewSet, basename="training")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("commendations", CommendationViewSet, basename="commendation")
router.register("publicity-activities", PublicityActivityViewSet, basename="publicity-activity")
router.register("publicity-plans", PublicityPlanViewSet, basename="publicity-plan")
router.register("fund-allocations", FundAllocationViewSet, basename="fund-allocation")
router.register("experts", ExpertViewSet, basename="expert")
router.register("expert-engagements", ExpertEngagementViewSet, basename="expert-engagement")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register(
    "leadership-responsibilities", LeadershipResponsibilityViewSet, basename="leadership-responsibility"
)
router.register("emergency-plans", EmergencyPlanViewSet, basename="emergency-plan")
router.register("drill-plans", DrillPlanEntryViewSet, basename="drill-plan")
router.register("drills", DrillRecordViewSet, basename="drill")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("action-items", ActionItemViewSet, basename="action-item")
router.register("jobs", JobViewSet, basename="job")

app_name = "api"

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("risk-map/", RiskMapAPIView.as_view(), name="risk_map"),
    path("risk-matrix/", RiskMatrixAPIView.as_view(), name="risk_matrix"),
    path("statistics/", StatisticsAPIView.as_view(), name="statistics"),
    path("auth/token/", TokenLoginView.as_view(), name="token_login"),
    path("auth/token/revoke/", TokenLogoutView.as_view(), name="token_logout"),
    # Before the router: its people/<pk>/ (sites/<pk>/, hazards/<pk>/) route would otherwise catch
    # people/import/ (sites/import/, hazards/import/).
    path("people/import/", PersonImportAPI.as_view(), name="people-import"),
    path("certificates/import/", CertificateImportAPI.as_view(), name="certificate-import"),
    path("sites/import/", SiteImportAPI.as_view(), name="site-import"),
    path("hazards/import/", HazardImportAPI.as_view(), name="hazard-import"),
    *router.urls,
]
