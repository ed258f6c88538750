from django import template
from django.utils.crypto import salted_hmac

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_owner(context) -> str:
    """Who is signed in, as a mark that names no one: offline.js drops pages saved by anyone else
    (a session that ended without signing out, another member on the same phone). Empty for a visitor."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("nlu.offline.owner", str(user.pk)).hexdigest()[:24]
