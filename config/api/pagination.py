"""Page-number pagination with a count, a client-chosen page size and a hard ceiling on it; the count is cached
under the version of the tables it reads."""

import hashlib
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from config.data_version import data_version, is_versioned, note_read, query_tables
from config.single_flight import cached_or_computed


class CountCachingPaginator(Paginator):
    """Django's paginator, its count taken from the cache under the version of the tables the count reads, where
    every one is versioned: a count costs time in proportion to the rows it counts (22 ms for a chain position and
    segment of 100,000 enterprises), a page only in proportion to the page, so paging through a list counts once
    until the next write to one of its tables."""

    def __init__(self, object_list, per_page, *, request, **kwargs):
        self.request = request
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not settings.COUNT_CACHE or not hasattr(queryset, "query"):
            return super().count
        tables = query_tables(queryset.query)
        note_read(tables)  # a report computed around this page is read from them too, though the count be cached
        if not is_versioned(tables):
            return super().count
        unordered = queryset.order_by()
        # The rows counted, without their columns; a DISTINCT or annotated query's columns can change the count.
        counted = unordered if unordered.query.distinct or unordered.query.annotations else unordered.values("pk")
        try:
            sql, params = counted.query.sql_with_params()
        except EmptyResultSet:  # a condition nothing meets (no membership): Django counts 0 without a query
            return super().count
        digest = hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest()
        key = f"count:v{data_version(request=self.request, using=queryset.db, tables=frozenset(tables))}:{digest}"

        def count_and_cache() -> int:
            count = unordered.count()
            cache.set(key, count, settings.COUNT_CACHE_TIMEOUT)
            return count

        return cached_or_computed(key, compute=count_and_cache)[0]


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M`; a page size above MAX_PAGE_SIZE or below 1 is a 400, not silently clamped."""

    page_size_query_param = "page_size"
    max_page_size = settings.MAX_PAGE_SIZE

    @property
    def django_paginator_class(self):
        """The paginator DRF builds for the request (set before it builds one)."""
        return partial(CountCachingPaginator, request=self.request)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [
                _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size},
            ]})
        return int(raw)


class CountedPagePaginator(Paginator):
    """Django's paginator over a list that reads a page with the number of its rows in one query (its
    `read(offset, limit)` -> (rows, count), e.g. a `COUNT(*) OVER ()` column): a page costs one query instead of a
    count and a page. The count is read on its own (the list's `count()`) only where no row answers (a page past the
    end, an empty list) or before the page (`?page=last`); every page and error is Django's."""

    def page(self, number):
        """The page `number`, read with the count where the count is not known yet and the page holds rows."""
        if "count" not in self.__dict__ and not self.orphans:
            try:
                asked = None if isinstance(number, float) and not number.is_integer() else int(number)
            except (TypeError, ValueError):
                asked = None
            if asked is not None and asked >= 1:
                rows, count = self.object_list.read((asked - 1) * self.per_page, self.per_page)
                if rows:
                    self.__dict__["count"] = count  # the cached_property's value: the page is within the count
                    return self._get_page(rows, asked, self)
        return super().page(number)
