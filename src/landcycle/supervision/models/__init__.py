"""Supervision (监管): land contracts with their commitments, extensions and government-caused delays
(``contracts.py``), and the three-colour warnings on everything supervised with their history
(``warnings.py``)."""

from .contracts import Commitment, Contract, ContractParcel, Extension, GovernmentDelay
from .warnings import Warning, WarningEvent, WarningEvidence

__all__ = [
    "Commitment",
    "Contract",
    "ContractParcel",
    "Extension",
    "GovernmentDelay",
    "Warning",
    "WarningEvent",
    "WarningEvidence",
]
