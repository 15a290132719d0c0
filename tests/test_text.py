import pytest

from bot.text import InputError, decode_input, fingerprint, normalize, pack, prepare_text, split_units, title_of


def test_prepare_text_refuses_empty_and_whitespace():
    for text in ("", "   \n\t  "):
        with pytest.raises(InputError, match="no text"):
            prepare_text(text, 1000)


def test_prepare_text_names_the_limit():
    with pytest.raises(InputError, match="limit is 100"):
        prepare_text("x" * 101, 100)


def test_prepare_text_keeps_text_but_bom():
    assert prepare_text("\ufeffHello world", 100) == "Hello world"
    assert prepare_text(" Hello\r\nworld ", 100) == " Hello\r\nworld "


def test_decode_input_rejects_binary_and_bad_utf8():
    with pytest.raises(InputError, match="binary"):
        decode_input(b"abc\x00def", 100)
    with pytest.raises(InputError, match=r"UTF-8.*offset 3"):
        decode_input(b"abc\xff\xfe", 100)
    with pytest.raises(InputError, match="bytes"):
        decode_input(b"a" * 500, 100)
    with pytest.raises(InputError, match=r"The input is 2,000,000 bytes; the limit is 100 characters"):
        decode_input(b"a" * 401, 100, size=2_000_000)  # read up to the limit; the caller knows the true size
    assert decode_input("Kyiv – “quoted” 🙂".encode(), 100) == "Kyiv – “quoted” 🙂"


def test_normalize_folds_typography_and_whitespace():
    assert normalize("  “Hello”\u00a0 world — it’s\n here ") == "\"Hello\" world - it's here"
    assert fingerprint("a  b") == fingerprint("a\nb")
    assert fingerprint("a b") != fingerprint("a c")


def test_split_units_on_lines_or_blank_lines():
    single = "Title\nFirst para.\n\n"
    units = split_units(single, 1000)
    assert [u.text for u in units] == ["Title", "First para."]
    hard_wrapped = "First para\nwrapped here.\n\nSecond para."
    units = split_units(hard_wrapped, 1000)
    assert [u.text for u in units] == ["First para\nwrapped here.", "Second para."]
    for unit in units:
        assert hard_wrapped[unit.start : unit.end] == unit.text


def test_split_units_cuts_long_paragraphs_at_sentences():
    text = " ".join(f"Sentence number {i} is here." for i in range(200))
    units = split_units(text, 500)
    assert all(len(u.text) <= 500 for u in units)
    assert all(u.text.endswith(".") for u in units[:-1])
    assert "".join(text[u.start : u.end] for u in units).replace(" ", "") == text.replace(" ", "")


def test_split_units_cuts_unbroken_text():
    text = "x" * 2500
    units = split_units(text, 1000)
    assert [len(u.text) for u in units] == [1000, 1000, 500]


def test_pack_respects_batch_size_and_order():
    units = split_units("\n".join("p" * 300 for _ in range(10)), 1000)
    batches = pack(units, list(range(10)), 1000)
    assert [i for b in batches for i in b] == list(range(10))
    assert all(sum(len(units[i].text) + 2 for i in b) <= 1000 for b in batches)


def test_title_is_first_nonblank_line_trimmed():
    assert title_of("\n\n  Headline here  \nbody") == "Headline here"
    assert len(title_of("x" * 500)) == 150


def test_lone_surrogates_become_replacement_characters_in_place():
    text = prepare_text("Officials said \ud800 40 people left.", 100)
    assert text == "Officials said \ufffd 40 people left."
    text.encode("utf-8")  # would raise on a lone surrogate
