"""A small client of a MediaWiki's Action API: what the sync asks, and nothing a remote wiki can abuse.

Every request names the site in its User-Agent, asks with ``maxlag`` (a busy wiki answers
"later" rather than slowly), has a timeout, and is tried again after 429, 503 or a maxlag
error, waiting what the wiki asks (``Retry-After``) or 2, 4, 8… seconds. An address is only
http(s), never loopback or private unless ``WIKI_MEDIAWIKI_ALLOW_PRIVATE_ADDRESSES`` (a LAN,
tests), and redirects are not followed (they could lead there). Whatever goes wrong — refused,
down, slow, garbage — is one ``RemoteError`` with a translated message, for the page to show.
"""

import datetime
import http.cookiejar
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.utils.translation import gettext as _

from suite.links import site_url

from ..conf import app_settings
from .dump import SourceRevision, base36, parse_timestamp

MAXLAG_SECONDS = 5
REVISIONS_PER_REQUEST = 50
# The most revisions one pass pulls for one page; the next pass goes on from there.
REVISIONS_PER_PASS = 500


class RemoteError(Exception):
    """The remote wiki did not answer as it should; ``code`` is MediaWiki's error code when it gave one."""

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.message, self.code = message, code


@dataclass
class Saved:
    """An edit saved there: its revision id and time (None: the text there was already ours), and the
    revision it followed there."""

    id: int | None
    timestamp: datetime.datetime | None
    previous: int | None


@dataclass
class SiteInfo:
    dbname: str
    server: str
    name: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise RemoteError(
            _("The wiki answered with a redirect to %(address)s; give that address.") % {"address": newurl}
        )


