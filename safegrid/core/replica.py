"""Read-replica routing (DESIGN.md §9 "PostgreSQL primary with read replicas for dashboards";
issue 9). With `DATABASE_REPLICA_URL` set, the settings add a `replica` database and the pages that
only read aggregates — the dashboard, the four-colour map data, the command screen's data, the
bulletin — run their reads there, wrapped in `replica_reads`. Everything else, and every read made
inside a transaction on the primary (a service's, or one after a write in the same request), stays
on the primary, so a user always reads their own writes on the pages they act on; the aggregate
pages tolerate the replica's lag (typically well under a second with streaming replication).

Without a replica the router answers None and Django uses `default`, as before.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_reading_from_replica = contextvars.ContextVar("safegrid_reading_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads inside this block go to the replica (when there is one and no transaction is open)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def replica_reads(view: Callable) -> Callable:
    """A view whose reads may come from the replica (`path("…", replica_reads(View.as_view()))`).
    The response is rendered inside the block, so lazy querysets in templates read there too."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with reading_from_replica():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            return response

    return wrapped


class ReplicaRouter:
    """Reads to the replica inside `reading_from_replica`; writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        if not _reading_from_replica.get() or not replica_configured():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # a transaction on the primary reads its own state
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: rows from either may relate

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
