"""The BCH analyzer's answer normalisation, shape by shape."""

import pytest

from orchestration.answers import Answer, AnswerShapeError, normalize_answer


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, []),
        ("", []),
        ([], []),
        ("implementation.fullFramwork", [Answer("implementation.fullFramwork", None)]),
        (True, [Answer("true", None)]),
        (False, [Answer("false", None)]),
        (12, [Answer("12", None)]),
        ({"value": "true.some", "additionalInformation": {"en": " why "}}, [Answer("true.some", "why")]),
        ({"value": "true", "details": "some text"}, [Answer("true", "some text")]),
        ({"value": False}, [Answer("false", None)]),
        ({"value": 3.0}, [Answer("3", None)]),
        ({"value": {"en": "free text", "fr": "texte"}}, [Answer(None, "free text")]),
        ({"fr": "seulement"}, [Answer(None, "seulement")]),
        ({"identifier": "74B17D51"}, [Answer("74B17D51", None)]),
        (
            [{"value": "a"}, {"value": "b", "additionalInformation": {"en": "x"}}, None],
            [Answer("a", None), Answer("b", "x")],
        ),
        (
            {"options": [{"identifier": "G1"}, {"identifier": "OTHER", "customValue": {"en": "mine"}}]},
            [Answer("G1", None), Answer("OTHER", "mine")],
        ),
    ],
)
def test_known_shapes(raw, expected):
    assert normalize_answer(raw, where="here") == expected


@pytest.mark.parametrize(
    "raw", [{"unexpected": 1}, {"value": [1, 2]}, [[{"value": "x"}]], {"value": {"xx": "?"}}]
)
def test_unknown_shape_is_an_error_naming_where(raw):
    with pytest.raises(
        AnswerShapeError, match="cycle nr4, government ke, question Q014: unknown answer shape"
    ):
        normalize_answer(raw, where="cycle nr4, government ke, question Q014")
