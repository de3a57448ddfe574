"""The check pipeline: discover, read, validate, evaluate (in one process or several), then
waivers, suppressions, baseline and pull-request mode, into one result.

May import: `engine`, `policy`, `documents` and the vocabulary modules. Never `output`,
`audit` or `commands`.
"""
