"""Demo wiki: the Co-operations Research Unit's agenda, its first working group, Module 1's units.

Each subject exists in English and Turkish, linked as translations, written in several
revisions by different demo users, through the same services as a member's edits (one edit
is merged with another made from the same base, so the history shows a merge). A page that
exists already is left as it is, so running the demo again adds nothing.
"""

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.search.backends import get_search_backend

from .markdown import render, slug_for
from .models import PageLink, Revision, WikiPage
from .services import page_create, page_save

AGENDA_EN = "Research agenda"
AGENDA_TR = "Araştırma gündemi"
GROUP_EN = (
    "P2P and Commons Critique of Great Transformation: From Industrial Disciplinary Global Capitalism "
    "to Trans-Human Zombie Informationalism"
)
GROUP_TR = (
    "Büyük Dönüşümün P2P ve Müşterekler Eleştirisi: Endüstriyel Disipliner Küresel Kapitalizmden "
    "Trans-İnsan Zombi Enformasyonalizmine"
)


@dataclass
class Edit:
    author: str  # a demo user's username
    text: str
    summary: str = ""
    # The revision the author started from, when not the current one: the save is then merged.
    base: int | None = None


@dataclass
class Version:
    """A subject's page in one language."""

    language: str
    title: str
    edits: list[Edit]
    tags: tuple[str, ...] = ()


AGENDA_EN_1 = f"""The Co-operations Research Unit writes this agenda together, in the open: anyone may read it,
every member may edit it.

## Questions

1. How do high-tech, industrial and service workers use online networks to organise?
2. What do domestic, immigrant, rural and jobless workers need from a money-free university?

## Working groups

- [[{GROUP_EN}|First working group: P2P and Commons Critique of Great Transformation]]
"""
AGENDA_EN_2 = (
    AGENDA_EN_1
    + """
## From research to the curriculum

Module 1 is built from this agenda: see [[Stronger ties with online networking]] and
[[Translation and interpretation]].[^units]

[^units]: The other units of Module 1 link back to this page.
"""
)
AGENDA_EN_3 = (
    AGENDA_EN_2
    + """
## How we work

| Method | What for |
|:--|:--|
| Online meetings every two weeks | decide together, 16:00 CET; check the time in your own zone |
| Maps | who organises where |
| Shared files and this wiki | write the agenda and the curriculum |
"""
)

AGENDA_TR_1 = f"""Kooperasyon Araştırma Birimi bu gündemi herkese açık olarak birlikte yazıyor: herkes okuyabilir,
her üye düzenleyebilir.

## Sorular

1. Yüksek teknoloji, sanayi ve hizmet işçileri örgütlenmek için çevrimiçi ağları nasıl kullanıyor?
2. Ev işçileri, göçmen, kırsal ve işsiz işçiler parasız bir üniversiteden ne bekliyor?

## Çalışma grupları

- [[{GROUP_TR}|İlk çalışma grubu: Büyük Dönüşümün P2P ve Müşterekler Eleştirisi]]
"""
AGENDA_TR_2 = (
    AGENDA_TR_1
    + """
## Nasıl çalışıyoruz

İki haftada bir, Orta Avrupa saatiyle 16:00'da çevrimiçi toplanıyoruz; saati kendi saat
diliminize göre kontrol edin. Modül 1 bu gündemden doğdu: [[Çeviri ve Tercüme]].
"""
)

GROUP_EN_1 = f"""[TOC]

## Why this group

The first working group of the Co-operations Research Unit reads Karl Polanyi's *The Great
Transformation*[^polanyi] again from the point of view of peer-to-peer production and the commons.

## From disciplinary capitalism to informationalism

How work is organised changed from the factory floor to networks and platforms. What does that
mean for shop stewards and organisers?

[^polanyi]: Karl Polanyi, *The Great Transformation*, 1944.

Back to the [[{AGENDA_EN}]].
"""
# Two edits from revision 1: the second is merged with the first (different lines).
GROUP_EN_2 = GROUP_EN_1.replace(
    "## From disciplinary",
    """## Reading list

- Karl Polanyi, *The Great Transformation* (1944)
- Texts on peer production and the commons, to be chosen at the next meeting

## From disciplinary""",
)
GROUP_EN_3_FROM_1 = GROUP_EN_1.replace(
    "What does that\nmean for shop stewards and organisers?",
    "What does that\nmean for shop stewards and organisers, and for workers who have no workplace at all?",
)

