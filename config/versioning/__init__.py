"""The data version's own app: the migrations that install its table and triggers (config.data_version reads it)."""
