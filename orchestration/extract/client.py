"""HTTP client for the BCH API: polite by default and loud about every bad response.

Polite: a User-Agent naming the project, at most ``requests_per_second`` request starts, a
timeout on every read and a deadline on every attempt, and one base URL from configuration, the
only host we talk to (a redirect elsewhere is refused). Loud: a response that cannot be trusted
(HTTP error, transport failure after the last retry, body over the size limit, body that is not
JSON, redirect to another host) raises :class:`BchApiError` naming the request, so nothing
half-received is stored.

Only failures that a later attempt can cure are retried: 5xx, timeouts, an attempt past its
deadline, refused, reset or dropped connections and bodies cut short. A 4xx is the request's fault
and fails at once.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import httpx

USER_AGENT = (
    "cpb-indicators (open data warehouse of Cartagena Protocol on Biosafety indicators; python-httpx)"
)
# The index documents these two headers; the BCH front-end sends the realm on every call.
HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json", "Realm": "bch"}
# Same-host redirects followed per request (a loop between two paths must end).
MAX_REDIRECTS = 5


class DeadlineExceeded(Exception):
    """An attempt took longer than its deadline (a server dripping its response); retried."""


# Transport failures a later attempt can cure (httpx.DecodingError: a compressed body cut short).
RETRYABLE_ERRORS = (httpx.TransportError, httpx.DecodingError, DeadlineExceeded)


class BchApiError(Exception):
    """A BCH request failed; ``endpoint`` names it (method, path and parameters)."""

    def __init__(self, endpoint: str, problem: str, *, status: int | None = None):
        super().__init__(f"BCH API {endpoint}: {problem}")
        self.endpoint = endpoint
        self.status = status


class BchResponse(NamedTuple):
    body: bytes  # exactly as received (after HTTP content decoding): what the snapshot stores
    data: Any  # the parsed JSON
    status: int


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff between attempts: ``initial``, then doubled, capped at ``maximum`` seconds."""

    initial: float = 1.0
    maximum: float = 60.0

    def delay(self, failed_attempts: int) -> float:
        return min(self.maximum, self.initial * 2 ** (failed_attempts - 1))


def describe(path: str, params: Mapping[str, str | list[str]] | None = None) -> str:
    """``GET path?k=v&...`` for messages; long values (question lists) are shortened.

    A list value is a repeated parameter (Solr's ``fq``), shown once per value as it is sent.
    """
    pairs = [(k, x) for k, v in (params or {}).items() for x in (v if isinstance(v, list) else [v])]
    shown = "&".join(f"{k}={_shorten(str(v), 80)}" for k, v in pairs)
    return f"GET {path}?{shown}" if shown else f"GET {path}"


