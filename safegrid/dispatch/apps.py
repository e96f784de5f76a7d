from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "safegrid.dispatch"
    label = "dispatch"
    verbose_name = "调度机制"
