"""Rising and falling terms between two documents, ranked by keyness.

The statistic is Dunning's log-likelihood G² on the 2×2 table of a term's
count in each document against the document's content words; a term whose
G² passes 3.84 (p < 0.05, one degree of freedom) is `rising` or `falling` by
the sign of its log ratio, else `steady`; a term only in B is `new`, only in
A `dropped`.
"""

from __future__ import annotations

import math

SIGNIFICANT = 3.84


def g2(a: int, b: int, na: int, nb: int) -> float:
    """Log-likelihood of a term counted `a` times in `na` words and `b` times in `nb`.

    >>> round(g2(25, 0, 10000, 10000), 2)
    34.66
    """
    total = a + b
    if total == 0:
        return 0.0
    ea = na * total / (na + nb)
    eb = nb * total / (na + nb)
    return 2 * sum(o * math.log(o / e) for o, e in ((a, ea), (b, eb)) if o > 0)


def log_ratio(a: int, b: int, na: int, nb: int) -> float:
    """log2 of B's relative frequency over A's, with 0.5 added to each count."""
    return math.log2(((b + 0.5) / nb) / ((a + 0.5) / na))


def status_of(a: int, b: int, stat: float, ratio: float) -> str:
    if a == 0:
        return "new"
    if b == 0:
        return "dropped"
    if stat < SIGNIFICANT:
        return "steady"
    return "rising" if ratio > 0 else "falling"
