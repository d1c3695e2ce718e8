from django import template

from agencies import access

register = template.Library()


@register.filter
def contacts_visible_in(agency, visible_ids):
    """``{% if agency|contacts_visible_in:partner_ids %}``: the directory rule, asked once."""
    return access.contacts_visible(visible_ids, agency)


@register.filter
def get_item(mapping, key):
    """``{{ levels|get_item:case.pk }}``."""
    return mapping.get(key) if mapping else None


@register.inclusion_tag("frontend/_field.html")
def field(bound_field):
    """A form field with its label, help text and errors."""
    return {"field": bound_field}
