"""`policytrace` command line: build, sql, serve.

    policytrace build [PATH ...] [--out DIR] [--field NAME=KEY ...] [--userdict FILE ...] [--dask local:N|tcp://HOST:PORT]
    policytrace sql "SELECT ..." [--out DIR] [--version V] [--format table|csv|json|markdown]
    policytrace serve --cron "0 6 * * *" [PATH ...] [--out DIR]
    policytrace verify [--out DIR] [--version V]
    policytrace server start|stop|status [--port 4200]
    policytrace gc --keep N [--out DIR]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys

import flows  # quiet Prefect settings before Prefect loads; flows.dask_workers


def _parse_fields(items: list[str]) -> dict[str, str]:
    fields = {}
    for item in items:
        name, sep, key = item.partition("=")
        if not sep or not name or not key:
            raise SystemExit(f"policytrace: --field wants NAME=KEY (e.g. text=正文), got {item!r}")
        fields[name] = key
    return fields


def print_summary(summary: dict, out: str) -> None:
    if summary["unchanged"]:
        print(f"Nothing changed: inputs and pipeline are as in version {summary['version']}; no new version written.")
    else:
        print(f"Wrote version {summary['version']} to {out}/ (parent: {summary['parent_version'] or 'none'})")
    print(f"  documents: {summary['documents']}  (analysed {summary['analysed']}, from cache {summary['from_cache']})")
    for table, n in summary["row_counts"].items():
        print(f"  {table:<10} {n:>9} rows")
    print(f"  pipeline:  {summary['pipeline_version']}")
    if summary["rejected"]:
        print(f"Rejected {len(summary['rejected'])} input(s):")
        for r in summary["rejected"]:
            print(f"  {r['source']}: {r['reason']}")
    else:
        print("No input was rejected.")
    if summary.get("skipped"):
        print(f"Skipped {len(summary['skipped'])} file(s) that no reader takes:")
        for r in summary["skipped"]:
            print(f"  {r['source']}: {r['reason']}")


def _out_is_a_folder(out: str, command: str) -> None:
    """Stop, before any work, when `--out` names something that is not a folder."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise SystemExit(f"policytrace {command}: --out {out} is a file, not a folder: name a folder for the dataset")


