from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safegrid.people"
    label = "people"
    verbose_name = "队伍建设"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
