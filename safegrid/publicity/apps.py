from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "safegrid.publicity"
    label = "publicity"
    verbose_name = "宣传培训"
