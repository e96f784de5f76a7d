from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safegrid.core"
    label = "core"
    verbose_name = "核心"
