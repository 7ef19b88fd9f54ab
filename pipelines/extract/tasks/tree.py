"""Nesting candidate units into the tree of a document (rules in the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.extract.tasks.markers import BULLETS, Mark

# Units without a number: their ordinal is their order among their siblings.
UNMARKED = ("lead", "bullet", "question")

# Item styles whose first member may be written `首先`.
_ORDINAL_WORDS = {"第N，", "第N、", "N是", "N要", "第N是"}


@dataclass
class Node:
    mark: Mark
    parent: int | None   # index into the accepted list
    ordinal: int
    style: str = ""      # the mark's style; `首先` takes its list's style

    def __post_init__(self) -> None:
        self.style = self.style or self.mark.style


def _can_contain(parent: Mark, child: Mark) -> bool:
    """Whether `child` may open a new list inside `parent`."""
    if parent.style == child.style:
        return False  # a list never nests in itself: same style is a sibling or a restart
    if not parent.block and (child.block or child.para != parent.para):
        return False  # a unit begun mid-paragraph holds only inline units of its own paragraph
    if parent.kind == "question":
        return child.kind == "lead"  # the answer's headline
    if child.kind in ("lead", "bullet", "question"):
        # Not under `一是` items (a lead after them is a new topic), but under
        # the `第一，…` paragraphs that head sections in older reports (1980).
        return parent.kind in ("heading", "part", "section", "numbered") or parent.style == "第N，" and parent.block
    if parent.kind == "bullet":
        return child.para == parent.para  # a bullet is one paragraph
    if parent.kind == "lead":
        # `推进X。…` then `一是…` paragraphs right below it (2009, 2000); a list
        # after other prose is the part's, not the lead's (1995).
        return not child.block or child.kind in ("item", "numbered") and child.para == parent.para + 1
    return True


def _continues(node, style: str, ordinal: int) -> bool:
    """Whether a unit of `style` numbered `ordinal` continues `node`'s list (`首先` … `二是` too)."""
    return node.ordinal == ordinal - 1 and (node.style == style or node.style == "首先" and style in _ORDINAL_WORDS)


def build_tree(marks: list[Mark], rejected: set[int], top_leads: bool = False) -> list[Node]:
    """Nest accepted marks into a tree (see module docstring for the rules).

    `top_leads`: lead paragraphs may stand at the top level (a text with no
    numbered part, section or article: a commentary, an explainer)."""
    nodes: list[Node] = []
    stack: list[int] = []                 # indices into nodes
    last_of_style: dict[str, int] = {}    # for numbering straight through parents

    def push(m: Mark, ordinal: int) -> None:
        parent = stack[-1] if stack else None
        nodes.append(Node(m, parent, ordinal))
        stack.append(len(nodes) - 1)
        last_of_style[m.style] = ordinal

    def pop_until_fits(m: Mark) -> None:
        while stack and not _can_contain(nodes[stack[-1]].mark, m):
            stack.pop()

    def innermost(style: str) -> int | None:
        return next((k for k in range(len(stack) - 1, -1, -1) if nodes[stack[k]].style == style), None)

    def previous_sibling(style: str, ordinal: int) -> int | None:
        """The open unit this one continues: same style, ordinal one less."""
        for k in range(len(stack) - 1, -1, -1):
            node = nodes[stack[k]]
            if _continues(node, style, ordinal):
                node.style = style
                return k
        return None

    def adopt_between(style: str, ordinal: int) -> int | None:
        """`一是…` / lead paragraphs / `二是…`: the leads belong to 一是 (2015, 2016).

        Finds the closed previous sibling whose parent is still open and with
        only lead or bullet paragraphs after it at its level; moves those under
        it and reopens it. Returns its stack position, or None.
        """
        for j in range(len(nodes) - 1, -1, -1):
            node = nodes[j]
            if _continues(node, style, ordinal):
                break
        else:
            return None
        parent = node.parent
        if parent is not None and parent not in stack or j in stack or not node.mark.block:
            return None
        between = [i for i in range(j + 1, len(nodes)) if nodes[i].parent == parent]
        if not between or any(nodes[i].mark.kind not in UNMARKED for i in between):
            return None
        for i in between:
            nodes[i].parent = j
        node.style = style
        del stack[(stack.index(parent) + 1) if parent is not None else 0:]
        stack.append(j)
        return len(stack) - 1

    def replace(at: int, m: Mark, ordinal: int) -> None:
        del stack[at:]
        push(m, ordinal)

    after_salutation = False
    for m in marks:
        if m.pos in rejected:
            continue
        if m.kind == "salutation":
            after_salutation = True
            continue
        if m.kind in UNMARKED:
            # Unmarked paragraphs are siblings of the outermost open one.
            outer = next((k for k, i in enumerate(stack) if nodes[i].mark.kind in UNMARKED
                          and not (m.kind == "lead" and nodes[i].mark.kind == "question")), None)
            keep = list(stack)
            if outer is not None:
                del stack[outer:]
            if after_salutation:
                del stack[1:]
            pop_until_fits(m)
            if not stack and not (m.kind == "question" or m.marker.startswith(tuple(BULLETS)) or m.kind == "lead" and top_leads):
                stack[:] = keep  # no place for it (a paragraph of a law's article): the open units stay open
                continue  # only inside a numbered unit, but for ■ bullets and questions
            push(m, 0)  # numbered below, once adoption has settled who its siblings are
            continue
        after_salutation = False
        k = m.ordinal
        at = previous_sibling(m.style, k)
        if at is None and m.block:
            while stack and not nodes[stack[-1]].mark.block:
                stack.pop()  # an inline list ended with its paragraph
        if at is None and m.block and k > 1 and (prev := adopt_between(m.style, k)) is not None:
            replace(prev, m, k)                    # next sibling, after lead paragraphs it now holds
        elif at is not None:
            replace(at, m, k)                      # next sibling
        elif k == 1 and stack and nodes[stack[-1]].style == m.style and nodes[stack[-1]].mark.form == "heading" \
                and m.form in ("para", "bare"):
            push(m, k)                             # `一、…；` items under a `四、…` heading (1981, 1986)
        elif k == 1:
            pop_until_fits(m)                      # a new list
            push(m, k)
        elif not m.block:
            continue                               # inline and out of sequence: not a marker
        elif (at := innermost(m.style)) is None and last_of_style.get(m.style) == k - 1:
            pop_until_fits(m)                      # numbered straight through parents
            push(m, k)
        elif at is not None:
            replace(at, m, k)                      # as written: a gap or restart in the text
        else:
            pop_until_fits(m)
            push(m, k)
    # Unmarked units count in order among their siblings (after any adoption).
    counts: dict[tuple[int | None, str], int] = {}
    for n in nodes:
        if n.mark.kind in UNMARKED:
            key = (n.parent, n.mark.kind)
            counts[key] = n.ordinal = counts.get(key, 0) + 1
    return nodes


def singleton_inline_lists(nodes: list[Node]) -> set[int]:
    """Lists that are not lists: `。第一，…` with no `第二`, `首先，` with no `第二，`."""
    members: dict[int, int] = {}
    head_of: dict[tuple[int | None, str], int] = {}
    for i, n in enumerate(nodes):
        if n.mark.kind in UNMARKED:
            continue
        key = (n.parent, n.style)
        if n.ordinal == 1 or key not in head_of:
            head_of[key] = i
            members[i] = 1
        else:
            members[head_of[key]] += 1
    return {nodes[i].mark.pos for i, count in members.items()
            if count == 1 and (not nodes[i].mark.block or nodes[i].mark.marker.startswith("首先"))}

