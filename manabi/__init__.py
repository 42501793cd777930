"""DXまなびナビ: a learning-path portal generated from one shared spreadsheet.

Stages, one module each, in data-flow order (no stage reaches back):
``sources`` (read cells as text) → ``schema``/``validate`` (types, keys,
references; Japanese problems with cells) → ``snapshot`` (normalized data in
``data/``) → ``model``/``pages`` (what the site shows) → ``plugin``/``build``
(MkDocs) → ``cli`` (exit codes and messages).
"""

__version__ = "0.1.0"
