"""Demo spaces of the Co-operations Research Unit (../shared/demo/research-unit.md).

Running it again changes nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from wiki.demo import write_in_bulk
from wiki.markdown import slug_for
from wiki.models import WikiPage
from wiki.services import page_create

from .models import Activity, Membership, Space, space_id_of
from .services import file_add, meeting_schedule, space_join, space_start

WORKING_GROUP = {
    "slug": "p2p-commons-critique",
    "name_en": (
        "P2P and Commons Critique of Great Transformation: From Industrial Disciplinary Global Capitalism "
        "to Trans-Human Zombie Informationalism"
    ),
    "name_tr": (
        "Büyük Dönüşümün P2P ve Müşterekler Eleştirisi: Endüstriyel Disipliner Küresel Kapitalizmden "
        "İnsan-Ötesi Zombi Enformasyonalizmine"
    ),
    "purpose_en": (
        "To form a Co-Operative Research Agenda and Curriculum to feed open courses and educative activities "
        "provided via NLU, as well as creative actions in the real world. Anyone who likes to engage and put a "
        "brick in the building is more than welcome: occupy your space!"
    ),
    "purpose_tr": (
        "NLU'nun açık kurslarını ve eğitim etkinliklerini, gerçek dünyadaki yaratıcı eylemleri besleyecek bir "
        "Kooperatif Araştırma Gündemi ve Müfredatı oluşturmak. Katılmak ve yapıya bir tuğla koymak isteyen "
        "herkese kapımız açık: alanını sahiplen!"
    ),
}
STUDY_CIRCLE = {
    "slug": "platform-coops-circle",
    "name_en": "Study circle: platform co-ops",
    "name_tr": "Çalışma halkası: platform kooperatifleri",
    "purpose_en": "We read and discuss how workers own and run the platforms they work through.",
    "purpose_tr": (
        "İşçilerin çalıştıkları platformlara nasıl sahip olup onları nasıl yönettiklerini okuyup tartışıyoruz."
    ),
}
COURIERS = {
    "slug": "couriers-organising",
    "name_en": "Couriers organising",
    "name_tr": "Kuryeler örgütleniyor",
    "purpose_en": "Couriers of several cities plan their organising together.",
    "purpose_tr": "Birçok şehrin kuryeleri örgütlenmelerini birlikte planlıyor.",
}

AGENDA_TITLE = "Co-Operative Research Agenda and Curriculum"
AGENDA_TEXT = """What the working group means to research, and the courses it means to feed. It grows from the
[[Research agenda]] of the whole unit, and it is harmonised with the P2P Foundation's wiki.

```mermaid
mindmap
  root((Co-operative research agenda))
    Great Transformation
      Industrial disciplinary capitalism
      Informationalism
    Commons
      Peer production
      Open knowledge
    Curriculum
      Open courses on NLU
      Creative actions
```

Change the map as the agenda changes: it is drawn from the text above it, which anyone can edit.
"""
COURIERS_PAGE_TITLE = "Couriers: organising plan"
COURIERS_PAGE_TEXT = "Who we reach first, in which cities, and how we meet. Only members of the space read this.\n"
READING_LIST = b"""# Reading list of the working group

