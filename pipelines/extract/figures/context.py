"""Context of a figure: the direction of a change, whether it is a target,
and the metric it measures (`subject`), read from its clause and sentence."""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from pipelines.extract.figures.metrics import metric_of
from pipelines.extract.figures.model import Figure
from pipelines.extract.figures.words import words
from pipelines.lang.zh.numerals import DIG
from pipelines.lang.zh.script import HAN, simplified

_SENT_END = re.compile(r"[。！？!?\n]")
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?、\n]")
# (`超过预期目标`, `达到预期目标`: a result measured against a target, not a target)
_TARGET_CUES = re.compile(r"预期目标(?<!超过预期目标)(?<!达到预期目标)(?<!完成预期目标)(?<!实现预期目标)(?<!高于预期目标)|调控目标|目标(?:是|为|定为)|拟|力争|争取|确保|今年|明年|届时|将(?!近)")
# A list of targets opened in the paragraph (or the line before): `主要预期目标是：…。…。`
_TARGET_LIST = re.compile(r"(?:预期|调控|主要)目标(?:是|为)?[：:]|预期目标(?:是|为)")
# A budget paragraph (`赤字率拟按3%安排`, `今年安排中央本级支出…`): what follows in it is planned.
_BUDGET = re.compile(r"拟按|拟安排|今年安排|今年拟|预计今年")
_TARGET_CLAUSE = re.compile(r"要(?<![主需重只]要)|需|应")
_TIME_UNITS = {"年", "周年", "月", "天", "小时"}
_ACHIEVED = re.compile(r"实际|已经|已|完成了|实现了|达到了|回落到")
# A change verb followed by 到/为 gives a level, not a change: `提高到66.2%` measures 城镇化率.
_LEVEL_VERB = re.compile(r"(?:增长|增加|提高|提升|上升|扩大|下降|减少|降低|缩减|缩小|回落|降|升|减|增)(?:了)?(?:到|至|为)$")
_INNER_ADVERB = re.compile(r"(?:共|将|要|就|都|仍然|也|又|还|已经|已|分别|均(?<![年人平]均))(?=增长|增加|提高|下降|减少|降低|扩大|递增)")
# patterns of the per-figure tests, compiled once (`re.sub(f"...")` formats and looks up its pattern each call)
_COMPARE_WORD = re.compile("[比较較]")
_TO_VERB = re.compile("了?(?:到|至|为|成)")
_GAP_WORDS = re.compile("了|近|约|約|将近|超过|保持在|达到|达")
_TARGET_IS_END = re.compile(r"目标定?为$")
_PRE_TAIL = re.compile(r"(?:(?:比|较|較|由|从|到|在)(?:去年|上年末|上年)?的?)?[“\"]?$")
_POST_HEAD = re.compile(r"^[”\"]?(?:的|以来|来|时期|期间)?")
_BLANKS = re.compile(r"\s+")
_FROM_END = re.compile(r"(?:从|由)(?:人均)?$")
_SUBJECT_LEAD = re.compile(r"^(?:比|较|較|同比|环比|年均|平均|实际)")
_PURPOSE_AFTER = re.compile(rf"([{HAN}]{{1,6}}?)(?=支持|用于|，|。|；|、|$)")
_DIGIT = re.compile(rf"[{DIG}]")
_COMPARE_TAIL = re.compile(r"(?:比|较).*$")
_SUBJECT_AFTER = re.compile(rf"[{HAN}]{{2,12}}?(?=[，,；;。、！？]|$)")
_YEARISH = {"year", "date", "period", "plan_period", "congress"}


def _previous_line(text: str, pstart: int) -> str:
    """The last non-blank line before the line starting at `pstart`: a list of
    targets may open on it (`主要预期目标是：`), with a blank line between."""
    end = pstart
    while end > 0:
        start = text.rfind("\n", 0, max(0, end - 1)) + 1
        line = text[start:end].strip()
        if line:
            return line
        if start == 0:
            return ""
        end = start
    return ""


def _clause_start(text: str, pos: int, floor: int, end: re.Pattern = _CLAUSE_END) -> int:
    """Where the clause (or, with `end=_SENT_END`, the sentence) holding `pos` begins, not before `floor`."""
    i = pos
    while i > floor and not end.match(text, i - 1):
        i -= 1
    return i


def _direction(text: str, f: Figure, cstart: int) -> str | None:
    lex = words()
    before = text[cstart:f.start]
    best = None
    for m in lex.direction_re.finditer(before):
        if not before.startswith("值", m.end()):  # 增加值 is a noun
            best = m
    comp = None
    m2 = lex.comparative_re.search(before.rstrip("近约約超过将"))
    if m2 and _COMPARE_WORD.search(before[:m2.start()]):
        comp = lex.comparative[m2.group(1)]
    if best is None:
        return comp
    gap = before[best.end():]
    if _TO_VERB.match(gap):
        return None
    if comp and m2.start() >= best.end():
        return comp
    gap = _GAP_WORDS.sub("", gap)
    if len(gap) > 3 and not _TARGET_IS_END.search(gap):
        return None
    return lex.directions[best.group()]


