from bot.grounding import Grounder

TEXT = (
    "Officials said the plant “would reopen  in March”, the Ledger reported.\n"
    "A spokesperson said the plant would reopen in March. Analysts have said it's unlikely."
)


def located(quote: str, **kwargs) -> str | None:
    where = Grounder(TEXT).locate(quote, **kwargs)
    return None if where is None else TEXT[where.start : where.end]


def test_exact_match():
    assert located("the Ledger reported") == "the Ledger reported"


def test_hint_picks_the_nearer_occurrence():
    second = TEXT.index("would reopen in March")
    where = Grounder(TEXT).locate("would reopen in March", hint=second)
    assert where is not None and where.start == second


def test_normalized_match_returns_text_as_given():
    assert located('"would reopen in March"') == "“would reopen  in March”"
    assert located("analysts have said it’s unlikely") == "Analysts have said it's unlikely"


def test_fuzzy_match_forgives_a_dropped_comma_only():
    assert located("the plant would reopen in March the Ledger reported") is None  # too far apart
    assert located("Officials said the plant would reopen in March, the Ledger reported") is not None


def test_hallucinated_and_trivial_quotes_are_not_found():
    assert located("The minister resigned on Friday after the vote") is None
    assert located("the") is None
    assert located("   ") is None


def test_within_limits_the_search():
    first_line_end = TEXT.index("\n")
    assert Grounder(TEXT).locate("A spokesperson said", within=(0, first_line_end)) is None


def test_offsets_round_trip_on_unicode():
    text = "Kyiv 🙂 said “nearly 400 square miles” — per reports"
    for quote in ("nearly 400 square miles", "— per reports", "per reports"):
        where = Grounder(text).locate(quote)
        assert where is not None and text[where.start : where.end] == quote
