"""How every report answers a GET: computed in one snapshot on the read replica, or on the primary when the replica
is down or behind (config.db.report_snapshot_read), and cached.

A report is a read-only aggregate, so its answer (the rendered bytes and their content headers: a park report of
400 parks is 670 KB of JSON, whose rendering each time cost more than reading it) is cached under a key of the report,
the user and their scope, the address with its query (the format aside: each format has its key), the language,
the day (default dates), and the version of the tables it read (config.data_version): every table its computation
named in its SQL, as that computation recorded them beside the answer (a kept table counting as the tables it is
kept from; a table no version covers makes it the data version's, which every versioned write moves). A write to
another table leaves the answer; a write to one of its tables ends it. The versions a cached answer is looked up
under are read on the primary (so cached answers survive a dead replica); an answer computed is cached under the
versions its snapshot read, which move when a write commits, so an answer is never cached under a version whose
writes it has not seen. The user's roles and scope are read on the primary before the report's reads
(config.db.primary_only). While one request computes a missing answer, the others asking for the same key wait for
it (config.single_flight).
"""

import hashlib
import json
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework.settings import api_settings

from access.scoping import user_scope
from config.data_version import Reads, data_version
from config.db import DEFAULT, REPLICA, report_snapshot_read
from config.single_flight import cached_or_computed

# The headers a cached answer keeps (the view adds Allow and Vary to every answer).
CONTENT_HEADERS = ("Content-Type", "Content-Disposition")


def report_identity(*, name: str, request) -> str:
    """What a report's answer to this request depends on besides the data: the report, the user and their scope, the
    address with its query (the format aside: each format has its own entry), the language and the day."""
    scope = user_scope(request.user)
    # Parameters in any order, each one's values in theirs (a repeated parameter's last value can be the one read).
    query = sorted((key, values) for key, values in request.query_params.lists()
                   if key != api_settings.URL_FORMAT_OVERRIDE)
    identity = [request.build_absolute_uri(request.path), query, sorted(scope.parks), sorted(scope.enterprises),
                sorted(scope.districts)]
    digest = hashlib.sha256(json.dumps(identity).encode()).hexdigest()
    role = "bureau" if scope.bureau else "member"
    return (f"report:{name}:u{request.user.pk}:{role}:{get_language()}:{request.accepted_renderer.format}"
            f":{timezone.localdate().isoformat()}:{digest}")


def report_cache_key(*, identity: str, tables: frozenset[str] | None, version: int) -> str:
    """The cache key of an answer (`report_identity`) read from `tables` (None: from any) at their `version`."""
    read = "all" if tables is None else hashlib.sha256(" ".join(sorted(tables)).encode()).hexdigest()[:16]
    return f"{identity}:{read}:v{version}"


def report_dispatch(dispatch):
    """Decorate a report view's `dispatch`: the request is not in a transaction (ATOMIC_REQUESTS), since the report
    reads in a snapshot of its own; inside a transaction already open (a test's), in a savepoint, as it would be."""

    @transaction.non_atomic_requests
    @wraps(dispatch)
    def wrapper(*args, **kwargs):
        if not connections[DEFAULT].in_atomic_block:
            return dispatch(*args, **kwargs)
        with transaction.atomic(using=DEFAULT):
            return dispatch(*args, **kwargs)

    return wrapper


def report_response(get):
    """Decorate a report view's `get`: its answer comes from the cache when there, else from one snapshot read."""

    @wraps(get)
    def wrapper(view, request, *args, **kwargs):
        user_scope(request.user)  # who may read: on the primary, before any of the report's reads
        if not settings.REPORT_CACHE:
            return report_snapshot_read(compute=lambda: get(view, request, *args, **kwargs), request=request)[0]

        def compute():
            """The answer, rendered in the snapshot when it is a 200 (what is cached)."""
            response = get(view, request, *args, **kwargs)
            if response.status_code == 200:
                response = view.finalize_response(request, response, *args, **kwargs)
                response.render()
            return response

        identity = report_identity(name=view.report_name, request=request)
        tables = _tables_read(cache.get(f"{identity}:tables"))  # as the last computation of this answer found them
        key = report_cache_key(identity=identity, tables=tables, version=data_version(request=request, tables=tables))

        def compute_and_cache():
            """The answer computed in one snapshot; when it is a 200, cached under the version its snapshot read of
            the tables it read and those the key looked up named (kept under more tables than it read, an answer
            ends sooner, never later; and as the set only grows, a computation whose data take another branch does
            not leave the readers waiting on the key looked up to compute it again in turn), and under that key
            where it named them all, or any table's."""
            with Reads(*(alias for alias in (DEFAULT, REPLICA) if alias in connections)) as reads:
                response, _version, using = report_snapshot_read(compute=compute, request=request)
            if response.status_code == 200:
                read = reads.tables if reads.tables is None or tables is None else reads.tables | tables
                answer = (response.content, {name: response[name] for name in CONTENT_HEADERS
                                             if response.has_header(name)})
                cache.set(f"{identity}:tables", "*" if read is None else sorted(read), settings.REPORT_CACHE_TIMEOUT)
                version = data_version(request=request, using=using, tables=read)
                cache.set(report_cache_key(identity=identity, tables=read, version=version), answer,
                          settings.REPORT_CACHE_TIMEOUT)
                if tables is None or tables == read:
                    cache.set(key, answer, settings.REPORT_CACHE_TIMEOUT)
            return response

        answer, computed = cached_or_computed(key, compute=compute_and_cache)
        if computed:
            return answer
        content, headers = answer
        return HttpResponse(content, headers=headers)

    return wrapper


def _tables_read(recorded) -> frozenset[str] | None:
    """The tables an answer was last read from, as cached ("*": some table no version covers; None: not known)."""
    return None if recorded is None or recorded == "*" else frozenset(recorded)
