"""Analyzers: what in a text needs checking (``base`` is the interface every analyzer meets, ``offline`` the rules)."""
