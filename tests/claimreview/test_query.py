"""The checkable core of a claim and the short query built from it."""

from __future__ import annotations

import pytest

from bot.claimreview.query import MAX_QUERY_WORDS, build_query, extract_core, guess_language


def test_core_keeps_names_figures_and_terms_not_the_sentence():
    text = (
        "Officials told the Herald that the 12-day strike at the Port of Velmora cost 40 million euros in lost revenue."
    )
    core = extract_core(text, "en")
    assert core.figures == {"12", "40000000"}
    assert {"herald", "velmora"} <= core.names
    assert {"strike", "cost", "revenue"} <= core.terms
    query = build_query(text, "en")
    assert query == "Herald 12 strike Port Velmora cost 40 million euros"
    assert "told" not in query and "the" not in query.split()
    assert len(query.split()) <= MAX_QUERY_WORDS + 2  # a figure with its unit counts once


@pytest.mark.parametrize(
    ("text", "language", "figures"),
    [
        ("The NHS spent £1,200 per patient.", "en", {"1200"}),
        ("Unemployment rose to 5.2 per cent.", "en", {"5.2%"}),
        ("Unemployment rose to 5.2%.", "en", {"5.2%"}),
        ("A budget of $1.2 billion.", "en", {"1200000000"}),
        ("Il a coûté 3,5 millions d'euros.", "fr", {"3500000"}),
        ("Die Stadt zahlte 1.200 Euro.", "de", {"1200"}),
        ("Die Inflation lag bei 7,9 Prozent.", "de", {"7.9%"}),
        ("They cut £5m from the budget in 2023.", "en", {"5000000"}),
    ],
)
def test_figures_are_normalized(text, language, figures):
    assert extract_core(text, language).figures == figures


def test_years_are_not_figures():
    core = extract_core("Crime fell in 2023.", "en")
    assert core.figures == frozenset() and core.years == {"2023"}


def test_a_name_is_its_last_word():
    core = extract_core("Unemployment is falling, Finance Minister Ana Ruiz's office said.", "en")
    assert core.names == {"ruiz"}  # a title ("Minister") alone is not the person


def test_query_stays_in_the_articles_language():
    text = "La grève a coûté 3,5 millions d'euros au port de Velmora, selon la mairie."
    assert guess_language(text) == "fr"
    assert build_query(text, "fr") == "grève coûté 3,5 millions d'euros port Velmora mairie"


def test_language_guess():
    assert guess_language("The council said the budget was the largest in the history of the city.") == "en"
    assert guess_language("Der Bürgermeister sagte, dass die Stadt mehr Geld für die Schulen braucht.") == "de"
    assert guess_language("Velmora 2024") is None


def test_no_core_no_query():
    assert build_query("It is what it was, they said.", "en") == ""
