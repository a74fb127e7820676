"""HTTP client for the BCH API: polite by default and loud about every bad response.

Polite: a User-Agent naming the project, at most ``requests_per_second`` request starts, a
timeout on every request, and one base URL from configuration. Loud: a response that cannot be
trusted (HTTP error, transport failure after the last retry, body over the size limit, body that
is not JSON) raises :class:`BchApiError` naming the request, so nothing half-received is stored.

Only failures that a later attempt can cure are retried: 5xx, timeouts, refused, reset or
dropped connections and bodies cut short. A 4xx is the request's fault and fails at once.
"""

from __future__ import annotations

import json
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
# Transport failures a later attempt can cure (httpx.DecodingError: a compressed body cut short).
RETRYABLE_ERRORS = (httpx.TransportError, httpx.DecodingError)


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
        max_attempts: int = 5,
        requests_per_second: float = 2.0,
        max_response_bytes: int = 200_000_000,
        backoff: Backoff = Backoff(),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        if max_attempts < 1 or requests_per_second <= 0 or max_response_bytes <= 0 or timeout <= 0:
            raise ValueError(
                "BchClient needs max_attempts >= 1 and a positive timeout, requests_per_second and "
                f"max_response_bytes (got {max_attempts}, {timeout}, {requests_per_second}, "
                f"{max_response_bytes})"
            )
        self.base_url = base_url.rstrip("/")
        self.max_attempts = max_attempts
        self.min_interval = 1.0 / requests_per_second
        self.max_response_bytes = max_response_bytes
        self.backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._next_start = clock()
        self._http = httpx.Client(
            base_url=self.base_url, timeout=timeout, headers=HEADERS, follow_redirects=True
        )

    @classmethod
    def from_settings(cls, settings, **overrides) -> BchClient:
        """A client configured from ``Settings``, the only source of the base URL."""
        return cls(
            settings.bch_base_url,
            timeout=settings.http_timeout_seconds,
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
        """Stream the body, stopping as soon as it exceeds the size limit."""
        with self._http.stream("GET", path, params=params) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_response_bytes:
                raise self._too_large(endpoint, f"declares {declared} bytes")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise self._too_large(endpoint, f"exceeded {self.max_response_bytes} bytes while reading")
                chunks.append(chunk)
            return response.status_code, b"".join(chunks)

    def _too_large(self, endpoint: str, detail: str) -> BchApiError:
        return BchApiError(
            endpoint,
            f"response {detail}, over the limit of {self.max_response_bytes} bytes "
            "(BCH_MAX_RESPONSE_BYTES): raise the limit if the source has really grown that much",
        )


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
