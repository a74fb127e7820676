"""BchClient against a local HTTP server: polite requests, retries only what a later attempt can
cure, and a clear error naming the request for everything else."""

from __future__ import annotations

import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from orchestration.extract.client import USER_AGENT, Backoff, BchApiError, BchClient
from orchestration.settings import Settings

PATH = "/api/v2013/index"
PARAMS = {"q": "schema_s:focalPoint AND realm_ss:bch", "start": "0", "rows": "3"}


class FakeTime:
    """A clock that moves only when slept on: waits are recorded instead of taken."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def client_for(base_url: str, fake_time: FakeTime, **options) -> BchClient:
    options = {"timeout": 5.0, "max_attempts": 3, "requests_per_second": 2.0, **options}
    return BchClient(base_url, sleep=fake_time.sleep, clock=fake_time.clock, **options)


@pytest.fixture
def client(httpserver, fake_time):
    with client_for(httpserver.url_for("/"), fake_time) as client:
        yield client


def test_returns_body_json_and_status_and_sends_polite_headers(httpserver, client):
    httpserver.expect_request(PATH, query_string=PARAMS).respond_with_data(
        '{"response": {"numFound": 0, "start": 0, "docs": []}}', content_type="application/json"
    )
    body, data, status = client.get_json(PATH, PARAMS)
    assert (body, status) == (b'{"response": {"numFound": 0, "start": 0, "docs": []}}', 200)
    assert data == {"response": {"numFound": 0, "start": 0, "docs": []}}
    headers = httpserver.log[0][0].headers
    assert headers["User-Agent"] == USER_AGENT and "cpb-indicators" in USER_AGENT
    assert (headers["Realm"], headers["Accept"]) == ("bch", "application/json")


def test_from_settings_takes_the_base_url_and_every_limit_from_configuration(httpserver):
    settings = Settings(
        bch_base_url=httpserver.url_for("/mirror/"),
        http_timeout_seconds=7.0,
        http_deadline_seconds=9.0,
        http_max_attempts=4,
        http_requests_per_second=4.0,
        http_max_response_bytes=1234,
    )
    httpserver.expect_request("/mirror/api/v2013/countries").respond_with_json([])
    with BchClient.from_settings(settings) as client:
        assert client.get_json("/api/v2013/countries").data == []
        assert (client.max_attempts, client.min_interval, client.max_response_bytes) == (4, 0.25, 1234)
        assert (client._http.timeout.read, client.deadline) == (7.0, 9.0)


def test_request_rate_is_bounded(httpserver, fake_time):
    httpserver.expect_request("/api/v2013/countries").respond_with_json([])
    with client_for(httpserver.url_for("/"), fake_time, requests_per_second=4.0) as client:
        for _ in range(4):
            client.get_json("/api/v2013/countries")
    assert fake_time.sleeps == [0.25, 0.25, 0.25]  # requests take no fake time: each waits its full turn


def test_impolite_configuration_is_refused():
    with pytest.raises(ValueError, match="requests_per_second"):
        BchClient("http://localhost", requests_per_second=0)


def test_5xx_is_retried_with_exponential_backoff(httpserver, client, fake_time):
    httpserver.expect_oneshot_request(PATH).respond_with_data("busy", status=503)
    httpserver.expect_oneshot_request(PATH).respond_with_data("bad gateway", status=502)
    httpserver.expect_request(PATH).respond_with_json({"ok": True})
    assert client.get_json(PATH, PARAMS).data == {"ok": True}
    assert len(httpserver.log) == 3
    assert fake_time.sleeps == [1.0, 2.0]


def test_gives_up_after_max_attempts_naming_the_endpoint(httpserver, fake_time):
    httpserver.expect_request(PATH).respond_with_data("down", status=500)
    with client_for(httpserver.url_for("/"), fake_time, backoff=Backoff(initial=1.0, maximum=1.5)) as client:
        with pytest.raises(BchApiError, match="gave up after 3 attempts, last: HTTP 500") as error:
            client.get_json(PATH, PARAMS)
    assert error.value.endpoint == f"GET {PATH}?q=schema_s:focalPoint AND realm_ss:bch&start=0&rows=3"
    assert error.value.endpoint in str(error.value)
    assert len(httpserver.log) == 3
    assert fake_time.sleeps == [1.0, 1.5]  # backoff doubles, capped at its maximum


@pytest.mark.parametrize(
    ("status", "advice"), [(400, "not retried"), (404, "not retried"), (429, "slow down")]
)
def test_4xx_is_not_retried(httpserver, client, fake_time, status, advice):
    httpserver.expect_request(PATH).respond_with_data("no", status=status)
    with pytest.raises(BchApiError, match=f"GET {PATH}.*HTTP {status}.*{advice}") as error:
        client.get_json(PATH, PARAMS)
    assert error.value.status == status
    assert len(httpserver.log) == 1 and fake_time.sleeps == []


def _slow(request: Request) -> Response:
    time.sleep(0.6)
    return Response("[]")


def _drop_connection(request: Request) -> Response:
    request.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
    return Response("[]")


def _cut_short(request: Request) -> Response:
    return Response(iter([b'[{"code": "AL"']), headers={"Content-Length": "500"})


@pytest.mark.parametrize(
    "failure", [_slow, _drop_connection, _cut_short], ids=["timeout", "dropped", "truncated"]
)
def test_transport_failures_are_retried(httpserver, fake_time, failure):
    httpserver.expect_oneshot_request(PATH).respond_with_handler(failure)
    httpserver.expect_request(PATH).respond_with_json([])
    with client_for(httpserver.url_for("/"), fake_time, timeout=0.4) as client:
        assert client.get_json(PATH, PARAMS).data == []
    assert fake_time.sleeps == [1.0]


@pytest.fixture
def resetting_server():
    """A raw TCP server that resets (RST) its first connection, then answers ``[]``: werkzeug cannot reset."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        for n in range(2):
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                if n == 0:  # closing with a zero linger time sends RST instead of FIN
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                else:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]")

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def test_connection_reset_is_retried(resetting_server, fake_time):
    with client_for(resetting_server, fake_time) as client:
        assert client.get_json(PATH, PARAMS).data == []
    assert fake_time.sleeps == [1.0]


