"""The chart panel: a symbol, a bar size and simulated candles painted with QPainter.

:class:`CandleView` fits as many candles as its width holds, with a price axis on the right, a
time axis below and the last price marked; it stays readable down to its minimum size. Prices come
from :mod:`tws_companion.gui.panels.prices` and refresh once a second while the chart is shown.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Slot
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QHideEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from tws_companion.gui.panels.base import PanelWidget
from tws_companion.gui.panels.common import (
    DOWN,
    UP,
    RefreshTimer,
    SymbolEdit,
    copy_extra,
    format_change,
    format_number,
    format_percent,
)
from tws_companion.gui.panels.labels import bar_size_label
from tws_companion.gui.panels.prices import BAR_MINUTES, Bar, SimulatedMarket, default_market
from tws_companion.layout.model import BAR_SIZES, Chart

__all__ = ["CandleView", "ChartPanel", "nice_step"]

#: Most candles drawn, however wide the chart.
MAX_CANDLES = 240


def nice_step(span: float, most: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving at most ``most`` steps over
    ``span``."""
    if span <= 0 or most < 1:
        return 1.0
    raw = span / most
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def _time_label(bar: Bar, bar_size: str) -> str:
    if bar_size == "1 week":
        return bar.start.strftime("%Y-%m-%d")
    if bar_size == "1 day":
        return bar.start.strftime("%m-%d")
    return bar.start.strftime("%H:%M")


