"""scripts/import_graph.py finds import cycles, those closed by an import hidden in a function
included, and lists every function-level import; a tree without cycles passes.

Run on small packages written for each test; the last test holds ent_lite itself to it.
"""
import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "import_graph.py"


@pytest.fixture(scope="module")
def import_graph():
    spec = importlib.util.spec_from_file_location("import_graph", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "shop" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "shop"


ACYCLIC = {
    "__init__.py": '"""A shop."""\n',
    "blueprint.py": "import os\n",
    "models.py": "from sqlalchemy import select\n",
    "services.py": "from shop.models import select\nimport shop.models\n",
    "views.py": "from shop.blueprint import os\nfrom . import services\nfrom .orders import views_orders\n",
    "orders/__init__.py": "from . import views_orders\n",
    "orders/views_orders.py": "from ..blueprint import os\nfrom shop import models\n",
}


def test_an_acyclic_tree_passes(import_graph, tmp_path, capsys):
    package = write_package(tmp_path, ACYCLIC)

    assert import_graph.main([str(package)]) == 0
    report = import_graph.analyse(package)
    assert report["modules"] == 7
    assert report["cycles"] == []
    assert report["function_imports"] == []
    assert "7 modules, 0 cycles, 0 function-level imports" in capsys.readouterr().out


def test_a_cycle_closed_inside_a_function_is_found_with_its_lines(import_graph, tmp_path, capsys):
    package = write_package(tmp_path, {**ACYCLIC, "models.py": (
        "from sqlalchemy import select\n"
        "\n"
        "def total(order):\n"
        "    from shop.services import price  # the dodge\n"
        "    return price(order)\n"
    )})

    assert import_graph.main([str(package)]) == 1
    report = import_graph.analyse(package)
    [cycle] = report["cycles"]
    assert cycle["modules"] == ["shop.models", "shop.services"]
    edges = {(e["path"], e["line"], e["target"], e["in_function"]) for e in cycle["edges"]}
    assert edges == {
        ("shop/models.py", 4, "shop.services", True),
        ("shop/services.py", 1, "shop.models", False),
        ("shop/services.py", 2, "shop.models", False),
    }
    [hidden] = report["function_imports"]
    assert (hidden["path"], hidden["line"], hidden["targets"]) == ("shop/models.py", 4, ["shop.services"])
    out = capsys.readouterr().out
    assert "cycle 1: shop.models shop.services" in out
    assert "shop/models.py:4  shop.models -> shop.services  (function)" in out


def test_a_package_importing_its_submodules_closes_a_cycle(import_graph, tmp_path):
    # views.py reads the package's namespace while the package imports views: a cycle.
    package = write_package(tmp_path, {**ACYCLIC, "orders/__init__.py": "bp = 1\nfrom . import views_orders\n",
                                       "orders/views_orders.py": "from shop.orders import bp\n"})

    [cycle] = import_graph.analyse(package)["cycles"]
    assert cycle["modules"] == ["shop.orders", "shop.orders.views_orders"]


def test_relative_imports_resolve_from_the_importing_module(import_graph, tmp_path):
    package = write_package(tmp_path, {**ACYCLIC, "blueprint.py": "from .orders import views_orders\n"})

    [cycle] = import_graph.analyse(package)["cycles"]
    assert cycle["modules"] == ["shop.blueprint", "shop.orders.views_orders"]


def test_a_marked_lazy_import_is_listed_apart_and_strict_mode_accepts_only_it(import_graph, tmp_path, capsys):
    package = write_package(tmp_path, {**ACYCLIC, "services.py": (
        "def report():\n"
        "    # lazy import: the PDF library is heavy and only this command needs it\n"
        "    import reportlab\n"
        "\n"
        "def total():\n"
        "    from datetime import date\n"
    )})

    report = import_graph.analyse(package)
    assert [(f["line"], f["targets"]) for f in report["function_imports"]] == [(6, ["datetime"])]
    [lazy] = report["lazy_imports"]
    assert (lazy["line"], lazy["lazy_reason"]) == (3, "the PDF library is heavy and only this command needs it")
    assert import_graph.main([str(package)]) == 0
    assert import_graph.main([str(package), "--strict"]) == 1
    (package / "services.py").write_text("def report():\n    import reportlab  # lazy import: heavy\n")
    assert import_graph.main([str(package), "--strict"]) == 0
    capsys.readouterr()


def test_json_output(import_graph, tmp_path, capsys):
    package = write_package(tmp_path, {**ACYCLIC, "models.py": "from shop import services\n"})

    assert import_graph.main([str(package), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["cycles"][0]["modules"] == ["shop.models", "shop.services"]


def test_ent_lite_itself_has_no_cycle_and_no_function_level_import(import_graph, capsys):
    """The real tree: a cycle, or an import hidden in a function without its reason, fails."""
    assert import_graph.main([str(SCRIPT.parent.parent / "ent_lite"), "--strict"]) == 0, capsys.readouterr().out
