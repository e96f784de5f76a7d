from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: security headers on every response, backup / restore / verify commands."""

    name = "safegrid.ops"
    label = "ops"
    verbose_name = "运维"
