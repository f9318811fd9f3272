"""The REST API (issue 18): Django REST framework over the same services, scope and audit as the pages; its OpenAPI
schema by drf-spectacular."""
