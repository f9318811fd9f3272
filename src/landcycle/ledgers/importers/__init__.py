"""One importer per ledger kind (see ``base.Importer``); each kind names its importer (``kinds.Kind.importer_class``)."""
