"""The base of every edit form of the product."""

from __future__ import annotations

from django import forms

from landcycle.audit.versions import VersionedForm

# Dates are typed and shown as 2026-11-29 whatever the browser's locale (a date picker would follow it).
DATE = forms.DateInput(
    attrs={"placeholder": "2026-01-31", "pattern": r"\d{4}-\d{2}-\d{2}", "autocomplete": "off", "inputmode": "numeric"},
    format="%Y-%m-%d",
)


class EditForm(VersionedForm, forms.Form):
    """Base of every edit form: it only reads and converts input; the service applies the rules, and their
    bilingual problems are put back beside the fields they name (:meth:`attach_problems`)."""

    wide_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.problems: dict[str, list] = {}
        self.top_problems: list = []
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")

    def attach_problems(self, problems) -> None:
        """Problems naming a field of this form go beside it; the others go to the top of the form."""
        for p in self.version_problems(problems):
            if p.field in self.fields:
                self.problems.setdefault(p.field, []).append(p)
            else:
                self.top_problems.append(p)
