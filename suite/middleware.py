"""For a host that has no middleware of its own for this: each signed-in member's time zone."""

from django.utils import timezone

from .members import member_preferences


class MemberTimezoneMiddleware:
    """Times on the apps' pages in the member's own zone (``SUITE_MEMBER_PREFERENCES``).

    Add it after Django's AuthenticationMiddleware. Visitors who are not signed in see ``TIME_ZONE``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        with timezone.override(member_preferences(user).timezone):
            return self.get_response(request)
