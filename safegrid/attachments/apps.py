from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "safegrid.attachments"
    label = "attachments"
    verbose_name = "附件"
