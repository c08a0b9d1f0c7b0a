#!/usr/bin/env python3
"""Turns a `tmux capture-pane -e -p` dump (text with SGR colour escapes)
into an SVG of a dark terminal. Usage: ansi2svg.py COLS ROWS < in > out.svg

Handles the SGR codes tmux emits: reset, bold, dim, italic, underline,
reverse, crossed-out, 16/256/RGB foreground and background."""

import html
import re
import sys

COLS, ROWS = int(sys.argv[1]), int(sys.argv[2])
CW, CH = 8.4, 17.0  # cell size in px for a 14px monospace font
BG, FG = "#1e1f29", "#e4e4e4"
PALETTE = [
    "#21222c", "#ff5555", "#50fa7b", "#f1fa8c", "#6e8cff", "#ff79c6", "#8be9fd", "#d0d0d0",
    "#6272a4", "#ff6e6e", "#69ff94", "#ffffa5", "#92a6ff", "#ff92df", "#a4ffff", "#ffffff",
]


def xterm256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (v, v, v)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.italic = self.under = self.rev = self.strike = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.italic, self.under, self.rev, self.strike)

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.under = True
            elif c == 7:
                self.rev = True
            elif c == 9:
                self.strike = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.under = False
            elif c == 27:
                self.rev = False
            elif c == 29:
                self.strike = False
            elif 30 <= c <= 37:
                self.fg = PALETTE[c - 30]
            elif 90 <= c <= 97:
                self.fg = PALETTE[c - 90 + 8]
            elif c == 39:
                self.fg = None
            elif 40 <= c <= 47:
                self.bg = PALETTE[c - 40]
            elif 100 <= c <= 107:
                self.bg = PALETTE[c - 100 + 8]
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    col = xterm256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    col = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    col = None
                if c == 38:
                    self.fg = col
                else:
                    self.bg = col
            i += 1


def cells(text):
    """Yields rows of (char, style-key) cells."""
    style = Style()
    rows = []
    for line in text.split("\n")[:ROWS]:
        row = []
        for m in re.finditer(r"\x1b\[([0-9;]*)m|\x1b[^\[]|([^\x1b])", line):
            if m.group(1) is not None:
                style.apply(m.group(1))
            elif m.group(2) is not None:
                row.append((m.group(2), style.key()))
        rows.append(row)
    return rows


def main():
    rows = cells(sys.stdin.read())
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{COLS * CW + 20:.0f}" '
        f'height="{ROWS * CH + 20:.0f}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
        f'font-size="14px">',
        f'<rect width="100%" height="100%" rx="6" fill="{BG}"/>',
    ]
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            ch, key = row[x]
            run = [ch]
            end = x + 1
            while end < len(row) and row[end][1] == key:
                run.append(row[end][0])
                end += 1
            fg, bg, bold, dim, italic, under, rev, strike = key
            fg, bg = fg or FG, bg
            if rev:
                fg, bg = (bg or BG), fg
            px, py = 10 + x * CW, 10 + y * CH
            if bg:
                out.append(f'<rect x="{px:.1f}" y="{py:.1f}" width="{len(run) * CW:.1f}" '
                           f'height="{CH}" fill="{bg}"/>')
            text = "".join(run)
            if text.strip():
                attrs = [f'x="{px:.1f}"', f'y="{py + CH * 0.78:.1f}"', f'fill="{fg}"',
                         f'textLength="{len(run) * CW:.1f}"', 'lengthAdjust="spacingAndGlyphs"',
                         'xml:space="preserve"']
                if bold:
                    attrs.append('font-weight="bold"')
                if dim:
                    attrs.append('opacity="0.6"')
                if italic:
                    attrs.append('font-style="italic"')
                deco = " ".join(d for d, on in (("underline", under), ("line-through", strike)) if on)
                if deco:
                    attrs.append(f'text-decoration="{deco}"')
                out.append(f'<text {" ".join(attrs)}>{html.escape(text)}</text>')
            x = end
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
