"""Salatiga's clock: it keeps Western Indonesian Time (UTC+7, no daylight saving), and the days
the rules count (objection windows, award dates) are its calendar days."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")


def local_day(at: datetime) -> date:
    """The calendar day in Salatiga at this moment."""
    return at.astimezone(WIB).date()
