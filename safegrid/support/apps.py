from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "safegrid.support"
    label = "support"
    verbose_name = "基础保障"
