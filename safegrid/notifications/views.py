from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from . import selectors, services


class InboxView(LoginRequiredMixin, TemplateView):
    """Everyone's own inbox: no capability needed, scope is the owner."""

    template_name = "notifications/inbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qs = selectors.notification_list(actor=self.request.user)
        if self.request.GET.get("unread") == "1":
            qs = qs.filter(read_at__isnull=True)
        page = Paginator(qs, 30).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            object_list=page.object_list,
            total=page.paginator.count,
            title=_("消息"),
            querystring="",
        )
        return context


class MarkReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
        services.notification_mark_read(actor=request.user, notification_ids=ids)
        return HttpResponseRedirect(reverse("notifications:inbox"))
