"""Reports routes in the scope contract (merged by registry.py): the dashboard and the statistics
API are aggregates, not scoped resources; each figure is checked per role against an independent
count over the raw tables (the oracles of this registry), and every number of the dashboard is
followed to the list it counts."""

NON_RESOURCE_ROUTES = {
    "reports:dashboard": "per-role figures over the actor's scope (VIEW_HAZARD: 403 for the three "
    "administrators); every figure equals the oracle's count and every number's link gives a list "
    "of that total, checked in safegrid/reports/tests/test_dashboard.py and test_statistics.py",
    "api:statistics": "the dashboard's figures as JSON (same statistics.figures); per-role equality "
    "with the oracle and 403 for administrators checked in safegrid/reports/tests/test_statistics.py",
}
