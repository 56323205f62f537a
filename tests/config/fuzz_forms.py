"""The forms of a page as a browser would submit them untouched: each field's default value
(text inputs, hidden inputs, the checked radio or checkbox, the selected option, a textarea's
text) and the names of its file inputs. test_fuzz_no_500.py posts these with one field replaced,
so a hostile value reaches the service behind an otherwise valid form."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "reset", "image"}


@dataclass
class PageForm:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)


class _FormParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self.textarea: str | None = None
        self.text: list[str] = []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.option_value: str | None = None
        self.option_selected = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = found.get("action") or self.page_path
            self.form = PageForm(action, found.get("method", "get").lower())
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and found.get("name"):
            kind = found.get("type", "text").lower()
            if kind == "file":
                self.form.files.append(found["name"])
            elif kind in ("checkbox", "radio"):
                if "checked" in found:
                    self.form.add(found["name"], found.get("value", "on"))
            elif kind not in SKIPPED_INPUTS:
                self.form.add(found["name"], found.get("value", ""))
        elif tag == "textarea" and found.get("name"):
            self.textarea, self.text = found["name"], []
        elif tag == "select" and found.get("name"):
            self.select, self.options = found["name"], []
        elif tag == "option" and self.select is not None:
            self.option_value = found.get("value")
            self.option_selected = "selected" in found
            self.text = []

    def handle_data(self, data: str) -> None:
        if self.textarea is not None or self.option_value is not None or self.select:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.form is not None and self.textarea is not None:
            text = "".join(self.text)
            self.form.add(self.textarea, text[1:] if text.startswith("\n") else text)
            self.textarea = None
        elif tag == "option" and self.select is not None:
            value = self.option_value if self.option_value is not None else "".join(self.text)
            self.options.append((value.strip(), self.option_selected))
            self.option_value = None
        elif tag == "select" and self.form is not None and self.select is not None:
            chosen = [value for value, selected in self.options if selected] or [
                value for value, _ in self.options[:1]
            ]
            for value in chosen:
                self.form.add(self.select, value)
            self.select = None


def page_forms(html: str, page_path: str) -> list[PageForm]:
    parser = _FormParser(page_path)
    parser.feed(html)
    parser.close()
    return parser.forms