def _at_least_one(text: str) -> int:
    """`--workers N`: a whole number from 1."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"--workers {text!r}: give a whole number of processes, 1 or more")
    return n


def cmd_build(args) -> int:
    _out_is_a_folder(args.out, "build")
    for path in args.userdict:
        if not os.path.isfile(path):
            raise SystemExit(f"policytrace build: --userdict {path}: no such file")
    if args.dask:
        try:
            flows.dask_workers(args.dask)
        except ValueError as exc:
            raise SystemExit(f"policytrace build: {exc}") from None
    from flows.serve import start_temporary_server_early

    server_ready = start_temporary_server_early()  # boots while the pipeline loads below
    from flows.build import run_build
    from pipelines.build import check_pipeline, load_pipeline

    try:
        if server_ready:  # a temporary server boots on the other core: load the pipeline meanwhile
            load_pipeline(args.userdict)
        else:  # a running server: nothing to hide the load behind, and a run with nothing new needs no
            check_pipeline(args.userdict)  # pipeline; the analysis loads it if there is something to analyse
    except FileNotFoundError as exc:  # a model the mode asks for is not there (`make model`)
        raise SystemExit(f"policytrace build: {exc}") from None
    try:
        if server_ready:
            server_ready()
    except RuntimeError as exc:
        raise SystemExit(f"policytrace build: {exc}") from None
    from pipelines.build import NothingToBuild

    try:
        summary = run_build(
            dask=args.dask, paths=args.paths or ["seeds"], out=args.out, fields=_parse_fields(args.field) or None,
            userdicts=args.userdict, workers=args.workers,
        )
    except NothingToBuild as exc:
        print(f"policytrace build: {exc}", file=sys.stderr)
        return 2
    print_summary(summary, args.out)
    return 0


def cmd_sql(args) -> int:
    from pipelines.store.dataset import DatasetError
    from pipelines.store.query import connect

    try:
        con = connect(args.out, args.version)
    except DatasetError as exc:
        print(f"policytrace sql: {exc}", file=sys.stderr)
        return 2
    try:
        rel = con.sql(args.query)
    except Exception as exc:  # duckdb raises many error classes; all are the user's SQL
        print(f"policytrace sql: {exc}", file=sys.stderr)
        return 2
    if rel is None:
        return 0
    if args.format == "table":
        rel.show(max_rows=args.max_rows, max_width=10_000)
    elif args.format == "csv":
        _write_csv(rel)
    elif args.format == "json":
        cols = rel.columns
        for row in rel.fetchall():
            print(json.dumps(dict(zip(cols, row)), ensure_ascii=False, default=str))
    elif args.format == "markdown":
        cols = rel.columns
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
        for row in rel.fetchall():
            print("| " + " | ".join("" if v is None else str(v).replace("|", "\\|").replace("\n", " ") for v in row) + " |")
    return 0


def _write_csv(rel) -> None:
    import csv

    w = csv.writer(sys.stdout)
    w.writerow(rel.columns)
    w.writerows(rel.fetchall())


def cmd_compare(args) -> int:
    _out_is_a_folder(args.out, "compare")
    from pathlib import Path

    from pipelines.compare import CompareError, resolve, same_document
    from pipelines.store.dataset import Dataset, DatasetError

    try:  # find both documents before Prefect starts, so a bad name fails at once (a file is built on the way)
        documents = Dataset(args.out).read("documents")
        found = [resolve(documents, ref) for ref in (args.a, args.b) if not Path(ref).is_file()]
        if len(found) == 2:
            same_document(*found)
    except (CompareError, DatasetError) as exc:
        print(f"policytrace compare: {exc}", file=sys.stderr)
        return 2
    from flows.serve import start_temporary_server_early

    server_ready = start_temporary_server_early()  # boots while Prefect and the compare code import
    from flows.build import run_to_end
    from flows.compare import compare_flow

    try:
        if server_ready:
            server_ready()
    except RuntimeError as exc:
        print(f"policytrace compare: {exc}", file=sys.stderr)
        return 2
    result = run_to_end(compare_flow(a=args.a, b=args.b, out=args.out, report=args.report))
    print(f"Wrote version {result['version']} to {args.out}/ with the comparison of {args.a!r} and {args.b!r}")
    for table, counts in result["summary"].items():
        print(f"  {table:<16} " + ", ".join(f"{s} {n}" for s, n in counts.items()))
    if args.report:
        print(f"Report: {args.report}")
    print("Query them: policytrace sql \"SELECT metric, a_text, b_text, status FROM compare_figures\"")
    return 0


def cmd_trend(args) -> int:
    from pipelines.compare.charts import line_chart, page
    from pipelines.store.dataset import DatasetError
    from pipelines.store.query import connect

    folder = os.path.dirname(os.path.abspath(args.plot)) if args.plot else None
    if folder and not os.path.isdir(folder):
        print(f"policytrace trend: --plot {args.plot}: the folder {folder} does not exist", file=sys.stderr)
        return 2
    try:
        con = connect(args.out)
    except DatasetError as exc:
        print(f"policytrace trend: {exc}", file=sys.stderr)
        return 2
    series: dict[str, list] = {}
    if args.metric:
        known = [m for (m,) in con.sql("SELECT DISTINCT metric FROM figures WHERE metric IS NOT NULL ORDER BY metric").fetchall()]
        if args.metric not in known:
            import difflib

            near = difflib.get_close_matches(args.metric, known, n=5, cutoff=0.5) or known[:10]
            print(f"policytrace trend: no figure of this dataset has the metric {args.metric!r}; "
                  f"{'did you mean' if near != known[:10] else 'metrics here include'}: {', '.join(near)} "
                  "(all of them: policytrace sql \"SELECT DISTINCT metric FROM figures\")", file=sys.stderr)
            return 2
        rel = con.sql("SELECT year, value, value_high, qualifier, unit, text FROM target_series(?)",
                      params=[args.metric]).materialize()  # shown, then plotted: run once
        print(f"{args.metric}: the target each national 政府工作报告 sets")
        rel.show(max_rows=200, max_width=10_000)
        series[args.metric] = [(y, v) for y, v, *_ in rel.fetchall()]
    per, label = args.per
    rate = f"round(count * {per}.0 / chars, 3) AS per_{label}"
    for term in args.terms:
        if args.by == "document":
            print(f"{term}: occurrences by document, and per {per:,} characters")
            con.sql(f"SELECT year, title, count, {rate} FROM trend_by_document(?) WHERE count > 0", params=[term]).show(
                max_rows=500, max_width=10_000)
        else:
            print(f"{term}: occurrences by year, and per {per:,} characters")
            rel = con.sql(f"SELECT year, documents, count, {rate} FROM trend(?) WHERE year IS NOT NULL",
                          params=[term]).materialize()
            rel.show(max_rows=200, max_width=10_000)
            series[term] = [(y, r) for y, _, _, r in rel.fetchall()]
    if args.plot and series:
        y_label = f"per {per:,} characters" if args.terms else f"{args.metric} (target)"
        svg = line_chart({k: v for k, v in series.items() if k in args.terms} or series, y_label)
        text = svg if args.plot.endswith(".svg") else page("policytrace trend: " + "、".join(series), svg)
        if args.plot.endswith(".png"):
            return _png(text, args.plot)
        with open(args.plot, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"Plot: {args.plot}")
    return 0


def _per(text: str) -> tuple[int, str]:
    """`--per 10k` → (10000, '10k'): the base a term's count is normalised to."""
    import re

    m = re.fullmatch(r"([1-9][0-9]*)([km]?)", text.strip().lower())
    if m is None:
        raise argparse.ArgumentTypeError(f"--per {text!r}: give a number of characters such as 1k, 10k, 100k or 1m")
    return int(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2)], m.group(1) + m.group(2)


