"""Template context: `review_count`, the submitted filings awaiting the signed-in reviewer (the navigation's
「待审核」 count), counted only when a page shows it."""

from django.utils.functional import SimpleLazyObject

from .review_selectors import review_count


def review(request) -> dict:
    """The number of filings awaiting the request user's review, as `review_count` (lazy: one query when shown)."""
    return {"review_count": SimpleLazyObject(lambda: review_count(user=request.user))}
