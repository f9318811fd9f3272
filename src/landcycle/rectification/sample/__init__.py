"""The sample county's rectification ledger: ``data`` holds the story (plain data), ``build`` writes it
through the services (``build.build_rectification_sample``)."""
