"""Ledgers in and out (台账导入导出): import every registry ledger whole or not at all, export what a
user sees in the same format, blank templates with dropdowns, and problem reports with the bad cells
marked.

- ``services.ledger_import`` — read (``rules.ledger``), plan every row (create / update / unchanged by
  natural key), check with the registry's own rules, then write everything in one transaction with one
  audit row per changed object, or nothing at all.
- ``services.import_preview`` / ``services.import_confirm`` — the browser flow: store the upload, preview,
  confirm from the stored file; ``import_jobs.import_queue`` confirms a large batch in the background.
- ``export.ledger_export``, ``template.ledger_template``, ``report.problem_report_xlsx``.
- ``kinds.KINDS`` — the ledgers the ``import`` / ``export`` / ``template`` commands know, a register the domain
  apps fill from their ``AppConfig.ready()`` (``kinds.register``); ``kinds.IMPORT_ONLY``
  the ones only imported (``parcel_shapes``: GeoJSON read by ``geojson.read_geojson``, a .zip shapefile by
  ``shapefile.read_shapefile``); ``kinds.ALIASES`` former
  names (``land_supply`` for ``contracts``). Contracts (供地合同, registered by ``supervision.ledger``)
  are planned and written by ``supervision.services.importing``, take ``town`` (``--town``) for rows without parcels,
  and refresh the imported contracts' warnings in the same transaction.
- ``views.imports`` / ``preview`` — 数据导入 in the browser; ``views.downloads`` — 下载中心.
- ``lists`` — ``?export=`` on the list pages registered in ``kit.exports.LIST_EXPORTS`` (the handler this app
  registers with ``kit.exports.set_handler``); ``jobs`` — exports too big to wait for, recorded as ``ExportJob``
  rows and run as tasks of the queue (Django's task API, ``kit.background``), each attempt taking its job by
  compare-and-set, retried up to ``settings.TASK_MAX_ATTEMPTS``.
"""
