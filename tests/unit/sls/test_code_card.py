"""Security Code Cards: generation, index challenges, responses, CSV and JSON forms."""

from __future__ import annotations

import json

import pytest

from tws_companion.sls.code_card import (
    CARD_ALPHABET,
    CodeCard,
    card_from_csv,
    card_from_json,
    card_to_csv,
    card_to_json,
    expected_response,
    generate_card,
    new_index_challenge,
    verify_card_response,
)
from tws_companion.sls.policy import CODE_CARD_SIZE, CODE_CARD_VALUE_LENGTH

SMALL = CodeCard({1: "ABC", 2: "D3F", 3: "XY7", 4: "Q2W"})


def test_generated_card_has_every_index_and_well_formed_values() -> None:
    card = generate_card()
    assert card.size == CODE_CARD_SIZE == 224
    assert sorted(card.values) == list(range(1, CODE_CARD_SIZE + 1))
    for value in card.values.values():
        assert len(value) == CODE_CARD_VALUE_LENGTH
        assert set(value) <= set(CARD_ALPHABET)


def test_card_alphabet_has_no_ambiguous_characters() -> None:
    assert not set("0O1IL") & set(CARD_ALPHABET)
    assert set(CARD_ALPHABET) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    assert len(set(CARD_ALPHABET)) == len(CARD_ALPHABET) == 31


def test_generated_cards_differ() -> None:
    assert generate_card(10).values != generate_card(10).values


def test_generate_card_of_a_given_size() -> None:
    assert generate_card(2).size == 2
    with pytest.raises(ValueError):
        generate_card(1)


def test_repr_never_shows_values() -> None:
    card = generate_card()
    assert repr(card) == "CodeCard(size=224)"
    assert str(card) == "CodeCard(size=224)"
    assert not any(value in repr(card) for value in card.values.values())


def test_card_values_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        SMALL.values[1] = "ZZZ"  # type: ignore[index]


def test_card_copies_the_mapping_it_is_given() -> None:
    values = {1: "ABC", 2: "DEF"}
    card = CodeCard(values)
    values[1] = "ZZZ"
    assert card.values[1] == "ABC"


@pytest.mark.parametrize(
    "values",
    [
        {1: "ABC"},  # too small for a challenge
        {1: "ABC", 3: "DEF"},  # gap
        {0: "ABC", 1: "DEF"},  # starts at 0
        {1: "AB", 2: "DEF"},  # too short
        {1: "ABCD", 2: "DEF"},  # too long
        {1: "abc", 2: "DEF"},  # lower case could never match an upper-cased response
        {1: "A C", 2: "DEF"},
        {1: "ÄBC", 2: "DEF"},
    ],
)
def test_card_rejects_bad_values(values: dict[int, str]) -> None:
    with pytest.raises(ValueError) as excinfo:
        CodeCard(values)
    assert "DEF" not in str(excinfo.value)


def test_card_rejects_non_integer_indices() -> None:
    with pytest.raises(TypeError):
        CodeCard({"1": "ABC", "2": "DEF"})  # type: ignore[dict-item]


def test_index_challenge_gives_two_distinct_indices_on_the_card() -> None:
    for _ in range(500):
        first, second = new_index_challenge(CODE_CARD_SIZE)
        assert first != second
        assert 1 <= first <= CODE_CARD_SIZE
        assert 1 <= second <= CODE_CARD_SIZE


def test_index_challenge_covers_both_ends_of_a_small_card() -> None:
    seen = {index for _ in range(200) for index in new_index_challenge(3)}
    assert seen == {1, 2, 3}


def test_index_challenge_is_not_constant() -> None:
    assert len({new_index_challenge(CODE_CARD_SIZE) for _ in range(20)}) > 1


def test_index_challenge_avoids_pairs_in_either_order() -> None:
    # On a 3-index card, avoiding (1, 2) and (3, 1) leaves only the pair {2, 3}.
    for _ in range(100):
        assert set(new_index_challenge(3, avoid=[(1, 2), (3, 1)])) == {2, 3}


def test_index_challenge_with_most_pairs_used_still_finds_the_free_one() -> None:
    size = 30
    every_pair = [(a, b) for a in range(1, size + 1) for b in range(a + 1, size + 1)]
    free = every_pair.pop(123)
    for _ in range(20):
        assert set(new_index_challenge(size, avoid=every_pair)) == set(free)


