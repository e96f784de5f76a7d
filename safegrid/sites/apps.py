from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "safegrid.sites"
    label = "sites"
    verbose_name = "场所"
