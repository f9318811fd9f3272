"""The supervision pages: ``contracts`` (the contract list and a contract's page), ``edit`` (the contract forms,
writers only) and ``warnings`` (the warning board, a warning's page with its actions, a town's page)."""
