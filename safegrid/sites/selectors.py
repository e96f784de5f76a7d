"""Scoped reads for sites."""

from __future__ import annotations

from django.db.models import QuerySet

from safegrid.accounts.roles import Cap
from safegrid.core.selectors import scoped_get

from .models import Site


def site_list(*, actor, capability: str | None = Cap.VIEW_SITE) -> QuerySet[Site]:
    return Site.objects.visible_to(actor, capability).select_related("sector", "grid", "grid__parent")


def site_get(*, actor, pk, capability: str | None = Cap.VIEW_SITE) -> Site:
    return scoped_get(site_list(actor=actor, capability=capability), pk)


def site_territorial_writer(*, actor, site: Site) -> bool:
    """True when the actor may edit the whole registry record (an officer over the site's grid and
    sector), False when only as the site's own staff."""
    return any(
        Cap.CHANGE_SITE in g.capabilities
        and g.site_id is None
        and site.region_path.startswith(g.path)
        and (g.sector_ids is None or site.sector_id in g.sector_ids)
        for g in actor.grants
    )
