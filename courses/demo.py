"""Module 1 of the first NLU programme, as announced in English and Turkish (shared/demo)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from wagtail.models import Site

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
            CourseUnit(week=week, sort_order=week, title=title_en, title_en=title_en, title_tr=title_tr)
            for week, title_en, title_tr in UNITS
        ],
    )
    steward = User.objects.get(username="steward")
    if not Enrolment.objects.filter(module=module, member=steward).exists():
        enrolment_create(module=module, member=steward)
    stdout.write("Courses: Module 1 with seven weekly units, tutor and steward.")
