import sys

if sys.argv[1:2] == ["--warm-builder"]:  # started by `policytrace server start` (flows.serve.start_builder)
    from flows.cli import _WithoutPandas, main
    from flows.warm import serve

    sys.meta_path.insert(0, _WithoutPandas())  # as a `policytrace build` process does (flows.cli.console)
    serve(sys.argv[2], main)
else:
    from flows.cli import console

    raise SystemExit(console())
