"""本县政策 (issue 18): each county's own copies of the policies its apps read — warnings, entry rules, ranking,
rectification. A county's latest saved version of a policy is in force for that county; without one, the shipped
file ``landcycle/policies/<name>.toml`` is. The apps that read a policy register its parser here
(:func:`landcycle.countypolicy.kinds.register`), so a text is checked by the very code that will read it."""
