"""Deployment checks of the seminars app (``manage.py check --deploy``)."""

from django.core.checks import Tags, Warning, register

from .conf import DEV_SECRET, bbb_settings


@register(Tags.security, deploy=True)
def bbb_secret_check(app_configs, **kwargs):
    """The stand-in's secret is public: with it, anyone could forge BBB's recording-ready callback."""
    if bbb_settings.SECRET != DEV_SECRET:
        return []
    return [
        Warning(
            "BBB_SECRET is the BigBlueButton stand-in's public development secret.",
            hint="Set BBB_URL and BBB_SECRET to your BigBlueButton server's (bbb-conf --secret).",
            id="seminars.W001",
        )
    ]