- Karl Polanyi, The Great Transformation (1944)
- Michel Bauwens, The Political Economy of Peer Production (2005)
"""


def _space(fields: dict, founder, **options) -> Space:
    space = Space.objects.filter(slug=fields["slug"]).first()
    if space is None:
        translations = {name: value for name, value in fields.items() if name != "slug"}
        space = space_start(
            founder=founder, name=fields["name_en"], slug=fields["slug"], translations=translations, **options
        )
    return space


def _join(space: Space, member) -> None:
    if not Membership.objects.filter(space=space, member=member).exists():
        space_join(space=space, member=member)


def _page(space: Space, title: str, text: str, author) -> None:
    if not WikiPage.objects.filter(language="en", slug=slug_for(title)).exists():
        page_create(title=title, language="en", text=text, author=author, scope=space.key, private=not space.is_public)


def _next_thursday_16(today: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        today + datetime.timedelta(days=(3 - today.weekday()) % 7 or 7), datetime.time(16, 0)
    )


def load_demo(*, scale: int, stdout) -> None:
    users = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=["researcher", "tutor", "steward", "coordinator"])
    }
    group = _space(WORKING_GROUP, users["researcher"])
    for name in ("tutor", "steward"):
        _join(group, users[name])
    if not group.activities.filter(kind=Activity.Kind.MEETING).exists():
        meeting_schedule(
            space=group,
            by=users["researcher"],
            start_local=_next_thursday_16(timezone.localdate()),
            timezone_name="Europe/Berlin",
            every_weeks=2,
            occurrences=6,
            duration_minutes=90,
        )
    _page(group, AGENDA_TITLE, AGENDA_TEXT, users["researcher"])
    if not group.activities.filter(kind=Activity.Kind.FILE).exists():
        file_add(
            space=group,
            by=users["researcher"],
            upload=ContentFile(READING_LIST, name="reading-list.md"),
            title="Reading list",
        )
    _space(STUDY_CIRCLE, users["researcher"], member_limit=10)
    couriers = _space(COURIERS, users["coordinator"], visibility=Space.Visibility.MEMBERS)
    _page(couriers, COURIERS_PAGE_TITLE, COURIERS_PAGE_TEXT, users["coordinator"])
    stdout.write(f"Spaces: {Space.objects.count()} in all: the working group, a study circle, a members-only space.")
    if scale:
        created = ensure_scaled_spaces(scale * SCALED_SPACES)
        stdout.write(f"Spaces: {created} scaled spaces added.")


# --- load_demo --scale N: N x 10 spaces, each with members, a page and activity --------------------
SCALED_SPACES = 10
SCALED_MEMBERS = 8
SCALED_PREFIX = "scaled-space-"


def ensure_scaled_spaces(count: int) -> int:
    """``count`` spaces written in bulk (a service call each would take long); a second run adds only those missing."""
    User = get_user_model()
    member_ids = list(
        User.objects.filter(username__startswith="member")
        .order_by("pk")
        .values_list("pk", flat=True)[: count * 4 + SCALED_MEMBERS]
    )
    if len(member_ids) < SCALED_MEMBERS:
        return 0
    wanted = {f"{SCALED_PREFIX}{n:05d}": n for n in range(1, count + 1)}
    missing = sorted(set(wanted) - set(Space.objects.filter(slug__in=wanted).values_list("slug", flat=True)))
    now = timezone.now()
    spaces = Space.objects.bulk_create(
        [
            Space(
                slug=slug,
                name=f"Working group {wanted[slug]:05d}",
                name_en=f"Working group {wanted[slug]:05d}",
                name_tr=f"Çalışma grubu {wanted[slug]:05d}",
                purpose_en="A working group of the research unit, for benchmarks.",
                visibility=Space.Visibility.MEMBERS if wanted[slug] % 10 == 0 else Space.Visibility.PUBLIC,
                founder_id=member_ids[wanted[slug] % len(member_ids)],
                created_at=now - datetime.timedelta(minutes=wanted[slug]),
            )
            for slug in missing
        ],
        batch_size=1000,
    )
    memberships, activities, pages = [], [], []
    for space in spaces:
        n = int(space.slug.removeprefix(SCALED_PREFIX))
        chosen = [member_ids[(n * 4 + k) % len(member_ids)] for k in range(SCALED_MEMBERS)]
        for k, member_id in enumerate(dict.fromkeys(chosen)):
            role = Membership.Role.COORDINATOR if k == 0 else Membership.Role.MEMBER
            memberships.append(Membership(space=space, member_id=member_id, role=role))
            activities.append(
                Activity(space=space, kind=Activity.Kind.JOINED, actor_id=member_id, created_at=space.created_at)
            )
        pages.append(
            WikiPage(
                language="en",
                slug=f"{space.slug}-notes",
                title=f"Notes of working group {n:05d}",
                scope=space.key,
                private=not space.is_public,
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=2000)
    Activity.objects.bulk_create(activities, batch_size=2000)
    pages = write_in_bulk(pages, text="Notes of the working group.\n", author=None)
    Activity.objects.bulk_create(
        [
            Activity(space_id=space_id_of(page.scope), kind=Activity.Kind.PAGE, subject=page.title, page=page)
            for page in pages
        ],
        batch_size=2000,
    )
    return len(spaces)
