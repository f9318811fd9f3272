"""The quarterly town ranking (赛马, issue 17) as a pure engine: a composite index as a versioned policy
(``policy``), its stages on numpy arrays (``stages``, reproducing COINr's ASEM vectors), the index of a table
(``engine``), how sure each rank is (``robustness``: Monte Carlo, sensitivity, what a unit needs to gain a place),
and a generic table of units × indicators read from a file (``table``). No Django."""
