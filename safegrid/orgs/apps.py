from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "safegrid.orgs"
    label = "orgs"
    verbose_name = "区划与组织"
