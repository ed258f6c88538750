"""Demo content in English and Turkish; running it again changes nothing.

Each capability app adds its own demo content through the Wagtail hook ``load_demo``: a
callable taking ``scale`` (int) and ``stdout``, run after the site and the demo users exist.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from wagtail import hooks
from wagtail.models import Page, Site

from nlu.exports import export_days
from nlu.models import HomePage, StandardPage
from nlu.templatetags.privacy_tags import PRIVACY_SLUG

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


# The privacy page: what is kept, why, how long, the member's data page and closing, whom to ask.
# Found by its English slug PRIVACY_SLUG (nlu/templatetags/privacy_tags.py): the footer and the sign-up form link it.


def kept_for(setting: str, default: int, language: str) -> str:
    """How long a retention setting keeps something, in words: "90 days", or for as long as one is a member."""
    days = int(getattr(settings, setting, default))
    if language == "tr":
        return f"{days} gün" if days else "üyeliğiniz sürdükçe"
    return f"{days} days" if days else "for as long as you are a member"


def privacy_fields() -> dict:
    """The privacy page in English and Turkish, with the site's retention settings and addresses in it."""
    urls = {}
    for code in ("en", "tr"):
        with translation.override(code):
            urls[code] = {"data": reverse("my_data"), "close": reverse("account_close"), "profile": reverse("profile")}
    periods = {
        code: {
            "attendance": kept_for("NLU_RETAIN_ATTENDANCE_DAYS", 365, code),
            "email": kept_for("NLU_RETAIN_EMAIL_DAYS", 90, code),
            "unverified": kept_for("NLU_RETAIN_UNVERIFIED_DAYS", 14, code),
            "export": f"{export_days()} gün" if code == "tr" else f"{export_days()} days",
        }
        for code in ("en", "tr")
    }
    body_en = (
        "<h2>What we keep and why</h2>"
        "<p>Membership of a union is sensitive: we keep what the site needs to work for you, and no more.</p>"
        "<ul>"
        "<li><b>Your profile</b>: your username, e-mail address, name, how you are shown to others, your language "
        "and time zone, to sign you in, write to you and show pages in your language and time.</li>"
        "<li><b>Enrolments and progress</b>: the modules you joined, left or wait for, and the units you finished, "
        "so that tutors can run the course and you can see where you are.</li>"
        "<li><b>Attendance</b>: the live sessions you were in, when you came and went, and for how many minutes, "
        "so that a session's tutors see who took part.</li>"
        "<li><b>Recordings</b>: a session may be recorded when its page says so before you join; a recording is "
        "shown only to those the session is for.</li>"
        "<li><b>Calendar feed</b>: the secret address of your personal calendar, if you made one; renewing it makes "
        "the old address stop working.</li>"
        "<li><b>Timebank</b>: your account, the hours you gave and received, your offers and requests: the ledger "
        "must add up, so its rows are kept.</li>"
        "<li><b>Wiki</b>: the revisions you wrote: each page keeps its history, so anyone can see what changed.</li>"
        "<li><b>Spaces</b>: the spaces you belong to, your invitations and what you posted there.</li>"
        "<li><b>E-mails</b>: a copy of each mail we send you, so that none is lost when the mail server is down.</li>"
        "</ul>"
        "<h2>How long</h2>"
        "<ul>"
        "<li>The details of attendance (when you came and went, the name shown in the room): {attendance}. "
        "After that only the minutes stay.</li>"
        "<li>Copies of the e-mails we sent: {email} after sending.</li>"
        "<li>A sign-up whose address was never confirmed and who never signed in: {unverified}.</li>"
        "<li>The link to a download of your data: it works once, for {export}; then the file is deleted.</li>"
        "<li>Everything else: for as long as you are a member.</li>"
        "</ul>"
        "<h2>See and take your data</h2>"
        '<p><a href="{data}">My data</a> lists every kind of data we keep about you and why, and lets you download '
        "it: a ZIP of JSON (for programs) and CSV files (for spreadsheets). A large download is prepared in the "
        "background and we e-mail you a link that works once, only for you, for {export}.</p>"
        "<h2>Closing your account</h2>"
        '<p>You can <a href="{close}">close your account</a> yourself, confirming with your password. Your '
        "enrolments end and your place goes to the next one waiting, your open requests are cancelled and the "
        "other side is told, your calendar address and your sessions stop working, and your e-mail address, names "
        "and profile are erased. A timebank balance other than zero is settled first, or handed to the commons "
        "account. What others rely on stays under a pseudonym such as “former member 8f3a”: the timebank's "
        "ledger, the wiki's history and the minutes of attendance, which then name no one.</p>"
        "<h2>Whom to ask</h2>"
        "<p>Ask the site's coordinators (in this demo: Deniz, coordinator@example.org) about your data, to correct "
        "it, or to close your account for you. You can change how you are shown to others on your "
        '<a href="{profile}">profile</a>.</p>'
    )
    body_tr = (
        "<h2>Neleri ve neden saklıyoruz</h2>"
        "<p>Sendika üyeliği hassas bir bilgidir: sitenin sizin için çalışması için gerekeni saklarız, fazlasını "
        "değil.</p>"
        "<ul>"
        "<li><b>Profiliniz</b>: kullanıcı adınız, e-posta adresiniz, adınız, başkalarına nasıl gösterildiğiniz, "
        "diliniz ve saat diliminiz; oturum açmanız, size yazabilmemiz ve sayfaları kendi dilinizde ve saatinizde "
        "göstermemiz için.</li>"
        "<li><b>Modül kayıtları ve ilerleme</b>: katıldığınız, ayrıldığınız ya da sırasını beklediğiniz modüller "
        "ve bitirdiğiniz üniteler; eğitmenlerin dersi yürütmesi ve nerede olduğunuzu görmeniz için.</li>"
        "<li><b>Katılım</b>: bulunduğunuz canlı oturumlar, ne zaman girip çıktığınız ve kaç dakika kaldığınız; "
        "bir oturumun eğitmenleri kimlerin katıldığını görsün diye.</li>"
        "<li><b>Kayıtlar</b>: sayfası katılmadan önce söylüyorsa bir oturum kaydedilebilir; kayıt yalnızca "
        "oturumun kendileri için olduğu kişilere gösterilir.</li>"
        "<li><b>Takvim beslemesi</b>: oluşturduysanız kişisel takviminizin gizli adresi; yenilediğinizde eski "
        "adres çalışmaz.</li>"
        "<li><b>Zaman bankası</b>: hesabınız, verdiğiniz ve aldığınız saatler, ilanlarınız ve talepleriniz: "
        "defterin tutması gerekir, bu yüzden satırları saklanır.</li>"
        "<li><b>Viki</b>: yazdığınız sürümler: her sayfa geçmişini saklar, böylece herkes neyin değiştiğini "
        "görebilir.</li>"
        "<li><b>Alanlar</b>: üyesi olduğunuz alanlar, davetleriniz ve oralarda paylaştıklarınız.</li>"
        "<li><b>E-postalar</b>: size gönderdiğimiz her e-postanın bir kopyası; posta sunucusu çalışmadığında "
        "hiçbiri kaybolmasın diye.</li>"
        "</ul>"
        "<h2>Ne kadar süre</h2>"
        "<ul>"
        "<li>Katılımın ayrıntıları (ne zaman girip çıktığınız, odada görünen adınız): {attendance}. Sonra "
        "yalnızca dakikalar kalır.</li>"
        "<li>Gönderdiğimiz e-postaların kopyaları: gönderildikten sonra {email}.</li>"
        "<li>Adresi hiç doğrulanmamış ve hiç oturum açılmamış bir üyelik başvurusu: {unverified}.</li>"
        "<li>Verilerinizin indirme bağlantısı: bir kez ve {export} boyunca çalışır; sonra dosya silinir.</li>"
        "<li>Geri kalan her şey: üyeliğiniz sürdükçe.</li>"
        "</ul>"
        "<h2>Verilerinizi görün ve alın</h2>"
        '<p><a href="{data}">Verilerim</a> sayfası sizinle ilgili sakladığımız her tür veriyi ve nedenini '
        "gösterir ve onları indirmenizi sağlar: JSON (programlar için) ve CSV (hesap tabloları için) "
        "dosyalarından oluşan bir ZIP. Büyük bir indirme arka planda hazırlanır ve size yalnızca sizin için, "
        "bir kez ve {export} boyunca çalışan bir bağlantı e-postayla gönderilir.</p>"
        "<h2>Hesabınızı kapatmak</h2>"
        '<p><a href="{close}">Hesabınızı</a> parolanızla onaylayarak kendiniz kapatabilirsiniz. Modül '
        "kayıtlarınız sona erer ve yeriniz sırada bekleyen kişiye geçer, açık talepleriniz iptal edilir ve karşı "
        "taraf bilgilendirilir, takvim adresiniz ve oturumlarınız çalışmaz olur; e-posta adresiniz, adlarınız ve "
        "profiliniz silinir. Sıfır olmayan bir zaman bankası bakiyesi önce kapatılır ya da ortak hesaba "
        "devredilir. Başkalarının dayandığı şeyler “eski üye 8f3a” gibi bir takma adla kalır: zaman bankasının "
        "defteri, vikinin geçmişi ve katılım dakikaları; artık kimseyi adlandırmazlar.</p>"
        "<h2>Kime sorabilirsiniz</h2>"
        "<p>Verileriniz, düzeltilmesi ya da hesabınızın sizin yerinize kapatılması için sitenin koordinatörlerine "
        "yazın (bu demoda: Deniz, coordinator@example.org). Başkalarına nasıl gösterildiğinizi "
        '<a href="{profile}">profilinizden</a> değiştirebilirsiniz.</p>'
    )
    return {
        "slug_en": PRIVACY_SLUG,
        "slug_tr": "gizlilik",
        "title_en": "Privacy",
        "title_tr": "Gizlilik",
        "intro_en": "What this site keeps about you, why and for how long; how you see it, take it with you, or leave.",
        "intro_tr": (
            "Bu sitenin sizinle ilgili neleri, neden ve ne kadar süre sakladığı; bunları nasıl görebileceğiniz, "
            "alıp götürebileceğiniz ya da nasıl ayrılabileceğiniz."
        ),
        "body_en": body_en.format(**urls["en"], **periods["en"]),
        "body_tr": body_tr.format(**urls["tr"], **periods["tr"]),
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
        ensure_page(home, StandardPage, privacy_fields())
        for user in DEMO_USERS:
            ensure_user(*user)
        if scale:
            ensure_scaled_members(scale)
        for load_app_demo in hooks.get_hooks("load_demo"):
            load_app_demo(scale=scale, stdout=self.stdout)
