"""What bench/run measures: one list of pages. A capability adds its pages here.

Each page names how to find its URL in the scaled database; a page whose URL name does not
resolve yet (its app has not landed) or whose data is missing is reported "not built yet".
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseModulePage
from seminars.models import CalendarFeed


@dataclass(frozen=True)
class BenchPage:
    name: str
    url: Callable  # (Fixtures) -> str; may raise NoReverseMatch or LookupError
    anonymous: bool = True
    signed_in: bool = True


class Fixtures:
    """What the URLs point at: the steward (signed-in pages), a running module they follow, their feed."""

    def __init__(self):
        self.member = get_user_model().objects.get(username="steward")
        followed = CourseModulePage.objects.filter(enrolments__member=self.member).order_by("slug_en")
        # The first running module of those --scale adds; Module 1 (not started yet) without them.
        self.module = next((m for m in followed if m.week_of(timezone.now())), followed.first())
        self.feed_token = CalendarFeed.objects.get_or_create(member=self.member)[0].token

    def next_session(self):
        """The module's next live session: the page a member opens before joining."""
        session = self.module.webinars.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
        if session is None:
            raise LookupError(f"no session ahead in {self.module}")
        return session

    def first(self, label: str, **filters):
        """The first row of a model of an app that may not be installed yet (LookupError then)."""
        row = apps.get_model(label).objects.filter(**filters).order_by("pk").first()
        if row is None:
            raise LookupError(f"no {label} in the scaled database")
        return row


FLOOR = BenchPage("hello (floor)", lambda f: reverse("bench_hello"), signed_in=False)

PAGES = [
    BenchPage("home", lambda f: "/en/"),
    BenchPage("course index", lambda f: f.module.get_parent().url),
    BenchPage("module page", lambda f: f.module.url),
    BenchPage("unit page", lambda f: f.module.url + f.module.reverse_subpage("unit", args=[1])),
    BenchPage("dashboard", lambda f: reverse("courses:dashboard"), anonymous=False),
    BenchPage("session list", lambda f: reverse("seminars:list")),
    BenchPage("session page", lambda f: reverse("seminars:detail", args=[f.next_session().pk])),
    BenchPage(
        "personal iCalendar feed", lambda f: reverse("seminars:member_ics", args=[f.feed_token]), signed_in=False
    ),
    # The wiki and the timebank pages.
    BenchPage("wiki page", lambda f: reverse("wiki:page", args=[f.first("wiki.WikiPage", language="en").slug])),
    BenchPage("wiki history", lambda f: reverse("wiki:history", args=[f.first("wiki.WikiPage", language="en").slug])),
    BenchPage("recent changes", lambda f: reverse("wiki:recent")),
    BenchPage("timebank account page", lambda f: reverse("timebank:account"), anonymous=False),
    BenchPage("offers board", lambda f: reverse("timebank:board")),
    # Spaces: the list, and the demo's working group, whose member the steward is.
    BenchPage("spaces list", lambda f: reverse("spaces:index")),
    BenchPage("space page", lambda f: reverse("spaces:space", args=["p2p-commons-critique"])),
]
