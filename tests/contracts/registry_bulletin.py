"""The bulletin route in the scope contract (merged by registry.py)."""

NON_RESOURCE_ROUTES = {
    "reports:bulletin": "the dashboard's figures (statistics.figures, per role and period) written as "
    "a .docx bulletin (VIEW_HAZARD: 403 for the three administrators); the document's text holds "
    "exactly the figures of the actor's scope, a pillar the role may not see is left out and another "
    "township's figures never appear, checked in safegrid/reports/tests/test_bulletin.py",
}
