"""Access: the base layer that decides who sees and may change what (roles, scope rules, `restrict`, grants,
memberships, input choices). It imports no domain app; each app registers its own roles and scope paths here when
it loads (docs/design-layers.md)."""
