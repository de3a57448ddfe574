"""Which YAML parser this process parses with, told without importing PyYAML where possible.

The parse cache (`run.parse_cache`) keys what parsing gave on it, and a warm run takes every
file from the cache, so it must tell PyYAML's builds apart without importing PyYAML (whose
import costs a tenth of a one-manifest check). Parsers read some files differently: PyYAML's
pure-Python parser and its C parser (`%YAML 1.3`, a tab after a colon), and libyaml 0.2.2 and
0.2.5 (`%YAML 1.2`, `[a?b]`). So the key holds:

- PyYAML's installed files, each by name, size and modification time (its version, and
  whether its C extension is there);
- where the C extension links libyaml as a library of its own (Debian's and conda's builds,
  builds from source), the version of the libyaml this process loads, which no file of
  PyYAML's tells: PyYAML is then imported to ask. The wheels on PyPI hold libyaml inside the
  extension, whose file then tells its version.

A C extension that is there but does not load is an error (exit 2), not a quiet switch to the
pure-Python parser: `yamlio` refuses to parse with it, and so does the key.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import struct
from collections.abc import Callable
from functools import lru_cache

from procurelint.errors import SetupError

C_PARSER_BROKEN = (
    "PyYAML's C parser is installed but does not load (the libyaml it was built against may be "
    "missing); reinstall PyYAML or that libyaml: procurelint does not fall back to PyYAML's "
    "pure-Python parser, which reads some files differently")

Files = tuple[tuple[str, int, int], ...]


@lru_cache(maxsize=1)
def parser_key() -> tuple[Files, str] | None:
    """PyYAML's installed files and which C parser they hold ("" none; "inside" libyaml built
    into the extension; else the version of the libyaml loaded), or None when the files
    cannot be listed (a PyYAML in a zip): then nothing can be cached. SetupError when the
    C extension links a libyaml of its own and does not load."""
    files = _package_files()
    if files is None:
        return None
    extension = next((path for path, _, _ in files if _is_extension(path)), None)
    if extension is None:
        return files, ""
    needed = _needed(extension)
    if needed is not None and not any(b"yaml" in name.lower() for name in needed):
        return files, "inside"
    try:
        from yaml._yaml import get_version_string
    except ImportError:
        raise SetupError(C_PARSER_BROKEN) from None
    return files, str(get_version_string())


def c_parser_installed() -> bool:
    """Whether PyYAML's folder holds its C extension (`_yaml`), loaded or not."""
    files = _package_files()
    return files is not None and any(_is_extension(path) for path, _, _ in files)


def _is_extension(path: str) -> bool:
    name = os.path.basename(path)
    return any(name == f"_yaml{suffix}" for suffix in importlib.machinery.EXTENSION_SUFFIXES)


def _package_files() -> Files | None:
    found: list[tuple[str, int, int]] = []
    try:
        spec = importlib.util.find_spec("yaml")
        folders = spec.submodule_search_locations if spec is not None else None
        for folder in folders or ():
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_file():
                        info = entry.stat()
                        found.append((entry.path, info.st_size, info.st_mtime_ns))
    except (OSError, ValueError, ImportError):
        return None
    return tuple(sorted(found)) if found else None


def _needed(path: str) -> list[bytes] | None:
    """The libraries an ELF shared object names as needed (its DT_NEEDED entries), read from
    its headers alone; None when it is not ELF (a Mach-O or PE extension) or cannot be read
    as one: the caller then asks the loaded parser."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        return _elf_needed(lambda at, size: os.pread(handle, size, at))
    except (OSError, struct.error, ValueError, IndexError, OverflowError):
        return None
    finally:
        os.close(handle)


def _elf_needed(read: Callable[[int, int], bytes]) -> list[bytes] | None:
    head = read(0, 64)
    if head[:4] != b"\x7fELF" or head[4] not in (1, 2) or head[5] not in (1, 2):
        return None
    wide = head[4] == 2
    order = "<" if head[5] == 1 else ">"
    shoff = struct.unpack_from(order + ("Q" if wide else "I"), head, 0x28 if wide else 0x20)[0]
    shentsize, shnum = struct.unpack_from(order + "HH", head, 0x3A if wide else 0x2E)
    section = order + ("IIQQQQII" if wide else "IIIIIIII")
    entry = order + ("qQ" if wide else "iI")
    if shnum > 4096 or not struct.calcsize(section) <= shentsize <= 256:
        return None  # not headers a linker writes: asked of the loaded parser instead
    table = read(shoff, shentsize * shnum)
    headers = [struct.unpack_from(section, table, i * shentsize) for i in range(shnum)]
    for _, kind, _, _, offset, size, link, _ in headers:
        if kind != 6:  # SHT_DYNAMIC
            continue
        dynamic = read(offset, min(size, 1 << 20))
        strings = read(headers[link][4], min(headers[link][5], 1 << 20))
        names = []
        whole = len(dynamic) - len(dynamic) % struct.calcsize(entry)
        for tag, value in struct.iter_unpack(entry, dynamic[:whole]):
            if tag == 0:  # DT_NULL
                break
            if tag == 1:  # DT_NEEDED
                names.append(strings[value:strings.index(b"\0", value)])
        return names
    return []  # no dynamic section: it links nothing
