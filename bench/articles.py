"""Synthetic wire-style articles for benchmarks: fictional, deterministic, any length."""

from __future__ import annotations

import random

PLACES = ["Velmora", "Calder", "Riverton", "Ostrava", "Marlow", "Kestrel Bay", "Dunmore", "Halvik"]
PEOPLE = ["Alma Reyes", "Davor Lind", "Ines Okafor", "Ben Hale", "Lena Marsh", "Tomas Brandt", "Ruth Achebe"]
OUTLETS = ["the Coastal Herald", "the Riverton Ledger", "Meridian Wire", "the Harbour Gazette"]
TEMPLATES = [
    "Officials in {place} said {n:,} people had been moved from the flood zone by {day}, {outlet} reported.",
    "{person}, a spokesperson for the regional council, said the repairs would cost about ${n} million.",
    "According to two people familiar with the talks, the agreement could be signed as early as {day}.",
    "Analysts have said the decision is likely to raise prices by roughly {pct}% within a year.",
    "The ministry did not respond to a request for comment on the figures.",
    "Residents described the response as slow, and some said they had waited {hours} hours for help.",
    "{outlet} could not independently verify the number of people affected in {place}.",
    "The port handled {n:,} containers last year, almost twice as many as in {year}, per reports.",
    "A senior official, speaking on condition of anonymity, said the plan had been delayed by {days} days.",
    "Critics have argued that the programme is the most expensive in the region's history.",
    "The council approved the measure by {votes} votes to {against} on {day}.",
    "Engineers expect the bridge to reopen in {month}, although no date has been announced.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["March", "June", "September", "December"]


def sentence(rng: random.Random) -> str:
    text = rng.choice(TEMPLATES).format(
        place=rng.choice(PLACES),
        person=rng.choice(PEOPLE),
        outlet=rng.choice(OUTLETS),
        day=rng.choice(DAYS),
        month=rng.choice(MONTHS),
        n=rng.randint(12, 90_000),
        pct=rng.randint(2, 40),
        hours=rng.randint(2, 72),
        year=rng.randint(2001, 2022),
        days=rng.randint(3, 90),
        votes=rng.randint(5, 30),
        against=rng.randint(0, 4),
    )
    return text[0].upper() + text[1:]


def paragraph(rng: random.Random, words: int) -> str:
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(sentence(rng))
    return " ".join(sentences)


def article(paragraphs: int, words_per_paragraph: int = 60, seed: int = 7) -> str:
    rng = random.Random(seed)
    title = f"Floods in {rng.choice(PLACES)} leave thousands without power, officials say"
    return "\n\n".join([title, *(paragraph(rng, words_per_paragraph) for _ in range(paragraphs))])


def article_of_words(words: int, seed: int = 11) -> str:
    per_paragraph = 80
    return article(max(1, words // per_paragraph), per_paragraph, seed)


def text_of_bytes(size: int, seed: int = 3) -> str:
    """About ``size`` bytes of article text (for throughput runs)."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        para = paragraph(rng, 70)
        parts.append(para)
        total += len(para.encode("utf-8")) + 2
    return "\n\n".join(parts)