GROUP_TR_1 = f"""[TOC]

## Bu grup neden var

Kooperasyon Araştırma Birimi'nin ilk çalışma grubu, Karl Polanyi'nin *Büyük Dönüşüm*[^polanyi]
kitabını eşler arası (P2P) üretim ve müşterekler açısından yeniden okuyor.

## Disipliner kapitalizmden enformasyonalizme

İşin örgütlenmesi fabrika zemininden ağlara ve platformlara taşındı. Bu, işyeri temsilcileri ve
örgütleyiciler için ne anlama geliyor?

[^polanyi]: Karl Polanyi, *Büyük Dönüşüm*, 1944.

[[{AGENDA_TR}]] sayfasına dön.
"""
GROUP_TR_2 = GROUP_TR_1.replace(
    "ne anlama geliyor?",
    "ne anlama geliyor? Hiç işyeri olmayan işçiler için ne anlama geliyor?",
)

UNITS = [
    (
        1,
        ("Introduction", "What the module covers, how the weekly sessions work, and how to use this wiki together."),
        ("Giriş", "Modülün içeriği, haftalık oturumların işleyişi ve bu vikiyi birlikte nasıl kullanacağımız."),
    ),
    (
        2,
        (
            "Stronger ties with online networking",
            "How online networks help shop stewards build ties between workplaces, cities and countries.",
        ),
        (
            "Sosyal ağlar ile daha sıkı bağlar kurmak",
            "Çevrimiçi ağlar, işyeri temsilcilerinin işyerleri, şehirler ve ülkeler arasında bağ kurmasına "
            "nasıl yardım eder.",
        ),
    ),
    (
        3,
        (
            "Tools for cybermeetings and webinars",
            "Free tools for online meetings and webinars, and how to run one for your workplace.",
        ),
        (
            "Çevrimiçi toplantı ve seminer araçları",
            "Çevrimiçi toplantılar ve seminerler için özgür araçlar; işyeriniz için bir toplantı nasıl düzenlenir.",
        ),
    ),
    (
        4,
        ("Bottom up publishing & sharing", "Publishing news from the shop-floor and sharing it safely."),
        ("Tabandan yayıncılık ve bilgi paylaşımı", "İşyerinden haberleri yayımlamak ve güvenle paylaşmak."),
    ),
    (
        5,
        (
            "Translation and interpretation",
            "Working across languages: translation tools and volunteer interpreters.",
        ),
        ("Çeviri ve Tercüme", "Diller arasında birlikte çalışmak: çeviri araçları ve gönüllü tercümanlar."),
    ),
    (
        6,
        (
            "Participation – Openness – Security",
            "Being open while staying safe: who can see what, and how to protect members.",
        ),
        ("Katılım – Açıklık – Güvenlik", "Açık olurken güvende kalmak: kim neyi görebilir, üyeler nasıl korunur."),
    ),
    (
        7,
        ("An Example", "A whole campaign from start to finish, with everything from the earlier weeks."),
        ("Kapsamlı Örnek", "Önceki haftalarda öğrenilen her şeyle baştan sona bir kampanya."),
    ),
]


def unit_versions(week: int, english: tuple[str, str], turkish: tuple[str, str]) -> list[Version]:
    (title_en, about_en), (title_tr, about_tr) = english, turkish
    return [
        Version(
            "en",
            title_en,
            [Edit("tutor", f"Week {week} of Module 1. {about_en}\n\nThis unit is built from the [[{AGENDA_EN}]].\n")],
            tags=("module-1",),
        ),
        Version(
            "tr",
            title_tr,
            [Edit("steward", f"Modül 1, {week}. hafta. {about_tr}\n\nBu ünite [[{AGENDA_TR}]] üzerine kurulu.\n")],
            tags=("modül-1",),
        ),
    ]


SUBJECTS = [
    [
        Version(
            "en",
            AGENDA_EN,
            [
                Edit("researcher", AGENDA_EN_1, "First draft of the agenda"),
                Edit("tutor", AGENDA_EN_2, "Links to the units of Module 1"),
                Edit("coordinator", AGENDA_EN_3, "How we work"),
            ],
            tags=("research", "agenda"),
        ),
        Version(
            "tr",
            AGENDA_TR,
            [
                Edit("steward", AGENDA_TR_1, "Gündemin Türkçesi"),
                Edit("coordinator", AGENDA_TR_2, "Nasıl çalıştığımız"),
            ],
            tags=("araştırma",),
        ),
    ],
    [
        Version(
            "en",
            GROUP_EN,
            [
                Edit("researcher", GROUP_EN_1, "The working group's page"),
                Edit("tutor", GROUP_EN_2, "Reading list"),
                Edit("coordinator", GROUP_EN_3_FROM_1, "Workers without a workplace", base=1),
            ],
            tags=("research", "working-group"),
        ),
        Version(
            "tr",
            GROUP_TR,
            [
                Edit("steward", GROUP_TR_1, "Çalışma grubunun sayfası"),
                Edit("coordinator", GROUP_TR_2, "İşyeri olmayan işçiler"),
            ],
            tags=("araştırma", "çalışma-grubu"),
        ),
    ],
    *(unit_versions(week, english, turkish) for week, english, turkish in UNITS),
]


