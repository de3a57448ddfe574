"""The digests that key and seal the cache: BLAKE2b of 32 bytes, without loading OpenSSL.

Importing `hashlib` loads OpenSSL's libcrypto, which takes about 3 ms: a thirtieth of a
one-manifest check, whose cache keys and entries are all a warm run hashes. CPython builds
BLAKE2 in (`_blake2`, which `hashlib` itself wraps); where that module is missing, `hashlib`'s
BLAKE2b is taken. The digests users see (of packs, catalogs and reports, in the audit
evidence) stay SHA-256, made with `hashlib` where they are made.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # an interpreter without CPython's built-in module
    from hashlib import blake2b

SIZE = 32
"""Bytes of a digest: 64 hexadecimal characters, as collision-resistant as SHA-256."""


def hexdigest(data: bytes) -> str:
    return blake2b(data, digest_size=SIZE).hexdigest()


def digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=SIZE).digest()


def new(data: bytes = b"") -> blake2b:
    """A digest to feed with `update`."""
    return blake2b(data, digest_size=SIZE)