def _png(html: str, path: str) -> int:
    """Draw an HTML page into a PNG with headless Chromium (Debian's `chromium`, with
    `fonts-noto-cjk` for the Chinese labels: `make screenshot` installs both)."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("policytrace trend: a PNG needs Debian's chromium and fonts-noto-cjk (`make screenshot` installs them); "
              "or give --plot FILE.svg or FILE.html", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "plot.html"
        page.write_text(html, encoding="utf-8")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp}/profile", "--window-size=960,460", f"--screenshot={Path(path).resolve()}",
                        page.as_uri()], check=True, capture_output=True, timeout=120)
    print(f"Plot: {path}")
    return 0


def cmd_verify(args) -> int:
    from pipelines.store.dataset import Dataset, DatasetError

    ds = Dataset(args.out)
    try:
        versions = ds.versions() if args.all else [args.version or ds.latest()]
        if versions == [None]:
            raise DatasetError(f"{args.out} holds no dataset yet: run `policytrace build` first")
        bad = 0
        for v in versions:
            problems = ds.verify(v)
            m = ds.manifest(v)
            fatal = problems if m.files else problems[1:]  # without checksums the first line is a note
            bad += bool(fatal)
            state = "FAILED" if fatal else "ok"
            print(f"version {v}: {state} ({len(m.row_counts)} tables, {sum(m.row_counts.values())} rows)")
            for p in problems:
                print(f"  {p}")
    except DatasetError as exc:
        print(f"policytrace verify: {exc}", file=sys.stderr)
        return 2
    return 1 if bad else 0


def cmd_gc(args) -> int:
    from pipelines.store.dataset import Dataset, DatasetError

    ds = Dataset(args.out)
    try:
        with ds.lock():
            removed, freed = ds.gc(args.keep)
    except DatasetError as exc:
        print(f"policytrace gc: {exc}", file=sys.stderr)
        return 2
    kept = ds.versions()
    print(f"Removed {len(removed)} version(s), {freed / 2**20:.1f} MB; kept {len(kept)}: {', '.join(kept) or 'none'}")
    return 0


def cmd_server(args) -> int:
    from flows.serve import server_command

    return server_command(args.action, args.port, builder=not args.no_builder)


def cmd_serve(args) -> int:
    from flows.serve import serve

    return serve(cron=args.cron, paths=args.paths or ["seeds"], out=args.out, name=args.name)


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="policytrace", description="Chinese policy documents as versioned, queryable data.")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build a new dataset version from input files or folders")
    b.add_argument("paths", nargs="*", metavar="PATH", help=".txt, .md, .jsonl, .csv, .tsv, .html, .pdf, .docx files or folders (default: seeds/)")
    b.add_argument("--out", default="datasets", metavar="DIR", help="dataset folder (default: datasets/)")
    b.add_argument("--field", action="append", default=[], metavar="NAME=KEY",
                   help="read field NAME (text, title, published, year, url, author, issuer, doc_type, doc_number, region, level) "
                        "from the JSONL key or CSV column KEY")
    b.add_argument("--userdict", action="append", default=[], metavar="FILE", help="extra jieba user dictionary")
    b.add_argument("--workers", type=_at_least_one, default=None, help="worker processes for analysis (default: by input size)")
    b.add_argument("--dask", metavar="CLUSTER", help="analyse on Dask through prefect-dask: local:N (a LocalCluster of N "
                   "processes) or tcp://HOST:8786 (a running scheduler; its workers must reach the inputs and --out)")
    b.set_defaults(func=cmd_build)

    q = sub.add_parser("sql", help="run DuckDB SQL over the dataset's tables")
    q.add_argument("query")
    q.add_argument("--out", default="datasets", metavar="DIR")
    q.add_argument("--version", default=None, metavar="V", help="query this version instead of the latest")
    q.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table")
    q.add_argument("--max-rows", type=int, default=40, help="rows shown in table format")
    q.set_defaults(func=cmd_sql)

    c = sub.add_parser("compare", help="compare a newer document (B) with an older one (A): tasks, targets, terms")
    c.add_argument("a", metavar="A", help="the older document: doc_id, a fragment of its title, or a file")
    c.add_argument("b", metavar="B", help="the newer document")
    c.add_argument("--out", default="datasets", metavar="DIR")
    c.add_argument("--report", metavar="FILE.html", help="also write the comparison as one self-contained HTML file")
    c.set_defaults(func=cmd_compare)

    t = sub.add_parser("trend", help="a term per year (per 10,000 characters), or a target over the years")
    t.add_argument("terms", nargs="*", metavar="TERM")
    t.add_argument("--metric", help="a metric id of figures.metric, e.g. gdp_growth")
    t.add_argument("--by", choices=["year", "document"], default="year", help="count per year (default) or per document")
    t.add_argument("--per", type=_per, default=(10_000, "10k"), metavar="N",
                   help="normalise counts per N characters: 10k (default), 1k, 100k, 1m or a number")
    t.add_argument("--plot", metavar="FILE", help="draw the series (per --per characters, or the target) into FILE.svg, FILE.html or FILE.png (PNG: headless Chromium)")
    t.add_argument("--out", default="datasets", metavar="DIR")
    t.set_defaults(func=cmd_trend)

    v = sub.add_parser("verify", help="check every file of a version against its manifest (sha256, bytes, rows, schema)")
    v.add_argument("--out", default="datasets", metavar="DIR")
    v.add_argument("--version", default=None, metavar="V", help="this version (default: LATEST)")
    v.add_argument("--all", action="store_true", help="every committed version")
    v.set_defaults(func=cmd_verify)

    g = sub.add_parser("gc", help="remove all but the newest N versions (their Parquet files and manifests)")
    g.add_argument("--keep", type=int, required=True, metavar="N")
    g.add_argument("--out", default="datasets", metavar="DIR")
    g.set_defaults(func=cmd_gc)

    sv = sub.add_parser("server", help="start, stop or check a long-lived local Prefect server that later commands use")
    sv.add_argument("action", choices=["start", "stop", "status"])
    sv.add_argument("--port", type=int, default=4200)
    sv.add_argument("--no-builder", action="store_true",
                    help="start the server alone, without the warm builder that later builds run in (flows/warm.py)")
    sv.set_defaults(func=cmd_server)

    s = sub.add_parser("serve", help="serve the build flow as a Prefect deployment on a cron schedule")
    s.add_argument("--cron", required=True, help='cron schedule, e.g. "0 6 * * *"')
    s.add_argument("paths", nargs="*", metavar="PATH")
    s.add_argument("--out", default="datasets", metavar="DIR")
    s.add_argument("--name", default="policytrace-scheduled-build")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if args.command in ("build", "compare"):  # flows: use `policytrace server` if it is up
        from flows.serve import use_running_server

        use_running_server()
    return args.func(args)


class _WithoutPandas:
    """A meta-path finder under which `import pandas` fails as if it were not installed."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError(f"pandas is not used by `policytrace build` ({name})", name=name)


