"""The notification pages: preferences, one-click unsubscribe, Web Push subscriptions."""
from ent_lite.notifications import views_counts, views_preferences, views_push, views_unsubscribe  # noqa: F401
from ent_lite.notifications.blueprint import bp  # noqa: F401