def test_index_challenge_with_every_pair_used_still_answers() -> None:
    first, second = new_index_challenge(2, avoid=[(1, 2)])
    assert {first, second} == {1, 2}


def test_index_challenge_needs_two_indices() -> None:
    with pytest.raises(ValueError):
        new_index_challenge(1)


def test_expected_response_concatenates_in_challenge_order() -> None:
    assert expected_response(SMALL, (1, 3)) == "ABCXY7"
    assert expected_response(SMALL, (3, 1)) == "XY7ABC"


def test_expected_response_for_an_index_not_on_the_card() -> None:
    with pytest.raises(ValueError, match="not on a card"):
        expected_response(SMALL, (1, 5))


@pytest.mark.parametrize("typed", ["ABCXY7", "abcxy7", "ABC XY7", " abc xy7 ", "AbC\txY7"])
def test_verify_accepts_spaces_and_any_case(typed: str) -> None:
    assert verify_card_response(SMALL, (1, 3), typed)


@pytest.mark.parametrize(
    "typed", ["", "ABC", "XY7ABC", "ABCXY8", "ABCXY7X", "ABC-XY7", "\ud800", "ＡＢＣＸＹ７"]
)
def test_verify_rejects_wrong_responses(typed: str) -> None:
    assert verify_card_response(SMALL, (1, 3), typed) is False


@pytest.mark.parametrize("indices", [(1, 5), (0, 1), (-1, 2)])
def test_verify_is_false_for_an_index_not_on_the_card(indices: tuple[int, int]) -> None:
    assert verify_card_response(SMALL, indices, "ABCABC") is False


def test_csv_layout() -> None:
    assert card_to_csv(SMALL) == "index,value\n1,ABC\n2,D3F\n3,XY7\n4,Q2W\n"


def test_csv_round_trip() -> None:
    card = generate_card()
    assert card_from_csv(card_to_csv(card)) == card


def test_csv_read_is_lenient_about_layout() -> None:
    text = '\ufeffIndex , Value\r\n2,d3f\r\n1, abc \r\n\r\n3,XY7\r\n4,"Q2W"\r\n'
    assert card_from_csv(text) == SMALL


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("1,ABC\n2,DEF\n", 1),  # no header
        ("", 1),
        ("index,value\n1,ABC\n2\n", 3),
        ("index,value\n1,ABC\n2,DEF,GHI\n", 3),
        ("index,value\n1,ABC\nx,DEF\n", 3),
        ("index,value\n1,ABC\n1,DEF\n", 3),
        ("index,value\n1,ABC\n2,DE\n", 3),
        ("index,value\n1,ABC\n2,D!F\n", 3),
        ("index,value\n1,ABC\n-2,DEF\n", 3),
        ("index,value\n1,ABC\n" + "9" * 5000 + ",DEF\n", 3),
    ],
)
def test_csv_errors_name_the_line(text: str, line: int) -> None:
    with pytest.raises(ValueError, match=f"^line {line}:"):
        card_from_csv(text)


def test_csv_errors_never_show_values() -> None:
    with pytest.raises(ValueError) as excinfo:
        card_from_csv("index,value\n1,SEC\n2,RE7X\n")
    assert "SEC" not in str(excinfo.value)
    assert "RE7" not in str(excinfo.value)


def test_csv_with_a_missing_index() -> None:
    with pytest.raises(ValueError, match="index 2 is missing"):
        card_from_csv("index,value\n1,ABC\n3,DEF\n")


def test_json_round_trip() -> None:
    card = generate_card()
    assert card_from_json(card_to_json(card)) == card


def test_json_carries_a_version() -> None:
    assert json.loads(card_to_json(SMALL)) == {
        "version": 1,
        "values": {"1": "ABC", "2": "D3F", "3": "XY7", "4": "Q2W"},
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        '{"values": {"1": "ABC", "2": "DEF"}}',
        '{"version": 2, "values": {"1": "ABC", "2": "DEF"}}',
        '{"version": 1}',
        '{"version": 1, "values": ["ABC", "DEF"]}',
        '{"version": 1, "values": {"1": "ABC", "x": "DEF"}}',
        '{"version": 1, "values": {"1": "ABC", "01": "DEF"}}',
        '{"version": 1, "values": {"1": "ABC", "2": 7}}',
        '{"version": 1, "values": {"1": "ABC", "3": "DEF"}}',
        "[" * 100_000,
    ],
)
def test_json_rejects_bad_documents(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        card_from_json(text)
    assert "DEF" not in str(excinfo.value)