def console() -> int:
    """The `policytrace` program (and `python -m flows`): `main` in a process of its own.

    A `build` process never uses pandas, but pyarrow imports it (0.1-0.25 s, with
    `pyarrow.pandas_compat`) the first time it converts a Python list, only to ask
    whether the list is a pandas object. When pandas is installed (the `notebook`
    extra) that is a tenth of a one-document build, so the program makes it
    unimportable first; pyarrow then treats it as absent. `main` itself, which tests and
    notebooks call in a process that may use pandas, leaves it alone.

    When the command is done, the objects still alive (the pipeline's dictionaries and
    gazetteers: millions of them) are frozen out of the garbage collector: the process
    ends next, and the collections of its shutdown would only scan them, 0.35 s of a
    one-document build. Exit handlers (Prefect's) still run.

    With a long-lived server up (`policytrace server start`), a `build` is handed to the warm
    builder beside it (`flows.warm`), which runs `main` in a fork of a process that has loaded
    everything already; this process only waits for it."""
    argv = sys.argv[1:]
    if argv[:1] == ["build"]:
        from flows.serve import use_running_server
        from flows.warm import run_warm

        if use_running_server():  # a long-lived server: its warm builder runs the build, if it may
            code = run_warm(argv)
            if code is not None:
                return code
        if "pandas" not in sys.modules:
            sys.meta_path.insert(0, _WithoutPandas())
    code = main(argv)
    gc.freeze()
    return code
