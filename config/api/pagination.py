"""Page-number pagination with a count, a client-chosen page size and a hard ceiling on it."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M`; a page size above MAX_PAGE_SIZE or below 1 is a 400, not silently clamped."""

    page_size_query_param = "page_size"
    max_page_size = settings.MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [
                _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size},
            ]})
        return int(raw)
