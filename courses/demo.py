"""Module 1 of the first NLU programme, as announced in English and Turkish (shared/demo)."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone, translation
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname
from wagtail.models import Page, Site

from .models import CourseIndexPage, CourseModulePage, CourseUnit, Enrolment
from .services import enrolment_create

INDEX = {
    "slug_en": "courses",
    "slug_tr": "kurslar",
    "title_en": "Courses",
    "title_tr": "Kurslar",
    "intro_en": "Worker to worker exchanges between shop-floors, cities and countries.",
    "intro_tr": "İşçiler arasında işyerleri, şehirler, ve uluslarötesi yetenek ve bilgi değişimleri",
}

MODULE = {
    "slug_en": "module-1",
    "slug_tr": "modul-1",
    "title_en": (
        "Module 1: Social media and online networking guide for shop stewards, union trainers, organisers, and workers"
    ),
    "title_tr": (
        "Modül 1: Sendikacılar, işyeri temsilcileri ve işçiler için sosyal medya ve çevrimiçi ağlar "
        "üzerinden örgütlenme"
    ),
    "summary_en": "Seven weeks, two hours a week: organising with social media and online networks.",
    "summary_tr": "7 hafta x 2 saat: sosyal medya ve çevrimiçi ağlarla örgütlenme.",
    "body_en": (
        "<p>How shop stewards and organisers use online networks to build stronger ties between "
        "workplaces, cities and countries: meetings and webinars, publishing from below, "
        "translation, and staying safe while being open.</p>"
    ),
    "body_tr": (
        "<p>İşyeri temsilcileri ve örgütleyicilerin işyerleri, şehirler ve ülkeler arasında daha "
        "güçlü bağlar kurmak için çevrimiçi ağları nasıl kullandığı: toplantılar ve seminerler, "
        "tabandan yayıncılık, çeviri, ve açık olurken güvende kalmak.</p>"
    ),
    "audience_en": "Shop stewards, union trainers, organisers and workers.",
    "audience_tr": "İşyeri temsilcileri, sendika eğitmenleri, örgütleyiciler ve işçiler.",
    "outcomes_en": (
        "<ul><li>Run an online meeting or webinar for your workplace.</li>"
        "<li>Publish and share news from the shop-floor.</li>"
        "<li>Work across languages with translation and interpretation.</li></ul>"
    ),
    "outcomes_tr": (
        "<ul><li>İşyeriniz için çevrimiçi bir toplantı ya da seminer düzenlemek.</li>"
        "<li>İşyerinden haberleri yayımlamak ve paylaşmak.</li>"
        "<li>Çeviri ve tercümeyle diller arasında birlikte çalışmak.</li></ul>"
    ),
    "weeks": 7,
    "hours_per_week": 2,
    "timezone": "Europe/Istanbul",
    "capacity": 30,
    "delivery_languages": "en,tr",
}

UNITS = [
    (1, "Introduction", "Giriş"),
    (2, "Stronger ties with online networking", "Sosyal ağlar ile daha sıkı bağlar kurmak"),
    (3, "Tools for cybermeetings and webinars", "Çevrimiçi toplantı ve seminer araçları"),
    (4, "Bottom up publishing & sharing", "Tabandan yayıncılık ve bilgi paylaşımı"),
    (5, "Translation and interpretation", "Çeviri ve Tercüme"),
    (6, "Participation – Openness – Security", "Katılım – Açıklık – Güvenlik"),
    (7, "An Example", "Kapsamlı Örnek"),
]


def demo_start_date(today: datetime.date) -> datetime.date:
    """1 August of this year, or the next Monday once that date has passed."""
    august = datetime.date(today.year, 8, 1)
    if august >= today:
        return august
    return today + datetime.timedelta(days=7 - today.weekday())


def ensure_child(parent, model, fields: dict, **extra):
    """Create the page under ``parent`` or return the existing one (never overwritten)."""
    with translation.override("en"):
        page = model.objects.child_of(parent).filter(slug=fields["slug_en"]).first()
        if page is None:
            page = parent.add_child(instance=model(slug=fields["slug_en"], title=fields["title_en"], **fields, **extra))
            page.save_revision().publish()
        return page


def ensure_unit_wiki_pages(module: CourseModulePage) -> None:
    """Each unit of Module 1 names the wiki page it is built from (the wiki's demo has one per unit, by its
    English title), also in a demo loaded before the units named them: a new revision sets the names still
    empty, published unless the module has a draft (which is kept, and gets the names). A name a
    coordinator has given is kept, and running it again changes nothing."""
    with translation.override("en"):
        has_draft = module.has_unpublished_changes
        page = module.get_latest_revision_as_object()  # the module itself when it has no draft
        titles = {week: title_en for week, title_en, _ in UNITS}
        units = list(page.units.all())
        unnamed = [unit for unit in units if not unit.wiki_page and unit.week in titles]
        if not unnamed:
            return
        for unit in unnamed:
            unit.wiki_page = titles[unit.week]
        page.units = units
        revision = page.save_revision()
        if not has_draft:
            revision.publish()


def load_demo(*, scale: int, stdout) -> None:
    home = Site.objects.get(is_default_site=True).root_page
    index = ensure_child(home, CourseIndexPage, INDEX, show_in_menus=False)
    User = get_user_model()
    module = ensure_child(
        index,
        CourseModulePage,
        MODULE,
        start_date=demo_start_date(timezone.localdate()),
        tutors=[User.objects.get(username="tutor")],
        units=[
            CourseUnit(
                week=week, sort_order=week, title=title_en, title_en=title_en, title_tr=title_tr, wiki_page=title_en
            )
            for week, title_en, title_tr in UNITS
        ],
    )
    ensure_unit_wiki_pages(module)
    steward = User.objects.get(username="steward")
    if not Enrolment.objects.filter(module=module, member=steward).exists():
        enrolment_create(module=module, member=steward)
    stdout.write("Courses: Module 1 with seven weekly units, tutor and steward.")
    if scale:
        created = ensure_scaled_modules(index=index, scale=scale, steward=steward, today=timezone.localdate())
        stdout.write(f"Courses: {created} scaled modules added ({scale * SCALED_MODULES} in all).")


# --- load_demo --scale N: 10 modules per N, 100 members in each (DESIGN §5) ----------------------
SCALED_MODULES = 10
SCALED_ENROLMENTS = 100
SCALED_CAPACITY = 120
SCALED_SLUG_PREFIX = "scale-"
# Every block of ten modules has the same shape, so N multiplies what runs as well as what is
# past: in weeks from this Monday, modules 0-2 finished, 3-7 running, 8-9 open for enrolment.
BLOCK_STARTS = [-17, -12, -8, -4, -3, -2, -1, 0, 1, 2]
SCALED_ZONES = ["Europe/Istanbul", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata", "UTC"]
THEMES = [
    ("Organising precarious workers", "Güvencesiz işçileri örgütlemek"),
    ("Health and safety at work", "İş sağlığı ve güvenliği"),
    ("Collective bargaining basics", "Toplu pazarlığın temelleri"),
    ("Migrant workers' rights", "Göçmen işçilerin hakları"),
    ("Platform work and algorithms", "Platform çalışması ve algoritmalar"),
    ("Union communication online", "Sendikanın çevrimiçi iletişimi"),
    ("Women in the union", "Sendikada kadınlar"),
    ("Labour law for shop stewards", "İşyeri temsilcileri için iş hukuku"),
    ("Climate and a just transition", "İklim ve adil geçiş"),
    ("Research from the shop floor", "İşyerinden araştırma"),
]


def scaled_slug(number: int) -> str:
    return f"{SCALED_SLUG_PREFIX}{number:05d}"


def scaled_member_ids() -> list[int]:
    """The members ``load_demo --scale`` adds (named member000000, member000001, ...), in that order."""
    User = get_user_model()
    return list(
        User.objects.filter(username__regex=r"^member[0-9]{6}$").order_by("username").values_list("pk", flat=True)
    )


def scaled_start_date(number: int, today: datetime.date) -> datetime.date:
    monday = today - datetime.timedelta(days=today.weekday())
    return monday + datetime.timedelta(weeks=BLOCK_STARTS[number % SCALED_MODULES])


def scaled_module(number: int, today: datetime.date) -> CourseModulePage:
    theme_en, theme_tr = THEMES[number % len(THEMES)]
    title_en, title_tr = f"{theme_en} (cohort {number + 1})", f"{theme_tr} ({number + 1}. dönem)"
    return CourseModulePage(
        slug=scaled_slug(number),
        slug_en=scaled_slug(number),
        slug_tr=f"olcek-{number:05d}",
        title=title_en,
        title_en=title_en,
        title_tr=title_tr,
        summary_en=f"Seven weeks, two hours a week: {theme_en.lower()}.",
        summary_tr=f"7 hafta x 2 saat: {theme_tr.lower()}.",
        body_en=f"<p>Shop stewards and organisers learn together about {theme_en.lower()}.</p>",
        body_tr=f"<p>İşyeri temsilcileri ve örgütleyiciler birlikte öğreniyor: {theme_tr.lower()}.</p>",
        audience_en=MODULE["audience_en"],
        audience_tr=MODULE["audience_tr"],
        start_date=scaled_start_date(number, today),
        timezone=SCALED_ZONES[number % len(SCALED_ZONES)],
        capacity=SCALED_CAPACITY,
        delivery_languages="en,tr",
        live=True,
        units=[
            CourseUnit(week=week, sort_order=week, title=title_en, title_en=title_en, title_tr=title_tr)
            for week, title_en, title_tr in UNITS
        ],
    )


def add_children(parent: Page, pages: list[Page]) -> list[Page]:
    """``parent.add_child`` for many new pages, in time that does not grow with the siblings.

    wagtail-modeltranslation's ``clean()`` loads every sibling to check the slug in each language,
    which makes ``add_child`` slower with each module (quadratic over 1,000). Here the slugs are
    checked once for the batch, and the tree paths continue after the last child as treebeard's
    would; ``Page.find_problems()`` finds nothing wrong afterwards (tests/nlu/test_demo_scale.py).
    """
    siblings = Page.objects.child_of(parent)
    for code in mt_settings.AVAILABLE_LANGUAGES:
        field = build_localized_fieldname("slug", code)
        new = [getattr(page, field) for page in pages if getattr(page, field)]
        if len(set(new)) != len(new) or siblings.filter(**{f"{field}__in": new}).exists():
            raise ValueError(f"load_demo: a new page's {field} is already in use under {parent.url_path}")
    last = parent.get_last_child()
    position = last._get_lastpos_in_path() if last else 0
    for page in pages:
        position += 1
        page.path = Page._get_path(parent.path, parent.depth + 1, position)
        page.depth, page.numchild = parent.depth + 1, 0
        page.locale_id, page.draft_title = parent.locale_id, page.title
        page._cached_parent_obj = parent
        page.save(clean=False)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    parent.numchild += len(pages)
    return pages


def ensure_scaled_modules(*, index: CourseIndexPage, scale: int, steward, today: datetime.date) -> int:
    """The modules of ``--scale`` still missing, each with a tutor and 100 members; returns how many.

    Pages are saved one by one by ``add_children`` (tree paths, URL paths in every language,
    search and reference index as ``add_child`` makes them), live without revisions; enrolments
    are bulk inserted. Module n draws its tutor and members with its own seeded generator from the first
    1,000 x (n // 10 + 1) scaled members, so it is the same whatever N and however often this runs.
    The steward follows the first ten modules: a dashboard of eleven and a personal calendar of
    200 scaled sessions.
    """
    existing = set(
        CourseModulePage.objects.child_of(index)
        .filter(slug_en__startswith=SCALED_SLUG_PREFIX)
        .values_list("slug_en", flat=True)
    )
    missing = [n for n in range(scale * SCALED_MODULES) if scaled_slug(n) not in existing]
    members = scaled_member_ids()
    Tutors = CourseModulePage.tutors.through
    tutors, enrolments = [], []
    with translation.override("en"):
        modules = add_children(index, [scaled_module(number, today) for number in missing])
        for number, module in zip(missing, modules, strict=True):
            block = number // SCALED_MODULES
            tutor, *enrolled = random.Random(number).sample(members[: 1000 * (block + 1)], SCALED_ENROLMENTS + 1)
            tutors.append(Tutors(coursemodulepage_id=module.pk, user_id=tutor))
            finished = module.ends_at <= timezone.now()
            rng = random.Random(-number)
            enrolments += [
                Enrolment(
                    module_id=module.pk,
                    member_id=member,
                    status=Enrolment.Status.COMPLETED if finished and rng.random() < 0.6 else Enrolment.Status.ACTIVE,
                )
                for member in enrolled
            ]
            if block == 0:
                enrolments.append(Enrolment(module_id=module.pk, member=steward, status=Enrolment.Status.ACTIVE))
    Tutors.objects.bulk_create(tutors)
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    return len(missing)
