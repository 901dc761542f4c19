"""Settings for a developer's machine: DEBUG on and a fixed development secret unless the environment sets one."""

import os

os.environ.setdefault("SECRET_KEY", "local-development-only-not-a-secret")
os.environ.setdefault("DEBUG", "true")
# Mail is printed on the console unless the environment names a server.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
os.environ.setdefault("DEMO_ACCOUNTS", "true")  # `make run` seeds and prints the demo accounts

from .base import *  # noqa: E402,F403

# Serve static files from the apps without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
