from flows.cli import console

raise SystemExit(console())
