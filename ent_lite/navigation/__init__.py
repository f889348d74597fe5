"""The main menu: one row of primary sections on a phone, the rest under "More"."""
from ent_lite.navigation.menu import main_menu


def init_app(app) -> None:
    app.add_template_global(main_menu)
