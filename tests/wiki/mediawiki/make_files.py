"""Write the MediaWiki export files of ``files/`` afresh: ``python -m tests.wiki.mediawiki.make_files``.

A fresh peer (``tests/mediawiki_peer.py``) gets the pages below through its Action API, as
several people would write them: the admin, two members (one with a Turkish name), a contributor
whose name is then hidden (revision deletion) and an anonymous IP. Then the wiki is exported the
three ways an importer meets: Special:Export (schema 0.11, full history) and dumpBackup.php
--full in schemas 0.11 and 0.10. Each edit waits a second, so a page's revisions have distinct
timestamps (MediaWiki keeps them to the second).
"""

import sys
import tempfile
import time
from pathlib import Path

from tests.mediawiki_peer import ADMIN, MediaWikiPeer, mediawiki_available

FILES = Path(__file__).parent / "files"
MEMBER = "Rosa Worker"
TURKISH_MEMBER = "Ayşe Yılmaz"
HIDDEN = "Hidden Name"

WORKER_EDUCATION_1 = """\
'''Worker education''' is the education of workers by and for their own organisations.

== History ==
The first classes met in the evenings, after the shift. See [[Labour history]].

== Courses ==
* Reading and writing
* Economics
"""

WORKER_EDUCATION_2 = """\
{{Infobox union|name=X|founded=1900}}
'''Worker education''' is the education of workers by and for their own ''organisations''.<ref>A footnote.</ref>

== History ==
The first classes met in the evenings, after the shfit. See [[Labour history]] and [[Labour history|the history]].

=== Sources ===
The archive is at [https://example.org Example]; the catalogue at https://example.org/catalogue.

== Courses ==
* Reading and writing
** Letters
** Minutes of meetings
* Economics
# Enrol
# Attend
## Evening classes
## Weekend schools

{| class="wikitable"
! Course !! Year
|-
| Reading and writing || 1900
|-
| Economics || 1905
|}

{{#if: a | b | c }}

== References ==
<references/>

[[Category:Education]]
[[Category:Research]]
"""

WORKER_EDUCATION_3 = WORKER_EDUCATION_2.replace("* Economics\n#", "* Economics\n* History of the unions\n#")

WORKER_EDUCATION_4 = WORKER_EDUCATION_3.replace("shfit", "shift")

LABOUR_HISTORY_1 = """\
'''Labour history''' studies the history of working people and their unions.

== Sources ==
* Union minutes
* Newspapers
"""

LABOUR_HISTORY_2 = LABOUR_HISTORY_1 + "* Oral history interviews\n"

SENDIKA_1 = """\
'''Sendika eğitimi''', işçilerin kendi örgütleri tarafından verilen eğitimdir.

== Tarihçe ==
İlk dersler akşamları, vardiyadan sonra yapılırdı. Ayrıca bakınız: [[Worker education]].
"""

SENDIKA_COURSES = """
== Dersler ==
* Okuma ve yazma
* Çalışma ekonomisi
* Güvenli iş, sağlıklı işçi: öğüt ve şikâyetler

[[Category:Eğitim]]
"""
SENDIKA_2 = SENDIKA_1 + SENDIKA_COURSES


def write_pages(peer: MediaWikiPeer) -> None:
    """The pages by API, in the order people would have written them."""

    def edit(*args, **kwargs) -> dict:
        result = peer.edit(*args, **kwargs)
        time.sleep(1.1)
        return result

    for user in (MEMBER, TURKISH_MEMBER, HIDDEN):
        peer.add_user(user)
    edit("Worker education", WORKER_EDUCATION_1, "Start the page")
    edit("Labour history", LABOUR_HISTORY_1, "A page for the history", user=MEMBER)
    edit("Worker education", WORKER_EDUCATION_2, "Sources, courses, a table and a footnote", user=MEMBER)
    hidden = edit("Worker education", WORKER_EDUCATION_3, "One more course", user=HIDDEN)
    peer.hide_user("Worker education", hidden["newrevid"], "Offensive user name")
    edit("Worker education", WORKER_EDUCATION_4, "Typo", minor=True)
    edit("Labour history", LABOUR_HISTORY_2, "Oral history", anonymous=True)
    edit("Old name", "#REDIRECT [[Labour history]]", "Renamed")
    # ~~~~ is a signature: MediaWiki saves it expanded (pre-save transform).
    edit("Talk:Worker education", "== Weekend schools ==\nShall we add them? ~~~~\n", "Question", user=MEMBER)
    edit(f"User:{ADMIN}", "I look after this wiki.\n", "About me")
    edit("Sendika eğitimi", SENDIKA_1, "Sayfayı başlat", user=TURKISH_MEMBER)
    edit("Sendika eğitimi", SENDIKA_2, "Dersler eklendi", user=TURKISH_MEMBER)


TITLES = ["Worker education", "Labour history", "Old name", "Talk:Worker education", f"User:{ADMIN}", "Sendika eğitimi"]


def main() -> None:
    if not mediawiki_available():
        sys.exit("MediaWiki not installed: apt-get install php8.2-cli php8.2-cgi php-sqlite3 mediawiki")
    with tempfile.TemporaryDirectory() as folder, MediaWikiPeer.start(Path(folder)) as peer:
        write_pages(peer)
        FILES.mkdir(exist_ok=True)
        (FILES / "special-export-0.11.xml").write_bytes(peer.special_export(TITLES))
        (FILES / "dump-full-0.11.xml").write_bytes(peer.dump_full())
        (FILES / "dump-full-0.10.xml").write_bytes(peer.dump_full("0.10"))
    for path in sorted(FILES.glob("*.xml")):
        print(f"{path.relative_to(Path.cwd())}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
