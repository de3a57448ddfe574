"""The engine: documents in, findings out; the only place a rule is judged. Pure: no file or
terminal I/O.

May import: `policy`, `documents` and the vocabulary modules.
"""
