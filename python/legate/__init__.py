"""The ``legate`` namespace package (``legate.numpy`` lives below it)."""
