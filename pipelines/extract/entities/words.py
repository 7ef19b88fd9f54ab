"""The entity recogniser's word lists, read once from `pipelines/data/entity_words.txt`.

>>> w = words()
>>> bool(w.org_suffix.match("人民政府")), "同胞" in w.gpe_prefix_rest, sorted(w.proper_tags)[:3]
(True, True, ['j', 'nr', 'nrfg'])
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.lang.zh import lexicon
from pipelines.lang.zh.lexicon import alternation
from pipelines.lang.zh.numerals import CN_SMALL
from pipelines.lang.zh.script import HAN

ROLES = (
    "press_suffix", "book_suffix", "person_title", "person_title_not", "byline", "event_suffix", "event_cue",
    "org_suffix", "institution_suffix", "institution_generic", "facility_suffix", "town_suffix", "listed_kind", "listed_work",
    "not_name_end", "mission", "people_body_cue", "gpe_prefix_rest", "place_part", "generic", "pos_stop", "gpe_end", "loc_end",
    "org_end", "not_name_opener", "name_tag", "proper_tag", "model_stop", "model_place_not_in_word", "model_org_end",
    "level_word", "generic_body", "project_end", "place_list_head", "route_suffix", "place_route_suffix", "model_org_not_first", "model_loc_end",
    "model_zone_end", "zone_suffix", "zone_not_describer",
    "abbr_bound_before", "abbr_bound_after", "abbr_kind_word", "abbr_bound_not", "abbr_run_cue", "person_cue_after", "person_title_before",
    "peer_body", "peer_bodies", "clique_word",
)


@dataclass(frozen=True)
class EntityWords:
    press_suffix: re.Pattern      # 《人民日报》 is a newspaper (ORG)
    book_suffix: re.Pattern       # 《毛泽东选集》 is a book, not an entity
    person_before: re.Pattern     # the place before a title: 习近平|同志
    person_before_cue: re.Pattern  # a title, where `person_before` may match (`finditer_cued`)
    person_cue_after: re.Pattern  # a title or a verb of saying right after a name: 高云江|说
    person_title_before: re.Pattern  # a title right before a name: 总理|差瓦立
    byline: re.Pattern            # 作者 何立峰 at a line end
    event_suffix: re.Pattern
    event_cue: re.Pattern         # 召开了 before an event name
    org_suffix: re.Pattern
    institution: re.Pattern
    institution_generic: frozenset[str]
    facility: re.Pattern
    route: re.Pattern             # 高铁, 港, 综保区 after a name (温福高铁)
    place_route: frozenset[str]   # 公路, 水库: after places only (青海西藏公路)
    zone: re.Pattern              # 开发区, 示范区 after a place and what the zone is for (呼伦贝尔经济技术开发区)
    zone_end: re.Pattern          # a word ending so ends a zone's name: no other name runs through it
    zone_not_describer: frozenset[str]  # verbs of policy prose jieba may tag vn: no word of a zone's name (建设)
    abbr_bound_before: frozenset[str]  # 访 of 访华: the abbreviation after it is a place
    abbr_bound_after: frozenset[str]   # 方 of 中方
    abbr_kind_word: frozenset[str]     # 华侨: the abbreviation that opens it is no place
    abbr_bound_not: frozenset[str]     # 出台: bound in form, no place
    abbr_run_cue: re.Pattern           # 关系 after 中苏: the run is places
    town: re.Pattern
    listed: re.Pattern            # 等一批…企业 after a list of names
    listed_works: re.Pattern      # 等四个大型水库 after a list of works' names
    not_name_end: re.Pattern
    not_name_word: re.Pattern     # `not_name_end` anywhere: 等困难行业亏损企业 lists industries
    not_name_opener: frozenset[str]  # a policy verb jieba tags as a noun: no name's first word (整治, 深化)
    lead_verbs: frozenset[str]       # and the verbs and adverbs that open a task: the first listed name starts after them
    embassy: re.Pattern
    people_bodies: re.Pattern     # bare 人大 / 政协 as bodies
    level_bodies: re.Pattern      # 区人大, 省政协... anywhere: their level names them
    gpe_prefix_rest: frozenset[str]
    place_part: frozenset[str]    # a part of a river or region fused with its name (`长江上游`, `黄河流域`)
    generic: frozenset[str]
    pos_stop: frozenset[str]
    gpe_end: re.Pattern
    loc_end: re.Pattern
    facility_end: re.Pattern      # a name ending as a facility (`铁路`, `公园`)
    org_end: re.Pattern
    name_tags: frozenset[str]
    proper_tags: frozenset[str]
    model_stop: frozenset[str]    # never a span of the trained model
    model_place_not_in_word: frozenset[str]  # 太阳 of 太阳能: no place inside a longer word
    peer_body: frozenset[str]     # a body only when its peers are named with it (工会, 共青团、妇联)
    peer_bodies: re.Pattern       # those peers
    clique: re.Pattern            # a clique named by its head: `…叛徒集团`, `…卖国集团`, `蒋介石集团和…`
    model_org_end: re.Pattern     # a model ORG ending so may contain the rules' matches
    model_org_not_first: frozenset[str]  # a model ORG starts after these words (深化|公立医院)
    model_loc_end: re.Pattern     # a model place ending so is LOC, beside loc_end and facility_suffix (滨河路)
    model_zone_end: re.Pattern    # a model body ending so is a park or zone, LOC (呼伦贝尔现代农牧业产业园)
    level_words: frozenset[str]   # 国家, 省, 市, 自治区…: the levels of `level_word`
    generic_body: re.Pattern      # bodies of several levels at once: 市县党委, 省、市、县监察委员会
    level_list: re.Pattern        # the levels listed before such a body: `国家、省、市、` of 国家、省、市、县监察委员会
    project_end: re.Pattern       # a model ORG ending so is a project: 红星美凯龙城市商贸综合体
    place_list: re.Pattern        # what follows a list of places: 等三处文化遗址, 等地


def load(path: str | os.PathLike) -> EntityWords:
    """The word lists of `path` (a file in the format of `entity_words.txt`)."""
    w = lexicon.keyed(path, ROLES)
    alt = lambda role: alternation(w[role])  # noqa: E731
    return EntityWords(
        press_suffix=re.compile(f"(?:{alt('press_suffix')})$"),
        book_suffix=re.compile(f"(?:{alt('book_suffix')})$"),
        person_before=re.compile(f"(?=(?:{alt('person_title')})(?![{HAN}]{{0,1}}(?:{alt('person_title_not')})))"),
        person_before_cue=re.compile(f"(?:{alt('person_title')})"),
        person_cue_after=re.compile(f"(?:{alt('person_title')}|{alt('person_title_before')}|{alt('person_cue_after')})"
                                    f"(?![{HAN}]{{0,1}}(?:{alt('person_title_not')}))"),
        person_title_before=re.compile(f"(?:{alt('person_title_before')})$"),
        byline=re.compile(f"(?:{alt('byline')})[:：]?[ \\t　]*([{HAN}]{{2,4}})(?=[ \\t　]*(?:\\n|$))"),
        event_suffix=re.compile(f"(?:{alt('event_suffix')})(?!议)"),  # 人大会议: 会议, not 大会
        event_cue=re.compile(f"(?:{alt('event_cue')})了?$"),
        org_suffix=re.compile(f"(?:{alt('org_suffix')})"),
        institution=re.compile(f"(?:{alt('institution_suffix')})"),
        institution_generic=frozenset(w["institution_generic"]),
        facility=re.compile(f"(?:{alt('facility_suffix')})"),
        route=re.compile(f"(?:{alternation(w['route_suffix'] + w['place_route_suffix'])})"),
        place_route=frozenset(w["place_route_suffix"]),
        zone=re.compile(f"(?:{alt('zone_suffix')})"),
        zone_end=re.compile(f"(?:{alt('zone_suffix')})$"),
        zone_not_describer=frozenset(w["zone_not_describer"]),
        abbr_bound_before=frozenset(w["abbr_bound_before"]),
        abbr_bound_after=frozenset(w["abbr_bound_after"]),
        abbr_kind_word=frozenset(w["abbr_kind_word"]),
        abbr_bound_not=frozenset(w["abbr_bound_not"]),
        abbr_run_cue=re.compile(f"(?:{alt('abbr_run_cue')})"),
        town=re.compile(f"(?:{alt('town_suffix')})"),
        listed_works=re.compile(f"等(?!地)(?:[{CN_SMALL}0-9０-９]+[个座条处项])?[{HAN}]{{0,4}}?(?:{alt('listed_work')})"),
        listed=re.compile(f"等(?:一批|一些|多家|[0-9０-９]+家)?[{HAN}]{{0,6}}?(?:{alt('listed_kind')})"),
        not_name_end=re.compile(f"(?:{alt('not_name_end')})$"),
        not_name_word=re.compile(f"(?:{alt('not_name_end')})"),
        not_name_opener=frozenset(w["not_name_opener"]),
        lead_verbs=frozenset(w["not_name_opener"]) | _lead_verbs(),
        embassy=re.compile(f"[{HAN}]{{2,6}}驻[{HAN}]{{2,8}}?(?:{alt('mission')})"),
        # `(?:区|市|县)?(?:人大|政协)` written so that the pattern opens with literals, which `re` scans for in C
        people_bodies=re.compile(f"(?:区(?:人大|政协)|市(?:人大|政协)|县(?:人大|政协)|人大|政协)(?={alt('people_body_cue')})"),
        # a level before 人大 / 政协 names the body, also inside a word (`区政协委员`, `市人大代表建议`, `省政协提案`),
        # but not `全市人大代表` (all the city's deputies) nor the start of a standing committee's name
        level_bodies=re.compile("(?<![全各])[区市县省](?:人大|政协)(?!常委会|常务委员会)"),
        gpe_prefix_rest=frozenset(w["gpe_prefix_rest"]),
        place_part=frozenset(w["place_part"]),
        generic=frozenset(w["generic"]),
        pos_stop=frozenset(w["pos_stop"]),
        gpe_end=re.compile(f"(?:{alt('gpe_end')})$"),
        loc_end=re.compile(f"(?:{alt('loc_end')})$"),
        facility_end=re.compile(f"(?:{alt('facility_suffix')})$"),
        org_end=re.compile(f"(?:{alt('org_end')})$"),
        name_tags=frozenset(w["name_tag"]),
        proper_tags=frozenset(w["proper_tag"]),
        model_stop=frozenset(w["model_stop"]),
        model_place_not_in_word=frozenset(w["model_place_not_in_word"]),
        peer_body=frozenset(w["peer_body"]),
        peer_bodies=re.compile(f"(?:{alt('peer_bodies')})"),
        clique=re.compile(f"(?:{alt('clique_word')})集团"),
        model_org_not_first=frozenset(w["model_org_not_first"]),
        model_loc_end=re.compile(f"(?:{alt('model_loc_end')})$"),
        model_zone_end=re.compile(f"(?:{alt('model_zone_end')})$"),
        model_org_end=re.compile(f"(?:{alt('org_suffix')}|{alt('org_end')}|{alt('model_org_end')})$"),
        level_words=frozenset(w["level_word"]),
        generic_body=re.compile(f"(?:{alt('level_word')})(?:、?(?:{alt('level_word')}))+(?:{alt('generic_body')})"),
        level_list=re.compile(f"(?:(?:{alt('level_word')})、)+$"),
        project_end=re.compile(f"(?:{alt('project_end')})$"),
        place_list=re.compile(f"等(?:[{CN_SMALL}0-9]+[处个座][{HAN}]{{0,4}}?(?:{alt('place_list_head')})|地(?!方|区|位|级))"),
    )


def _lead_verbs() -> frozenset[str]:
    """The verbs and adverbs that open a task (`task_lead_words.txt`: 深化, 规范, 积极):
    jieba's dictionary tags some of them as nouns (`深化` j, `规范` n)."""
    from pipelines.extract.tasks.markers import lead_word_lists

    lead = lead_word_lists()
    return frozenset(lead["adverb"] + lead["verb"])


@lru_cache(maxsize=1)
def words() -> EntityWords:
    return load(lexicon.path_of("entity_words.txt"))
