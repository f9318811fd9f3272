"""The rectification pages: ``ledger`` (the ledger, summary and inspections: reads only), ``edit`` (record
and correct the ledger), ``tasks`` (one task, its progress, close-out and reopening) and ``rounds``
(reconciliation rounds and the 回头看 re-checks). urls.py names each view by its module."""
