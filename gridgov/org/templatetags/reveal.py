"""{% reveal_purpose_form %}: the purpose a page's "show" buttons send with each reveal (the
buttons carry hx-include="#reveal-purpose")."""

from django import template

from gridgov.org.choices import RevealPurpose

register = template.Library()


@register.inclusion_tag("org/reveal_purpose.html")
def reveal_purpose_form():
    return {"purposes": RevealPurpose.choices}