def _strip_subject(s: str, figs_inside: list[tuple[int, int]], offset: int) -> str:
    # Remove years and other figures written inside the clause (`比1956年`, `2015年的`).
    for a, b in sorted(figs_inside, reverse=True):
        a0, b0 = a - offset, b - offset
        pre = s[:a0]
        pre = _PRE_TAIL.sub("", pre)
        post = _POST_HEAD.sub("", s[b0:])
        s = pre + post
    s = _BLANKS.sub("", s)
    s = _LEVEL_VERB.sub("", s)
    for _ in range(3):
        s = words().lead_strip.sub("", s)
        s = words().trail_strip.sub("", s)
        s = _LEVEL_VERB.sub("", s)
    s = _INNER_ADVERB.sub("", s)
    return simplified(s.strip(" 　“”\"（）()"))


def annotate(text: str, figs: list[Figure], year: int | None) -> list[Figure]:
    figs.sort(key=lambda f: f.start)
    starts = [g.start for g in figs]
    # Starts of years and dates not before the document's year: a sentence naming one sets a target.
    future_starts = [g.start for g in figs if year is not None and g.kind in ("year", "date") and g.value >= year]
    out: list[Figure] = []
    prev_subject: dict[int, str] = {}
    for f in figs:
        sstart = _clause_start(text, f.start, 0, _SENT_END)
        cstart = _clause_start(text, f.start, sstart)
        send = _SENT_END.search(text, f.end)
        sentence = text[sstart:send.start() if send else len(text)]
        cend_m = _CLAUSE_END.search(text, f.end)
        clause = text[cstart:cend_m.start() if cend_m else len(text)]
        kw: dict = {}
        if f.kind not in _YEARISH:
            baseline = bool(_FROM_END.search(text[cstart:f.start]))
            if (f.unit == "倍" and f.text.startswith("翻")) or baseline or f.unit in _TIME_UNITS:
                kw["direction"] = None
            else:
                kw["direction"] = _direction(text, f, cstart)
                if kw["direction"] is None and out and text[out[-1].end:f.start] in ("和", "、", "及", "与", "，"):
                    kw["direction"] = out[-1].direction  # 分别增长6.5%、9.4%
            lo = bisect.bisect_left(future_starts, sstart)
            future = lo < len(future_starts) and future_starts[lo] < sstart + len(sentence)
            pstart = text.rfind("\n", 0, f.start) + 1
            before_par = _previous_line(text, pstart)
            listed = bool(_TARGET_LIST.search(text[pstart:f.start]) or (before_par.endswith(("：", ":")) and _TARGET_LIST.search(before_par))
                          or _BUDGET.search(text[pstart:f.start]))
            target = bool(_TARGET_CUES.search(sentence) or _TARGET_CLAUSE.search(clause) or future or listed)
            if target and (_ACHIEVED.search(clause) or baseline):
                target = False
            kw["target"] = None if f.unit in _TIME_UNITS else target
            # the figures between the clause's start and this one (by bisection: a scan of all
            # of them for each was quadratic in a document's figures)
            inside = [(g.start, g.end) for g in figs[bisect.bisect_left(starts, cstart):bisect.bisect_right(starts, f.start)]
                      if g.end <= f.start]
            subj = _strip_subject(text[cstart:f.start], inside, cstart)
            if subj in words().empty_subjects:
                subj = ""
            lead = _SUBJECT_LEAD.match(subj)
            if subj in words().object_verbs:
                obj = re.search(subj + r"([^，,；;。！？、\n]{2,16}?)(?=[，,；;。、]|$)", sentence[: f.start - sstart])
                after = _PURPOSE_AFTER.match(text[f.end:f.end + 8])
                if obj and not _DIGIT.search(obj.group(1)):
                    subj = obj.group(1)
                elif after:
                    subj = subj + after.group(1)
            elif (not subj or lead or subj == simplified(kw["direction"] or "") or subj in words().attribute_subjects) \
                    and prev_subject.get(sstart):
                base = prev_subject[sstart]
                subj = base + (subj if subj and subj not in (base, "实际", "同比") else "")
            elif not subj:
                subj = _fallback_subject(text, f, figs, sstart, cstart)
            if subj:
                core = _COMPARE_TAIL.sub("", subj)
                if kw["direction"]:
                    core = words().direction_end_re.sub("", core)
                prev_subject[sstart] = core or subj
            kw["subject"] = subj or None
            kw["metric"] = metric_of(subj, f.kind)
            if f.kind == "quantity" and f.unit is None:
                kw["unit"] = "人" if subj and words().person_subject.search(subj) else None
        out.append(replace(f, **kw) if kw else f)
    return out


def _fallback_subject(text: str, f: Figure, figs: list[Figure], sstart: int, cstart: int) -> str | None:
    """Subject of a figure that opens its clause: the clause before it when that
    holds no figure (`组建城市合作银行的大中城市，由３５个…`), else the words right
    after it (`两次降低存款准备金率`)."""
    if cstart > sstart:
        pstart = _clause_start(text, cstart - 1, sstart)
        if not any(pstart <= g.start < cstart for g in figs):
            prev = _strip_subject(text[pstart:cstart - 1], [], pstart)
            if 2 <= len(prev) <= 20:
                return prev
    after = _SUBJECT_AFTER.match(text[f.end:f.end + 13])
    return simplified(after.group()) if after else None



