"""Reading documents: YAML with positions, which files to read, kinds, models, validation.

May import: the vocabulary modules at the top of the package (errors, findings, facts,
wording, jsontext, registry). Nothing here knows policies, rules or output formats.
"""