class BchClient:
    """GET JSON from the BCH API with retries, a request-rate bound and a response-size bound.

    ``sleep`` and ``clock`` are injectable so tests run without waiting.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 60.0,
        deadline: float = 300.0,
        max_attempts: int = 5,
        requests_per_second: float = 2.0,
        max_response_bytes: int = 200_000_000,
        backoff: Backoff = Backoff(),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        if min(requests_per_second, max_response_bytes, timeout, deadline) <= 0 or max_attempts < 1:
            raise ValueError(
                "BchClient needs max_attempts >= 1 and a positive timeout, deadline, "
                f"requests_per_second and max_response_bytes (got {max_attempts}, {timeout}, "
                f"{deadline}, {requests_per_second}, {max_response_bytes})"
            )
        self.base_url = base_url.rstrip("/")
        self.deadline = deadline
        self.max_attempts = max_attempts
        self.min_interval = 1.0 / requests_per_second
        self.max_response_bytes = max_response_bytes
        self.backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._next_start = clock()
        # No keep-alive: every attempt opens its own connection, so the deadline can always reach
        # its socket (see _Deadline); about 20 requests a run, so the extra handshakes cost nothing.
        # Redirects are followed by hand (_fetch), only to the base URL's own scheme, host and port.
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            headers=HEADERS,
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    @classmethod
    def from_settings(cls, settings, **overrides) -> BchClient:
        """A client configured from ``Settings``, the only source of the base URL."""
        return cls(
            settings.bch_base_url,
            timeout=settings.http_timeout_seconds,
            deadline=settings.http_deadline_seconds,
            max_attempts=settings.http_max_attempts,
            requests_per_second=settings.http_requests_per_second,
            max_response_bytes=settings.http_max_response_bytes,
            **overrides,
        )

    def __enter__(self) -> BchClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get_json(self, path: str, params: Mapping[str, str | list[str]] | None = None) -> BchResponse:
        """GET ``path`` and parse its JSON body, retrying what a later attempt can cure."""
        endpoint = describe(path, params)
        attempt = 0
        while True:
            attempt += 1
            self._throttle()
            try:
                status, body = self._fetch(path, params, endpoint)
            except RETRYABLE_ERRORS as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if 200 <= status < 300:
                    return BchResponse(body, _parse(body, endpoint), status)
                problem = f"HTTP {status} {_preview(body)}"
                if status < 500:
                    raise BchApiError(endpoint, _client_error(status, problem), status=status)
            if attempt == self.max_attempts:
                raise BchApiError(
                    endpoint,
                    f"gave up after {attempt} attempts, last: {problem}. The BCH API may be down or "
                    "overloaded: run the refresh again later (BCH_HTTP_MAX_ATTEMPTS sets the attempts)",
                )
            self._sleep(self.backoff.delay(attempt))

    def _throttle(self) -> None:
        wait = self._next_start - self._clock()
        if wait > 0:
            self._sleep(wait)
        self._next_start = max(self._next_start, self._clock()) + self.min_interval

    def _fetch(
        self, path: str, params: Mapping[str, str | list[str]] | None, endpoint: str
    ) -> tuple[int, bytes]:
        """One attempt: same-host redirects followed and the body read, all within the deadline."""
        with _Deadline(self.deadline) as deadline:
            request = self._http.build_request(
                "GET", path, params=params, extensions={"trace": deadline.trace}
            )
            for _ in range(MAX_REDIRECTS + 1):
                response = self._http.send(request, stream=True)
                try:
                    if response.next_request is None:
                        return response.status_code, self._read(response, endpoint)
                    request = self._same_origin(response, endpoint)
                finally:
                    response.close()
        raise BchApiError(endpoint, f"more than {MAX_REDIRECTS} redirects, the last to {request.url}")

    def _same_origin(self, response: httpx.Response, endpoint: str) -> httpx.Request:
        """The request a redirect asks for, if it stays on the base URL's scheme, host and port.

        Anything else (another host, or https -> http) would fetch data from a source nobody
        configured, so it is refused rather than followed.
        """
        target, base = response.next_request.url, self._http.base_url
        if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
            raise BchApiError(
                endpoint,
                f"HTTP {response.status_code} redirects to {target}, away from {base.scheme}://"
                f"{base.netloc.decode()}: refused, BCH_BASE_URL is the only host the extractor "
                "reads from (set it to the new address if the API has moved)",
                status=response.status_code,
            )
        return response.next_request

    def _read(self, response: httpx.Response, endpoint: str) -> bytes:
        """Stream the body, stopping as soon as it exceeds the size limit."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_response_bytes:
            raise self._too_large(endpoint, f"declares {declared} bytes")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_response_bytes:
                raise self._too_large(endpoint, f"exceeded {self.max_response_bytes} bytes while reading")
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, endpoint: str, detail: str) -> BchApiError:
        return BchApiError(
            endpoint,
            f"response {detail}, over the limit of {self.max_response_bytes} bytes "
            "(BCH_MAX_RESPONSE_BYTES): raise the limit if the source has really grown that much",
        )


class _Deadline:
    """Ends an attempt ``seconds`` after it starts, however slowly the server sends.

    httpx's timeout bounds each read, so a server dripping one byte per read holds an attempt for
    as long as it likes. At the deadline a timer shuts down the attempt's socket (learnt from
    httpcore's ``trace`` extension as each connection opens), which ends the read in progress at
    once; leaving the block then raises :class:`DeadlineExceeded`, whatever the read made of
    the cut (an error, or a body that merely looks complete), so a cut body is never returned.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._expired = False
        self._socket: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        with self._lock:
            self._timer.cancel()
            expired = self._expired
        if expired and (exc is None or isinstance(exc, RETRYABLE_ERRORS)):
            raise DeadlineExceeded(
                f"no complete response within {self.seconds:g} s (BCH_HTTP_DEADLINE_SECONDS, the "
                "deadline of one attempt): the server sends too slowly"
            ) from exc

    def trace(self, event: str, info: dict) -> None:
        """httpcore's trace callback: keep the attempt's newest socket (TCP, then TLS over it)."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            with self._lock:
                self._socket = info["return_value"].get_extra_info("socket")
                if self._expired:  # the connection opened after the deadline
                    self._shutdown()

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._socket is not None:
            try:
                self._socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed: nothing left to interrupt


def _parse(body: bytes, endpoint: str):
    try:
        return json.loads(body)
    except ValueError as exc:
        raise BchApiError(
            endpoint,
            f"body of {len(body)} bytes is not valid JSON ({exc}): truncated, or an error page "
            f"instead of data; starts with {_preview(body)}",
        ) from None


def _client_error(status: int, problem: str) -> str:
    if status == 429:
        return f"{problem}: the server asks us to slow down; lower BCH_REQUESTS_PER_SECOND"
    return f"{problem}: client errors are not retried; check BCH_BASE_URL, the path and the parameters"


def _preview(body: bytes, limit: int = 120) -> str:
    return repr(_shorten(body[: limit + 1].decode("utf-8", "replace"), limit))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
