//! The business's own look for the widget and the hosted page: its brand colour, light or dark
//! theme and launcher position, and the colours that keep every text readable on them.
//!
//! Contrast follows WCAG 2.2 (relative luminance, 1.4.3 for text at 4.5:1, 1.4.11 for the
//! launcher's edge at 3:1). Text on the brand colour is black or white, whichever contrasts
//! more — one of them always reaches 4.5:1 — and where the brand colour is too faint against
//! the page behind the launcher, the launcher gets an outline that is not. The maths runs on
//! the server; the widget receives the chosen colours in its config.

/// `#rrggbb`, the form a colour is stored and sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// Today's teal, the colour a business has until it picks one.
pub const DEFAULT_BRAND: Rgb = Rgb(0x0f, 0x76, 0x6e);
pub const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
pub const BLACK: Rgb = Rgb(0x00, 0x00, 0x00);
/// The surfaces the widget draws on, per theme (its panel, and the page it assumes behind
/// the launcher), and the ink it writes with.
pub const LIGHT_SURFACE: Rgb = Rgb(0xff, 0xff, 0xff);
pub const DARK_SURFACE: Rgb = Rgb(0x11, 0x18, 0x27);
pub const LIGHT_INK: Rgb = Rgb(0x1f, 0x29, 0x37);
pub const DARK_INK: Rgb = Rgb(0xf3, 0xf4, 0xf6);

/// WCAG's thresholds.
pub const TEXT_MIN: f64 = 4.5;
pub const EDGE_MIN: f64 = 3.0;

pub const COLOR_INVALID: &str = "Enter a colour as # and six hex digits, like #0f766e.";
pub const THEME_INVALID: &str = "Choose light, dark or auto.";
pub const POSITION_INVALID: &str = "Choose bottom-right or bottom-left.";

impl Rgb {
    /// `#rrggbb` in either case; `None` for anything else (no shorthand, no names).
    pub fn parse(raw: &str) -> Option<Rgb> {
        let hex = raw.trim().strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    /// Lower-case `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG 2.2 relative luminance.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }
}

/// The contrast ratio of two colours, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// `light` (the default), `dark`, or `auto` (follows the visitor's `prefers-color-scheme`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Light,
    Dark,
    Auto,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Light, Theme::Dark, Theme::Auto];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Which bottom corner the launcher sits in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Position {
    #[default]
    BottomRight,
    BottomLeft,
}

impl Position {
    pub const ALL: [Position; 2] = [Position::BottomRight, Position::BottomLeft];

    pub fn as_str(self) -> &'static str {
        match self {
            Position::BottomRight => "bottom-right",
            Position::BottomLeft => "bottom-left",
        }
    }

    pub fn parse(s: &str) -> Option<Position> {
        Position::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// The colours for one surface (light or dark).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scheme {
    pub surface: Rgb,
    pub ink: Rgb,
    /// The brand colour as text and borders on this surface (links, chips): the brand itself
    /// when it reads at 4.5:1 here, else the ink.
    pub brand_text: Rgb,
    /// The brand against this surface (the launcher's edge).
    pub brand_ratio: f64,
    /// Drawn around the launcher when the brand alone is below 3:1 against the page.
    pub outline: Option<Rgb>,
}

/// Everything the widget and the hosted page paint with, chosen from the brand colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    pub brand: Rgb,
    /// Black or white, whichever contrasts more with the brand.
    pub on_brand: Rgb,
    pub on_brand_ratio: f64,
    pub light: Scheme,
    pub dark: Scheme,
}

fn scheme(brand: Rgb, surface: Rgb, ink: Rgb) -> Scheme {
    let brand_ratio = contrast(brand, surface);
    Scheme {
        surface,
        ink,
        brand_text: if brand_ratio >= TEXT_MIN { brand } else { ink },
        brand_ratio,
        outline: (brand_ratio < EDGE_MIN).then_some(ink),
    }
}

pub fn palette(brand: Rgb) -> Palette {
    let (white, black) = (contrast(brand, WHITE), contrast(brand, BLACK));
    let (on_brand, on_brand_ratio) = if white >= black {
        (WHITE, white)
    } else {
        (BLACK, black)
    };
    Palette {
        brand,
        on_brand,
        on_brand_ratio,
        light: scheme(brand, LIGHT_SURFACE, LIGHT_INK),
        dark: scheme(brand, DARK_SURFACE, DARK_INK),
    }
}

