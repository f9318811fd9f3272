"""The ledgers' pages: 数据导入 (``imports``: upload, preview, confirm, templates, problem reports) and
下载中心 (``downloads``: the user's export jobs and their files)."""
