"""The background-job routes in the scope contract (merged by registry.py). A job belongs to the one
user who started it: every other user, whatever their role or scope, gets 404 for its page, its
file and its API record, and an empty list; checked for every user of the world in
safegrid/jobs/tests/test_jobs.py (test_another_users_job_does_not_exist_for_them). The rows a job
exports are those of the list page it was started from, under the owner's scope when it runs
(test_an_export_job_sees_the_owners_scope_only and
test_a_job_runs_with_the_capabilities_its_owner_has_when_it_runs)."""

_OWNER_ONLY = "the owner's own jobs (owner-only queryset, 404 for everyone else); see the module docstring"

NON_RESOURCE_ROUTES = {
    "jobs:job_list": _OWNER_ONLY,
    "jobs:job_detail": _OWNER_ONLY,
    "jobs:download": _OWNER_ONLY,
    "api:job-list": _OWNER_ONLY,
    "api:job-detail": _OWNER_ONLY,
}
