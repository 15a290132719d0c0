"""The offline analyzer says when a text is not English (invented sentences)."""

from __future__ import annotations

from bot.analyzers.offline.language import language_note

ENGLISH = "Senior officials said on Monday that the plan would cost the city about $3 billion over ten years."


def test_english_has_no_note() -> None:
    assert language_note("Headline\n" + ENGLISH + "\n" + ENGLISH) is None


def test_another_script_is_named() -> None:
    arabic = "قال مسؤولون كبار يوم الاثنين إن الخطة ستكلف المدينة نحو ثلاثة مليارات دولار على مدى عشر سنوات"
    note = language_note(arabic + "\n" + arabic)
    assert note is not None and "Arabic script" in note and "English only" in note


def test_a_paragraph_in_another_script_is_counted() -> None:
    hebrew = "בכירים אמרו כי התוכנית תעלה שלושה מיליארד שקלים ותאושר בשבוע הבא על ידי הממשלה"
    note = language_note(ENGLISH + "\n" + hebrew)
    assert note is not None and note.startswith("1 of 2 paragraphs are in Hebrew script")


def test_a_latin_script_language_other_than_english() -> None:
    spanish = "El gobierno anunció el martes que los precios de la energía subirán un doce por ciento el próximo año."
    note = language_note(spanish + "\n" + spanish)
    assert note is not None and "other than English" in note
