"""Scheduled reports: made once per (region, frequency, period) by a background job from the
cockpit's tiles, as a workbook holding the figures and a PDF with the charts in Chinese; kept
for download in the area only; the recipients told; the webhooks told."""

import io
import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gridgov.core.dates import Period
from gridgov.core.models import AuditEntry, Job
from gridgov.regions.models import Region
from gridgov.reports import documents
from gridgov.reports.actions import do_subscribe
from gridgov.reports.choices import ReportStatus, last_whole_period
from gridgov.reports.figures import charts_of
from gridgov.reports.making import queue_due
from gridgov.reports.models import DailySummary, Report
from gridgov.reports.summary import publish_summaries
from gridgov.webhooks.actions import SubscriptionData, do_create_subscription
from gridgov.webhooks.models import Message
from gridgov.workflow.models import Notification
from tests.conftest import DEMO_TOWN, OTHER_TOWN, client_for

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)  # a Monday


@pytest.fixture
def town(db):
    return Region.objects.get(code=DEMO_TOWN)


def test_each_frequency_covers_its_last_whole_period():
    assert str(last_whole_period("daily", TODAY)) == "2026-12-06"
    assert str(last_whole_period("weekly", TODAY)) == "2026-W49"
    assert last_whole_period("weekly", TODAY).last == date(2026, 12, 6)
    assert str(last_whole_period("monthly", TODAY)) == "2026-11"
    assert str(last_whole_period("monthly", date(2027, 1, 1))) == "2026-12"


