"""BchClient against a local HTTP server: polite requests, retries only what a later attempt can
cure, and a clear error naming the request for everything else."""

from __future__ import annotations

import socket
import struct
import threading
import time

import pytest
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
        http_max_attempts=4,
        http_requests_per_second=4.0,
        http_max_response_bytes=1234,
    )
    httpserver.expect_request("/mirror/api/v2013/countries").respond_with_json([])
    with BchClient.from_settings(settings) as client:
        assert client.get_json("/api/v2013/countries").data == []
        assert (client.max_attempts, client.min_interval, client.max_response_bytes) == (4, 0.25, 1234)
        assert client._http.timeout.read == 7.0


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
