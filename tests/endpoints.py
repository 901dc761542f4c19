"""The API's endpoints as the URL map declares them: every URL name of the `api` namespace and its HTTP methods."""

from django.urls import URLPattern, URLResolver, get_resolver

# Methods no test table covers: HEAD and OPTIONS take no action of their own.
NO_ACTION_METHODS = frozenset({"head", "options"})


def api_endpoints(*, skip=NO_ACTION_METHODS) -> dict[str, set[str]]:
    """URL name -> the HTTP methods its view implements (less `skip`), for every endpoint of the `api` namespace."""
    def walk(patterns, inside):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, inside or pattern.namespace == "api")
            elif isinstance(pattern, URLPattern) and inside and pattern.name and pattern.name != "api-root":
                yield pattern

    found: dict[str, set[str]] = {}
    for pattern in walk(get_resolver().url_patterns, False):  # format-suffix twins share the name
        actions = getattr(pattern.callback, "actions", None)
        if actions is not None:
            methods = set(actions)
        else:
            view = pattern.callback.view_class
            methods = {m for m in view.http_method_names if hasattr(view, m)}
        found.setdefault(pattern.name, set()).update(methods - set(skip))
    return found
