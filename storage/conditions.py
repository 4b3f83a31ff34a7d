"""Show-if conditions on earlier answers, in the subset of XLSForm's `relevant` syntax that a
questionnaire may use:

    ${status} = 'in_progress' and ${_bounded} = 'yes'
    selected(${sources}, 'state') or ${count} > 3
    not(${done} = 'yes')

The same parser serves the YAML plan file and XLSForm workbooks, so both accept exactly the
same conditions. Parsing happens once, when the plan is checked; evaluation is a walk over a
small tree of tuples.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from storage.i18n import Text

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\})
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z_]+)
    )""",
    re.VERBOSE,
)

Node = tuple[Any, ...]


class ConditionError(ValueError):
    """A condition outside the supported subset; `text` says what, in the reader's language."""

    def __init__(self, key: str, **values: object) -> None:
        self.text: Text = Text(key, values)
        super().__init__(str(self.text))


@dataclass(frozen=True)
class Condition:
    source: str
    tree: Node

    @property
    def references(self) -> frozenset[str]:
        return frozenset(_references(self.tree))

    def holds(self, values: Mapping[str, Any]) -> bool:
        return bool(_evaluate(self.tree, values))


def parse_condition(source: str) -> Condition:
    tokens = _tokens(source)
    parser = _Parser(tokens)
    tree = parser.expression()
    if parser.position != len(tokens):
        raise ConditionError("condition.unexpected", part=tokens[parser.position][1])
    return Condition(source, tree)


def _tokens(source: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = source.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ConditionError("condition.bad_character", part=text[position:][:10])
        kind = match.lastgroup or ""
        if kind == "name":
            kind = "ref"
        value = match.group("name") if kind == "ref" else match.group(kind)
        if kind == "string":
            value = value[1:-1]
        tokens.append((kind, value))
        position = match.end()
    if not tokens:
        raise ConditionError("condition.empty")
    return tokens


def found_text(token: tuple[str, str] | None) -> str | Text:
    return f"'{token[1]}'" if token else Text("condition.end")


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            found = found_text(token)
            raise ConditionError("condition.expected", wanted=value or kind, found=found)
        self.position += 1
        return token[1]

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "word" and token[1].lower() == word:
            self.position += 1
            return True
        return False

    def expression(self) -> Node:
        node = self.conjunction()
        while self.keyword("or"):
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while self.keyword("and"):
            node = ("and", node, self.negation())
        return node

    def negation(self) -> Node:
        token = self.peek()
        if token == ("word", "not"):
            self.position += 1
            self.take("punct", "(")
            inner = self.expression()
            self.take("punct", ")")
            return ("not", inner)
        return self.primary()

    def primary(self) -> Node:
        token = self.peek()
        if token == ("punct", "("):
            self.position += 1
            inner = self.expression()
            self.take("punct", ")")
            return inner
        if token is not None and token[0] == "word":
            if token[1] != "selected":
                raise ConditionError("condition.unsupported", word=token[1])
            self.position += 1
            self.take("punct", "(")
            name = self.take("ref")
            self.take("punct", ",")
            value = self.literal()
            self.take("punct", ")")
            return ("selected", name, value)
        left = self.operand()
        token = self.peek()
        if token is None or token[0] != "op":
            raise ConditionError("condition.needs_comparison")
        self.position += 1
        return ("compare", token[1], left, self.operand())

    def operand(self) -> Node:
        token = self.peek()
        if token is not None and token[0] == "ref":
            self.position += 1
            return ("ref", token[1])
        return ("literal", self.literal())

    def literal(self) -> str | float:
        token = self.peek()
        if token is None or token[0] not in {"string", "number"}:
            raise ConditionError("condition.needs_value", found=found_text(token))
        self.position += 1
        return float(token[1]) if token[0] == "number" else token[1]


def _references(node: Node) -> list[str]:
    kind = node[0]
    if kind == "ref":
        return [node[1]]
    if kind == "selected":
        return [node[1]]
    if kind == "literal":
        return []
    if kind == "compare":
        return _references(node[2]) + _references(node[3])
    return [name for child in node[1:] for name in _references(child)]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _evaluate(node: Node, values: Mapping[str, Any]) -> Any:
    kind = node[0]
    if kind == "or":
        return _evaluate(node[1], values) or _evaluate(node[2], values)
    if kind == "and":
        return _evaluate(node[1], values) and _evaluate(node[2], values)
    if kind == "not":
        return not _evaluate(node[1], values)
    if kind == "ref":
        return values.get(node[1])
    if kind == "literal":
        return node[1]
    if kind == "selected":
        chosen = values.get(node[1])
        items = chosen if isinstance(chosen, list) else [chosen]
        return _as_text(node[2]) in {_as_text(item) for item in items}
    operator, left, right = node[1], _evaluate(node[2], values), _evaluate(node[3], values)
    left_number, right_number = _as_number(left), _as_number(right)
    if operator in {"=", "!="}:
        if left_number is not None and right_number is not None:
            equal = left_number == right_number
        else:
            equal = _as_text(left) == _as_text(right)
        return equal if operator == "=" else not equal
    if left_number is None or right_number is None:
        return False  # an unanswered or non-numeric value is neither less nor greater
    return {
        "<": left_number < right_number,
        ">": left_number > right_number,
        "<=": left_number <= right_number,
        ">=": left_number >= right_number,
    }[operator]
