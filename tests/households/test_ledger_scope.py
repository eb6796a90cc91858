"""A grid worker of grid A reads, edits, moves and reveals nothing of grid B; ID numbers and
phones appear masked in every list, page and API answer; the lists have fixed query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.core.errors import NotFound
from gridgov.core.models import AuditEntry
from gridgov.households import actions
from gridgov.households.choices import MoveKind
from gridgov.households.models import Move, Resident
from tests.conftest import client_for
from tests.households.conftest import ID_A, ID_B, PHONE_A, PHONE_B, SYSTEM, id_number

pytestmark = pytest.mark.django_db


def test_a_grid_worker_cannot_read_another_grids_resident_anywhere(
    gridworker_a, ledger_a, ledger_b
):
    client = client_for(gridworker_a)
    b = ledger_b.resident
    assert client.get(f"/ledgers/residents/{b.pk}/").status_code == 404
    assert client.get(f"/ledgers/households/{ledger_b.household.number}/").status_code == 404
    assert client.get(f"/ledgers/buildings/{ledger_b.building.pk}/").status_code == 404
    assert client.get(f"/api/v1/residents/{b.pk}").status_code == 404
    assert client.get(f"/api/v1/households/{ledger_b.household.number}").status_code == 404
    listed = client.get("/api/v1/residents?page_size=500").json()
    ids = {row["id"] for row in listed["results"]}
    assert ledger_a.resident.pk in ids and b.pk not in ids
    assert client.get("/api/v1/residents", {"q": ID_B}).json()["count"] == 0
    assert client.get("/api/v1/residents", {"q": PHONE_B}).json()["count"] == 0
    assert client.get("/api/v1/households", {"q": ID_B}).json()["count"] == 0
    assert (
        client.get("/api/v1/residents", {"region": ledger_b.household.grid_id}).status_code == 404
    )


def test_search_by_exact_id_number_or_phone_finds_the_person_in_ones_area(
    dispatcher_town, ledger_a, ledger_b
):
    client = client_for(dispatcher_town)
    for text in (ID_B, PHONE_B, ID_B.lower()):
        rows = client.get("/api/v1/residents", {"q": text}).json()["results"]
        assert [r["id"] for r in rows] == [ledger_b.resident.pk]
    page = client.get("/ledgers/", {"q": ID_A})
    assert page.status_code == 200 and ledger_a.resident.name in page.content.decode()


def test_a_grid_worker_cannot_edit_move_or_reveal_another_grids_resident(gridworker_a, ledger_b):
    client = client_for(gridworker_a)
    b = ledger_b.resident
    audit_before = AuditEntry.objects.count()
    moves_before = Move.objects.count()
    answers = [
        client.post(f"/ledgers/residents/{b.pk}/move/", {"kind": "move_out"}),
        client.post(f"/ledgers/residents/{b.pk}/groups/", {"groups": ["disabled"]}),
        client.post(f"/ledgers/residents/{b.pk}/erase/", {"reason": "x"}),
        client.post(f"/ledgers/residents/{b.pk}/reveal/id_number/", {"purpose": "verify"}),
        client.post(
            f"/api/v1/residents/{b.pk}/moves", {"kind": "move_out"}, content_type="application/json"
        ),
        client.post(
            f"/api/v1/residents/{b.pk}/reveal",
            {"field": "id_number", "purpose": "verify"},
            content_type="application/json",
        ),
        client.post(
            f"/ledgers/households/{ledger_b.household.number}/members/",
            {"name": "甲", "id_number": id_number(dt.date(1990, 1, 1), 77)},
        ),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    with pytest.raises(NotFound):
        actions.do_edit_resident(
            b, actions.PersonData(name="改名", id_number=ID_B), actor=gridworker_a
        )
    assert AuditEntry.objects.count() == audit_before
    assert Move.objects.count() == moves_before
    assert Resident.objects.get(pk=b.pk).name == "李秀英"


def test_id_numbers_and_phones_appear_masked_in_every_list_page_and_answer(
    dispatcher_town, ledger_a
):
    client = client_for(dispatcher_town)
    household = ledger_a.household.number
    bodies = [
        client.get("/ledgers/"),
        client.get("/ledgers/households/"),
        client.get(f"/ledgers/households/{household}/"),
        client.get(f"/ledgers/residents/{ledger_a.resident.pk}/"),
        client.get("/api/v1/residents", {"region": ledger_a.household.grid_id}),
        client.get(f"/api/v1/residents/{ledger_a.resident.pk}"),
        client.get(f"/api/v1/households/{household}"),
    ]
    for response in bodies:
        text = response.content.decode()
        assert response.status_code == 200
        assert ID_A not in text and PHONE_A not in text
    assert ledger_a.resident.masked_id_number in bodies[3].content.decode()


def test_a_dispatcher_reveals_an_id_number_for_a_purpose_and_the_reveal_is_audited(
    dispatcher_town, ledger_a, english
):
    client = client_for(dispatcher_town)
    url = f"/api/v1/residents/{ledger_a.resident.pk}/reveal"
    refused = client.post(url, {"field": "id_number"}, content_type="application/json")
    assert refused.status_code == 400
    answer = client.post(
        url, {"field": "id_number", "purpose": "verify"}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["value"] == ID_A
    assert "no-store" in answer["Cache-Control"]
    entry = AuditEntry.objects.get(action="pii.reveal", target_id=str(ledger_a.resident.pk))
    assert entry.target_type == "households.resident" and entry.changes["purpose"] == "verify"


def test_a_grid_worker_may_not_reveal_even_in_their_own_grid(gridworker_a, ledger_a):
    client = client_for(gridworker_a)
    answer = client.post(
        f"/api/v1/residents/{ledger_a.resident.pk}/reveal",
        {"field": "phone", "purpose": "contact"},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


def test_supervisors_see_the_reveals_of_their_area_only(
    dispatcher_town, supervisor_town, ledger_a, gridworker_a
):
    client_for(dispatcher_town).post(
        f"/ledgers/residents/{ledger_a.resident.pk}/reveal/phone/",
        {"purpose": "other", "purpose_note": "核实走访"},
    )
    page = client_for(supervisor_town).get("/ledgers/reveals/")
    text = page.content.decode()
    assert page.status_code == 200 and "核实走访" in text and "王*" in text
    assert PHONE_A not in text
    assert client_for(gridworker_a).get("/ledgers/reveals/").status_code == 403


def test_a_supervisor_of_another_area_does_not_see_the_reveal(dispatcher_town, ledger_b, db):
    from gridgov.org.choices import Role
    from tests.conftest import OTHER_TOWN, staff_user

    client_for(dispatcher_town).post(
        f"/ledgers/residents/{ledger_b.resident.pk}/reveal/phone/",
        {"purpose": "other", "purpose_note": "核实走访"},
    )
    other = staff_user(role=Role.SUPERVISOR, region__code=OTHER_TOWN)
    assert "核实走访" not in client_for(other).get("/ledgers/reveals/").content.decode()


def test_moves_and_members_through_the_api(dispatcher_town, ledger_a, ledger_b):
    client = client_for(dispatcher_town)
    added = client.post(
        "/api/v1/residents",
        {
            "household": ledger_a.household.number,
            "name": "王小明",
            "id_number": id_number(dt.date(2010, 5, 5), 99),
            "relation": "child",
            "on": "2015-01-01",
        },
        content_type="application/json",
    )
    assert added.status_code == 201, added.json()
    pk = added.json()["id"]
    moved = client.post(
        f"/api/v1/residents/{pk}/moves",
        {"kind": MoveKind.MOVE_OUT, "on": "2024-01-01", "household": ledger_b.household.number},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["household"] == ledger_b.household.number
    detail = client.get(f"/api/v1/households/{ledger_b.household.number}").json()
    assert detail["size"] == 2 and {m["id"] for m in detail["members"]} >= {pk}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _fill(grid, serials, reveal_by):
    from tests.households.conftest import microgrid_of, new_household

    for n in serials:
        household = new_household(microgrid_of(grid), f"Q{n}")
        resident = actions.do_add_resident(
            household, actor=SYSTEM, name=f"甲{n}", id_number=id_number(dt.date(1980, 1, 1), n),
            phone="13700000000",
        )  # fmt: skip
        client_for(reveal_by).post(
            f"/ledgers/residents/{resident.pk}/reveal/phone/", {"purpose": "verify"}
        )


@pytest.mark.parametrize(
    "url",
    ["/api/v1/residents", "/api/v1/households", "/api/v1/buildings", "/ledgers/",
     "/ledgers/households/", "/ledgers/buildings/", "/ledgers/reveals/"],
)  # fmt: skip
def test_the_lists_take_a_fixed_number_of_queries(url, admin_user, dispatcher_town, grid_a):
    client = client_for(admin_user)
    _fill(grid_a, [1], dispatcher_town)
    client.get(url)  # warm the session and the user's post
    few = _queries(client, url)
    _fill(grid_a, range(2, 6), dispatcher_town)
    assert _queries(client, url) == few
