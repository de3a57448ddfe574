"""procurelint: policy-as-code linter for how organisations buy and use AI models."""

import sys as _sys

__version__ = "0.1.0"

if "msgspec" not in _sys.modules and "typing_extensions" not in _sys.modules:
    # msgspec imports typing_extensions, where it is installed, to read the type hints of what
    # it decodes; procurelint only defines structs and decodes nothing with msgspec. That
    # import, with the `inspect` module it brings, is a twentieth of a one-manifest check, so
    # msgspec is imported as where typing_extensions is not installed (it then takes typing's
    # own functions). Later imports of typing_extensions (pydantic's) proceed as usual.
    _sys.modules["typing_extensions"] = None  # type: ignore[assignment]
    try:
        import msgspec  # noqa: F401
    finally:
        del _sys.modules["typing_extensions"]
