"""The registry's pages: lists (parks, parcels, enterprises), detail pages, edit forms and the parcel map.

Each module reads through ``accounts.scope`` and the registry's selectors; the forms call ``registry.services``.
"""
