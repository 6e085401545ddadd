"""One HTTP layer for every metadata service: an on-disk cache (requests-cache), a User-Agent
with a contact, a minimum interval between requests to each service, retries with backoff on
429 and 5xx that honour Retry-After, timeouts, and counts of requests sent and answered from cache.

Errors are :class:`ServiceError`: one line naming the service and the id asked about. API keys
come from the environment; they are sent, never printed, and requests-cache strips them from
what it stores (they are ignored parameters)."""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import requests
from requests_cache import CachedSession

from afkb import __version__
from afkb.errors import AfkbError
from afkb.problems import for_terminal

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

CACHE_LIFETIME = dt.timedelta(hours=24)
TIMEOUT_S = (10.0, 60.0)  # connect, read
ATTEMPTS = 4
MAX_RETRY_AFTER_S = 120.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SECRET_PARAMETERS = ("api_key", "x-api-key", "Authorization")
MAX_ANSWER_BYTES = 50 * 1024 * 1024


class ServiceError(AfkbError):
    """A service was unreachable, refused, or answered something unusable."""

    def __init__(self, service: str, ident: str, message: str) -> None:
        super().__init__(f"{service}: {for_terminal(ident)}: {message}")


@dataclass(frozen=True)
class Service:
    """A metadata service: its name in messages, its base URL (overridable), its pace and key."""

    name: str
    base_env: str
    default_base: str
    min_interval_s: float
    key_env: str | None = None

    @property
    def base(self) -> str:
        return os.environ.get(self.base_env, self.default_base).rstrip("/")

    @property
    def key(self) -> str | None:
        return os.environ.get(self.key_env) if self.key_env else None


ARXIV = Service("arxiv", "AFKB_ARXIV_API", "https://export.arxiv.org/api", 3.0)
CROSSREF = Service("crossref", "AFKB_CROSSREF_API", "https://api.crossref.org", 0.1)
OPENALEX = Service("openalex", "AFKB_OPENALEX_API", "https://api.openalex.org", 0.1, "AFKB_OPENALEX_KEY")
SEMANTIC_SCHOLAR = Service("semanticscholar", "AFKB_S2_API", "https://api.semanticscholar.org", 1.0, "AFKB_S2_KEY")
OPENREVIEW = Service("openreview", "AFKB_OPENREVIEW_API", "https://api2.openreview.net", 0.5)


def batch_ident(batch: list[str]) -> str:
    """How a batch request is named in messages: its first id, and how many more."""
    return batch[0] if len(batch) == 1 else f"{batch[0]} and {len(batch) - 1} more"


def contact() -> str | None:
    return os.environ.get("AFKB_CONTACT") or None


def user_agent() -> str:
    who = contact()
    return f"afkb/{__version__} (Alignment Fragility Knowledge Base{'; mailto:' + who if who else ''})"


def _retry_after(response: requests.Response, attempt: int, backoff_s: float) -> float:
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    if value:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return min(max((when - dt.datetime.now(tz=dt.UTC)).total_seconds(), 0.0), MAX_RETRY_AFTER_S)
    return float(backoff_s * 2**attempt)


@dataclass
class Http:
    """The session every service call goes through; one per command run."""

    cache_file: Path | None
    backoff_s: float = 1.0
    timeout_s: tuple[float, float] = TIMEOUT_S
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    sent: int = 0
    from_cache: int = 0
    _last: dict[str, float] = field(default_factory=dict)
    _session: requests.Session = field(init=False)

    def __post_init__(self) -> None:
        if self.cache_file is None:
            self._session = requests.Session()
        else:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            self._session = CachedSession(
                str(self.cache_file),
                backend="sqlite",
                expire_after=CACHE_LIFETIME,
                allowable_methods=("GET", "POST"),
                ignored_parameters=SECRET_PARAMETERS,
            )
        self._session.headers["User-Agent"] = user_agent()

    def summary(self) -> str:
        return f"{self.sent} requests sent, {self.from_cache} answered from cache"

    def _wait_turn(self, service: Service) -> None:
        last = self._last.get(service.name)
        if last is not None:
            remaining = service.min_interval_s - (self.clock() - last)
            if remaining > 0:
                self.sleep(remaining)
        self._last[service.name] = self.clock()

    def _cached(self, method: str, url: str, **kwargs: Any) -> requests.Response | None:
        if not isinstance(self._session, CachedSession):
            return None
        response = self._session.request(method, url, only_if_cached=True, **kwargs)
        return response if getattr(response, "from_cache", False) and response.status_code == 200 else None  # noqa: PLR2004

    def request(
        self,
        service: Service,
        method: str,
        path: str,
        ident: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """The service's answer (status 200 or 404); anything else raises :class:`ServiceError`."""
        url = f"{service.base}/{path.lstrip('/')}"
        kwargs: dict[str, Any] = {"params": params, "json": json, "headers": headers, "timeout": self.timeout_s}
        cached = self._cached(method, url, **kwargs)
        if cached is not None:
            self.from_cache += 1
            return cached
        for attempt in range(ATTEMPTS):
            self._wait_turn(service)
            self.sent += 1
            try:
                response = self._session.request(method, url, **kwargs)
            except requests.Timeout:
                problem = "timed out"
            except requests.RequestException as error:
                problem = f"unreachable ({type(error).__name__})"
            else:
                if response.status_code in (200, 404):
                    return response
                if response.status_code not in RETRY_STATUSES:
                    raise ServiceError(service.name, ident, f"refused the request (HTTP {response.status_code})")
                problem = f"HTTP {response.status_code}"
                if attempt + 1 < ATTEMPTS:
                    self.sleep(_retry_after(response, attempt, self.backoff_s))
                continue
            if attempt + 1 < ATTEMPTS:
                self.sleep(self.backoff_s * 2**attempt)
        raise ServiceError(service.name, ident, f"{problem} after {ATTEMPTS} attempts")

    def json(self, service: Service, method: str, path: str, ident: str, **kwargs: Any) -> Any | None:
        """The JSON of the answer, or None for 404."""
        response = self.request(service, method, path, ident, **kwargs)
        if response.status_code == 404:  # noqa: PLR2004
            return None
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind and "json" not in kind:
            raise ServiceError(service.name, ident, f"answered {kind or 'something'} where JSON was expected")
        if len(response.content) > MAX_ANSWER_BYTES:
            raise ServiceError(service.name, ident, "answer too large")
        try:
            return response.json()
        except ValueError:
            raise ServiceError(service.name, ident, "answered malformed or truncated JSON") from None

    def text(self, service: Service, method: str, path: str, ident: str, **kwargs: Any) -> str | None:
        """The text of the answer, or None for 404."""
        response = self.request(service, method, path, ident, **kwargs)
        if response.status_code == 404:  # noqa: PLR2004
            return None
        if len(response.content) > MAX_ANSWER_BYTES:
            raise ServiceError(service.name, ident, "answer too large")
        return response.content.decode("utf-8", errors="replace")


def default_http() -> Http:
    from afkb.cache import default_cache_dir

    return Http(default_cache_dir() / "http.sqlite")
