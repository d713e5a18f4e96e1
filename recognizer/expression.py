"""Arithmetic on what was read: symbols -> the exact value, with × and ÷ before + and −, in fractions (no eval)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

OPERATORS = "+-×÷"
MAX_NUMBERS = 8
MAX_NUMBER_DIGITS = 8
# What a visitor or staff may type for each symbol: x, X and * are ×; / and : are ÷; the dash and minus signs are -.
TYPED = {"x": "×", "X": "×", "*": "×", "·": "×", "/": "÷", ":": "÷", "−": "-", "–": "-"}
TYPED_PATTERN = re.compile(r"\A[0-9+\-×÷]+=?\Z")

NEEDS_NUMBERS = "an operator needs a number on both sides"
DIVISION_BY_ZERO = "division by zero"
TOO_MANY_NUMBERS = f"more than {MAX_NUMBERS} numbers"
TOO_LONG_NUMBER = f"a number with more than {MAX_NUMBER_DIGITS} digits"
NO_NUMBER = "no number to work out"


@dataclass(frozen=True)
class Evaluation:
    expression: str                 # what was read, with + - × ÷ and without a trailing =
    value: Fraction | None
    problem: str | None = None

    @property
    def result(self) -> str | None:
        return None if self.value is None else exact_text(self.value)

    @property
    def whole_number(self) -> int | None:
        """The value when it is a whole number >= 0 (a fact can be about it), else None."""
        if self.value is None or self.value.denominator != 1 or self.value < 0:
            return None
        return int(self.value)


def exact_text(value: Fraction) -> str:
    """An integer ("33"), a terminating decimal ("3.5", "-0.125"), or a fraction ("1/3")."""
    if value.denominator == 1:
        return str(value.numerator)
    rest = value.denominator
    twos = fives = 0
    while rest % 2 == 0:
        rest //= 2; twos += 1
    while rest % 5 == 0:
        rest //= 5; fives += 1
    if rest != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    scaled = abs(value.numerator) * 10 ** places // value.denominator
    digits = str(scaled).rjust(places + 1, "0")
    return f"{'-' if value < 0 else ''}{digits[:-places]}.{digits[-places:]}"


def tokens(expression: str) -> list[str]:
    """'12+7×3' -> ['12', '+', '7', '×', '3']: runs of digits and single operators."""
    return re.findall(r"[0-9]+|[+\-×÷]", expression)


def evaluate(symbols: str) -> Evaluation:
    """The exact value of symbols read left to right ('12+7×3', a trailing '=' ignored).

    A leading minus is a sign; any other operator needs a number on both sides. × and ÷ bind before + and −,
    each left to right. Never raises for what a drawing can hold: a problem says why there is no value.
    """
    expression = symbols[:-1] if symbols.endswith("=") else symbols
    if "=" in expression:
        return Evaluation(expression, None, NEEDS_NUMBERS)
    parts = tokens(expression)
    if not parts:
        return Evaluation(expression, None, NO_NUMBER)
    sign = Fraction(1)
    if parts[0] == "-":
        sign, parts = Fraction(-1), parts[1:]
    numbers, operators = parts[0::2], parts[1::2]
    if (not numbers or len(numbers) != len(operators) + 1 or not all(n.isdigit() for n in numbers)
            or not all(op in OPERATORS for op in operators)):
        return Evaluation(expression, None, NEEDS_NUMBERS)
    if len(numbers) > MAX_NUMBERS:
        return Evaluation(expression, None, TOO_MANY_NUMBERS)
    if any(len(n) > MAX_NUMBER_DIGITS for n in numbers):
        return Evaluation(expression, None, TOO_LONG_NUMBER)
    terms = [sign * int(numbers[0])]
    for op, number in zip(operators, numbers[1:]):
        value = Fraction(int(number))
        if op == "×":
            terms[-1] *= value
        elif op == "÷":
            if value == 0:
                return Evaluation(expression, None, DIVISION_BY_ZERO)
            terms[-1] /= value
        else:
            terms.append(value if op == "+" else -value)
    return Evaluation(expression, sum(terms, Fraction(0)))


def normalise_typed(text: str) -> str | None:
    """What someone typed for an expression ('12+7x3', '12 + 7*3 =') in the symbols a reading uses ('12+7×3',
    '12+7×3='), or None when it is not one (letters, brackets, decimals; a lone number is fine)."""
    cleaned = "".join(TYPED.get(ch, ch) for ch in str(text) if not ch.isspace())
    return cleaned if TYPED_PATTERN.fullmatch(cleaned) else None
