"""Renewal (改造提升, 退二优二, issue 16): projects that rebuild old industrial blocks — the plan against progress, the
fate of each firm on the block, and the per-mu payoff before and after. A firm that must leave opens a vacating case
(``landcycle.exits``).
"""
