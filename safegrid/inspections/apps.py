from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "safegrid.inspections"
    label = "inspections"
    verbose_name = "检查"
