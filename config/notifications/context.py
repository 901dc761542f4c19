"""Template context: `unread_notifications`, the signed-in user's unread count for the header's bell (lazy: one
query on a page that shows it, none for an anonymous visitor)."""

from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread(request) -> dict:
    """The request user's unread notifications as `unread_notifications` (0 for an anonymous visitor)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
