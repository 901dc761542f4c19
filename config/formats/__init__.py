"""The project's own format modules (FORMAT_MODULE_PATH): what differs from Django's locale formats."""
