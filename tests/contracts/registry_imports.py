"""Excel import routes for the scope contract, merged by registry.py: none is a scoped resource of
its own. The pages and APIs are refused (403) without the import's capability, and every row goes
through the create service, whose scope rule decides (a row outside it is a row error and nothing
is written); the templates are blank workbooks."""

from __future__ import annotations

NON_RESOURCE_ROUTES = {
    "sites:site_import": "bulk import under ADD_SITE (403 without it); every row goes through site_create's "
    "scope (grid and sector outside it → row error, nothing written); checked in "
    "safegrid/sites/tests/test_import.py",
    "sites:site_import_template": "blank .xlsx template, no rows; checked in "
    "safegrid/sites/tests/test_import.py",
    "api:site-import": "see sites:site_import",
    "hazards:hazard_import": "bulk import under REPORT_HAZARD (403 without it); every row goes through "
    "hazard_report's scope (site outside it → row error, nothing written); checked in "
    "safegrid/hazards/tests/test_import.py",
    "hazards:hazard_import_template": "blank .xlsx template, no rows; checked in "
    "safegrid/hazards/tests/test_import.py",
    "api:hazard-import": "see hazards:hazard_import",
}