def check_address(url: str) -> None:
    """Refuse an API address that is not http(s), or that leads to this machine or a private network."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(_("The API address must start with http:// or https://."))
    if app_settings.MEDIAWIKI_ALLOW_PRIVATE_ADDRESSES:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (socket.gaierror, UnicodeError):
        raise RemoteError(_("The wiki's host %(host)s is not known.") % {"host": parts.hostname}) from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise RemoteError(
                _("The wiki's address leads to a private or local network, which this site does not reach.")
            )


class Api:
    """One remote wiki's ``api.php``, with its own cookies (a login lasts as long as this object)."""

    def __init__(self, url: str):
        check_address(url)
        self.url = url
        self.opener = urllib.request.build_opener(
            _NoRedirects, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.user_agent = f"NLU-wiki-sync/1.0 (+{site_url()})"

    def call(self, *, post: bool = False, **params) -> dict:
        """The API's JSON answer to ``params``; RemoteError for an error, after the retries a busy wiki earns."""
        params = {"format": "json", "formatversion": "2", "maxlag": str(MAXLAG_SECONDS), **params}
        data = urllib.parse.urlencode(params).encode()
        retries = app_settings.MEDIAWIKI_RETRIES
        for attempt in range(retries + 1):
            if post:
                request = urllib.request.Request(self.url, data=data, method="POST")
            else:
                request = urllib.request.Request(f"{self.url}?{data.decode()}")
            request.add_header("User-Agent", self.user_agent)
            wait = None
            try:
                with self.opener.open(request, timeout=app_settings.MEDIAWIKI_TIMEOUT) as response:
                    body = response.read(20_000_000)
                    retry_after = response.headers.get("Retry-After")
            except urllib.error.HTTPError as error:
                if error.code not in (429, 503):
                    raise RemoteError(
                        _("The wiki answered with the error %(status)s.") % {"status": error.code}
                    ) from None
                wait = _seconds(error.headers.get("Retry-After"), attempt)
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                reason = getattr(error, "reason", error)
                raise RemoteError(_("The wiki could not be reached: %(reason)s.") % {"reason": reason}) from None
            if wait is None:
                answer = _json(body)
                if not isinstance(answer, dict):
                    raise RemoteError(_("The address does not answer as a MediaWiki API does."))
                error = answer.get("error")
                if not isinstance(error, dict):
                    return answer
                if error.get("code") != "maxlag":
                    raise RemoteError(
                        _("The wiki refused: %(info)s") % {"info": str(error.get("info", error.get("code")))[:300]},
                        code=str(error.get("code", "")),
                    )
                wait = _seconds(retry_after, attempt)
            if attempt < retries:
                time.sleep(wait)
        raise RemoteError(_("The wiki is busy and asked to wait; the next pass will try again."), code="busy")

    def site_info(self) -> SiteInfo:
        general = _dig(self.call(action="query", meta="siteinfo", siprop="general"), "query", "general")
        if not isinstance(general, dict) or not general.get("wikiid"):
            raise RemoteError(_("The address does not answer as a MediaWiki API does."))
        return SiteInfo(
            dbname=str(general["wikiid"]), server=str(general.get("server", "")), name=str(general.get("sitename", ""))
        )

    def revisions(self, title: str, *, after: int | None) -> tuple[int | None, list[SourceRevision]]:
        """The page's id and its revisions newer than revision ``after`` (all when None), oldest first, at most
        ``REVISIONS_PER_PASS``. A page that does not exist there has id None and no revisions."""
        params = {
            "action": "query",
            "prop": "revisions",
            "titles": title,
            "rvslots": "main",
            "rvprop": "ids|timestamp|user|comment|content|sha1|size|flags",
            "rvdir": "newer",
            "rvlimit": str(REVISIONS_PER_REQUEST),
        }
        if after is not None:
            params["rvstartid"] = str(after)  # from that revision's time, itself included (dropped below)
        page_id, found = None, []
        while len(found) < REVISIONS_PER_PASS:
            answer = self.call(**params)
            pages = _dig(answer, "query", "pages")
            if not isinstance(pages, list) or len(pages) != 1 or not isinstance(pages[0], dict):
                raise RemoteError(_("The wiki's answer about the page could not be read."))
            page = pages[0]
            if page.get("missing") or page.get("invalid"):
                return None, []
            page_id = page.get("pageid")
            for item in page.get("revisions", []):
                revision = _revision(item)
                if after is None or (revision.id is not None and revision.id > after):
                    found.append(revision)
            more = answer.get("continue")
            if not isinstance(more, dict) or "rvcontinue" not in more:
                break
            params.update({key: str(value) for key, value in more.items()})
        return page_id, found[:REVISIONS_PER_PASS]

    def log_in(self, user: str, password: str) -> None:
        token = _dig(self.call(action="query", meta="tokens", type="login"), "query", "tokens", "logintoken")
        answer = self.call(post=True, action="login", lgname=user, lgpassword=password, lgtoken=str(token))
        if _dig(answer, "login", "result") != "Success":
            raise RemoteError(_("The wiki refused the sync's bot password (user %(user)s).") % {"user": user})

    def edit(self, *, title: str, text: str, summary: str, base: int | None, base_timestamp, start_timestamp) -> Saved:
        """Save ``text`` there as a new revision, made from revision ``base``. An edit made there since makes
        the wiki refuse (code "editconflict") or merge it with ours itself: ``Saved.previous`` then is
        not ``base``. Never an overwrite."""
        token = _dig(self.call(action="query", meta="tokens", type="csrf"), "query", "tokens", "csrftoken")
        params = {
            "action": "edit",
            "title": title,
            "text": text,
            "summary": summary,
            "token": str(token),
            "bot": "1",
            "starttimestamp": _mw_time(start_timestamp),
        }
        if base is not None:
            # Both: the revision id tells apart edits made within the same second as the base.
            params.update(baserevid=str(base), basetimestamp=_mw_time(base_timestamp))
        else:
            params["createonly"] = "1"  # a page new there: if someone made it meanwhile, that is a conflict too
        edit = _dig(self.call(post=True, **params), "edit")
        if not isinstance(edit, dict) or edit.get("result") != "Success":
            raise RemoteError(_("The wiki did not save the edit: %(answer)s") % {"answer": str(edit)[:300]})
        if edit.get("nochange"):  # the text there is already this one
            return Saved(id=None, timestamp=None, previous=base)
        try:
            return Saved(
                id=int(edit["newrevid"]),
                timestamp=parse_timestamp(str(edit["newtimestamp"])),
                previous=int(edit["oldrevid"]) if edit.get("oldrevid") else None,
            )
        except (KeyError, TypeError, ValueError):
            raise RemoteError(_("The wiki's answer could not be read.")) from None


def _dig(answer, *keys):
    """``answer[key1][key2]…``, or RemoteError when the answer is not shaped so: a wiki's garbage is its error."""
    for key in keys:
        if not isinstance(answer, dict) or key not in answer:
            raise RemoteError(_("The wiki's answer could not be read."))
        answer = answer[key]
    return answer


def _mw_time(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _seconds(retry_after: str | None, attempt: int) -> float:
    if retry_after and retry_after.strip().isdigit():
        return min(float(retry_after.strip()), 60.0)
    return float(2 ** (attempt + 1))


def _json(body: bytes):
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise RemoteError(_("The wiki's answer is not the JSON its API gives.")) from None


def _revision(item) -> SourceRevision:
    """A revision of the API's answer, in the same form a dump's has."""
    if not isinstance(item, dict):
        raise RemoteError(_("The wiki's answer about the page could not be read."))
    slots = item.get("slots")
    main = slots.get("main") if isinstance(slots, dict) else None
    main = main if isinstance(main, dict) else {}
    revision = SourceRevision(
        id=item.get("revid") if isinstance(item.get("revid"), int) else None,
        user_name="" if item.get("anon") else str(item.get("user", "")),
        ip=str(item.get("user", "")) if item.get("anon") else "",
        contributor_hidden=bool(item.get("userhidden")),
        minor=bool(item.get("minor")),
        comment=str(item.get("comment", "")),
        model=str(main.get("contentmodel", "wikitext")),
        text=str(main.get("content", "")),
        text_hidden=bool(main.get("texthidden")),
        size=item.get("size") if isinstance(item.get("size"), int) else None,
    )
    try:
        revision.timestamp = parse_timestamp(str(item.get("timestamp", "")))
    except ValueError:
        revision.problem = _("its timestamp is not a date and time")
    sha1 = str(item.get("sha1", ""))
    if len(sha1) == 40:
        try:
            revision.sha1 = base36(int(sha1, 16))  # one form here: the dumps'
        except ValueError:
            revision.problem = _("its sha1 checksum is not one")
    if len(revision.text.encode()) > app_settings.MEDIAWIKI_MAX_REVISION_BYTES:
        revision.problem = _("its text is larger than a revision may be here")
    return revision
