"""Families: what every "N familles" figure of ent_lite counts.

A **family** is a group of guardians and children held together by guardian links, among
the links that count for the question asked (the children a post reaches and their
guardians, the guardians still to sign...): the connected components of the
guardian–child graph. So:

- two parents of the same child are one family (the child links them);
- a parent of three children is one family, however many schools the children attend;
- siblings whose guardians are the same, or overlap, are one family;
- separated parents living apart, both guardians of the same child, are **one** family.
  ent_lite holds no address and must not guess where a child sleeps; what the school wants
  to know is whether the child's people have seen the message, and the child is what ties
  them together. Each of them still gets the post and can sign; the per-child columns of
  the tracking page show who did;
- a step-family (a parent's child with one partner, another child with the next) is one
  family as long as the post reaches children on both sides: the links join them.

Children are the second figure ("Lu par 2 des 3 familles (3 des 4 enfants)"), never a
stand-in for families.

The components are computed in SQL (a recursive common table expression, supported by
SQLite and PostgreSQL), so a count costs one query whatever the number of families, and
each family is labelled by its smallest child id.
"""
from __future__ import annotations

from sqlalchemy import and_, func, select


def family_of_children(links):
    """A CTE (scope, child_id, family_id) from ``links``, a SELECT of (scope, guardian_id,
    child_id): for each child of each scope (a post, or a constant for a single count), the
    smallest child id of its family in that scope. Links of different scopes never join.

    Walks the graph child → guardian → child until nothing new is found: the UNION (not
    UNION ALL) stops on cycles, such as two parents with two children.
    """
    links = links.subquery("family_link")
    other_link = links.alias("family_link_2")
    edge = (
        select(links.c.scope, links.c.child_id.label("child_a"), other_link.c.child_id.label("child_b"))
        .join(other_link, and_(other_link.c.scope == links.c.scope, other_link.c.guardian_id == links.c.guardian_id))
        .distinct()
        .cte("family_edge")
    )
    closure = (
        select(links.c.scope, links.c.child_id, links.c.child_id.label("other_id"))
        .cte("family_closure", recursive=True)
    )
    closure = closure.union(
        select(closure.c.scope, closure.c.child_id, edge.c.child_b)
        .join(edge, and_(edge.c.scope == closure.c.scope, edge.c.child_a == closure.c.other_id))
    )
    return (
        select(closure.c.scope, closure.c.child_id, func.min(closure.c.other_id).label("family_id"))
        .group_by(closure.c.scope, closure.c.child_id)
        .cte("family")
    )

