"""Admission's services: every change a user makes, checked, scoped and audited in the same transaction.

- ``rules``: the county's entry-rule versions and the rules in force on a day.
- ``applications``: register, update a draft, submit (the check), attach documents.
- ``review``: the joint review's opinions, the decision, and signing the contract of an admitted project.
"""
