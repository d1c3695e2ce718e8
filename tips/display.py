"""Identifiers as people read them: a normalised phone number in its national format
(US numbers as (816) 555-0117), others as stored."""

import phonenumbers


def readable(kind: str, value: str) -> str:
    if kind != "phone":
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
