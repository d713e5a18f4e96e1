"""True statements about a number, computed from the number alone: the facts we give when the Numbers API cannot."""
import math
import random
from functools import lru_cache

SMALL_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def is_prime(n: int) -> bool:
    """Miller-Rabin with the first twelve primes as bases, which decides every n below 3.3 * 10^24."""
    if n < 2:
        return False
    for p in SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in SMALL_PRIMES:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def next_prime(n: int) -> int:
    candidate = n + 1
    while not is_prime(candidate):
        candidate += 1
    return candidate


def _pollard_brent(n: int) -> int:
    """A factor of the odd composite n other than 1 and n (Brent's variant of Pollard's rho)."""
    rng = random.Random(n)
    while True:
        y, c, batch = rng.randrange(1, n), rng.randrange(1, n), 128
        g = r = q = 1
        while g == 1:
            x = y
            for _ in range(r):
                y = (y * y + c) % n
            k = 0
            while k < r and g == 1:
                saved = y
                for _ in range(min(batch, r - k)):
                    y = (y * y + c) % n
                    q = q * abs(x - y) % n
                g = math.gcd(q, n)
                k += batch
            r *= 2
        if g == n:
            g = 1
            while g == 1:
                saved = (saved * saved + c) % n
                g = math.gcd(abs(x - saved), n)
        if g != n:
            return g


def factorise(n: int) -> dict[int, int]:
    """The prime factorisation of n >= 1 as {prime: exponent}: small primes by division, the rest by Pollard's rho."""
    factors: dict[int, int] = {}
    for p in (2, *range(3, 1000, 2)):
        while n % p == 0:
            factors[p] = factors.get(p, 0) + 1
            n //= p
    pending = [n] if n > 1 else []
    while pending:
        m = pending.pop()
        if is_prime(m):
            factors[m] = factors.get(m, 0) + 1
        else:
            d = _pollard_brent(m)
            pending += [d, m // d]
    return dict(sorted(factors.items()))


def roman(n: int) -> str:
    """n in 1..3999 in Roman numerals."""
    letters = []
    for value, symbol in ROMAN:
        count, n = divmod(n, value)
        letters.append(symbol * count)
    return "".join(letters)


def _power(base: int, exponent: int) -> str:
    return str(base) + (str(exponent).translate(SUPERSCRIPTS) if exponent > 1 else "")


def _cube_root(n: int) -> int:
    r = round(n ** (1 / 3))
    while r**3 > n:
        r -= 1
    while (r + 1) ** 3 <= n:
        r += 1
    return r


def _divisor_statements(n: int) -> list[str]:
    if n == 0:
        return ["0 is neither prime nor composite."]
    if n == 1:
        return ["1 is neither prime nor composite.", "1 has exactly one divisor."]
    factors = factorise(n)
    count = math.prod(e + 1 for e in factors.values())
    found = [f"{n} has {count} divisors."]
    if count == 2:
        return [f"{n} is a prime number.", *found]
    product = " × ".join(_power(p, e) for p, e in factors.items())
    found.append(f"{n} is composite: {n} = {product}.")
    proper = math.prod((p ** (e + 1) - 1) // (p - 1) for p, e in factors.items()) - n
    if proper == n:
        found.append(f"{n} is a perfect number: it is the sum of its proper divisors.")
    elif proper > n:
        found.append(f"{n} is abundant: its proper divisors add up to {proper}, more than {n}.")
    else:
        found.append(f"{n} is deficient: its proper divisors add up to {proper}, less than {n}.")
    return found


def _shape_statements(n: int) -> list[str]:
    found = []
    root = math.isqrt(n)
    if root * root == n:
        found.append(f"{n} is a perfect square: {root}² = {n}.")
    root = _cube_root(n)
    if root**3 == n:
        found.append(f"{n} is a perfect cube: {root}³ = {n}.")
    side = (math.isqrt(8 * n + 1) - 1) // 2
    if side >= 2 and side * (side + 1) // 2 == n:
        found.append(f"{n} is a triangular number: {n} dots make a triangle with {side} on each side.")
    if n >= 4 and n & (n - 1) == 0:
        found.append(f"{n} is a power of two: {_power(2, n.bit_length() - 1)} = {n}.")
    before, fib = 0, 1
    while fib < n:
        before, fib = fib, before + fib
    if n in (0, 1):
        found.append(f"{n} is a Fibonacci number.")
    elif fib == n:
        found.append(f"{n} is a Fibonacci number: {fib - before} + {before} = {n}.")
    return found


def _writing_statements(n: int) -> list[str]:
    digits = str(n)
    found = []
    if n >= 10:
        found.append(f"The digits of {n} add up to {sum(map(int, digits))}.")
        found.append(f"{n} is {n:X} in hexadecimal.")
        if digits == digits[::-1]:
            found.append(f"{n} is a palindrome: it reads the same backwards.")
    if n >= 2:
        found.append(f"{n} is {n:b} in binary.")
    if 1 <= n <= 3999:
        found.append(f"{n} is {roman(n)} in Roman numerals.")
    return found


@lru_cache(maxsize=1024)
def statements(number: int) -> tuple[str, ...]:
    """Every statement we can make about a non-negative integer; each is true and a full sentence."""
    if number < 0:
        raise ValueError(f"facts are about non-negative numbers, not {number}")
    return (*_divisor_statements(number), *_shape_statements(number), *_writing_statements(number),
            f"The next prime after {number} is {next_prime(number)}.")


def any_statement(number: int) -> str:
    """One of the statements about the number, chosen at random so a number does not always get the same one."""
    return random.choice(statements(number))
