"""Supervision (监管): land contracts with their commitments, extensions and government-caused delays
(``contracts.py``), and the three-colour warnings on everything supervised with their history
(``warnings.py``), and the refreshes started from the board (``runs.py``)."""

from .contracts import Commitment, Contract, ContractParcel, Extension, GovernmentDelay
from .runs import RefreshMark, RefreshRun
from .warnings import Warning, WarningEvent, WarningEvidence, WarningSubject

__all__ = [
    "Commitment",
    "Contract",
    "ContractParcel",
    "Extension",
    "GovernmentDelay",
    "RefreshMark",
    "RefreshRun",
    "Warning",
    "WarningEvent",
    "WarningEvidence",
    "WarningSubject",
]
