"""WSGI entry point for gunicorn: ``gunicorn nlu.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlu.settings.dev")

application = get_wsgi_application()
