from django import template

from agencies import selectors

register = template.Library()


@register.filter
def contacts_visible_in(agency, visible_ids):
    """``{% if agency|contacts_visible_in:partner_ids %}``: the directory rule, asked once."""
    return selectors.contacts_visible(visible_ids, agency)
