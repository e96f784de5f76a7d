import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy

from safegrid.core.filters import ScopedFilterSet

from .models import User
from .roles import Role


class UserFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("用户名或姓名"))
    role = django_filters.ChoiceFilter(choices=Role.choices, method="by_role", label=gettext_lazy("角色"))
    is_active = django_filters.BooleanFilter(label=gettext_lazy("启用"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(display_name__icontains=value))

    def by_role(self, queryset, name, value):
        return queryset.filter(role_assignments__role=value).distinct()
