"""Ranking (赛马, issue 17): the quarterly town ranking. The index itself is pure (``landcycle.rules.ranking``); this
app holds what sits above it. Today: the workbook of ``landcycle rank`` (``export``), which imports no Django (the
stand-alone command uses it). The pages, quarterly runs and their publication come later.
"""
