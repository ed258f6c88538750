"""bench/weight.py: what a phone pays for a page, first and repeat visit, read off a real HTTP server.

The server sends files of known sizes with the headers a browser would act on: a compressed
stylesheet kept a year, a script the browser must ask for again, an image and a manifest. The
measured bytes must be those sent (compressed, not decoded), and the repeat visit must pay only
the HTML and what may not be kept for a day.
"""

import gzip
import http.server
import threading

import pytest

from bench import weight

CSS = gzip.compress(b"body { color: #222; }\n" * 400)
JS = b"console.log('x');\n" * 300
PNG = b"\x89PNG" + b"\0" * 2996
MANIFEST = b'{"name": "NLU"}'
LONG = "public, max-age=315360000, immutable"
FILES = {
    "/app.css": (CSS, {"Content-Type": "text/css", "Content-Encoding": "gzip", "Cache-Control": LONG}),
    "/app.js": (JS, {"Content-Type": "text/javascript", "Cache-Control": "max-age=60"}),
    "/logo.png": (PNG, {"Content-Type": "image/png", "Cache-Control": "max-age=86400"}),
    "/site.webmanifest": (MANIFEST, {"Content-Type": "application/manifest+json"}),
    "/old.js": (b"x" * 500, {"Content-Type": "text/javascript", "Cache-Control": "no-cache, max-age=999999"}),
}


def page(padding: int) -> bytes:
    return (
        b'<!doctype html><html><head><link rel="stylesheet" href="/app.css">'
        b'<link rel="manifest" href="site.webmanifest"><script src="/app.js" defer></script>'
        b'<script src="/old.js"></script><script src="/app.js#again"></script></head>'
        b'<body><img src="/logo.png" alt="">' + b"a" * padding + b"</body></html>"
    )


class Handler(http.server.BaseHTTPRequestHandler):
    html = page(0)

    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("Accept-Encoding"), self.headers.get("Cookie")))
        if self.path == "/":
            body, headers = self.html, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "max-age=86400"}
        elif self.path in FILES:
            body, headers = FILES[self.path]
        else:
            self.send_error(404)
            return
        self.send_response(200)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    Handler.html = page(0)


def base(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/"


def test_first_visit_pays_every_linked_file_as_sent_and_repeat_only_what_is_not_kept(server):
    measured = weight.measure(base(server), cookie="sessionid=abc")

    html = len(page(0))
    assert measured["first"] == {
        "html": html,
        "css": len(CSS),  # compressed bytes, as they came over the wire
        "js": len(JS) + 500,  # each script once, whatever its fragment
        "image": len(PNG),
        "manifest": len(MANIFEST),
    }
    # The stylesheet (a year) and the image (a day) are kept; the HTML is always fetched again.
    assert measured["repeat"] == {"html": html, "css": 0, "js": len(JS) + 500, "image": 0, "manifest": len(MANIFEST)}
    assert measured["first_kb"] == round((html + len(CSS) + len(JS) + 500) / 1000, 1)
    assert measured["repeat_kb"] == round((html + len(JS) + 500) / 1000, 1)
    assert measured["first_with_images_kb"] == round(sum(measured["first"].values()) / 1000, 1)
    assert measured["first_passes"] and measured["repeat_passes"]
    # Asked as a browser asks, with the member's cookie on every request.
    assert {accept for _, accept, _ in server.requests} == {"br, gzip"}
    assert {cookie for _, _, cookie in server.requests} == {"sessionid=abc"}


def test_a_page_one_byte_over_a_budget_fails_it_and_at_it_passes(server):
    fixed = len(page(0)) + len(JS) + 500  # paid on both visits
    Handler.html = page(weight.BUDGET_REPEAT_KB * weight.KB - fixed)
    at_budget = weight.measure(base(server))
    Handler.html = page(weight.BUDGET_REPEAT_KB * weight.KB - fixed + 1)
    over = weight.measure(base(server))

    assert at_budget["repeat_kb"] == weight.BUDGET_REPEAT_KB and at_budget["repeat_passes"]
    assert not over["repeat_passes"]
    assert over["first_passes"]  # first visit: 15 KB + the stylesheet, still under 60 KB


@pytest.mark.parametrize(
    ("cache_control", "kept"),
    [
        ("public, max-age=315360000, immutable", True),
        ("max-age=86400", True),
        ("max-age=86399", False),
        ("max-age=60, s-maxage=999999", False),
        ("no-store, max-age=999999", False),
        ("immutable", False),
        ("", False),
    ],
)
def test_kept_only_with_a_max_age_of_a_day_or_more(cache_control, kept):
    assert weight.kept_for_a_day(cache_control) is kept
