"""Discovery: where a repository uses a hosted model, found in code and configs.

One module per source kind (`python_code` parses Python with `ast`, `js_code` JavaScript and
TypeScript with tree-sitter, `configs` gateway and tool configs, `env_files` dotenv files);
`scan` walks a repository, bounds every file, and resolves what was found through the alias
table and the catalog; `listing` writes the result.

May import: `policy` and `documents` and the vocabulary modules. Never `engine`, `run` or
`output`: judging a discovered use is the engine's job, asked by the pipeline.
"""
