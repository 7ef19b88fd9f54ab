"""Write `pipelines/data/gazetteer/divisions.tsv`: China's provinces, prefecture-level
and county-level divisions, and the countries of the world with their capitals, from
the data files of jionlp (Apache-2.0; https://github.com/dongrixinyu/JioNLP).

    pip download --no-deps jionlp==1.5.31 -d /tmp/jio && unzip -q /tmp/jio/jionlp-*.whl -d /tmp/jio
    python tools/make_divisions.py /tmp/jio/jionlp/dictionary

The project does not depend on jionlp: this script is run by hand when the lists
should be refreshed, and its output is committed. What it keeps:

- every province, prefecture and county by its full name (`嘉兴市`, `余姚市`,
  `仙居县`; not a district named with a common word, `平房区`, which jieba would
  then cut out of `和平房区改造`), as GPE with its parent unit, so that a county's report can resolve
  `市委` and `我县`; a full name held by several divisions (`鼓楼区`) keeps no
  normal form or parent beyond itself;
- the short form jionlp gives (`嘉兴`, `余姚`): a province's or prefecture's unless it
  is in NOT_BARE (`大同`, `白银`, `文山`: words read off the lists this script prints);
  a county's only where jieba's dictionary does not hold it or holds it rarely as a
  place or name (`余姚`, `义乌`; not `平安`, `公安`, `合作`). A short form of two
  divisions with different full names is left out (`巴州`); one of two divisions with
  the same full name (`普陀`: 普陀区 of 上海 and of 舟山) is kept as itself, as is that
  full name, with no parent;
- renamed divisions by their old full names (`襄樊市`, `思茅市`), normalised to the
  current name, from jionlp's `china_location_change.txt`;
- the world's countries by their common and official names and their capitals.

Towns and villages are left out: their names repeat across the country and many
are words (`城关镇` is in every county).
"""

from __future__ import annotations

import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "pipelines" / "data" / "gazetteer" / "divisions.tsv"
SOURCE = "jionlp 1.5.31 (Apache-2.0), dictionary/china_location.zip, china_location_change.txt, world_location.txt"


# Short forms that are also common words, or name a mountain, lake or river more often
# than a division (read from the lists this script prints).
NOT_BARE = set("""
大同 白银 来宾 中山 玉树 长治 大庆 日照 安康 四平 普洱 阿里 山南 文山 海北 海西 兴安 黄山 红河 怒江 吉林
江城 长寿 江海 城东 城西 城南 城北 上街 兴隆 青山 大关 山城 三江 新区 东山 湖滨 湖口 临江 万山 临海
西区 东区 北区 南区 中区 城关 新市 龙井 满城 卧龙 江口 白河 黑山 平川 大东 桥东 桥西 路北 路南 东河
新安 永宁 清河 灵山 西平 东安 青龙 盐湖 锦江 北湖 新洲 花山 沙湾 松山 玉山 南城 龙山 上城 西陵 江州
惠民 方正 元宝 宝塔 博爱 同仁 龙凤 木兰 白玉 钟楼 盘龙 马尾 新星 七星 大安 金牛 白塔 古塔 康乐 阳春
和顺 左权 阳明 景泰 玉龙 永福 石龙 红安 华容 九龙 嘉禾 南华 安福 来凤 大田 永泰 永丰 乐安 龙华 金沙
玉泉 红塔 延寿 仁寿 扶风 海安 泰和 白沙 安达 高平 新罗 东胜 和硕 官渡 石屏 建宁 凤翔 灵宝 孝义 张北
兴业 民乐 民和 铜鼓 塞北 大厂 离岛 北关 南关 商都 盘山 千山 西乡 石台 古城 天元 天心 新会 龙城 长白
威远 广宁 宝山 五台 香河 东乡 永兴 马山 紫云 磐石 石鼓 荷塘 蓝山 曲江 正阳 北区 平南 来凤 金州 临河
大兴安岭 兴城 惠农 站前 同德 三河 嫩江 老城区 新城区 和平区 城区 郊区 矿区 城中区 城北区 城东区 城西区 城南区
中非 金山 滨江 双湖 银海 德化 江都 永平 湖里 大通 灵台 清流 水城 紫金 老城 罗山 连城 爱民 白河 安国 新市区 市中区
""".split())


