"""What a phone user stumbles on: a target smaller than 44×44 CSS px, a page that scrolls sideways.

Every link, button, form control and ``<summary>`` on the page counts, header and menu included.
A radio button or a checkbox is measured by the label row that takes the tap; a visible control
that another element (its label) stands for is measured through that label.
"""
from __future__ import annotations

MIN_TARGET = 44

SMALL_TARGETS = """(min) => {
  const visible = el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
  };
  const describe = el => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().replace(/\\s+/g, ' ');
    const id = el.id ? '#' + el.id : '';
    return `<${el.tagName.toLowerCase()}${id}${el.type ? ' type=' + el.type : ''}> "${text.slice(0, 60)}"`;
  };
  const targets = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary')].filter(visible);
  return targets.map(el => {
    let target = el;
    if (el.type === 'radio' || el.type === 'checkbox') target = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    const box = target.getBoundingClientRect();
    return {what: describe(el), width: Math.round(box.width), height: Math.round(box.height)};
  }).filter(t => t.width < min || t.height < min);
}"""

OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const wide = [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .map(el => `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ').join('.') : ''}>`);
  return {excess: root.scrollWidth - width, wide: wide.slice(0, 5)};
}"""

SCREENS = "() => document.documentElement.scrollHeight / window.innerHeight"


def layout_problems(page) -> list[str]:
    """Each small target and any sideways scrolling, in words that name the element."""
    problems = [f"{t['what']} is {t['width']}×{t['height']} px" for t in page.evaluate(SMALL_TARGETS, MIN_TARGET)]
    overflow = page.evaluate(OVERFLOW)
    if overflow["excess"] > 0:
        problems.append(f"the page scrolls sideways by {overflow['excess']} px ({', '.join(overflow['wide'])})")
    return problems


def assert_phone_layout(page, where: str = "") -> None:
    problems = layout_problems(page)
    assert not problems, f"{where or page.url}:\n  " + "\n  ".join(problems)


def screens(page) -> float:
    """How many phone screens the page is long."""
    return page.evaluate(SCREENS)
