from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safegrid.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from . import checks, lockout, signals  # noqa: F401  (registers checks and signal receivers)
