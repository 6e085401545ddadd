"""What is new: the "What's new" page (additions and changes of the last 90 days), the Atom feeds
(the whole knowledge base, each tag, each kind) and the Radar page of papers not yet covered."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator
from markupsafe import Markup

from afkb.changes import ADDED_NOTE
from afkb.render.html import inline_markdown
from afkb.render.links import KINDS_DIR, TAGS_DIR, href, paper_path
from afkb.render.page import GeneratedPage
from afkb.render.templates import render
from afkb.tracking import radar

if TYPE_CHECKING:
    from afkb.render.context import SiteContext
    from afkb.schema import Entry

RECENT_DAYS = 90
FEEDS_DIR = "feeds"
FEED_NAMESPACE = uuid.UUID("5d1c3b2e-7a0f-4c59-9a53-3a3f6a1e2b10")  # ours: feed and item ids derive from it
RADAR_FILE = "tracking/radar.yaml"  # beside the entries directory


def build_date() -> dt.date:
    """Today, or the date of SOURCE_DATE_EPOCH for a reproducible build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


@dataclass(frozen=True)
class Event:
    date: dt.date
    entry: Entry
    note: str
    added: bool


def recent_events(entries: list[Entry], today: dt.date, days: int = RECENT_DAYS) -> list[Event]:
    """Additions and changes of the last ``days`` days, newest first."""
    since = today - dt.timedelta(days=days)
    events = [
        Event(change.date, entry, change.note, i == len(entry.changes) - 1)
        for entry in entries
        for i, change in enumerate(entry.changes)
        if since < change.date <= today
    ]
    return sorted(events, key=lambda e: (e.date, e.added, e.entry.title.lower()), reverse=True)


def feed_path(scope: str = "", name: str = "all") -> str:
    return f"{FEEDS_DIR}/{scope + '/' if scope else ''}{name}.atom.xml"


def whats_new_page(ctx: SiteContext, today: dt.date) -> GeneratedPage:
    events = recent_events(ctx.collection.sorted_entries(), today)
    days: dict[dt.date, list[Event]] = {}
    for event in events:
        days.setdefault(event.date, []).append(event)
    page = "whats-new.md"
    return GeneratedPage(
        page,
        "What's new",
        render(
            "whats_new.md",
            page=page,
            days=list(days.items()),
            recent_days=RECENT_DAYS,
            today=today,
            feed=feed_path(),
            added_count=sum(e.added for e in events),
            changed_count=sum(not e.added for e in events),
        ),
    )


def radar_page(ctx: SiteContext) -> GeneratedPage:
    candidates = radar.load(ctx.collection.root.parent / RADAR_FILE)
    groups = [(status, [c for c in candidates if c.status == status]) for status in radar.STATUSES]
    known = set(ctx.collection.entries)
    page = "radar.md"
    return GeneratedPage(
        page,
        "Radar",
        render("radar.md", page=page, groups=groups, total=len(candidates), known=known),
    )


def _item_content(entry: Entry, page_url: str) -> str:
    takeaways = Markup("").join(Markup("<li>{}</li>").format(inline_markdown(t.text)) for t in entry.takeaways)
    latest = entry.changes[0]
    change = (
        "" if latest.note == ADDED_NOTE else Markup("<p>Latest change ({}): {}</p>").format(latest.date, latest.note)
    )
    return str(
        Markup('<p>{}</p><p>Defensive takeaways:</p><ul>{}</ul>{}<p><a href="{}">Read the entry</a></p>').format(
            entry.tldr or entry.title, takeaways, change, page_url
        )
    )


def _from_file(file_path: str, to_page: str) -> str:
    """A relative URL from a plain file (served as itself, not as a directory) to a page."""
    return "../" * file_path.count("/") + href("index.md", to_page)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _feed(title: str, path: str, entries: list[Entry], site_url: str, subtitle: str) -> bytes:
    base = site_url.rstrip("/") + "/" if site_url else ""
    feed = FeedGenerator()
    feed.id(f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, 'feed:' + path)}")
    feed.title(title)
    feed.subtitle(subtitle)
    feed.link(href=base + path if base else path.rsplit("/", 1)[-1], rel="self")
    feed.link(href=base or _from_file(path, "index.md") or "./", rel="alternate")
    feed.language("en")
    newest = sorted(entries, key=lambda e: (e.changes[0].date, e.id))
    feed.updated(_midnight(newest[-1].changes[0].date) if newest else _midnight(dt.date(2024, 1, 1)))
    for entry in newest:  # feedgen lists the last added first
        page_url = (base or _from_file(path, "index.md")) + href("index.md", paper_path(entry.id))
        item = feed.add_entry()
        item.id(f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, 'entry:' + entry.id)}")
        item.title(entry.title)
        item.link(href=page_url, rel="alternate")
        item.published(_midnight(entry.added))
        item.updated(_midnight(entry.changes[0].date))
        for name in entry.authors[:50]:
            item.author({"name": name})
        for tag in entry.tags:
            item.category(term=tag)
        item.summary(entry.tldr or entry.title)
        item.content(_item_content(entry, page_url), type="html")
    return bytes(feed.atom_str(pretty=True))


def atom_feeds(ctx: SiteContext, site_url: str = "") -> dict[str, bytes]:
    """Site-relative path -> Atom document: all entries, each tag, each kind."""
    entries = ctx.collection.sorted_entries()
    name = "Alignment Fragility Knowledge Base"
    feeds = {feed_path(): _feed(name, feed_path(), entries, site_url, "Every paper, newest change first.")}
    for tag in sorted({t for e in entries for t in e.tags}):
        path = feed_path(TAGS_DIR, tag)
        tagged = [e for e in entries if tag in e.tags]
        feeds[path] = _feed(f"{name}: {tag}", path, tagged, site_url, f"Papers tagged {tag}.")
    for kind in sorted({e.kind for e in entries}):
        path = feed_path(KINDS_DIR, kind)
        of_kind = [e for e in entries if e.kind == kind]
        feeds[path] = _feed(f"{name}: {kind} papers", path, of_kind, site_url, f"Papers of kind {kind}.")
    return feeds
