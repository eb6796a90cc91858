"""{% publication_card event %}: on an event's page, whether the public feed shows it, and for
the command centre the button that publishes it or takes it out."""

from django import template

from gridgov.open311.actions import may_publish
from gridgov.open311.models import Publication

register = template.Library()


@register.inclusion_tag("open311/publication.html", takes_context=True)
def publication_card(context, event):
    user = context["request"].user
    publication = Publication.objects.filter(event=event).first()
    return {
        "event": event,
        "publication": publication,
        "can_publish": may_publish(user),
        "csrf_token": context.get("csrf_token"),
    }
