"""Charts for 统计 and 排名, drawn with matplotlib in a CJK font that the install brings (mplfonts ships
the Noto Sans CJK face): bars of organisations and submissions with a line of the average completion
rate; a ranking's score rates as bars, the bottom three in red."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")           # no screen: draw into files

import mplfonts  # noqa: E402
from matplotlib import font_manager, pyplot  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from handlers import messages as m  # noqa: E402

CJK_FONT = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"


def cjk_family() -> str:
    """The CJK face's family name, registered with matplotlib once per process."""
    if str(CJK_FONT) not in {font.fname for font in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(CJK_FONT))
    return font_manager.FontProperties(fname=str(CJK_FONT)).get_name()


def bars_and_line(path: Path, title: str, labels: list[str], orgs: list[int], submitted: list[int],
                  shares: list[float]) -> Path:
    """Bars: organisations and those submitted, per label; line: average completion rate (%)."""
    family = cjk_family()
    with pyplot.rc_context({"font.family": family, "axes.unicode_minus": False}):
        figure, left = pyplot.subplots(figsize=(max(6, len(labels) * 0.9), 4.5), dpi=120)
        positions = range(len(labels))
        left.bar([p - 0.2 for p in positions], orgs, width=0.4, label=m.CHART_ORGS, color="#9DC3E6")
        left.bar([p + 0.2 for p in positions], submitted, width=0.4, label=m.CHART_SUBMITTED, color="#2E75B6")
        left.set_xticks(list(positions), labels, rotation=30 if len(labels) > 6 else 0)
        left.yaxis.set_major_locator(MaxNLocator(integer=True))        # organisations come whole
        right = left.twinx()
        right.plot(list(positions), [share * 100 for share in shares], color="#C00000", marker="o",
                   label=m.CHART_SHARE)
        right.set_ylim(0, 100)
        left.set_title(title)
        handles = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        left.legend(handles, [h.get_label() for h in handles], loc="upper center", bbox_to_anchor=(0.5, -0.12),
                    ncol=3, fontsize=8, frameon=False)
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path)
        pyplot.close(figure)
    return path


def ranking_bars(path: Path, title: str, labels: list[str], rates: list[float], bottom: list[bool]) -> Path:
    """One bar a ranked org, best at the top: its score rate (%), the bottom three in red."""
    family = cjk_family()
    with pyplot.rc_context({"font.family": family, "axes.unicode_minus": False}):
        figure, axes = pyplot.subplots(figsize=(7, max(3, len(labels) * 0.28 + 1)), dpi=120)
        positions = list(range(len(labels)))[::-1]
        axes.barh(positions, [rate * 100 for rate in rates], color=["#C00000" if low else "#2E75B6" for low in bottom])
        axes.set_yticks(positions, labels, fontsize=8)
        axes.set_xlim(0, 100)
        axes.set_xlabel(m.RANK_CHART_AXIS)
        axes.set_title(title)
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path)
        pyplot.close(figure)
    return path
