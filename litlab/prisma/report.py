"""The PRISMA counts as text for the terminal."""
from __future__ import annotations

from litlab.prisma.counts import PrismaCounts
from litlab.prisma.queries import SCALARS


def format_counts(c: PrismaCounts) -> str:
    """Every number with what it is; then what is missing and the notes."""
    lines = [f"PRISMA 2020 flow · {c.question}"]
    lines += [f"  identified from {s['source']}: {s['n']:,}" for s in c.by_source]
    lines += [f"  {what}: {c.counts[name]:,}" for name, (what, _) in SCALARS.items()]
    lines += [f"    excluded at full text, {r['reason']}: {r['n']:,}" for r in c.reasons]
    lines += [f"missing: {m}" for m in c.missing] + [f"note: {m}" for m in c.notes]
    lines.append("every number is a query: `litlab prisma QUESTION --sql` prints them")
    return "\n".join(lines)
