"""Exit (退出, issue 15): vacating cases (腾退) with their steps, leftover items and money, and the take-back of idle
land (收回). A closed case ends the occupancy and returns the parcel to the pool of free land that admission draws
from. It adds itself to the files, the warning board, the map, the rectification ledger and the ranking by
registering (``registry.hooks``, ``kit.indicators``), never by being imported from below.
"""
