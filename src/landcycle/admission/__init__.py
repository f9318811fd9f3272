"""Admission (准入, issue 14): project applications checked against the parks' entry rules.

The rules themselves are pure (``landcycle.rules.admission``); this app holds what sits above them. Today: the
workbook of ``landcycle admit`` (``export``). No Django is imported by ``export``: the stand-alone command uses it.
"""
