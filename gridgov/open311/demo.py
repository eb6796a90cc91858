"""The demo's public services: the categories a citizen would report, some with questions."""

from django.db import transaction

from gridgov.core import audit
from gridgov.events.choices import EventSource
from gridgov.events.models import Event, EventCategory

from .models import Channel, Datatype, Publication, PublicService, ServiceAttribute

PUBLIC_CLASSES = ("01", "02", "07", "08", "09")  # 城市管理, 生态环境, 民生服务, 消防安全, 交通运输
ATTRIBUTES = {
    "0201": [
        ("when", "什么时候出现噪声？", Datatype.SINGLEVALUELIST, True,
         [{"key": "day", "name": "白天"}, {"key": "night", "name": "夜间（22:00–06:00）"}]),
        ("since", "从什么时候开始？", Datatype.DATETIME, False, []),
        ("source_kind", "噪声来源", Datatype.MULTIVALUELIST, False,
         [{"key": "construction", "name": "施工"}, {"key": "shop", "name": "商铺"},
          {"key": "neighbour", "name": "邻里"}]),
    ],
    "0101": [
        ("stalls", "大约有几个摊位？", Datatype.NUMBER, False, []),
        ("where_exactly", "具体位置（门牌、路口）", Datatype.STRING, False, []),
    ],
    "0701": [
        ("details", "请描述故障情况（停水/停电范围、开始时间）", Datatype.TEXT, True, []),
        ("notice", "紧急抢修请直接拨打 12345。", Datatype.STRING, False, []),
    ],
}  # fmt: skip


@transaction.atomic
def load_demo_services(*, actor) -> int:
    categories = EventCategory.objects.filter(parent__code__in=PUBLIC_CLASSES, is_active=True)
    count = 0
    for category in categories:
        service, _created = PublicService.objects.get_or_create(category=category)
        for order, (code, question, datatype, required, values) in enumerate(
            ATTRIBUTES.get(category.code, [])
        ):
            ServiceAttribute.objects.get_or_create(
                service=service,
                code=code,
                defaults={
                    "description": question,
                    "datatype": datatype,
                    "required": required,
                    "variable": code != "notice",
                    "order": order,
                    "values": values,
                },
            )
        count += 1
    published = _publish_citizens_reports()
    audit.record(
        "open311.load_demo", actor=actor,
        summary=f"{count} public services, {published} citizens' reports in the public feed",
    )  # fmt: skip
    return count


def _publish_citizens_reports() -> int:
    """The demo's citizens' reports stand for what came in through the public web form: they
    are in the public feed, as the form's own reports are; the other sources are not."""
    reports = Event.objects.filter(source=EventSource.CITIZEN).values_list("pk", "reported_at")
    made = Publication.objects.bulk_create(
        [Publication(event_id=pk, channel=Channel.WEB, published_at=at) for pk, at in reports],
        batch_size=1000,
    )
    return len(made)
