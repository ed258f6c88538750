"""Demo content in English and Turkish; running it again changes nothing.

Each capability app adds its own demo content through the Wagtail hook ``load_demo``: a
callable taking ``scale`` (int) and ``stdout``, run after the site and the demo users exist.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import translation
from wagtail import hooks
from wagtail.models import Page, Site

from nlu.models import HomePage, StandardPage

DEMO_PASSWORD = "nlu-demo"

DEMO_USERS = [
    # username, display name, time zone, language, coordinator?
    ("coordinator", "Deniz (coordinator)", "Europe/Istanbul", "en", True),
    ("tutor", "Giulia (tutor)", "Europe/Rome", "en", False),
    ("steward", "Ayşe (shop steward)", "Europe/Istanbul", "tr", False),
    ("researcher", "Sam (researcher)", "America/Sao_Paulo", "en", False),
]

HOME = {
    "slug_en": "home",
    "slug_tr": "anasayfa",
    "title_en": "Networked Labour University",
    "title_tr": "Ağ Tabanlı Emek Üniversitesi",
    "intro_en": (
        "Worker to worker exchanges between shop-floors, cities and countries: a money-free "
        "university where workers teach and learn from each other."
    ),
    "intro_tr": (
        "İşçiler arasında işyerleri, şehirler ve uluslarötesi yetenek ve bilgi değişimleri: "
        "işçilerin birbirine öğrettiği ve birbirinden öğrendiği parasız bir üniversite."
    ),
    "body_en": (
        "<p>Shop stewards, union trainers, organisers and workers enrol in seven-week modules, "
        "read each week's unit in their own language and meet their tutors in live webinars.</p>"
        "<p>Curriculum and research are written together on an open wiki, and the hours that "
        "tutors and helpers give are recognised as timebank credits.</p>"
    ),
    "body_tr": (
        "<p>Sendikacılar, işyeri temsilcileri, eğitmenler ve işçiler yedi haftalık modüllere "
        "kaydolur, her haftanın ünitesini kendi dillerinde okur ve eğitmenleriyle canlı "
        "seminerlerde buluşur.</p>"
        "<p>Müfredat ve araştırmalar açık bir vikide birlikte yazılır; eğitmenlerin ve "
        "yardım edenlerin verdiği saatler zaman bankasında kredi olarak tanınır.</p>"
    ),
}

ABOUT = {
    "slug_en": "about",
    "show_in_menus": True,
    "slug_tr": "hakkinda",
    "title_en": "About NLU",
    "title_tr": "NLU hakkında",
    "intro_en": "Anyone may take or give courses for free.",
    "intro_tr": "Herkes ücretsiz olarak kurs alabilir ya da verebilir.",
    "body_en": (
        "<p>Access is money-free. What people contribute is recognised in a cooperative, "
        "money-free exchange: one hour of anyone's time is one credit, whatever the skill.</p>"
        "<p>Our audiences: high-tech, industrial and service workers; domestic, immigrant, "
        "rural and jobless workers.</p>"
    ),
    "body_tr": (
        "<p>Katılım parasızdır. Verilen emek kooperatif, parasız bir değişimle tanınır: "
        "kimin olursa olsun bir saatlik emek, beceri ne olursa olsun bir kredidir.</p>"
        "<p>Hitap ettiğimiz kişiler: yüksek teknoloji, sanayi ve hizmet işçileri; ev işçileri, "
        "göçmen, kırsal ve işsiz işçiler.</p>"
    ),
}


def ensure_page(parent: Page, model: type[Page], fields: dict) -> Page:
    """Create the child page, or bring it up to date; publish only when something changed."""
    with translation.override("en"):
        page = model.objects.child_of(parent).filter(slug=fields["slug_en"]).first()
        if page is None:
            page = parent.add_child(instance=model(slug=fields["slug_en"], title=fields["title_en"], **fields))
        elif all(getattr(page, name) == value for name, value in fields.items()):
            return page
        else:
            for name, value in fields.items():
                setattr(page, name, value)
        page.save_revision().publish()
        return page


def ensure_site(home: Page) -> None:
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    if site.root_page_id != home.id or site.hostname != "localhost" or site.port != 80:
        site.hostname, site.port, site.root_page = "localhost", 80, home
        site.site_name = HOME["title_en"]
        site.save()


def ensure_user(username, display_name, zone, language, coordinator):
    User = get_user_model()
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username}@example.org",
            "display_name": display_name,
            "timezone": zone,
            "language": language,
            "is_staff": coordinator,
            "is_superuser": coordinator,
            "password": make_password(DEMO_PASSWORD),
        },
    )
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


SCALED_ZONES = ["Europe/Istanbul", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata", "UTC"]


def scaled_username(number: int) -> str:
    """Apps' ``load_demo`` hooks find the scaled members by this name (``member000000`` ...)."""
    return f"member{number:06d}"


def ensure_scaled_members(scale: int) -> None:
    """``scale`` x 1,000 extra members with verified addresses, for benchmarks.

    One shared password hash keeps it fast (each member signs in with the demo password);
    conflicts are ignored, so a second run, or a larger scale after a smaller one, adds only
    the members still missing.
    """
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    count = scale * 1000
    batch = 5000
    for start in range(0, count, batch):
        numbers = range(start, min(start + batch, count))
        User.objects.bulk_create(
            [
                User(
                    username=scaled_username(n),
                    email=f"{scaled_username(n)}@example.org",
                    password=password,
                    display_name=f"Member {n}",
                    timezone=SCALED_ZONES[n % len(SCALED_ZONES)],
                    language="tr" if n % 2 else "en",
                )
                for n in numbers
            ],
            ignore_conflicts=True,
        )
        members = User.objects.filter(username__in=[scaled_username(n) for n in numbers]).values_list("pk", "email")
        EmailAddress.objects.bulk_create(
            [EmailAddress(user_id=pk, email=email, verified=True, primary=True) for pk, email in members],
            ignore_conflicts=True,
        )


class Command(BaseCommand):
    help = "Load the demo site, pages and users (idempotent); --scale N multiplies data for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="add N x 1,000 members (and more from each app)")

    def handle(self, *args, scale: int, **options):
        with transaction.atomic():
            self.load(scale)
        if scale:
            # Bulk inserts leave the planner's statistics behind (PostgreSQL then joined every
            # offer of the board before sorting them): count the new rows now.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # What the cache kept was read before the load, and bulk inserts send no signal to move it on.
        cache.clear()
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))

    def load(self, scale: int) -> None:
        # Wagtail's placeholder "Welcome" page gives way to the NLU home page.
        Page.objects.filter(
            depth=2, slug="home", content_type__app_label="wagtailcore", content_type__model="page"
        ).delete()
        home = ensure_page(Page.get_first_root_node(), HomePage, HOME)
        ensure_site(home)
        ensure_page(home, StandardPage, ABOUT)
        for user in DEMO_USERS:
            ensure_user(*user)
        if scale:
            ensure_scaled_members(scale)
        for load_app_demo in hooks.get_hooks("load_demo"):
            load_app_demo(scale=scale, stdout=self.stdout)
