"""Invented text for generated cases and notes: plausible words, no real people or places."""

import random

SUBJECTS = [
    "Motel",
    "Truck stop",
    "Massage parlor",
    "Nail salon",
    "Farm crew",
    "Escort ad",
    "Apartment",
    "Restaurant",
    "Construction crew",
    "Online listing",
    "Bus station",
]
PLACES = [
    "on Route 9",
    "near the interchange",
    "east of downtown",
    "by the rail yard",
    "on the county line",
    "off Exit 12",
    "in the river district",
    "at the fairgrounds",
]
PHRASES = [
    "Interviewed the manager",
    "Surveillance noted two vehicles",
    "Advocate met the victim",
    "Records request sent",
    "Hotline referral received",
    "Phone extraction pending",
    "Prosecutor reviewed the affidavit",
    "Victim placed in shelter",
    "Subpoena returned bank records",
    "Ad posted again with a new number",
    "Partner agency confirmed the address",
    "Follow-up scheduled with the witness",
]


def title_text(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(PLACES)}"


def note_text(rng: random.Random) -> str:
    return ". ".join(rng.choice(PHRASES) for _ in range(rng.randint(1, 4))) + "."
