"""Events and services as GeoReport v2 describes them: the public part only.

A service request never shows who reported it, who worked on it or what staff wrote: its
status, the unit responsible, when it was asked for, when it is expected, and where it is.
Only published events are requests (open311.models.Publication); of one a citizen filed, the
citizen's own words and address, of one staff published, only its title.
"""

from django.utils import timezone

from gridgov.events.choices import EventStatus
from gridgov.events.public import (
    CLOSED,
    PUBLIC_STEP_TEXT,
    expected_completion,
    responsible_unit,
)

from .models import Channel

# About 10 m: where the problem is, not which door.
COORDINATE_DECIMALS = 4


def _time(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def service(public) -> dict:
    category = public.category
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": public.description or str(category),
        "metadata": bool(public.attribute_count),
        "type": "batch",  # a person reads each request: answers are not immediate
        "keywords": public.keywords or None,
        "group": category.parent.name if category.parent_id else category.name,
    }


def definition(public) -> dict:
    return {
        "service_code": public.category.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description or None,
                "order": a.order,
                "description": a.description,
                "values": [{"key": v["key"], "name": v["name"]} for v in a.values],
            }
            for a in public.attributes.all()
        ],
    }


def request(event) -> dict:
    closed = event.status in CLOSED
    if event.status == EventStatus.MERGED and event.duplicate_of_id:
        notes = f"{event.get_status_display()} {event.duplicate_of.number}"
    else:
        notes = event.get_status_display()
    unit = responsible_unit(event)
    from_public = event.publication.channel != Channel.STAFF
    return {
        "service_request_id": event.number,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": event.category.name,
        "service_code": event.category.code,
        "description": (event.description or event.title) if from_public else event.title,
        "agency_responsible": unit.name if unit else None,
        "service_notice": None,
        "requested_datetime": _time(event.reported_at),
        "updated_datetime": _time(event.updated_at),
        "expected_datetime": _time(expected_completion(event)),
        "address": (event.address or None) if from_public else None,
        "address_id": None,
        "zipcode": None,
        "lat": round(event.lat, COORDINATE_DECIMALS),
        "long": round(event.lon, COORDINATE_DECIMALS),
        "media_url": None,  # photos are evidence about people's homes: staff only
    }


# The request-updates extension's statuses (as FixMyStreet reads them), by the step taken.
UPDATE_STATUS = {
    "report": "open",
    "accept": "open",
    "reopen": "open",
    "escalate": "internal_referral",
    "hand_down": "internal_referral",
    "dispatch": "action_scheduled",
    "start": "in_progress",
    "handle": "in_progress",
    "verify": "in_progress",
    "rework": "in_progress",
    "urge": "in_progress",
    "report_handled": "fixed",
    "close": "fixed",
    "reject": "no_further_action",
    "mark_duplicate": "duplicate",
    "rate": "closed",
}


def update(entry) -> dict:
    """One public step of a request's timeline (never who took it or what staff wrote)."""
    return {
        "update_id": str(entry.pk),
        "service_request_id": entry.item.number,
        "status": UPDATE_STATUS.get(entry.action, "open"),
        "updated_datetime": _time(entry.at),
        "description": str(PUBLIC_STEP_TEXT[entry.action]),
        "media_url": None,
    }