class CandleView(QWidget):
    """Simulated candles of one symbol and bar size."""

    def __init__(self, market: SimulatedMarket, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.market = market
        self.symbol = ""
        self.bar_size = "5 mins"
        #: Shown instead of candles when there is no symbol (set by the panel, translated).
        self.empty_text = ""
        #: Shown when the bar size is one this version cannot draw.
        self.unknown_bar_size_text = ""
        self._tick = market.tick()
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def sizeHint(self) -> QSize:
        return QSize(480, 300)

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance("00000.00") * 3, metrics.height() * 7)

    def set_chart(self, symbol: str, bar_size: str) -> None:
        self.symbol, self.bar_size = symbol, bar_size
        self.update()

    def refresh(self) -> None:
        """Repaint if the market moved on."""
        tick = self.market.tick()
        if tick != self._tick:
            self._tick = tick
            self.update()

    def candle_count(self) -> int:
        """How many candles the current width holds."""
        return max(1, min(MAX_CANDLES, self._plot_width() // self._slot()))

    def _slot(self) -> int:
        return 6 if self.width() < 360 else 8

    def _axis_width(self) -> int:
        return self.fontMetrics().horizontalAdvance("00,000.00") + 12

    def _plot_width(self) -> int:
        return max(1, self.width() - self._axis_width() - 8)

    def bars(self) -> list[Bar]:
        """The bars the view shows now."""
        if not self.symbol or self.bar_size not in BAR_MINUTES:
            return []
        return self.market.bars(self.symbol, self.bar_size, self.candle_count(), self._tick)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        palette = self.palette()
        text_color = palette.color(QPalette.ColorRole.Text)
        metrics = QFontMetrics(self.font())
        if not self.symbol or self.bar_size not in BAR_MINUTES:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            message = self.empty_text if not self.symbol else self.unknown_bar_size_text
            painter.drawText(
                self.rect().adjusted(8, 8, -8, -8),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                message,
            )
            return
        bars = self.bars()
        line = metrics.height()
        title_height = line + 6
        time_height = line + 6
        plot = QRect(
            4,
            title_height,
            self._plot_width(),
            max(1, self.height() - title_height - time_height),
        )
        low = min(bar.low for bar in bars)
        high = max(bar.high for bar in bars)
        if high - low < 0.02:
            low, high = low - 0.01, high + 0.01
        padding = (high - low) * 0.06
        low, high = low - padding, high + padding

        def y_of(price: float) -> float:
            return plot.bottom() - (price - low) / (high - low) * plot.height()

        grid = QColor(palette.color(QPalette.ColorRole.Mid))
        grid.setAlpha(90)
        axis_x = plot.right() + 6

        # Price axis and horizontal grid.
        step = nice_step(high - low, max(1, plot.height() // (line * 2)))
        price = math.ceil(low / step) * step
        while price <= high:
            y = y_of(price)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text_color)
            painter.drawText(
                QRectF(axis_x, y - line / 2, self.width() - axis_x - 2, line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                format_number(price),
            )
            price += step

        # Candles, newest on the right.
        slot = self._slot()
        body = max(1, slot - 2)
        right = plot.right() - slot // 2
        label_width = metrics.horizontalAdvance(_time_label(bars[-1], self.bar_size)) + 16
        label_every = max(1, math.ceil(label_width / slot))
        for offset, bar in enumerate(reversed(bars)):
            x = right - offset * slot
            if offset % label_every == 0 and x - label_width / 2 >= plot.left() - 2:
                painter.setPen(QPen(grid, 1))
                painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
                painter.setPen(text_color)
                painter.drawText(
                    QRectF(x - label_width / 2, plot.bottom() + 3, label_width, line),
                    Qt.AlignmentFlag.AlignCenter,
                    _time_label(bar, self.bar_size),
                )
            color = UP if bar.close >= bar.open else DOWN
            painter.setPen(QPen(color, 1))
            painter.drawLine(QPointF(x, y_of(bar.high)), QPointF(x, y_of(bar.low)))
            top = y_of(max(bar.open, bar.close))
            height = max(1.0, y_of(min(bar.open, bar.close)) - top)
            painter.fillRect(QRectF(x - body / 2, top, body, height), color)

        # The last price: a dashed line and its value on the axis.
        last = bars[-1]
        color = UP if last.close >= last.open else DOWN
        y = y_of(last.close)
        painter.setPen(QPen(color, 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        tag = QRectF(axis_x - 2, y - line / 2 - 1, self.width() - axis_x, line + 2)
        painter.fillRect(tag, color)
        painter.setPen(QColor("white"))
        painter.drawText(
            tag.adjusted(2, 0, 0, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            format_number(last.close),
        )

        # Title: symbol, bar size, last price and change.
        quote = self.market.quote(self.symbol, self._tick)
        painter.setPen(text_color)
        title = f"{self.symbol}  ·  {bar_size_label(self.bar_size)}  ·  {format_number(quote.last)}"
        title = metrics.elidedText(title, Qt.TextElideMode.ElideRight, self.width() - 8)
        painter.drawText(
            QRectF(4, 2, self.width() - 8, line + 2),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        change = f"{format_change(quote.change)} ({format_percent(quote.change_pct)})"
        change_x = 4 + metrics.horizontalAdvance(title) + 12
        if change_x + metrics.horizontalAdvance(change) <= self.width() - 4:
            painter.setPen(UP if quote.change >= 0 else DOWN)
            painter.drawText(
                QRectF(change_x, 2, self.width() - change_x, line + 2),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                change,
            )


class ChartPanel(PanelWidget):
    def __init__(
        self,
        state: Chart,
        parent: QWidget | None = None,
        *,
        market: SimulatedMarket | None = None,
    ) -> None:
        super().__init__(parent)
        self._extra = copy_extra(state.extra)
        self.symbol_label = QLabel()
        self.symbol_edit = SymbolEdit()
        self.symbol_edit.setText(state.symbol)
        self.symbol_label.setBuddy(self.symbol_edit)
        self.bar_size_label = QLabel()
        self.bar_size_combo = QComboBox()
        sizes = list(BAR_SIZES)
        if state.bar_size not in sizes:
            sizes.append(state.bar_size)  # from a newer version: kept, shown as it is
        for size in sizes:
            self.bar_size_combo.addItem(size, size)
        self.bar_size_combo.setCurrentIndex(self.bar_size_combo.findData(state.bar_size))
        self.bar_size_label.setBuddy(self.bar_size_combo)
        self.view = CandleView(market or default_market())
        self.view.set_chart(self.symbol_edit.symbol(), state.bar_size)

        top = QHBoxLayout()
        top.addWidget(self.symbol_label)
        top.addWidget(self.symbol_edit)
        top.addSpacing(8)
        top.addWidget(self.bar_size_label)
        top.addWidget(self.bar_size_combo)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.symbol_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("M" * 9) + 12)

        self.timer = RefreshTimer(self)
        self.timer.timeout.connect(self.view.refresh)
        self.symbol_edit.editingFinished.connect(self._symbol_entered)
        self.bar_size_combo.currentIndexChanged.connect(self._bar_size_chosen)
        self.retranslate()

    def retranslate(self) -> None:
        self.symbol_label.setText(self.tr("&Symbol:"))
        self.symbol_edit.setAccessibleName(self.tr("Chart symbol"))
        self.symbol_edit.setPlaceholderText(self.tr("e.g. SPY"))
        self.bar_size_label.setText(self.tr("&Bar size:"))
        self.bar_size_combo.setAccessibleName(self.tr("Bar size"))
        for index in range(self.bar_size_combo.count()):
            self.bar_size_combo.setItemText(
                index, bar_size_label(str(self.bar_size_combo.itemData(index)))
            )
        self.view.empty_text = self.tr("Type a symbol and press Enter to see its chart.")
        self.view.unknown_bar_size_text = self.tr("This bar size cannot be shown.")
        self.view.setAccessibleName(self.tr("Price chart"))
        self.view.update()

    def state(self) -> Chart:
        return Chart(
            symbol=self.view.symbol,
            bar_size=str(self.bar_size_combo.currentData()),
            extra=copy_extra(self._extra),
        )

    def show_symbol(self, symbol: str) -> None:
        """Chart the color group's symbol."""
        if symbol and symbol != self.view.symbol:
            self.symbol_edit.setText(symbol)
            self.view.set_chart(symbol, self.view.bar_size)
            self.changed.emit()

    @Slot()
    def _symbol_entered(self) -> None:
        symbol = self.symbol_edit.symbol()
        if not symbol:
            self.symbol_edit.setText(self.view.symbol)  # nothing charted without a symbol
            return
        if symbol != self.view.symbol:
            self.view.set_chart(symbol, self.view.bar_size)
            self.changed.emit()
            self.symbolChosen.emit(symbol)

    @Slot(int)
    def _bar_size_chosen(self, index: int) -> None:
        self.view.set_chart(self.view.symbol, str(self.bar_size_combo.itemData(index)))
        self.changed.emit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.timer.start_in_phase()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)
