"""The reverse proxy of a deployment, reduced to what the site relies on (docs/deploy.md, "Proxy").

It terminates TLS, keeps the ``Host`` header, sets ``X-Forwarded-Proto: https`` and
``X-Forwarded-For``, and forwards to gunicorn over plain HTTP. With it the production settings
run as they are: HTTPS redirects, secure cookies and HSTS are those a member's browser meets.
"""

import http.client
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Headers that belong to one connection, not to the request or the response (RFC 9110 §7.6.1).
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 valid for a day, and its key (what clients must trust)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


class TLSProxy(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, *, upstream_port: int, cert: Path, key: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream_port = upstream_port
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(cert, key)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}"

    def get_request(self):
        """Each connection's handshake happens in its own thread, so one slow client blocks no other."""
        connection, address = self.socket.accept()
        return self.tls.wrap_socket(connection, server_side=True, do_handshake_on_connect=False), address

    def start(self) -> "TLSProxy":
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self


class _Handler(BaseHTTPRequestHandler):
    server: TLSProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args) -> None:
        pass  # gunicorn's access log has every request

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-Proto"] = "https"
        headers["X-Forwarded-For"] = self.client_address[0]
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=60)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            payload = response.read()
        except OSError:
            self.send_error(502, "gunicorn did not answer")
            return
        finally:
            upstream.close()
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP | {"server", "date"}:  # send_response sets its own
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_HEAD = _forward
