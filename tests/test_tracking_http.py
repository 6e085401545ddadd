"""The HTTP layer on its own: pacing per service, Retry-After, timeouts, and keys kept out of the cache."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from werkzeug import Response

from afkb.tracking.http import ARXIV, CROSSREF, OPENALEX, Http, ServiceError

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_httpserver import HTTPServer


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def local(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("AFKB_ARXIV_API", httpserver.url_for("/arxiv"))
    monkeypatch.setenv("AFKB_CROSSREF_API", httpserver.url_for("/crossref"))
    monkeypatch.setenv("AFKB_OPENALEX_API", httpserver.url_for("/openalex"))
    return httpserver


def test_arxiv_gets_one_request_every_three_seconds(local: HTTPServer) -> None:
    local.expect_request("/arxiv/query").respond_with_data("<feed/>")
    local.expect_request("/crossref/works/x").respond_with_data("{}", content_type="application/json")
    fake = FakeTime()
    http = Http(None, sleep=fake.sleep, clock=fake.clock)
    for _ in range(3):
        http.text(ARXIV, "GET", "query", "x")
    http.json(CROSSREF, "GET", "works/x", "x")  # another service keeps its own pace
    assert fake.slept == [3.0, 3.0]
    assert http.summary() == "4 requests sent, 0 answered from cache"


def test_retry_after_as_a_date_is_honoured(local: HTTPServer) -> None:
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    local.expect_ordered_request("/crossref/works/x").respond_with_response(
        Response("busy", status=503, headers={"Retry-After": later})
    )
    local.expect_ordered_request("/crossref/works/x").respond_with_data("{}", content_type="application/json")
    fake = FakeTime()
    http = Http(None, sleep=fake.sleep, clock=fake.clock)
    assert http.json(CROSSREF, "GET", "works/x", "x") == {}
    assert len(fake.slept) == 1
    assert 25 <= fake.slept[0] <= 31


def test_backoff_without_retry_after(local: HTTPServer) -> None:
    local.expect_request("/crossref/works/x").respond_with_data("down", status=502)
    fake = FakeTime()
    http = Http(None, sleep=fake.sleep, clock=fake.clock, backoff_s=1.0)
    with pytest.raises(ServiceError) as raised:
        http.json(CROSSREF, "GET", "works/x", "10.1234/x")
    assert str(raised.value) == "crossref: 10.1234/x: HTTP 502 after 4 attempts"
    assert [s for s in fake.slept if s >= 1] == [1.0, 2.0, 4.0]


def test_a_slow_service_times_out(local: HTTPServer) -> None:
    def slow(_request: object) -> Response:
        time.sleep(1.5)
        return Response("{}", content_type="application/json")

    local.expect_request("/crossref/works/x").respond_with_handler(slow)
    fake = FakeTime()
    http = Http(None, sleep=fake.sleep, clock=fake.clock, timeout_s=(1.0, 0.3))
    with pytest.raises(ServiceError) as raised:
        http.json(CROSSREF, "GET", "works/x", "10.1234/x")
    assert str(raised.value) == "crossref: 10.1234/x: timed out after 4 attempts"


def test_an_unreachable_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFKB_CROSSREF_API", "http://127.0.0.1:9")  # the discard port: nothing listens
    fake = FakeTime()
    http = Http(None, sleep=fake.sleep, clock=fake.clock)
    with pytest.raises(ServiceError) as raised:
        http.json(CROSSREF, "GET", "works/x", "10.1234/x")
    assert str(raised.value) == "crossref: 10.1234/x: unreachable (ConnectionError) after 4 attempts"


def test_keys_are_sent_but_never_cached(local: HTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = "sk-test-0123456789abcdef"
    monkeypatch.setenv("AFKB_OPENALEX_KEY", secret)
    local.expect_request("/openalex/works", query_string={"filter": "doi:x", "api_key": secret}).respond_with_data(
        '{"results": []}', content_type="application/json"
    )
    cache = tmp_path / "http.sqlite"
    http = Http(cache)
    params = {"filter": "doi:x", "api_key": OPENALEX.key or ""}
    assert http.json(OPENALEX, "GET", "works", "x", params=params) == {"results": []}
    assert http.json(OPENALEX, "GET", "works", "x", params=params) == {"results": []}
    assert http.summary() == "1 requests sent, 1 answered from cache"
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"filter" in stored or len(stored) > 0
    assert secret.encode() not in stored