def test_a_due_report_is_made_once_with_the_figures_in_its_workbook(
    county_leader, dispatcher_town, town
):
    do_subscribe(town, "monthly", [dispatcher_town.username], actor=county_leader)
    assert queue_due(today=TODAY) == 1
    assert queue_due(today=TODAY) == 0  # made already: nothing queued again
    report = Report.objects.get()
    assert (report.status, report.period) == (ReportStatus.READY, "2026-11")
    assert Job.objects.get(pk=report.job_id).status == "succeeded"
    book = load_workbook(io.BytesIO(report.xlsx.read()), read_only=True)
    rows = [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert ("事件", "上报事件", 448, "件") in rows
    assert ("事件", "按时办结率", 47.05, "%") in rows
    assert ("事件", "暂无数据", None, "件") in rows
    assert ("关爱", "关爱走访", 135, "次") in rows
    assert not any("考核" in str(r) for r in rows)  # the creator may not see that tile
    trend = next(s for s in book.worksheets if "事件趋势" in s.title)
    assert list(trend.iter_rows(values_only=True))[1] == ("01日", 3)
    assert report.figures["evt.reported"] == 448


def test_the_pdf_is_a_pdf_with_chinese_text_in_an_embedded_cjk_font(county_leader, town):
    do_subscribe(town, "daily", [], actor=county_leader)
    queue_due(today=TODAY)
    pdf = Report.objects.get().pdf.read()
    assert pdf.startswith(b"%PDF-")
    assert any(b"CJK" in name for name in documents.embedded_fonts(pdf))
    text = documents.text_mapped(pdf)
    for word in ("东栅街道", "日报", "上报事件", "事件趋势", "已办结"):
        assert set(word) <= set(text), word


def test_a_tile_that_fails_is_named_and_the_rest_of_the_report_is_made(county_leader, town):
    do_subscribe(town, "daily", [], actor=county_leader)
    queue_due(today=TODAY)
    job = Job.objects.get(kind="reports.make")
    assert job.status == "succeeded" and job.problems == ["坏的"]


def test_without_cjk_fonts_the_report_fails_saying_what_to_install(
    county_leader, town, monkeypatch
):
    monkeypatch.setattr(documents, "CJK_FONT", documents.re.compile(rb"^$"))
    do_subscribe(town, "daily", [], actor=county_leader)
    queue_due(today=TODAY)
    job = Job.objects.get(kind="reports.make")
    assert job.status == "failed" and "fonts-noto-cjk" in job.message
    assert Report.objects.get().status == ReportStatus.QUEUED


def test_the_recipients_are_told_and_a_webhook_gets_the_link(
    county_leader, dispatcher_town, town, django_capture_on_commit_callbacks
):
    data = SubscriptionData("报表", "http://127.0.0.1:9/h", ["report.ready"], town)
    webhook, _secret = do_create_subscription(data, actor=county_leader)
    do_subscribe(town, "weekly", [dispatcher_town.username], actor=county_leader)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_due(today=TODAY)
    for callback in callbacks:
        callback()
    report = Report.objects.get()
    told = Notification.objects.get(user=dispatcher_town, url=report.get_absolute_url())
    assert told.url == report.get_absolute_url() and "周报" in told.text
    message = Message.objects.get(subscription=webhook)
    assert message.payload["url"].endswith(report.get_absolute_url())
    assert message.payload["period"] == "2026-W49"


def test_the_reports_page_lists_and_serves_the_areas_reports_only(
    county_leader, dispatcher_town, dispatcher_other_town, town
):
    do_subscribe(town, "daily", [], actor=county_leader)
    queue_due(today=TODAY)
    report = Report.objects.get()
    mine = client_for(dispatcher_town)
    page = mine.get(reverse("reports:home")).content.decode()
    assert report.get_absolute_url() in page
    download = mine.get(reverse("reports:download", args=[report.pk, "pdf"]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:5] == b"%PDF-"
    xlsx = mine.get(reverse("reports:download", args=[report.pk, "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert mine.get(reverse("reports:download", args=[report.pk, "region"])).status_code == 404
    other = client_for(dispatcher_other_town)
    assert report.get_absolute_url() not in other.get(reverse("reports:home")).content.decode()
    assert other.get(report.get_absolute_url()).status_code == 404
    assert other.get(reverse("reports:download", args=[report.pk, "pdf"])).status_code == 404
    assert other.get(f"/api/v1/reports?region={DEMO_TOWN}").status_code == 404
    listed = mine.get("/api/v1/reports").json()["results"]
    assert [r["id"] for r in listed] == [report.pk] and listed[0]["pdf"].endswith("/pdf/")


def test_subscribing_refuses_a_region_outside_the_area_and_recipients_who_may_not_read_it(
    county_leader, dispatcher_other_town, town
):
    client = client_for(county_leader)
    before = AuditEntry.objects.count()
    outside = client.post(
        "/api/v1/report-subscriptions",
        json.dumps({"region": "330411", "frequency": "daily"}),
        content_type="application/json",
    )
    assert outside.status_code == 400 and outside.json()["errors"][0]["field"] == "region"
    unreadable = client.post(
        "/api/v1/report-subscriptions",
        json.dumps(
            {"region": DEMO_TOWN, "frequency": "daily",
             "recipients": [dispatcher_other_town.username, "nobody-here"]}
        ),
        content_type="application/json",
    )  # fmt: skip
    assert unreadable.status_code == 400
    messages = " ".join(e["message"] for e in unreadable.json()["errors"])
    assert dispatcher_other_town.username in messages and "nobody-here" in messages
    assert AuditEntry.objects.count() == before and not Report.objects.exists()


def test_subscribing_again_changes_the_recipients_of_the_one_subscription(
    county_leader, dispatcher_town, gridworker_a, town
):
    client = client_for(county_leader)
    for people in ([dispatcher_town.username], [county_leader.username]):
        response = client.post(
            "/api/v1/report-subscriptions",
            json.dumps({"region": DEMO_TOWN, "frequency": "weekly", "recipients": people}),
            content_type="application/json",
        )
        assert response.status_code == 201
    listed = client.get("/api/v1/report-subscriptions").json()["results"]
    assert [s["recipients"] for s in listed] == [[county_leader.username]]
    refused = client.post(
        "/api/v1/report-subscriptions",
        json.dumps({"region": DEMO_TOWN, "frequency": "weekly",
                    "recipients": [gridworker_a.username]}),
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 400  # a grid worker may not read the whole town's report
    ended = client.delete(f"/api/v1/report-subscriptions/{listed[0]['id']}")
    assert ended.status_code == 204 and queue_due(today=TODAY) == 0


def test_only_people_who_manage_pushes_may_subscribe(dispatcher_town, town):
    response = client_for(dispatcher_town).post(
        "/api/v1/report-subscriptions",
        json.dumps({"region": DEMO_TOWN, "frequency": "daily"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    page = client_for(dispatcher_town).post(
        reverse("reports:home"), {"region": DEMO_TOWN, "frequency": "daily"}
    )
    assert page.status_code == 200 and not Report.objects.exists()


def test_the_page_subscribes_a_region(county_leader, dispatcher_town):
    client = client_for(county_leader)
    response = client.post(
        reverse("reports:home"),
        {"region": DEMO_TOWN, "frequency": "monthly", "recipients": dispatcher_town.username},
    )
    assert response.status_code == 302
    assert dispatcher_town.username in client.get(reverse("reports:home")).content.decode()


def test_the_daily_summary_is_published_once_per_region_and_day(
    county_leader, town, django_capture_on_commit_callbacks
):
    data = SubscriptionData("日报", "http://127.0.0.1:9/h", ["summary.daily"], town)
    webhook, _secret = do_create_subscription(data, actor=county_leader)
    other = Region.objects.get(code=OTHER_TOWN)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert publish_summaries(day=date(2026, 12, 6)) == 1
        assert publish_summaries(day=date(2026, 12, 6)) == 0
    for callback in callbacks:
        callback()
    assert DailySummary.objects.filter(region=town).count() == 1
    assert not DailySummary.objects.filter(region=other).exists()
    message = Message.objects.get(subscription=webhook)
    figures = {f["key"]: f["value"] for f in message.payload["figures"]}
    assert figures["evt.reported"] == 448 and "secret.score" not in figures


def test_charts_in_any_of_the_plain_shapes_are_read_and_others_left_out():
    read = charts_of(
        {
            "a": {
                "type": "bar",
                "title": "甲",
                "x": ["1", "2"],
                "series": [{"name": "s", "data": [1, 2]}],
            },
            "b": {"labels": ["x"], "values": [5]},
            "c": {"一": 1, "二": "not a number"},
            "d": "nonsense",
            "e": {"labels": [], "values": []},
        }
    )
    assert [(c.title, c.labels, c.series[0].values) for c in read] == [
        ("甲", ("1", "2"), (1, 2)),
        ("b", ("x",), (5,)),
        ("c", ("一",), (1,)),
    ]
    assert charts_of(None) == [] and charts_of(3) == []


def test_a_period_text_round_trips_for_every_frequency():
    for frequency in ("daily", "weekly", "monthly"):
        period = last_whole_period(frequency, TODAY)
        assert Period.parse(str(period)) == period


def add_reports(region, days):
    for day in range(1, days + 1):
        first = date(2026, 10, 1) + timedelta(days=day)
        Report.objects.create(
            region=region, frequency="daily", period=str(first), first_day=first, last_day=first,
            status=ReportStatus.READY,
        )  # fmt: skip


@pytest.mark.parametrize("url", ["/api/v1/reports", "/reports/"])
def test_a_list_of_reports_costs_the_same_queries_however_many_rows_it_shows(
    county_leader, town, url
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(county_leader)
    counts = []
    for days in (2, 40):
        add_reports(town, days) if not counts else add_reports(
            Region.objects.get(code=OTHER_TOWN), days
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"page_size": 50}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
