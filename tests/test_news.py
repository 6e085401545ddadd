"""What's new, the Atom feeds and the Radar page, in a real build of a small project."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path

import feedparser
import pytest

from afkb.render.news import recent_events
from afkb.schema import Change
from conftest import entry_object, make_project, run_afkb, valid_fields, write_entry

pytestmark = pytest.mark.slow
BUILD_DAY = "1764547200"  # 2025-12-01T00:00:00Z, as SOURCE_DATE_EPOCH


def test_recent_events_are_the_last_90_days_newest_first() -> None:
    a = entry_object(
        id="doe2025a",
        title="A",
        added=dt.date(2025, 10, 1),
        changes=(Change(date=dt.date(2025, 11, 20), note="Venue updated."), Change(date=dt.date(2025, 10, 1), note="Added.")),
    )
    b = entry_object(id="doe2025b", title="B", added=dt.date(2025, 8, 1), changes=(Change(date=dt.date(2025, 8, 1), note="Added."),))
    events = recent_events([a, b], dt.date(2025, 12, 1))
    assert [(str(e.date), e.entry.id, e.note, e.added) for e in events] == [
        ("2025-11-20", "doe2025a", "Venue updated.", False),
        ("2025-10-01", "doe2025a", "Added.", True),
    ]


def _project(tmp_path: Path) -> Path:
    entries = tmp_path / "src"
    changed = [{"date": "2025-11-20", "note": "Venue updated to ACL 2025."}, {"date": "2025-11-01", "note": "Added."}]
    write_entry(
        entries,
        valid_fields(
            "doe2025recent",
            title="Recent <b>Bold</b> Paper",
            year=2025,
            arxiv="2501.00003",
            added="2025-11-01",
            changes=changed,
            tags=["fine-tuning-attack", "lora"],
            takeaways=[{"text": "Re-test *after* fine-tuning.", "threat": "fine-tuning-attack"}],
        ),
    )
    write_entry(
        entries,
        valid_fields(
            "roe2023older",
            title="An Older Paper",
            arxiv="2305.00002",
            added="2024-01-10",
            changes=[{"date": "2024-01-10", "note": "Added."}],
            kind="defense",
            tags=["fine-tuning-defense"],
            relations=[{"type": "defends-against", "target": "doe2025recent"}],
        ),
    )
    project = make_project(tmp_path, entries)
    (project / "tracking").mkdir()
    (project / "tracking" / "radar.yaml").write_text(
        "candidates:\n"
        "  - title: A Citing Paper <i>x</i>\n    year: 2025\n    arxiv: '2507.00001'\n"
        "    cites: [doe2025recent, roe2023older]\n    status: new\n"
        "  - title: Off Topic\n    cites: [doe2025recent]\n    status: declined\n    reason: Not about alignment.\n",
        encoding="utf-8",
    )
    return project


def _build(project: Path, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    run_afkb("--quiet", "build", "--entries", "entries", "--site-dir", str(site), cwd=project)


@pytest.fixture
def news_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    _build(_project(tmp_path), site, monkeypatch)
    return site


def test_whats_new_lists_additions_and_changes(news_site: Path) -> None:
    html = (news_site / "whats-new" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "1 additions and 1 changes up to 2025-12-01" in text
    assert "Changed Recent &lt;b&gt;Bold&lt;/b&gt; Paper: Venue updated to ACL 2025." in text
    assert "Added Recent &lt;b&gt;Bold&lt;/b&gt; Paper" in text
    assert "An Older Paper" not in text  # added 2024: outside the 90 days
    assert html.index("20 November 2025") < html.index("1 November 2025")
    assert 'href="../feeds/all.atom.xml"' in html


def test_feeds_validate_and_link_to_the_pages(news_site: Path) -> None:
    names = sorted(str(p.relative_to(news_site)) for p in (news_site / "feeds").rglob("*.xml"))
    assert names == [
        "feeds/all.atom.xml",
        "feeds/kinds/attack.atom.xml",
        "feeds/kinds/defense.atom.xml",
        "feeds/tags/fine-tuning-attack.atom.xml",
        "feeds/tags/fine-tuning-defense.atom.xml",
        "feeds/tags/lora.atom.xml",
    ]
    for name in names:
        parsed = feedparser.parse((news_site / name).read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        for item in parsed.entries:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), item.link))
            assert (news_site / target / "index.html").is_file(), (name, item.link)
    whole = feedparser.parse((news_site / "feeds/all.atom.xml").read_bytes())
    assert [e.title for e in whole.entries] == ["Recent <b>Bold</b> Paper", "An Older Paper"]  # newest change first
    recent = whole.entries[0]
    assert recent.updated.startswith("2025-11-20")
    assert recent.published.startswith("2025-11-01")
    assert "<em>after</em>" in recent.content[0].value  # the takeaway, rendered
    assert "Venue updated to ACL 2025." in recent.content[0].value
    assert [t.term for t in recent.tags] == ["fine-tuning-attack", "lora"]
    assert recent.id.startswith("urn:uuid:")
    lora = feedparser.parse((news_site / "feeds/tags/lora.atom.xml").read_bytes())
    assert [e.id for e in lora.entries] == [recent.id]  # the same id in every feed


def test_feed_ids_are_stable_across_builds(news_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    again = tmp_path / "again"
    _build(tmp_path / "project", again, monkeypatch)
    first = feedparser.parse((news_site / "feeds/all.atom.xml").read_bytes())
    second = feedparser.parse((again / "feeds/all.atom.xml").read_bytes())
    assert [e.id for e in first.entries] == [e.id for e in second.entries]
    assert first.feed.id == second.feed.id


def test_tag_and_kind_pages_link_their_feeds(news_site: Path) -> None:
    for page in ["tags/lora/index.html", "kinds/defense/index.html"]:
        html = (news_site / page).read_text(encoding="utf-8")
        link = re.search(r'class="afkb-feed" href="([^"]+)"', html)
        assert link is not None, page
        assert (news_site / posixpath.normpath(posixpath.join(posixpath.dirname(page), link.group(1)))).is_file()
    assert 'class="afkb-feed"' not in (news_site / "tags/backdoor/index.html").read_text(encoding="utf-8")  # no papers


def test_home_page_newest_additions_by_date(news_site: Path) -> None:
    html = (news_site / "index.html").read_text(encoding="utf-8")
    recent = html[html.index('class="afkb-recent"') :]
    assert recent.index("Recent &lt;b&gt;Bold&lt;/b&gt; Paper") < recent.index("An Older Paper")


def test_radar_page_groups_candidates_by_status(news_site: Path) -> None:
    html = (news_site / "radar" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "1 new · 0 reading · 1 declined · 0 added" in text
    assert 'href="https://arxiv.org/abs/2507.00001">A Citing Paper &lt;i&gt;x&lt;/i&gt;</a>' in html
    assert 'href="../papers/roe2023older/">roe2023older</a>' in html
    assert "Not about alignment." in text


def test_a_malformed_radar_file_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    (project / "tracking" / "radar.yaml").write_text("candidates:\n  - title: X\n    status: later\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DAY)
    result = run_afkb("build", "--entries", "entries", "--site-dir", str(tmp_path / "site"), cwd=project, check=False)
    assert result.returncode == 1
    assert "tracking/radar.yaml:3:13: candidates[0].status: expected one of: new, reading, declined, added" in result.stderr
