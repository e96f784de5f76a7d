"""The command screen (大屏) in the scope contract (merged by registry.py): aggregates over the
actor's scope, not scoped resources."""

NON_RESOURCE_ROUTES = {
    "reports:screen": "the command screen: statistics.figures of this month and this year in the "
    "actor's scope plus the open-hazard count and the top overdue / escalated hazards (VIEW_HAZARD: "
    "403 for the three administrators, login redirect for anonymous); per-role equality with "
    "statistics.figures and the oracle, out-of-scope hazards never listed, checked in "
    "safegrid/reports/tests/test_screen.py",
    "reports:screen_data": "the screen's figures as JSON, polled every 60 s (same VIEW_HAZARD "
    "capability, 403 for administrators, 401 for anonymous); per-role equality with "
    "statistics.figures and the oracle, out-of-scope hazards never listed, bounded queries, checked "
    "in safegrid/reports/tests/test_screen.py",
}
