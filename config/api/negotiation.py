"""Content negotiation: DRF's, except that a `?format=` none of the view's renderers writes is a 400 naming the
formats it has (DRF answers 404, as if the address did not exist)."""

from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation

from .filters import FORMAT_UNKNOWN


class StrictContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, refusing an unknown `format` with a 400 on `format` that lists the view's formats."""

    def select_renderer(self, request, renderers, format_suffix=None):
        """The renderer for the request; a ValidationError on `format` for a format no renderer writes."""
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            asked = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
            if not asked:
                raise
            formats = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            raise ValidationError({self.settings.URL_FORMAT_OVERRIDE: [
                FORMAT_UNKNOWN % {"format": asked, "formats": formats}]}) from None
