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


@register.filter
def zone_name(zone: str) -> str:
    """``America/New_York`` as people write it: ``America/New York``."""
    return (zone or "").replace("_", " ")


# Words for the subjects of audit actions whose code is not a word people use.
ACTION_SUBJECTS = {
    "taskforce": "task force",
    "mfa": "authenticator",
    "signin": "sign-in",
    "rsvp": "answer",
}


@register.filter
def action_words(action: str) -> str:
    """An audit action code as words: ``taskforce.coordinator_added`` reads "Task force
    coordinator added"."""
    words = [ACTION_SUBJECTS.get(part, part) for part in (action or "").split(".")]
    text = " ".join(word.replace("_", " ") for word in words)
    return text[:1].upper() + text[1:]


@register.filter
def field_words(name: str) -> str:
    """A field's code name as words: ``is_agency_admin`` reads "agency admin"."""
    name = (name or "").removeprefix("is_")
    return name.replace("_", " ")