/// The widget's look as CSS for its shadow root, sent in `widget-config` (`look`) and laid
/// over `widget/src/style.css`, whose `:host` declares the same custom properties with today's
/// light values: `--b` brand, `--f` text on the brand, `--a` the brand as text and edges on a
/// surface, `--o` the launcher's outline, `--s` surfaces (panel, bubbles, cards, fields), `--g`
/// the conversation's background, `--i` ink, `--m` muted text, `--e` edges, `--k` field edges,
/// `--h` hovered surfaces, `--r`/`--q`/`--x` a refused answer's ink, background and edge.
/// `auto` follows the visitor's `prefers-color-scheme`; bottom-left mirrors the launcher and
/// its panel.
#[cfg(feature = "server")]
pub fn widget_css(brand: Rgb, theme: Theme, position: Position) -> String {
    let p = palette(brand);
    let light = scheme_vars(&p, &p.light, false);
    let dark = scheme_vars(&p, &p.dark, true);
    let mut css = match theme {
        Theme::Light => [":host{", &light, "}"].concat(),
        Theme::Dark => [":host{", &dark, "}"].concat(),
        Theme::Auto => [
            ":host{",
            &light,
            "}@media (prefers-color-scheme:dark){:host{",
            &dark,
            "}}",
        ]
        .concat(),
    };
    if position == Position::BottomLeft {
        css.push_str(
            ":host([data-handoff-widget=launcher]){right:auto!important;left:20px!important}\
             :host([data-handoff-widget=launcher]) .hw-panel{right:auto;left:0}",
        );
    }
    css
}

/// One scheme's custom properties (see [`widget_css`]); the dark one also recolours what light
/// leaves at `style.css`'s values.
#[cfg(feature = "server")]
fn scheme_vars(p: &Palette, s: &Scheme, dark: bool) -> String {
    let outline = s.outline.map_or("transparent".to_string(), Rgb::hex);
    let mut vars = [
        ("--b", p.brand.hex()),
        ("--f", p.on_brand.hex()),
        ("--a", s.brand_text.hex()),
        ("--o", outline),
    ]
    .map(|(name, value)| [name, ":", &value, ";"].concat())
    .concat();
    if dark {
        vars.push_str(&[
            "color-scheme:dark;--s:",
            &DARK_SURFACE.hex(),
            ";--g:#030712;--i:",
            &DARK_INK.hex(),
            ";--m:#9ca3af;--e:#374151;--k:#6b7280;--h:#1f2937;--r:#fca5a5;--q:#450a0a;--x:#f87171",
        ]
        .concat());
    }
    vars
}

