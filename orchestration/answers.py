"""Normalise national-report answers the way the BCH report analyzer does.

The analyzer takes ``.value``, else ``.identifier``, else the raw value; lists and
``{options: [...]}`` element by element; booleans become ``'true'``/``'false'``. Free text
(``additionalInformation``, ``details``, ``customValue``, multilingual ``{en: ...}``) is kept
beside the selected value. A shape outside these is an error naming where it was found: silently
dropping it would silently change a percentage.
"""

from __future__ import annotations

from typing import NamedTuple

# fields of an analyzer-export report that are not answers
REPORT_META = frozenset({"government", "documentId", "date", "_id", "realm", "header"})
LANGUAGES = frozenset({"en", "fr", "es", "ar", "ru", "zh"})
TEXT_FIELDS = ("additionalInformation", "details", "customValue")


class AnswerShapeError(ValueError):
    """An answer whose JSON shape the analyzer rules do not cover."""


class Answer(NamedTuple):
    value: str | None  # option code, term identifier or number; None for free-text-only answers
    text: str | None  # free text typed with or instead of a selected value


def normalize_answer(raw, *, where: str) -> list[Answer]:
    """All selected values of one answer; ``[]`` when the question was not answered.

    ``where`` names the cycle, government and question for error messages.
    """
    if raw is None or raw == "" or raw == [] or raw == {}:
        return []
    if isinstance(raw, list):
        return [a for item in raw for a in _element(item, where)]
    if isinstance(raw, dict) and isinstance(raw.get("options"), list):
        return [a for item in raw["options"] for a in _element(item, where)]
    return _element(raw, where)


def _element(raw, where: str) -> list[Answer]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, bool):
        return [Answer("true" if raw else "false", None)]
    if isinstance(raw, str):
        return [Answer(raw, None)]
    if isinstance(raw, int | float):
        return [Answer(_number(raw), None)]
    if isinstance(raw, dict):
        text = next((t for t in (_text(raw.get(k)) for k in TEXT_FIELDS) if t), None)
        if "value" in raw:
            value = raw["value"]
            if isinstance(value, bool):
                return [Answer("true" if value else "false", text)]
            if isinstance(value, str):
                return [Answer(value, text)] if value or text else []
            if isinstance(value, int | float):
                return [Answer(_number(value), text)]
            if _is_lstring(value):
                free = _text(value)
                return [Answer(None, free)] if free else []
        elif isinstance(raw.get("identifier"), str):
            return [Answer(raw["identifier"], text)]
        elif _is_lstring(raw):
            free = _text(raw)
            return [Answer(None, free)] if free else []
    raise AnswerShapeError(f"{where}: unknown answer shape {_preview(raw)}")


def _number(n: int | float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def _is_lstring(obj) -> bool:
    return (
        isinstance(obj, dict)
        and bool(obj)
        and all(k in LANGUAGES and isinstance(v, str) for k, v in obj.items())
    )


def _text(obj) -> str | None:
    """The English text of a multilingual string, else its first non-empty language."""
    if isinstance(obj, str):
        return obj.strip() or None
    if _is_lstring(obj):
        for lang in ("en", *sorted(obj)):
            if obj.get(lang, "").strip():
                return obj[lang].strip()
    return None


def _preview(raw, limit: int = 120) -> str:
    text = repr(raw)
    return text if len(text) <= limit else text[:limit] + "..."