def jieba_words() -> dict[str, tuple[int, str]]:
    """jieba's dictionary: word -> (frequency, tag)."""
    import jieba

    out: dict[str, tuple[int, str]] = {}
    with (Path(jieba.__file__).parent / "dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                out[parts[0]] = (int(parts[1]), parts[2])
    return out


def read_china(folder: Path) -> list[tuple[int, str, str]]:
    """(level, full name, short name) of provinces (0), prefectures (1), counties (2), in file order."""
    with zipfile.ZipFile(folder / "china_location.zip") as z:
        text = z.read("china_location.txt").decode("utf-8")
    out = []
    for line in text.splitlines():
        level = len(line) - len(line.lstrip("\t"))
        if level > 2:
            continue
        fields = line.strip().split("\t")
        full = fields[0]
        out.append((level, full, fields[2] if len(fields) > 2 else full))  # `克州/克孜勒苏`: two short forms
    return out


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path("/tmp/jio/jionlp/dictionary")
    jw = jieba_words()
    rows = read_china(folder)

    def common_word(word: str) -> bool:
        """A word jieba knows well as no name: `平房` (n, 198), `解放` (v), `新兴` (b)."""
        if word not in jw:
            return False
        freq, tag = jw[word]
        floor = {"ns": None, "nr": None, "nrt": None, "nz": None, "nrfg": None, "n": 150, "b": 1000}.get(tag, 100)
        return floor is not None and freq >= floor

    def rare_place(word: str, tags: tuple[str, ...]) -> bool:
        """jieba's dictionary does not hold `word`, or holds it rarely (under 300) as one of `tags`."""
        return word not in jw or (jw[word][0] < 300 and jw[word][1] in tags)

    def bare_ok(name: str, level: int) -> bool:
        """A name to take without its suffix. A province's or prefecture's short form is
        taken unless it is in NOT_BARE; a county's only where jieba's dictionary does not
        hold it, or holds it rarely (under 300) as a place or name (ns, nr, nrt, nz):
        `余姚`, `义乌`, not `平安`, `公安`, `合作`."""
        if len(name) < 2 or name in NOT_BARE:
            return False
        return level <= 1 or rare_place(name, ("ns", "nr", "nrt", "nz", "nrfg"))

    full_count = Counter(full for _, full, _ in rows)
    short_count = Counter(sh for full, short in {(f, s) for _, f, s in rows} for sh in short.split("/") if sh != full)
    entries: dict[str, tuple[str, str, str]] = {}  # name -> (label, normalized, parent)
    parents: list[str] = ["", "", ""]
    dropped: list[str] = []
    for level, full, short in rows:
        parent = parents[level - 1] if level else "中国"
        parents[level] = full
        if level and full == parent:
            continue  # 上海市 under 上海市
        unique = full_count[full] == 1 or level == 0
        stem = full[:-1]
        if full in NOT_BARE or (len(full) <= 2 and not rare_place(full, ("ns",))) or (
                level == 2 and full.endswith("区") and common_word(stem)):
            dropped.append(full)
        elif full not in entries:
            entries[full] = ("GPE", "", parent if unique else "")
        for form in short.split("/"):
            if form != full and form not in entries:
                if short_count[form] == 1 and bare_ok(form, level) and full_count.get(form, 0) == 0:
                    entries[form] = ("GPE", full if unique else "", "")
                else:
                    dropped.append(form)

    change = folder / "china_location_change.txt"
    for line in change.read_text(encoding="utf-8").splitlines():
        if "=>" not in line:
            continue
        old, new = line.split("=>")
        old_f, new_f = old.split("\t")[2:], new.split("\t")
        old_name = [f for f in old_f if f.endswith(("市", "县", "区", "地区", "州", "盟", "旗"))]
        new_name = new_f[-1].strip()
        if old_name:
            name = old_name[-1].strip()
            if name not in entries and full_count.get(name, 0) == 0 and len(name) >= 3:
                entries[name] = ("GPE", new_name if new_name != name else "", "")

    for line in (folder / "world_location.txt").read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 2 or line.endswith(":"):
            continue
        country, official = fields[0].strip(), fields[1].strip()
        capital = fields[2].strip() if len(fields) > 2 else ""
        for name, norm, parent in ((country, "", ""), (official, country, ""), (capital, "", country)):
            if name and len(name) >= 2 and name not in entries and name not in NOT_BARE:
                if name == capital and name in jw and jw[name][1] != "ns":
                    dropped.append(name)
                    continue
                entries[name] = ("GPE", "" if norm == name else norm, parent)

    with OUT.open("w", encoding="utf-8") as fh:
        fh.write(
            "# China's administrative divisions (provinces, prefectures, counties; full names, and the short\n"
            "# form where it names one division and is no other word), renamed divisions by their old names,\n"
            "# and the world's countries and capitals. Generated by tools/make_divisions.py from\n"
            f"# {SOURCE}. Do not edit: add names to places.tsv, which wins over this file.\n"
            "# name <TAB> label <TAB> normalized (empty: the name itself) [<TAB> parent]\n"
        )
        for name, (label, norm, parent) in entries.items():
            fh.write("\t".join((name, label, norm, parent)).rstrip("\t") + "\n")
    print(f"{len(entries)} names written to {OUT.relative_to(ROOT)}; {len(set(dropped))} short forms left out", file=sys.stderr)
    print(" ".join(sorted(set(dropped))), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
