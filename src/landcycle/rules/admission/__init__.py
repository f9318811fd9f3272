"""Admission (准入): a park's entry rules as policy and an application checked against them rule by rule.

- ``policy``: the entry rules (``policies/admission.toml``) in layers — county default, kind of park, park —
  each number with its source document; ``rules_for`` resolves them for one park.
- ``application``: the figures of a project application, and the figures that cannot be right anywhere.
- ``metrics``: what each rule measures and how it is worked out.
- ``check``: the rule table of an application (pass / fail / not given, with reasons) and the what-if minimums.

Pure Python, no Django (DOMAIN §9, issue 14).
"""
