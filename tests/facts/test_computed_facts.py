"""Computed facts: every statement is checked against calculations written here, independently of facts.computed."""
import math
import random
import re
import time
from collections import Counter

import pytest

from facts import computed
from facts.models import MAX_NUMBER

SUPERSCRIPT_DIGITS = {c: str(i) for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
CANONICAL_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
BIG_NUMBERS = [
    MAX_NUMBER,                      # 2^18 × 5^18
    MAX_NUMBER - 1,                  # (10^9 - 1)(10^9 + 1)
    MAX_NUMBER - 11,                 # a prime
    2**59 - 1,                       # 179951 × 3203431780337
    998244353 * 1000000007,          # two primes near 10^9: Pollard's rho, not trial division
    999999999989,                    # the largest prime below 10^12
    2**59, 3**37, 832040 * 1000, 2**19 * 3**5 * 7**3 * 11,
]


def is_prime(n: int) -> bool:
    """Trial division below 10^12; above, trial division by small numbers then Fermat tests to six bases."""
    if n < 2:
        return False
    if n < 10**12:
        return all(n % d for d in range(2, math.isqrt(n) + 1))
    return all(n % d for d in range(2, 1000)) and all(pow(a, n - 1, n) == 1 for a in (2, 3, 5, 7, 11, 13))


def fibonacci_upto(n: int) -> list[int]:
    fibs = [0, 1]
    while fibs[-1] <= n:
        fibs.append(fibs[-1] + fibs[-2])
    return fibs


def roman_value(numeral: str) -> int:
    values = [ROMAN_VALUES[c] for c in numeral]
    return sum(-v if v < after else v for v, after in zip(values, values[1:] + [0]))


def superscript(text: str) -> int:
    return int("".join(SUPERSCRIPT_DIGITS[c] for c in text)) if text else 1


class Oracle:
    """What is true of n, found by brute force where n is small and from the checked factorisation where it is big."""

    def __init__(self, n: int, statements: tuple[str, ...]):
        self.n = n
        self.factors = self._factors(statements)

    def _factors(self, statements) -> Counter:
        n = self.n
        if n < 2:
            return Counter()
        if is_prime(n):
            return Counter({n: 1})
        (claim,) = [m for s in statements if (m := re.fullmatch(rf"{n} is composite: {n} = (.+)\.", s))]
        factors = Counter()
        for term in claim[1].split(" × "):
            prime, power = re.fullmatch(r"(\d+)([⁰¹²³⁴⁵⁶⁷⁸⁹]*)", term).groups()
            assert is_prime(int(prime)), f"{prime} in the factorisation of {n} is not prime"
            factors[int(prime)] += superscript(power)
        product = 1
        for p, e in factors.items():
            product *= p**e
        assert product == n, f"the factorisation of {n} multiplies to {product}"
        return factors

    def divisors_count(self) -> int:
        if self.n <= 10**5:
            return sum(1 for d in range(1, self.n + 1) if self.n % d == 0)
        count = 1
        for e in self.factors.values():
            count *= e + 1
        return count

    def proper_divisors_sum(self) -> int:
        if self.n <= 10**5:
            return sum(d for d in range(1, self.n) if self.n % d == 0)
        divisors = [1]
        for p, e in self.factors.items():
            divisors = [d * p**k for d in divisors for k in range(e + 1)]
        return sum(divisors) - self.n


def check(n: int, statement: str, oracle: Oracle) -> None:
    """Finds the statement's pattern and asserts what it says about n."""
    fibs = fibonacci_upto(n)
    patterns = {
        rf"{n} is neither prime nor composite\.": lambda: n in (0, 1),
        rf"{n} is a prime number\.": lambda: is_prime(n),
        rf"{n} is composite: {n} = .+\.": lambda: n > 1 and not is_prime(n),  # factors checked by the oracle
        rf"{n} has exactly one divisor\.": lambda: oracle.divisors_count() == 1,
        rf"{n} has (\d+) divisors\.": lambda k: oracle.divisors_count() == int(k) > 1,
        rf"{n} is a perfect number: it is the sum of its proper divisors\.":
            lambda: oracle.proper_divisors_sum() == n,
        rf"{n} is abundant: its proper divisors add up to (\d+), more than {n}\.":
            lambda s: oracle.proper_divisors_sum() == int(s) > n,
        rf"{n} is deficient: its proper divisors add up to (\d+), less than {n}\.":
            lambda s: oracle.proper_divisors_sum() == int(s) < n,
        rf"{n} is a perfect square: (\d+)² = {n}\.": lambda r: int(r) ** 2 == n,
        rf"{n} is a perfect cube: (\d+)³ = {n}\.": lambda r: int(r) ** 3 == n,
        rf"{n} is a triangular number: {n} dots make a triangle with (\d+) on each side\.":
            lambda k: int(k) * (int(k) + 1) // 2 == n and int(k) >= 2,
        rf"{n} is a power of two: 2([⁰¹²³⁴⁵⁶⁷⁸⁹]+) = {n}\.": lambda e: 2 ** superscript(e) == n,
        rf"{n} is a Fibonacci number\.": lambda: n in fibs,
        rf"{n} is a Fibonacci number: (\d+) \+ (\d+) = {n}\.":
            lambda a, b: any(fibs[i:i + 3] == [int(a), int(b), n] for i in range(len(fibs))),
        rf"The digits of {n} add up to (\d+)\.": lambda s: sum(int(c) for c in str(n)) == int(s),
        rf"{n} is ([0-9A-F]+) in hexadecimal\.": lambda h: int(h, 16) == n and not h.startswith("0"),
        rf"{n} is a palindrome: it reads the same backwards\.": lambda: str(n) == str(n)[::-1] and n >= 10,
        rf"{n} is ([01]+) in binary\.": lambda b: int(b, 2) == n and b.startswith("1"),
        rf"{n} is ([IVXLCDM]+) in Roman numerals\.":
            lambda r: roman_value(r) == n and CANONICAL_ROMAN.fullmatch(r) is not None,
        rf"The next prime after {n} is (\d+)\.":
            lambda p: is_prime(int(p)) and not any(is_prime(m) for m in range(n + 1, int(p))),
    }
    matches = [(claim, m) for pattern, claim in patterns.items() if (m := re.fullmatch(pattern, statement))]
    assert len(matches) == 1, f"no known pattern for {statement!r}"
    claim, match = matches[0]
    assert claim(*match.groups()), f"untrue: {statement!r}"


def assert_all_true(n: int) -> tuple[str, ...]:
    statements = computed.statements(n)
    assert statements
    oracle = Oracle(n, statements)
    for statement in statements:
        check(n, statement, oracle)
    return statements


def test_every_statement_about_0_to_500_is_true():
    for n in range(501):
        assert_all_true(n)


@pytest.mark.parametrize("n", BIG_NUMBERS)
def test_every_statement_about_big_numbers_up_to_10_18_is_true(n):
    assert_all_true(n)


def test_every_statement_about_random_numbers_is_true():
    rng = random.Random(2024)
    for n in [rng.randrange(10**k, 10**(k + 1)) for k in range(3, 18)] + [rng.randrange(MAX_NUMBER)]:
        assert_all_true(n)


def test_it_says_what_kind_of_number_each_of_the_special_ones_is():
    assert "7 is a prime number." in computed.statements(7)
    assert "12 is composite: 12 = 2² × 3." in computed.statements(12)
    assert "28 is a perfect number: it is the sum of its proper divisors." in computed.statements(28)
    assert "64 is a perfect cube: 4³ = 64." in computed.statements(64)
    assert "144 is a perfect square: 12² = 144." in computed.statements(144)
    assert "144 is a Fibonacci number: 55 + 89 = 144." in computed.statements(144)
    assert "55 is a triangular number: 55 dots make a triangle with 10 on each side." in computed.statements(55)
    assert "121 is a palindrome: it reads the same backwards." in computed.statements(121)
    assert "42 is 101010 in binary." in computed.statements(42)
    assert "255 is FF in hexadecimal." in computed.statements(255)
    assert "The digits of 1999 add up to 28." in computed.statements(1999)
    assert "The next prime after 1000000000000000000 is 1000000000000000003." in computed.statements(MAX_NUMBER)
    assert "998244359987710471 is composite: 998244359987710471 = 998244353 × 1000000007." \
        in computed.statements(998244353 * 1000000007)


def test_roman_numerals_are_given_only_from_1_to_3999():
    assert "3999 is MMMCMXCIX in Roman numerals." in computed.statements(3999)
    assert "1994 is MCMXCIV in Roman numerals." in computed.statements(1994)
    for n in (0, 4000, MAX_NUMBER):
        assert not any("Roman" in s for s in computed.statements(n))


def test_0_and_1_are_neither_prime_nor_composite_and_1_has_one_divisor():
    assert "0 is neither prime nor composite." in computed.statements(0)
    assert "1 is neither prime nor composite." in computed.statements(1)
    assert "1 has exactly one divisor." in computed.statements(1)
    assert "2 has 2 divisors." in computed.statements(2)


def test_every_statement_is_one_sentence_with_a_capital_or_a_digit_first():
    for n in (*range(60), *BIG_NUMBERS):
        for statement in computed.statements(n):
            assert re.fullmatch(r"[A-Z0-9][^.]*\.", statement), statement
            assert " 1 divisors" not in statement


def test_a_number_gets_varied_statements_all_of_them_true():
    said = {computed.any_statement(42) for _ in range(200)}
    assert len(said) > 1
    assert said <= set(computed.statements(42))


def test_the_hardest_numbers_up_to_10_18_are_factorised_quickly():
    hardest = (998244353 * 1000000007, 999999937 * 999999929, MAX_NUMBER - 11)
    computed.statements.cache_clear()
    started = time.perf_counter()
    for n in hardest:
        computed.statements(n)
    assert time.perf_counter() - started < 1.0
    for n in hardest:
        assert_all_true(n)


def test_a_negative_number_is_refused():
    with pytest.raises(ValueError):
        computed.statements(-1)
