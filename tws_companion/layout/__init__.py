"""Layout settings: the typed model, its XML format, the encrypted envelope, window geometry.

Plain Python: no Qt, no HTTP, no web framework (DESIGN.md section 2).
"""
