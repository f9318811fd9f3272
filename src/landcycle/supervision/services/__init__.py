"""Writes of the supervision app. Each is keyword-only, atomic, checks the actor's role and scope
(``accounts.scope.require_write``, area ``Area.CONTRACTS`` or ``Area.SUPERVISION``), runs the checks of
``checks.py``, the rules' ``validate_contract`` and Django's field checks, and records an audit row in the same
transaction. A ``RuleError`` (bilingual problems naming the field and the rule) writes nothing.

- ``contracts``: ``contract_create`` / ``contract_update``, and the two steps they share with the ledger importer
  (``prepare_contract`` puts values on a contract, ``contract_problems`` says what is wrong with it);
- ``commitments``: what is recorded about a contract: ``commitment_add`` / ``commitment_measure``,
  ``extension_add``, ``government_delay_add``;
- ``importing``: contract ledgers, ``contracts_plan`` / ``contracts_apply`` (``changes``: what a ledger row
  changes on a registered contract);
- ``warnings``: what people do with a warning, ``warning_acknowledge``, ``warning_assign``, ``warning_close``.

``warnings_refresh`` (``supervision.refresh``) recomputes the warnings.
"""
