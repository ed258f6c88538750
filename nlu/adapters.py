from allauth.account.adapter import DefaultAccountAdapter
from django.urls import translate_url
from django.utils.translation import get_language

from .middleware import BROWSER_TIMEZONE_COOKIE
from .models import timezone_names
from .services import email_queue


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """After login, continue in the member's chosen language."""
        url = super().get_login_redirect_url(request)
        return translate_url(url, request.user.language) if request.user.language else url

    def save_user(self, request, user, form, commit=True):
        """New members start in the language they signed up in and their browser's zone."""
        user.language = user.language or get_language()
        browser_zone = request.COOKIES.get(BROWSER_TIMEZONE_COOKIE, "")
        if not user.timezone and browser_zone in timezone_names():
            user.timezone = browser_zone
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        """Render now, in the member's language; store and send after commit (see nlu.outbox)."""
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
        )
        email_queue(
            subject=message.subject, body=message.body, from_email=message.from_email, to=list(message.to), html=html
        )
