from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "safegrid.emergency"
    label = "emergency"
    verbose_name = "应急预案与演练"
