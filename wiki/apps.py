from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WikiConfig(AppConfig):
    name = "wiki"
    verbose_name = _("Wiki")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .models import Revision, TaggedWikiPage, WikiPage
        from .selectors import wiki_changed

        # Tags and members too: a page shows its tags' names, the lists of revisions their authors'.
        for sender in (WikiPage, Revision, TaggedWikiPage, "taggit.Tag", settings.AUTH_USER_MODEL):
            for signal in (post_save, post_delete):
                signal.connect(wiki_changed, sender=sender, dispatch_uid=f"wiki.changed.{sender}.{signal}")