/// A ratio as the settings page shows it: "4.5:1" (rounded down, so a shown pass is a pass).
pub fn ratio_label(ratio: f64) -> String {
    format!("{:.1}:1", (ratio * 10.0).floor() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_six_digit_hex_only() {
        assert_eq!(Rgb::parse("#0F766e"), Some(DEFAULT_BRAND));
        assert_eq!(Rgb::parse(" #ffffff "), Some(WHITE));
        for bad in [
            "", "#fff", "0f766e", "#0f766", "#0f766e0", "#gggggg", "teal", "#0f 66e", "#+f766e",
        ] {
            assert_eq!(Rgb::parse(bad), None, "{bad:?}");
        }
        assert_eq!(DEFAULT_BRAND.hex(), "#0f766e");
    }

    #[test]
    fn contrast_matches_wcag_reference_values() {
        let cases = [
            (BLACK, WHITE, 21.0),
            (WHITE, WHITE, 1.0),
            (Rgb(0x77, 0x77, 0x77), WHITE, 4.48),
            (Rgb(0x6b, 0x72, 0x80), Rgb(0xf3, 0xf4, 0xf6), 4.39),
            (DEFAULT_BRAND, WHITE, 5.47),
        ];
        for (a, b, want) in cases {
            let got = contrast(a, b);
            assert!((got - want).abs() < 0.01, "{a:?} on {b:?}: {got}");
            assert_eq!(contrast(a, b), contrast(b, a));
        }
    }

    #[test]
    fn text_on_the_brand_always_reaches_aa() {
        // Every grey and a sweep of hues: black or white always reaches 4.5:1.
        for v in (0..=255u16).step_by(5) {
            for brand in [
                Rgb(v as u8, v as u8, v as u8),
                Rgb(v as u8, 0, 255 - v as u8),
                Rgb(255, v as u8, 0),
            ] {
                let p = palette(brand);
                assert!(
                    p.on_brand_ratio >= TEXT_MIN,
                    "{brand:?}: {}",
                    p.on_brand_ratio
                );
                assert_eq!(p.on_brand_ratio, contrast(brand, p.on_brand));
            }
        }
        assert_eq!(palette(DEFAULT_BRAND).on_brand, WHITE);
        assert_eq!(
            palette(Rgb(0xff, 0xd7, 0x00)).on_brand,
            BLACK,
            "gold takes black text"
        );
    }

    #[test]
    fn a_faint_brand_gets_an_outline_and_ink_for_text() {
        let yellow = palette(Rgb(0xff, 0xeb, 0x3b));
        assert_eq!(
            yellow.light.outline,
            Some(LIGHT_INK),
            "yellow on a white page"
        );
        assert_eq!(yellow.light.brand_text, LIGHT_INK);
        assert_eq!(
            yellow.dark.outline, None,
            "yellow stands out on a dark page"
        );
        let navy = palette(Rgb(0x1e, 0x3a, 0x8a));
        assert_eq!(navy.light.outline, None);
        assert_eq!(navy.light.brand_text, navy.brand);
        assert_eq!(navy.dark.outline, Some(DARK_INK), "navy on a dark page");
        for p in [yellow, navy, palette(DEFAULT_BRAND)] {
            for s in [p.light, p.dark] {
                assert!(contrast(s.brand_text, s.surface) >= TEXT_MIN);
                assert!(s.outline.is_none_or(|o| contrast(o, s.surface) >= EDGE_MIN));
            }
        }
    }

    #[test]
    fn ratios_are_shown_rounded_down() {
        assert_eq!(ratio_label(4.499), "4.4:1");
        assert_eq!(ratio_label(21.0), "21.0:1");
        assert_eq!(ratio_label(5.47), "5.4:1");
    }

    #[test]
    fn themes_and_positions_round_trip() {
        for t in Theme::ALL {
            assert_eq!(Theme::parse(t.as_str()), Some(t));
        }
        for p in Position::ALL {
            assert_eq!(Position::parse(p.as_str()), Some(p));
        }
        assert_eq!(Theme::parse("Dark"), None);
        assert_eq!(Position::parse("top-left"), None);
    }

    /// The custom properties a `:host{…}` block of `css` sets, first block only.
    #[cfg(feature = "server")]
    fn host_vars(css: &str) -> Vec<(String, String)> {
        let block = css.split(":host{").nth(1).unwrap_or("");
        let block = block.split('}').next().unwrap_or("");
        block
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .filter(|(name, _)| name.starts_with("--"))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    /// Every text the widget draws stays at 4.5:1 in both schemes, for any brand colour: the
    /// light values are `style.css`'s own defaults, the dark ones what `widget_css` sends.
    #[cfg(feature = "server")]
    #[test]
    fn the_widgets_text_is_readable_in_both_schemes_whatever_the_brand() {
        let style = include_str!("../../widget/src/style.css");
        let defaults = host_vars(style);
        for brand in [
            DEFAULT_BRAND,
            Rgb(0xff, 0xeb, 0x3b),
            Rgb(0x11, 0x18, 0x27),
            WHITE,
            BLACK,
        ] {
            for (theme, dark) in [(Theme::Light, false), (Theme::Dark, true)] {
                let mut vars = defaults.clone();
                vars.extend(host_vars(&widget_css(brand, theme, Position::BottomRight)));
                let var = |name: &str| {
                    let value = vars
                        .iter()
                        .rev()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.clone());
                    Rgb::parse(&value.unwrap_or_default()).unwrap_or_else(|| panic!("{name}"))
                };
                let pairs = [
                    ("--i", "--s"),
                    ("--i", "--g"),
                    ("--m", "--s"),
                    ("--m", "--g"),
                    ("--a", "--s"),
                    ("--f", "--b"),
                    ("--r", "--q"),
                    ("--r", "--s"),
                ];
                for (ink, surface) in pairs {
                    let ratio = contrast(var(ink), var(surface));
                    assert!(
                        ratio >= TEXT_MIN,
                        "{brand:?} dark={dark}: {ink} on {surface} {ratio}"
                    );
                }
            }
        }
    }

    #[cfg(feature = "server")]
    #[test]
    fn the_widget_css_follows_theme_and_position() {
        let auto = widget_css(DEFAULT_BRAND, Theme::Auto, Position::BottomRight);
        assert!(auto.contains("@media (prefers-color-scheme:dark){:host{"));
        assert!(auto.starts_with(":host{--b:#0f766e;--f:#ffffff;--a:#0f766e;--o:transparent;}"));
        let light = widget_css(DEFAULT_BRAND, Theme::Light, Position::BottomRight);
        assert!(!light.contains("color-scheme:dark") && !light.contains("left:"));
        let dark = widget_css(DEFAULT_BRAND, Theme::Dark, Position::BottomLeft);
        assert!(dark.starts_with(":host{") && dark.contains("color-scheme:dark"));
        assert!(!dark.contains("@media"));
        assert!(dark.contains("left:20px!important"));
        // A yellow launcher on a white page gets the ink as its outline; on dark it needs none.
        let yellow = widget_css(Rgb(0xff, 0xeb, 0x3b), Theme::Auto, Position::BottomRight);
        assert!(yellow.contains("--o:#1f2937;"));
        assert!(yellow.contains("--f:#000000;"));
    }
}