@pytest.mark.parametrize(
    "body",
    [b"<html>Service temporarily unavailable</html>", b'[{"code": "AL", "treat', b""],
    ids=["html", "cut", "empty"],
)
def test_body_that_is_not_json_is_a_clear_error(httpserver, client, body):
    httpserver.expect_request(PATH).respond_with_data(body, content_type="application/json")
    with pytest.raises(BchApiError, match=f"GET {PATH}.*is not valid JSON.*truncated, or an error page"):
        client.get_json(PATH, PARAMS)
    assert len(httpserver.log) == 1  # the same body would come back: not retried


@pytest.mark.parametrize(
    ("response", "detail"),
    [
        (Response(b"[" + b"1," * 600 + b"1]"), "declares 1203 bytes"),
        (Response(iter([b"[" + b"1," * 300, b"1," * 300 + b"1]"])), "exceeded 1000 bytes while reading"),
    ],
    ids=["declared", "streamed"],
)
def test_response_over_the_size_limit_is_a_clear_error(httpserver, fake_time, response, detail):
    httpserver.expect_request(PATH).respond_with_response(response)
    with client_for(httpserver.url_for("/"), fake_time, max_response_bytes=1000) as client:
        with pytest.raises(BchApiError, match=f"GET {PATH}.*{detail}, over the limit of 1000 bytes"):
            client.get_json(PATH, PARAMS)
    assert len(httpserver.log) == 1


