"""The Celery app a host makes (Celery's "First steps with Django"), for the bare hosts only.

Without one, the apps' tasks fall to Celery's fallback app, which reads no CELERY_* setting.
"""

from celery import Celery

app = Celery("bare-host")
app.config_from_object("django.conf:settings", namespace="CELERY")
