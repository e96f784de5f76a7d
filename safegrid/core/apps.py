from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safegrid.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from . import checks, logsafe  # noqa: F401 - registers the system checks

        logsafe.install()
