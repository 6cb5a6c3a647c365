"""Every question and every answer option of an article in one forward pass.

After the article's cache, the tokens of all questions and of all their options are laid
out in one sequence; a tree-shaped attention mask lets each question see only the article
and itself, and each option only the article, its question and itself. Positions restart
after the article for each question, so every token sees exactly what it would see in its
own prompt: the log-probabilities equal those of one pass per question and option (to
float rounding), at the cost of one forward pass instead of one per question and option
(on a CPU, each pass also copies the whole cache).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class OptionTree:
    """The new tokens after the article and where each option's log-probability is read."""

    tokens: list[int]
    question_of: list[int]  # per token: its question
    option_of: list[int]    # per token: its option, -1 for the question's own tokens
    offset: list[int]       # per token: position after the article's last token
    reads: list[tuple[int, int, list[int], list[int]]]  # (question, option, at, targets)

    @property
    def positions_read(self) -> list[int]:
        """The token positions whose next-token distribution is used, sorted."""
        return sorted({p for *_, at, _ in self.reads for p in at})


def layout(suffixes: list[list[int]], options: list[list[list[int]]]) -> OptionTree:
    """The token layout for questions (their suffix tokens) and options (their tokens)."""
    tree = OptionTree([], [], [], [], [])
    for qi, suffix in enumerate(suffixes):
        tree.tokens += suffix
        tree.question_of += [qi] * len(suffix)
        tree.option_of += [-1] * len(suffix)
        tree.offset += list(range(len(suffix)))
        last = len(tree.tokens) - 1
        for oi, option in enumerate(options[qi]):
            start = len(tree.tokens)
            fed = option[:-1]  # the last token is only predicted, never fed
            tree.tokens += fed
            tree.question_of += [qi] * len(fed)
            tree.option_of += [oi] * len(fed)
            tree.offset += [len(suffix) + m for m in range(len(fed))]
            tree.reads.append((qi, oi, [last] + [start + m for m in range(len(fed))], option))
    return tree


def attention_mask(torch, tree: OptionTree, prefix_mask, dtype):
    """The additive 4-D mask (batch, 1, new tokens, cached + new tokens): the cached part
    follows each row's padding mask, the new part the tree."""
    q = torch.tensor(tree.question_of)
    o = torch.tensor(tree.option_of)
    n = len(tree.tokens)
    causal = torch.ones(n, n, dtype=torch.bool).tril()
    same_branch = (q[:, None] == q[None, :]) & ((o[None, :] == -1) | (o[None, :] == o[:, None]))
    new = (causal & same_branch).to(prefix_mask.device)
    batch = prefix_mask.shape[0]
    cached = prefix_mask.bool()[:, None, None, :].expand(batch, 1, n, prefix_mask.shape[1])
    allowed = torch.cat([cached, new[None, None].expand(batch, 1, n, n)], dim=-1)
    blocked = torch.zeros(allowed.shape, dtype=dtype, device=prefix_mask.device)
    return blocked.masked_fill(~allowed, torch.finfo(dtype).min)


def position_ids(torch, tree: OptionTree, prefix_mask):
    """Each new token's position: the row's real length plus its offset in its branch."""
    lengths = prefix_mask.sum(dim=1, keepdim=True)
    return lengths + torch.tensor(tree.offset, device=prefix_mask.device)[None, :]
