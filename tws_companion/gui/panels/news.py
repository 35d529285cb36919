"""The news panel: simulated headlines from the sources the trader ticks, filtered by a keyword.

Picking a headline picks its symbol (the color group follows it).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tws_companion.gui.panels.base import PanelWidget
from tws_companion.gui.panels.common import copy_extra, with_column
from tws_companion.gui.panels.headlines import Headline, matches, simulated_headlines
from tws_companion.gui.panels.labels import news_source_label
from tws_companion.layout.model import NEWS_SOURCES, News

__all__ = ["NewsPanel"]

_HEADLINE = Qt.ItemDataRole.UserRole


class NewsPanel(PanelWidget):
    def __init__(
        self,
        state: News,
        parent: QWidget | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self._extra = copy_extra(state.extra)
        #: The sources followed, in the stored order (ones this version does not know included).
        self._sources = list(state.sources)
        self._now = now or datetime.now()
        self.headlines = simulated_headlines(self._now)

        self.sources_box = QGroupBox()
        grid = QGridLayout(self.sources_box)
        grid.setContentsMargins(6, 4, 6, 4)
        self.source_checks: dict[str, QCheckBox] = {}
        for position, source in enumerate(NEWS_SOURCES):
            check = QCheckBox()
            check.setChecked(source in self._sources)
            check.toggled.connect(self._source_toggled)
            check.setProperty("source", source)
            grid.addWidget(check, position // 2, position % 2)
            self.source_checks[source] = check
        self.keyword_label = QLabel()
        self.keyword_edit = QLineEdit(state.keyword)
        self.keyword_edit.setClearButtonEnabled(True)
        self.keyword_label.setBuddy(self.keyword_edit)
        self.list = QTreeWidget()
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setColumnCount(3)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        #: One item per headline, in the same order.
        self.items: list[QTreeWidgetItem] = []
        for position, headline in enumerate(self.headlines):
            item = QTreeWidgetItem([self._time_text(headline), "", headline.text])
            item.setData(0, _HEADLINE, position)
            item.setToolTip(2, headline.text)
            self.items.append(item)
        self.list.addTopLevelItems(self.items)
        self.count_label = QLabel()

        keyword_row = QHBoxLayout()
        keyword_row.addWidget(self.keyword_label)
        keyword_row.addWidget(self.keyword_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.sources_box)
        layout.addLayout(keyword_row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.count_label)

        self.keyword_edit.textChanged.connect(self._keyword_changed)
        self.list.currentItemChanged.connect(self._headline_chosen)
        self.retranslate()

    def _time_text(self, headline: Headline) -> str:
        if headline.time.date() == self._now.date():
            return headline.time.strftime("%H:%M")
        return headline.time.strftime("%m-%d %H:%M")

    def retranslate(self) -> None:
        self.sources_box.setTitle(self.tr("Sources"))
        for source, check in self.source_checks.items():
            check.setText(news_source_label(source).replace("&", "&&"))
            check.setAccessibleName(
                self.tr("Follow {source}").format(source=news_source_label(source))
            )
        self.keyword_label.setText(self.tr("&Keyword:"))
        self.keyword_edit.setPlaceholderText(self.tr("Only headlines containing this text"))
        self.keyword_edit.setAccessibleName(self.tr("Keyword filter"))
        self.list.setHeaderLabels([self.tr("Time"), self.tr("Source"), self.tr("Headline")])
        self.list.setAccessibleName(self.tr("Headlines"))
        for item, headline in zip(self.items, self.headlines, strict=True):
            item.setText(1, news_source_label(headline.source))
        self._apply_filter()

    # --- state -------------------------------------------------------------------------------

    def state(self) -> News:
        return News(
            sources=list(self._sources),
            keyword=self.keyword_edit.text(),
            extra=copy_extra(self._extra),
        )

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint().expandedTo(QSize(240, 200))

    def shown_headlines(self) -> list[Headline]:
        """The headlines the list shows now, newest first."""
        return [
            headline
            for item, headline in zip(self.items, self.headlines, strict=True)
            if not item.isHidden()
        ]

    # --- edits -------------------------------------------------------------------------------

    @Slot(bool)
    def _source_toggled(self, followed: bool) -> None:
        check = self.sender()
        if not isinstance(check, QCheckBox):
            return
        source = str(check.property("source"))
        if followed:
            self._sources = with_column(self._sources, source, NEWS_SOURCES)
        else:
            self._sources = [chosen for chosen in self._sources if chosen != source]
        self._apply_filter()
        self.changed.emit()

    @Slot(str)
    def _keyword_changed(self, text: str) -> None:
        self._apply_filter()
        self.changed.emit()

    def _apply_filter(self) -> None:
        sources = frozenset(self._sources)
        keyword = self.keyword_edit.text()
        shown = 0
        for item, headline in zip(self.items, self.headlines, strict=True):
            visible = matches(headline, sources, keyword)
            item.setHidden(not visible)
            shown += visible
        if not sources & set(NEWS_SOURCES):
            text = self.tr("Tick at least one source to see headlines.")
        else:
            text = self.tr("{shown} of {total} headlines").format(
                shown=shown, total=len(self.headlines)
            )
        self.count_label.setText(text)

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _headline_chosen(self, current: QTreeWidgetItem | None, previous: object) -> None:
        if current is not None:
            self.symbolChosen.emit(self._headline(current).symbol)

    def _headline(self, item: QTreeWidgetItem) -> Headline:
        return self.headlines[int(item.data(0, _HEADLINE))]
