"""Page weight as a phone on a metered connection pays it: compressed bytes, first and repeat visit.

A page is fetched with ``Accept-Encoding: br, gzip``, as a browser asks, and every subresource its
HTML links (stylesheets, scripts, images, icons, the manifest) likewise. What counts is each
response's body as it came over the wire (compressed, not decoded). A repeat visit pays the HTML
again and every subresource whose ``Cache-Control`` does not let a browser keep it for a day
(no ``max-age`` of at least 86,400 s, or ``no-store``/``no-cache``). The budgets of issue 21
count HTML + CSS + JS; images and the manifest are shown beside them. 1 KB is 1,000 bytes.
"""

import gzip
import http.client
import re
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

BUDGET_FIRST_KB = 60
BUDGET_REPEAT_KB = 15
KB = 1000
KEPT_SECONDS = 86400  # a browser may keep a file this long without asking again: one day
BUDGETED = ("html", "css", "js")
KINDS = ("html", "css", "js", "image", "manifest")
ACCEPT_ENCODING = "br, gzip"


@dataclass
class Resource:
    url: str
    kind: str
    status: int
    bytes: int  # the body as sent: compressed when the server compressed it
    encoding: str
    cache_control: str

    @property
    def kept(self) -> bool:
        """Whether a browser keeps it for a day, so that a repeat visit does not fetch it again."""
        return kept_for_a_day(self.cache_control)


def kept_for_a_day(cache_control: str) -> bool:
    directives = {part.strip().split("=", 1)[0].lower(): part for part in cache_control.split(",") if part.strip()}
    if "no-store" in directives or "no-cache" in directives or "max-age" not in directives:
        return False
    value = directives["max-age"].split("=", 1)[1].strip().strip('"') if "=" in directives["max-age"] else ""
    return value.isdigit() and int(value) >= KEPT_SECONDS


def fetch(url: str, *, cookie: str = "", encoding: str = ACCEPT_ENCODING) -> tuple[int, dict, bytes]:
    """One GET, the body left as it came (http.client does not decode it); headers in lower case."""
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.netloc, timeout=60)
    headers = {"Accept-Encoding": encoding, "User-Agent": "nlu-bench-weight"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else "") or "/", headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, body
    finally:
        connection.close()


class _Links(HTMLParser):
    """The subresources a browser fetches for the page itself: stylesheets, scripts, images, icons, manifest."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        rel = attributes.get("rel", "").lower().split()
        if tag == "link" and attributes.get("href"):
            kind = (
                "css"
                if "stylesheet" in rel or (("preload" in rel) and attributes.get("as") == "style")
                else "js"
                if "modulepreload" in rel or (("preload" in rel) and attributes.get("as") == "script")
                else "manifest"
                if "manifest" in rel
                else "image"
                if {"icon", "apple-touch-icon"} & set(rel)
                else None
            )
            if kind:
                self.links.append((kind, attributes["href"]))
        elif tag == "script" and attributes.get("src"):
            self.links.append(("js", attributes["src"]))
        elif tag == "img" and attributes.get("src"):
            self.links.append(("image", attributes["src"]))


def linked(html: str, base: str) -> list[tuple[str, str]]:
    """(kind, absolute URL) of every subresource ``html`` links, each once, in document order."""
    parser = _Links()
    parser.feed(html)
    seen, links = set(), []
    for kind, href in parser.links:
        url = urldefrag(urljoin(base, href.strip())).url
        if urlsplit(url).scheme in ("http", "https") and url not in seen:
            seen.add(url)
            links.append((kind, url))
    return links


def _text(url: str, headers: dict, body: bytes, cookie: str) -> str:
    encoding = headers.get("content-encoding", "")
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding:  # br (or another) without a decoder at hand: ask again for the plain text
        body = fetch(url, cookie=cookie, encoding="identity")[2]
    charset = re.search(r"charset=([\w-]+)", headers.get("content-type", ""))
    return body.decode(charset.group(1) if charset else "utf-8", errors="replace")


def _resource(url: str, kind: str, status: int, headers: dict, body: bytes) -> Resource:
    return Resource(
        url=url,
        kind=kind,
        status=status,
        bytes=len(body),
        encoding=headers.get("content-encoding", ""),
        cache_control=headers.get("cache-control", ""),
    )


def measure(url: str, *, cookie: str = "") -> dict:
    """The page's weight on a first and a repeat visit, by kind, and whether it keeps to the budgets."""
    status, headers, body = fetch(url, cookie=cookie)
    resources = [_resource(url, "html", status, headers, body)]
    for kind, link in linked(_text(url, headers, body, cookie), url):
        resources.append(_resource(link, kind, *fetch(link, cookie=cookie)))
    return summary(resources)


def summary(resources: list[Resource]) -> dict:
    """Bytes by kind on each visit; the HTML is fetched again on every visit, whatever its headers say."""
    first = dict.fromkeys(KINDS, 0)
    repeat = dict.fromkeys(KINDS, 0)
    for resource in resources:
        first[resource.kind] += resource.bytes
        if resource.kind == "html" or not resource.kept:
            repeat[resource.kind] += resource.bytes
    first_bytes = sum(first[kind] for kind in BUDGETED)
    repeat_bytes = sum(repeat[kind] for kind in BUDGETED)
    return {
        "first": first,
        "repeat": repeat,
        "first_kb": round(first_bytes / KB, 1),
        "repeat_kb": round(repeat_bytes / KB, 1),
        "first_with_images_kb": round(sum(first.values()) / KB, 1),
        "budget": {"first_kb": BUDGET_FIRST_KB, "repeat_kb": BUDGET_REPEAT_KB},
        "first_passes": first_bytes <= BUDGET_FIRST_KB * KB,
        "repeat_passes": repeat_bytes <= BUDGET_REPEAT_KB * KB,
        "resources": [{**asdict(resource), "kept": resource.kept} for resource in resources],
    }
