from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from safegrid.accounts.roles import Cap
from safegrid.core.scope import grants_for

from . import selectors


class HomeView(LoginRequiredMixin, TemplateView):
    """The home page: what the signed-in person is responsible for, by role. Every figure is a
    count over the same scoped selectors as the lists it links to."""

    template_name = "reports/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = selectors.home_panels(actor=self.request.user)
        context["title"] = selectors.home_title(actor=self.request.user)
        context["grants"] = self.request.user.grants
        context["can_report"] = bool(grants_for(self.request.user, Cap.REPORT_HAZARD))
        return context
