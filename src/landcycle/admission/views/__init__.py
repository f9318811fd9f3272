"""The admission pages: ``applications`` (list, page, form, the actions of its buttons), ``rules`` (the entry
rules, a park's rules, the what-if) and ``summary`` (the county's summary with its chart)."""
