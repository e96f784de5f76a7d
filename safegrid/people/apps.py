from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safegrid.people"
    label = "people"
    verbose_name = "队伍建设"
