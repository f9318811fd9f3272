"""The contract register (供地合同) as a ledger of the ledger machinery: its schema (``schema``), columns and
reader (``columns``) and importer (``importer``), registered as the ``contracts`` kind when the app is ready."""

from __future__ import annotations

from landcycle.ledgers.kinds import Kind, register

from .columns import CONTRACT_COLUMNS, PREFETCH, contract_queryset, read_contracts, with_rules
from .importer import ContractImporter
from .schema import CONTRACTS


def contracts_kind() -> Kind:
    return Kind(
        "contracts",
        CONTRACTS,
        "供地合同：合同编号、地块、受让人、价款、面积、约定与实际的交地开工竣工达产日期、延期、开发进度、"
        "政府原因、承诺指标（只导入工业用地；没有地块编号的行登记到所选镇街或本镇街）",
        "land supply contracts: number, parcels, holder, price, area, agreed and actual dates, extensions, progress, "
        "government delays, commitments (industrial land only; rows without parcels go to the chosen town or yours)",
        CONTRACT_COLUMNS,
        contract_queryset,
        importer_class=ContractImporter,
        reader=read_contracts,
        reader_county=True,
        related=("town", "holder"),
        prefetch=PREFETCH,
        prepare=with_rules,
    )


def register_kinds() -> None:
    """Called by ``SupervisionConfig.ready()``."""
    register(contracts_kind())
