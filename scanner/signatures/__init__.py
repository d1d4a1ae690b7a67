"""The signature catalogue: the bundled data of `signatures/` in typed form.

- `catalog`: SDK signatures, capability categories (permissions, APIs, what each needs), the
  SDK taxonomy and permission levels; `validate_all()` checks every bundled file.
- `libraries`: open-source and platform libraries (code that acts only for the app).
- `requirements`: what an API needs to yield data (permissions by API level, argument facts).
- `exodus`: the importer of εxodus tracker files (`--signatures`).
"""
