"""What judges: the resolved policy, the merged catalog, the rule packs, the built-in data.

May import: `documents` and the vocabulary modules. Never `engine`, `run` or `output`.
"""
