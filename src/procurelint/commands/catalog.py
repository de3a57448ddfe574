"""`procurelint catalog list|show|import|diff`: read, refresh and compare the catalog."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from procurelint.commands.common import EXIT_CLEAN, add_config, add_date, search_start, today

FORMATS = ("text", "json")


def register(commands: Any) -> None:
    from procurelint.catalog_import import SOURCES

    parser = commands.add_parser(
        "catalog", help="list, show, import and compare catalog entries",
        description="Read the merged catalog (built-in plus the policy's catalogs), import "
                    "prices into a catalog file, and compare two catalog files.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="offers of the merged catalog, with prices")
    listing.add_argument("--provider", metavar="ID", help="only endpoints of this provider id")
    listing.add_argument("--jurisdiction", metavar="CC",
                         help="only endpoints in this country, or of a provider established "
                              "there (EU: any EU/EEA member state)")
    listing.add_argument("--model", metavar="TEXT", help="only model ids containing TEXT")
    _common(listing)

    show = actions.add_parser(
        "show", help="a model with its offers, or an endpoint with its facts",
        description="Show a catalog entry. With -f yaml, print it as a catalog file ready to "
                    "edit (or to patch single facts). A policy catalog file that cannot be "
                    "loaded is reported, and the entry is shown from the catalogs that load.")
    show.add_argument("entry_id", metavar="ID", help="a model, endpoint or provider id")
    show.add_argument("--format", "-f", choices=(*FORMATS, "yaml"), default="text")
    add_config(show)

    importing = actions.add_parser(
        "import", help="import prices into a catalog file (created, or updated in place)",
        description="Import a price source into --output. An existing file keeps its comments, "
                    "order and hand-written facts: only prices and new offers change.")
    importing.add_argument("file", type=Path, metavar="FILE", help="the source file (JSON)")
    importing.add_argument("--from", dest="source", required=True, choices=tuple(SOURCES),
                           help="what FILE is: an OpenRouter /api/v1/models or /api/v1/providers "
                                "response, or LiteLLM's model_prices_and_context_window.json")
    importing.add_argument("--output", "-o", type=Path, required=True, metavar="FILE",
                           help="the catalog file to create or update")
    importing.add_argument("--name", metavar="NAME", help="metadata.name of a new catalog "
                                                           "(default: from the file name)")
    importing.add_argument("--update-as-of", action="store_true",
                           help="also set an existing catalog's asOf to the data's date (only "
                                "once its compliance facts are re-checked)")
    importing.add_argument("--as-of", metavar="YYYY-MM-DD",
                           help="the date the source data was taken (default: the date the data "
                                "shows, as OpenRouter's newest model, else the import date)")
    add_date(importing)
    _common(importing)

    diff = actions.add_parser("diff", help="offers added, removed and repriced; with "
                                           "--manifests, what each change costs per month")
    diff.add_argument("old", type=Path, metavar="OLD", help="the old catalog file")
    diff.add_argument("new", type=Path, metavar="NEW", help="the new catalog file")
    diff.add_argument("--manifests", type=Path, metavar="PATH",
                      help="project the monthly spend of these manifests under both catalogs")
    add_date(diff)
    _common(diff)
    parser.set_defaults(handler=run)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", "-f", choices=FORMATS, default="text")
    add_config(parser)


def run(args: argparse.Namespace) -> int:
    if args.action == "show":
        return _show(args)
    handlers = {"list": _list, "import": _import, "diff": _diff}
    text = handlers[args.action](args)
    sys.stdout.write(text)
    return EXIT_CLEAN


def _list(args: argparse.Namespace) -> str:
    from procurelint.catalog_import import view
    from procurelint.policy.config import load_config
    from procurelint.errors import ConfigError

    if args.jurisdiction is not None and not re.fullmatch(r"[A-Z]{2}", args.jurisdiction):
        raise ConfigError(f"--jurisdiction {args.jurisdiction!r} is not a country code "
                          "(ISO 3166-1 alpha-2, or EU)")
    index = load_config(args.config, Path.cwd()).catalog
    if args.provider is not None and args.provider not in index.providers:
        import difflib

        hint = difflib.get_close_matches(args.provider, list(index.providers), n=3)
        raise ConfigError(f"--provider {args.provider!r} is not a provider id of the catalog"
                          + (f"; did you mean {', '.join(hint)}?" if hint else ""))
    doc = view.list_doc(index, view.offer_rows(index, args.provider, args.jurisdiction, args.model))
    return view.render_json(doc) if args.format == "json" else view.render_list(doc)


def _show(args: argparse.Namespace) -> int:
    """Show an entry. A broken policy catalog file must not hide the built-in entry that the
    user wants to copy into it: it is reported, and the catalogs that load are shown (exit 2)."""
    from procurelint.catalog_import import view
    from procurelint.commands.common import EXIT_USAGE
    from procurelint.errors import ConfigError
    from procurelint.policy.config import load_config

    broken: list[ConfigError] = []
    try:
        index = load_config(args.config, Path.cwd()).catalog
    except ConfigError as exc:
        index = _loadable_catalogs(args.config, broken)
        if index is None:
            raise
        broken.insert(0, exc)
    doc = view.show_doc(index, args.entry_id)
    if args.format == "json":
        text = view.render_json(doc)
    elif args.format == "yaml":
        text = view.render_yaml(index, args.entry_id)
    else:
        text = view.render_show(doc)
    sys.stdout.write(text)
    if broken:
        sys.stderr.write(f"procurelint: error: {broken[0]}\n")
        sys.stderr.write("procurelint: the entry above is shown from the built-in catalog and "
                         "the policy's catalog files that load; fix the file above.\n")
        return EXIT_USAGE
    return EXIT_CLEAN


def _loadable_catalogs(config_file: Path | None, broken: list[Any]) -> Any:
    """The built-in catalog plus each of the policy's catalog files that loads on its own, or
    None when the policy itself (not one of its catalog files) is what fails."""
    from procurelint.documents.cache import cached
    from procurelint.errors import ConfigError
    from procurelint.policy.merged_catalog import (
        CatalogIndex, builtin_catalog_path, load_catalog, load_catalog_file)

    try:
        files = _policy_catalogs(config_file)
    except ConfigError:
        return None
    index = CatalogIndex()
    builtin, source = cached("catalog", lambda: load_catalog_file(
        builtin_catalog_path(), "<builtin>/catalog.yaml"))
    index.add(builtin, source, builtin=True)
    for file in files:
        try:
            catalog, extra, doc = load_catalog(file, str(file))
            trial = index.copy()
            trial.add(catalog, extra, doc)
            trial.finish()
        except ConfigError:
            continue
        index = trial
    index.finish()
    return index


def _import(args: argparse.Namespace) -> str:
    from procurelint.catalog_import import reader, view
    from procurelint.catalog_import.update import base_catalog, write_import

    imported = reader(args.source)(args.file, str(args.file))
    base = base_catalog(_policy_catalogs(args.config), args.output)
    as_of = today(args.as_of) if args.as_of else None
    changes = write_import(imported, args.output, base, today(args.date), args.name,
                           update_as_of=args.update_as_of, as_of=as_of)
    doc = view.import_doc(imported.source, imported.file, imported.read, imported.imported,
                          dict(imported.skipped), changes)
    return view.render_json(doc) if args.format == "json" else view.render_import(doc)


def _policy_catalogs(config_file: Path | None) -> list[Path]:
    """The catalog files the policy lists, without loading them (one may be the output)."""
    from procurelint.policy.config import find_config, policy_root
    from procurelint.errors import ConfigError, Location
    from procurelint.documents.loading import load_one

    if config_file is not None and not config_file.is_file():
        raise ConfigError("config file not found", Location(str(config_file)))
    path = config_file or find_config(Path.cwd())
    if path is None:
        return []
    policy, _ = load_one(path, "Policy", str(path))
    return [policy_root(path) / rel for rel in policy.spec.catalogs]


def _diff(args: argparse.Namespace) -> str:
    from procurelint.catalog_import import diff
    from procurelint.policy.config import load_config

    old, new = diff.load_side(args.old), diff.load_side(args.new)
    changes = diff.offer_changes(old.catalog, new.catalog)
    effect = None
    if args.manifests is not None:
        config = load_config(args.config, search_start([args.manifests]))
        effect = diff.spend_effect(config, [args.manifests], today(args.date), old, new)
    doc = diff.report(old, new, changes, effect)
    return diff.render_json(doc) if args.format == "json" else diff.render_text(doc)
