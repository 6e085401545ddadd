"""OpenReview's API (v2): the title, authors and venue of a forum (a submission)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from afkb.tracking.http import OPENREVIEW, Http, ServiceError
from afkb.tracking.records import PaperRecord, clean_authors, clean_text

FORUM_ID = r"[A-Za-z0-9_-]{5,40}"


def _value(content: dict[str, Any], key: str) -> Any:
    item = content.get(key)
    return item.get("value") if isinstance(item, dict) else item


def parse_notes(data: Any, forum: str) -> PaperRecord | None:
    notes = data.get("notes") if isinstance(data, dict) else None
    if not isinstance(notes, list):
        raise ServiceError(OPENREVIEW.name, forum, "answered something other than a list of notes")
    note = next((n for n in notes if isinstance(n, dict) and n.get("id") == forum), None)
    if note is None:
        return None
    content = note.get("content")
    if not isinstance(content, dict):
        raise ServiceError(OPENREVIEW.name, forum, "answered a note without content")
    authors = _value(content, "authors")
    record = PaperRecord(
        title=clean_text(_value(content, "title"), OPENREVIEW.name, forum, "title"),
        authors=clean_authors(authors if isinstance(authors, list) else [], OPENREVIEW.name, forum),
        url=f"https://openreview.net/forum?id={forum}",
    )
    venue = _value(content, "venue")
    venue_id = str(_value(content, "venueid") or "")
    if isinstance(venue, str) and venue.strip() and not venue.startswith("Submitted to"):
        record.venue = clean_text(venue, OPENREVIEW.name, forum, "venue")
        if "/Workshop" in venue_id or "workshop" in venue.lower():
            record.venue_type = "workshop"
        elif "/Conference" in venue_id:
            record.venue_type = "conference"
        year = re.search(r"(?:19|20)[0-9]{2}", venue)
        record.year = int(year.group(0)) if year else None
    stamp = note.get("pdate") or note.get("cdate")
    if isinstance(stamp, int) and stamp > 0:
        first = dt.datetime.fromtimestamp(stamp / 1000, tz=dt.UTC).year
        record.first_year = first
        record.year = record.year or first
    record.filled(OPENREVIEW.name, "title", "authors", "url", "venue", "venue_type", "year", "first_year")
    return record


def fetch(http: Http, forum: str) -> PaperRecord | None:
    data = http.json(OPENREVIEW, "GET", "notes", forum, params={"forum": forum})
    return None if data is None else parse_notes(data, forum)