@pytest.fixture
def dripping_server():
    """A raw TCP server that sends its response one byte every 0.2 s; ``part`` chooses what drips.

    ``headers``: the status line and headers drip; ``body``: the headers come at once, then the
    1000-byte body drips. Each connection is served by its own thread until the client hangs up.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    connections: list[float] = []
    body = b"[" + b"1," * 499 + b"1]"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)

    def drip(conn: socket.socket, part: str) -> None:
        with conn:
            conn.recv(65536)
            if part == "body":
                conn.sendall(head)
            for byte in head + body if part == "headers" else body:
                if stop.wait(0.2):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:  # the client hung up: its deadline passed
                    return

    def serve(part: str) -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            connections.append(time.monotonic())
            threading.Thread(target=drip, args=(conn, part), daemon=True).start()

    def start(part: str) -> str:
        threading.Thread(target=serve, args=(part,), daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    start.connections = connections
    yield start
    stop.set()
    listener.close()


@pytest.mark.parametrize("part", ["body", "headers"])
def test_an_attempt_ends_at_its_deadline_however_slowly_the_server_sends(dripping_server, fake_time, part):
    # each byte comes well within the 3 s read timeout, so only the 1 s deadline can end an attempt
    base_url = dripping_server(part)
    with client_for(base_url, fake_time, timeout=3.0, deadline=1.0, max_attempts=2) as client:
        started = time.monotonic()
        with pytest.raises(BchApiError) as error:
            client.get_json(PATH, PARAMS)
        elapsed = time.monotonic() - started
    assert 2.0 <= elapsed < 3.0  # two attempts of about 1 s each, not 1000 bytes x 0.2 s
    assert str(error.value).startswith(f"BCH API GET {PATH}?q=schema_s:focalPoint")
    assert "gave up after 2 attempts, last: DeadlineExceeded: no complete response within 1 s" in str(
        error.value
    )
    assert "BCH_HTTP_DEADLINE_SECONDS" in str(error.value)
    assert len(dripping_server.connections) == 2 and fake_time.sleeps == [1.0]  # retried like a timeout


def test_a_redirect_on_the_same_host_is_followed(httpserver, client):
    httpserver.expect_request("/api/v2013/old-countries").respond_with_data(
        "", status=301, headers={"Location": "/api/v2013/countries?moved=1"}
    )
    httpserver.expect_request("/api/v2013/countries", query_string="moved=1").respond_with_json(
        [{"code": "AL"}]
    )
    assert client.get_json("/api/v2013/old-countries").data == [{"code": "AL"}]
    assert [r.path for r, _ in httpserver.log] == ["/api/v2013/old-countries", "/api/v2013/countries"]


def test_a_redirect_to_another_host_is_refused(httpserver, client):
    elsewhere = "http://127.0.0.1:9/api/v2013/countries"  # another host (and port) than localhost
    httpserver.expect_request(PATH).respond_with_data("", status=302, headers={"Location": elsewhere})
    with pytest.raises(BchApiError, match=f"GET {PATH}.*HTTP 302 redirects to {elsewhere}.*refused") as error:
        client.get_json(PATH, PARAMS)
    assert "BCH_BASE_URL is the only host" in str(error.value) and error.value.status == 302
    assert len(httpserver.log) == 1  # not retried, and the other host was never asked


def test_a_redirect_loop_on_the_same_host_ends(httpserver, client):
    httpserver.expect_request(PATH).respond_with_data("", status=302, headers={"Location": PATH})
    with pytest.raises(BchApiError, match=f"GET {PATH}.*more than 5 redirects"):
        client.get_json(PATH, PARAMS)
    assert len(httpserver.log) == 6


@pytest.fixture
def https_server(tmp_path, monkeypatch):
    """pytest-httpserver over TLS with a self-signed certificate for localhost, trusted by httpx."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # httpx reads it when the client is created
    server = HTTPServer(ssl_context=context)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_a_redirect_from_https_to_http_is_refused(https_server, fake_time):
    https_server.expect_request("/api/v2013/countries").respond_with_json([])
    downgrade = f"http://localhost:{https_server.port}{PATH}"
    https_server.expect_request(PATH).respond_with_data("", status=301, headers={"Location": downgrade})
    with client_for(https_server.url_for("/"), fake_time) as client:
        assert client.get_json("/api/v2013/countries").data == []  # TLS itself works
        with pytest.raises(BchApiError, match=f"GET {PATH}.*HTTP 301 redirects to {downgrade}.*refused"):
            client.get_json(PATH, PARAMS)
