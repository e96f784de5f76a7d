from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """Idempotency key (幂等键): one client-chosen key per user and create request, so that a phone
    retrying a submission over a bad network gets the first answer back instead of a second row
    (IETF draft "The Idempotency-Key HTTP Header Field").

    While the first request runs the row has no `response_status` (in flight); once it succeeded the
    row holds the status and the JSON body (SM4-GCM encrypted: a response may carry masked personal
    data). A failed request releases its key. Rows expire after SAFEGRID_IDEMPOTENCY_TTL_HOURS."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("幂等键"), max_length=255)
    method = models.CharField(_("请求方法"), max_length=8)
    path = models.CharField(_("请求路径"), max_length=255)
    fingerprint = models.CharField(
        _("请求摘要"), max_length=64, help_text=_("请求方法、路径与内容的 SM3 摘要")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    locked_at = models.DateTimeField(_("处理开始时间"), default=timezone.now)
    response_status = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    response_body = models.TextField(_("响应内容（加密）"), blank=True)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"

    @property
    def in_flight(self) -> bool:
        return self.response_status is None
