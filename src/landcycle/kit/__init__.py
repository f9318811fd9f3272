"""The shared kit under the domain apps: what every page and export of every app uses.

- ``listing``  search, filter, sort, page and export a list page (one way for every list)
- ``forms``    the base form of every edit form: problems beside their fields, the edit version
- ``palette``  the one set of colours (warnings, classes, states) and their labels
- ``params``   reading numbers, dates and choices from a query string without trusting it
- ``exports``  the register of list exports: each app registers its lists, the ledger machinery writes them
- ``sheets``   the one spreadsheet writer (xlsx and CSV): text that would start a formula is written as text

It sits above ``rules``, ``audit`` and ``accounts`` and below ``registry``: it imports no app of the product
(import-linter checks it, see ``[tool.importlinter]`` in pyproject.toml).
"""