# The summary of the edit that takes a repeated title out of a page loaded by an earlier demo.
TITLE_NOT_REPEATED = {"en": "The title is no longer repeated as a heading", "tr": "Başlık metinde yinelenmiyor"}


def without_repeated_title(text: str, title: str) -> str | None:
    """``text`` without its first line when that is a level-1 heading repeating the page's ``title``
    (the page shows its title already); None when it has no such line."""
    first, _, rest = text.partition("\n")
    heading = re.fullmatch(r"#[ \t]+(.*?)[ \t#]*", first.strip())
    if heading is None or heading[1].casefold() != title.casefold():
        return None
    return rest.lstrip("\n")


def ensure_subject(versions: list[Version], users: dict) -> int:
    """Write the subject's missing pages; how many were created.

    A page an earlier demo wrote with its title repeated as its first heading (the agenda's once was)
    gets a new revision without it, so a demo loaded before shows the title once too."""
    created, first = 0, None
    for version in versions:
        page = WikiPage.objects.filter(language=version.language, slug=slug_for(version.title)).first()
        if page is not None and (text := without_repeated_title(page.text, page.title)) is not None:
            page_save(
                page=page,
                text=text,
                summary=TITLE_NOT_REPEATED[version.language],
                author=users["coordinator"],
                base_number=page.current_revision.number,
            )
        if page is None:
            opening, *later = version.edits
            page = page_create(
                title=version.title,
                language=version.language,
                text=opening.text,
                summary=opening.summary,
                author=users[opening.author],
                translation_of=first,
                tags=version.tags,
            )
            for edit in later:
                page_save(
                    page=page,
                    text=edit.text,
                    summary=edit.summary,
                    author=users[edit.author],
                    base_number=edit.base or page.current_revision.number,
                )
            created += 1
        first = first or page
    return created


def ensure_scaled_pages(count: int, author) -> int:
    """``count`` research notes for benchmarks, written in bulk (a service call each would take hours)."""
    slugs = {f"research-note-{n:06d}": f"Research note {n:06d}" for n in range(1, count + 1)}
    missing = set(slugs) - set(WikiPage.objects.filter(language="en", slug__in=slugs).values_list("slug", flat=True))
    text = f"A note of the Co-operations Research Unit, linked from nowhere yet. See the [[{AGENDA_EN}]].\n"
    pages = [WikiPage(language="en", slug=slug, title=slugs[slug]) for slug in sorted(missing)]
    return len(write_in_bulk(pages, text=text, author=author))


def write_in_bulk(pages: list[WikiPage], *, text: str, author) -> list[WikiPage]:
    """New ``pages`` (of one language) with ``text`` as their first revision, linked and indexed, in a few
    queries: for a demo's scaled data (a service call each would take hours). Another app's demo uses it too."""
    pages = WikiPage.objects.bulk_create(pages, batch_size=1000)
    language = pages[0].language if pages else "en"
    rendered = render(text, language=language)
    # Dated a day back, as notes written before: a write right after the demo is not rate-limited by them.
    written = timezone.now() - datetime.timedelta(days=1)
    revisions = Revision.objects.bulk_create(
        [
            Revision(page=page, number=1, author=author, text=text, html=rendered.html, created_at=written)
            for page in pages
        ],
        batch_size=1000,
    )
    for page, revision in zip(pages, revisions, strict=True):
        page.current_revision, page.text = revision, text
    WikiPage.objects.bulk_update(pages, ["current_revision", "text"], batch_size=1000)
    PageLink.objects.bulk_create(
        [PageLink(from_page=page, to_slug=slug, to_language=language) for page in pages for slug in rendered.links],
        batch_size=1000,
    )
    get_search_backend().add_bulk(WikiPage, pages)
    return pages


def load_demo(*, scale: int, stdout) -> None:
    names = {edit.author for versions in SUBJECTS for version in versions for edit in version.edits}
    users = {user.username: user for user in get_user_model().objects.filter(username__in=names | {"researcher"})}
    created = sum(ensure_subject(versions, users) for versions in SUBJECTS)
    if scale:
        created += ensure_scaled_pages(scale * 100, users["researcher"])
    stdout.write(f"Wiki: {created} pages written, {WikiPage.objects.count()} in all, in English and Turkish.")
