"""Template tags of the project (loaded through TEMPLATES' libraries in the settings)."""
